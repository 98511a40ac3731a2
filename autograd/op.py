"""``Op``: one row of the op table, a name with its value and partial derivatives as formulas.

A formula is a Python expression in the operands ``x`` (and ``y``); a partial may also read
``out``, the op's value. Rows are checked when they are made, that is when ``autograd`` is
imported: a formula that does not parse, or names anything but its operands and the functions
of ``ieee.FUNCTIONS``, raises there, naming the op and the word, instead of at the first call.

How a node holds its operands is the op's ``kind``; plain numbers never become graph nodes,
so a binary op has two more forms for a plain-number operand (``x * 2``, ``2 * x``), and a unary
op's parameter (leaky_relu's slope) is a plain number held the same way, as its ``y``.
"""

from __future__ import annotations

import ast
import hashlib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from .ieee import FUNCTIONS

UNARY = 1  # f(x) or f(x, c): the Value x in slot a, a plain-number c (or None) in slot b
BINARY = 2  # f(x, y): Values in slots a and b
CONST_LEFT = 3  # f(c, x): the Value in slot a, the plain number c in slot b
NARY = 4  # f(o0, o1, ...): a tuple of operands (Values or float constants) in slot a

Partial = Callable[..., float]
NaryFn = Callable[[Sequence[float]], float]
NaryPartials = Callable[[float, Sequence[float]], Sequence[float]]
# ∂out/∂operand i of an NARY op as an explanation writes it: another operand, or a number.
NaryShown = Callable[[int, Sequence[Any]], Any]
# An NARY op's value as source text over its operands' names (``ieee_sum((w0 * x0, b))``).
NaryWritten = Callable[[Sequence[str]], str]

# What each form of a binary op computes, with c for the plain-number operand.
FORMS = {"": "", "c": "with a constant", "l": "constant first"}


class Op:
    """One kind of graph node: its name, value formula, partials and the methods that make it.

    ``formula`` computes the value from ``x`` (and ``y``); ``partials`` are ∂out/∂x (and
    ∂out/∂y) in ``out``, ``x`` and ``y``. ``doc`` says what the op is, for ``help(Value)``.
    ``methods`` are the ``Value`` methods that record it (default: the op's name for a unary
    op; ``__name__`` and ``__rname__`` for a binary one, or one method, ``x.max(y)``, for a
    symmetric op, which then has no form with the number first). ``bounded``: every partial is
    finite for every input (nan included), so a node whose gradient is 0 passes exactly nothing
    on and backward may skip it. ``parameter``: a unary op's (name, default), a finite number
    its method takes and its formulas read as ``y`` (``leaky_relu(slope=0.01)``). ``fn``,
    ``d0`` and ``d1`` are the formulas compiled.
    """

    __slots__ = ("blocks", "bounded", "constant_left", "d0", "d1", "dn", "doc", "finite_with_value", "fn",
                 "formula", "kind", "methods", "name", "parameter", "partials", "shown", "variant",
                 "with_constant", "written")
    fn: Callable[..., float]
    d0: Partial
    d1: Partial
    dn: NaryPartials
    shown: NaryShown
    with_constant: Op | None
    constant_left: Op | None
    written: NaryWritten | None
    parameter: tuple[str, float] | None

    def __init__(self, name: str, formula: str, *partials: str, doc: str, methods: Sequence[str] = (),
                 bounded: bool = False, parameter: tuple[str, float] | None = None) -> None:
        if len(partials) not in (1, 2):
            raise ValueError(f"op {name!r}: give one partial per operand (1 or 2), not {len(partials)}")
        kind = UNARY if len(partials) == 1 else BINARY
        default = (name,) if kind == UNARY else (f"__{name}__", f"__r{name}__")
        self.parameter = _parameter(name, parameter, kind)
        self._define(name, formula, partials, kind, "", doc, tuple(methods) or default, bounded)
        self.with_constant = self._form("c", UNARY, partials[0]) if kind == BINARY else None
        two = kind == BINARY and len(self.methods) == 2  # one method: no form with the number first
        self.constant_left = self._form("l", CONST_LEFT, partials[-1]) if two else None

    def _define(self, name: str, formula: str, partials: tuple[str, ...], kind: int, variant: str, doc: str,
                methods: tuple[str, ...], bounded: bool) -> None:
        if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            raise ValueError(f"op {name!r}: a name is lower-case letters, digits and _")
        if not doc.strip():
            raise ValueError(f"op {name!r}: doc must say what the op computes")
        if kind == BINARY and len(methods) not in (1, 2):
            raise ValueError(f"op {name!r}: a binary op has two methods, (x op y, y op x), or one (x op y)")
        operands = ("x", "y") if kind == BINARY or variant or self.parameter else ("x",)
        self.name, self.formula, self.partials, self.doc = name, formula, partials, doc.strip()
        self.kind, self.variant, self.methods = kind, variant, methods
        self.bounded, self.blocks = bounded, False
        self.fn = _compile(name, "value", formula, operands)
        compiled = [_compile(name, "partial", d, ("out", "x", "y")) for d in partials]
        self.d0 = compiled[0]
        self.d1 = compiled[1] if len(compiled) > 1 else _no_operand
        self.dn = self.shown = _no_operand
        self.written = None
        self.finite_with_value = False
        self.with_constant = self.constant_left = None

    def _form(self, variant: str, kind: int, partial: str) -> Op:
        """This binary op with one plain-number operand: x op c ("c") or c op x ("l")."""
        form = Op.__new__(Op)
        form.parameter = None
        form._define(self.name, self.formula, (partial,), kind, variant, self.doc, (), self.bounded)
        return form

    @classmethod
    def nary(cls, name: str, formula: str, fn: NaryFn, dn: NaryPartials, shown: NaryShown, *, doc: str,
             blocks: bool = False, written: NaryWritten | None = None, finite_with_value: bool = False) -> Op:
        """An op over any number of operands, given as functions: ``fn(operands)``,
        ``dn(out, operands) -> partials`` and ``shown(i, operands)``, the partial for operand i
        as explanations write it (another operand, or a number); ``formula`` is only shown.
        ``blocks``: its partials are 0 by definition, a value held constant (explanations pass
        no path through it). ``written(names)``: fn's computation as source text over operand
        names, for compiled tapes (``program``), which otherwise call ``fn``. ``finite_with_value``:
        every partial is finite wherever the value is, so a compiled tape may skip a node whose
        gradient is 0 by testing its value instead of all its operands."""
        op = cls.__new__(cls)
        op.name, op.formula, op.partials, op.kind, op.variant = name, formula, (), NARY, ""
        op.doc, op.methods, op.bounded, op.blocks = doc, (), False, blocks
        op.fn, op.dn, op.shown, op.d0, op.d1 = fn, dn, shown, _no_operand, _no_operand
        op.written, op.finite_with_value, op.parameter = written, finite_with_value, None
        op.with_constant = op.constant_left = None
        return op

    @property
    def forms(self) -> tuple[Op, ...]:
        """A binary op's forms with a plain-number operand: (x op c, c op x), or (x op c,) for
        an op of one method (``x.max(2)``: max(2, x) is the same node)."""
        if self.with_constant is None:
            raise ValueError(f"{self!r} is not a binary op")
        if self.constant_left is None:
            return (self.with_constant,)
        return self.with_constant, self.constant_left

    @property
    def title(self) -> str:
        """The op and its operands as text: "mul: x * y", "mul, with a constant: x * c"."""
        formula = self.formula
        if self.variant:
            formula = re.sub(r"\by\b" if self.variant == "c" else r"\bx\b", "c", formula)
        if self.parameter:
            formula = re.sub(r"\by\b", self.parameter[0], formula)
        return f"{self.name}{', ' + FORMS[self.variant] if self.variant else ''}: {formula}"

    def __repr__(self) -> str:
        return f"<op {self.title}>"

    # An op is a row of the table, compared by identity (``op is MUL``): a copy, deep copy or
    # unpickled op must be the row itself, so it travels by name.
    def __reduce__(self) -> tuple[Callable[[str, str], Op], tuple[str, str]]:
        return (op_named, (self.name, self.variant))

    def __copy__(self) -> Op:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Op:
        return self

    def spec(self) -> tuple[Any, ...]:
        """Everything code generation reads from this op (see ``fingerprint``)."""
        return (self.name, self.formula, self.partials, self.kind, self.variant, self.doc, self.methods,
                self.bounded, self.blocks, self.parameter)


def _parameter(name: str, parameter: tuple[str, float] | None, kind: int) -> tuple[str, float] | None:
    """A unary op's parameter, checked: (a name for its method's argument, a finite default)."""
    if parameter is None:
        return None
    word, default = parameter
    if kind != UNARY or not re.fullmatch(r"[a-z][a-z0-9_]*", word) or word in ("x", "y", "out", "self"):
        raise ValueError(f"op {name!r}: a parameter belongs to a unary op and has a lower-case name, "
                         f"not {word!r}")
    if type(default) is not float or default - default != 0.0:
        raise ValueError(f"op {name!r}: parameter {word!r} needs a finite float default, not {default!r}")
    return word, default


def _no_operand(*args: object) -> Any:
    raise TypeError("this op has no such partial (see Op.kind for its operand layout)")


def parenthesized(expr: str) -> str:
    """A formula as an operand of ``*``: in parentheses unless it is one name, number or call."""
    atom = (ast.Name, ast.Constant, ast.Call, ast.Attribute, ast.Subscript)
    return expr if isinstance(ast.parse(expr, mode="eval").body, atom) else f"({expr})"


def names(expr: str) -> set[str]:
    """The variable and function names a formula reads."""
    return {n.id for n in ast.walk(ast.parse(expr, mode="eval")) if isinstance(n, ast.Name)}


def _compile(op: str, what: str, expr: str, variables: tuple[str, ...]) -> Callable[..., float]:
    """The formula as a function of ``variables``; ValueError naming any unknown word."""
    try:
        used = names(expr)
    except SyntaxError as e:
        raise ValueError(f"op {op!r}: {what} formula {expr!r} is not a Python expression ({e.msg})") from None
    unknown = sorted(used - set(variables) - set(FUNCTIONS))
    if unknown:
        raise ValueError(f"op {op!r}: {what} formula {expr!r} names {', '.join(map(repr, unknown))}: "
                         f"not an operand ({', '.join(variables)}) nor a function of ieee.FUNCTIONS")
    compiled: Callable[..., float] = eval(f"lambda {', '.join(variables)}: {expr}", dict(FUNCTIONS))
    return compiled


# Every op of the table and its forms by (name, variant), for ops that travel by name.
_BY_KEY: dict[tuple[str, str], Op] = {}


def op_named(name: str, variant: str = "") -> Op:
    """The table's op of this name (and form: "" the op, "c" x op c, "l" c op x)."""
    try:
        return _BY_KEY[name, variant]
    except KeyError:
        raise ValueError(f"no op {name!r} in the op table (was it removed?)") from None


def table_of(namespace: Mapping[str, object]) -> tuple[Op, ...]:
    """Every Op in ``namespace`` (a module's globals), in the order defined; each must be
    bound to its name in capitals (``MUL = Op("mul", ...)``), as generated code refers to it."""
    table = tuple(op for op in namespace.values() if isinstance(op, Op))
    for var, op in namespace.items():
        if isinstance(op, Op) and var != op.name.upper():
            raise ValueError(f"op {op.name!r} is bound to {var}; bind it to {op.name.upper()}")
    if len({op.name for op in table}) != len(table):
        raise ValueError("two ops share a name")
    for op in table:
        for form in (op, *(op.forms if op.kind == BINARY else ())):
            _BY_KEY[form.name, form.variant] = form
    return table


def node_ops(table: Iterable[Op]) -> tuple[Op, ...]:
    """Every op a generated loop tests one by one, in table order, each binary op followed by
    its plain-number forms (``x * 2`` and ``2 * x``); NARY ops share one branch."""
    return tuple(form for op in table if op.kind != NARY
                 for form in ((op, *op.forms) if op.kind == BINARY else (op,)))


def fingerprint(table: Iterable[Op]) -> str:
    """A digest of everything code generation reads from ``table``: the generated code records
    the digest of the table it was written from, so a stale copy is found at import."""
    text = repr([op.spec() for op in table])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
