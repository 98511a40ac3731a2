"""Writes ``autograd/generated/`` from the op table: the code that must not call a function per op.

Calling a Python function per op or per partial would double the engine's cost, so the hot
paths are ordinary Python files with each op's formula written in place:

- ``generated/operators.py``: ``Operators``, Value's operator methods (``__mul__``,
  ``tanh``, ...), each computing its op's formula and recording one node;
- ``generated/backward.py``: ``propagate``, the backward loop over graph nodes, one branch
  per op with its partials written in place;
- ``generated/tape_loops.py``: the same two loops over a tape's flat lists.

This is a development tool; nothing imports it at run time. After changing ``ops.py``::

    python autograd/codegen.py            # rewrite autograd/generated/
    python autograd/codegen.py --check    # exit 1 if it is stale (CI and tests/test_codegen.py)

Run as a script it loads only the op table (ops.py, op.py, ieee.py), not autograd/__init__.py,
which imports the generated code: so it works even when that code no longer fits the table
(an op removed, or generated/ deleted). ``python -m autograd.codegen`` works too, when it fits.
"""

from __future__ import annotations

import argparse
import ast
import sys
import textwrap
import types
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

if not __package__:  # run as a script: make the package without running its __init__.py
    _package = types.ModuleType("autograd")
    _package.__path__ = [str(Path(__file__).resolve().parent)]
    sys.modules.setdefault("autograd", _package)
    __package__ = "autograd"

from . import ops
from .ieee import FUNCTIONS
from .notation import formula
from .op import BINARY, CONST_LEFT, NARY, UNARY, Op, fingerprint, names, node_ops, parenthesized

HERE = Path(__file__).resolve().parent / "generated"
LINE = 110  # the longest line ruff allows (pyproject.toml)
METHOD = " " * 8  # a method body's indent
BODY = " " * 4  # a function body's indent
LOOP = " " * 8  # a loop body's indent, in a function
HEADER = "Written by ``python autograd/codegen.py`` from the op table, autograd/ops.py: do not edit."


def global_name(op: Op) -> str:
    """The name an op has in generated code: ``MUL``, and ``MUL_C``/``MUL_L`` for its forms."""
    return op.name.upper() + ("_" + op.variant.upper() if op.variant else "")


def _import(module: str, names: Sequence[str]) -> str:
    """``from module import names``, wrapped one name a line (as ruff's isort) when too long."""
    line = f"from {module} import {', '.join(names)}"
    if len(line) <= LINE:
        return line
    return "\n".join([f"from {module} import (", *(f"    {n}," for n in names), ")"])


def _imports(table: Sequence[Op], code: str, extra: Iterable[str] = ()) -> list[str]:
    """The import lines ``code`` needs: the ops and ieee functions it names, sorted as ruff wants."""
    used = {n.id for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Name)}
    functions = sorted(f for f in FUNCTIONS if f in used)
    op_names = sorted(global_name(op) for op in table if global_name(op) in used)
    lines = [*extra]
    if functions:
        lines.append(_import("..ieee", functions))
    if op_names:
        lines.append(_import("..ops", op_names))
    return sorted(lines, key=lambda line: line.split()[1])


def _forms(table: Sequence[Op], code: str) -> list[str]:
    """``MUL_C, MUL_L = MUL.forms`` for each binary op whose forms ``code`` names (``(MAX_C,) =
    MAX.forms`` for an op of one method)."""
    lines = []
    for op in table:
        if op.kind == BINARY and f"{global_name(op)}_C" in code:
            names = ", ".join(global_name(form) for form in op.forms)
            lines.append(f"{names} = {global_name(op)}.forms" if len(op.forms) > 1
                         else f"({names},) = {global_name(op)}.forms")
    return lines


def _module(doc: str, table: Sequence[Op], body: list[str], imports: Iterable[str] = (),
            typing: str = "") -> str:
    """A generated module: docstring, imports, the plain-number forms, then ``body``."""
    code = "\n".join(body)
    head = [f'"""{doc}\n\n{HEADER}\n"""', "", "from __future__ import annotations", ""]
    stdlib = sorted(line for line in imports if not line.startswith("from ."))
    local = _imports(table, code, [line for line in imports if line.startswith("from .")])
    head += stdlib + ([""] if stdlib else []) + local
    if typing:
        head += ["", "if TYPE_CHECKING:", f"    {typing}"]
    forms = _forms(table, code)
    code = "\n".join(piece for line in code.split("\n") for piece in _wrapped(line))
    return "\n".join([*head, "", *forms, *([""] if forms else []), "", code]).rstrip() + "\n"


def _wrapped(line: str) -> list[str]:
    """A line of code cut where ruff allows no longer (a formula as long as GELU's partial):
    at spaces inside parentheses and outside strings, each cut 4 spaces further in than the line."""
    if len(line) < LINE:
        return [line]
    indent = " " * (len(line) - len(line.lstrip()) + 4)
    pieces: list[str] = []
    start = 0
    cuts = _cut_points(line)
    while len(line) - start + (len(indent) if pieces else 0) >= LINE:
        room = LINE - 1 - (len(indent) if pieces else 0)
        fitting = [k for k in cuts if start < k <= start + room]
        if not fitting:
            break
        pieces.append((indent if pieces else "") + line[start:fitting[-1]])
        start = fitting[-1] + 1
    return [*pieces, (indent if pieces else "") + line[start:]]


def _cut_points(line: str) -> list[int]:
    """Where a line of code may be cut: its spaces inside brackets, outside string literals."""
    cuts, depth, quote = [], 0, ""
    for i, c in enumerate(line):
        if c in "'\"" and quote in ("", c):
            quote = "" if quote else c
        elif not quote:
            depth += (c in "([") - (c in ")]")
            if c == " " and depth > 0:
                cuts.append(i)
    return cuts


def docstring(op: Op, method: str) -> str:
    """A method's docstring for ``help(Value)``: what it computes and its partials, on one line
    where that fits (the body of a method is indented 8), else one line each."""
    head = f"{op.doc}: {formula(op.formula)}"
    if op.kind == BINARY:
        reflected = len(op.methods) > 1 and method == op.methods[1]
        head += " with x = other, y = self" if reflected else " with x = self, y = other"
    if op.parameter:
        head += f" with y = {op.parameter[0]}"
    partials = [f"∂/∂{v} = {formula(d)}" for v, d in zip("xy", op.partials)]
    line = f"{head}; {', '.join(partials)}."
    if len(METHOD + '""""""' + line) <= LINE:
        return line
    width = LINE - 1 - len(METHOD + '"""')  # a line too long for one is cut at spaces
    lines = [*textwrap.wrap(f"{head}.", width, break_long_words=False), ""]
    for p in partials:
        lines += textwrap.wrap(p, width, subsequent_indent="    ", break_long_words=False)
    return "\n".join(lines[:1] + [METHOD + line if line else "" for line in lines[1:]])


# The tail of every operator method: build the node in place (object.__new__ and slot
# stores, no __init__ call) from the locals value, op, b and depth. _born: the EPOCH it was
# made in, so that backward can tell a leaf changed since (see EPOCH).
RECORD = """\
v = new(Value)
v._data = value
v._grad = 0.0
v._label = ""
v._mark = None
v._born = EPOCH
if MODE.plain:
    v._op = op
    v._a = self
    v._b = b
    v._depth = depth
    return v
return finish(v, op, self, b, depth)"""


def _indent(text: str, indent: str) -> list[str]:
    return [indent + line if line else "" for line in text.split("\n")]


def _not_an_operand(method: str) -> list[str]:
    """What a method does with an operand that is not a number: an operator returns
    NotImplemented (Python then raises TypeError); a named method raises it, as Python would."""
    if method.startswith("__"):
        return ["return NotImplemented"]
    return [f"raise TypeError(\"unsupported operand type(s) for {method}(): 'Value' and \"",
            "                f\"'{type(other).__name__}'\") from None"]


def _binary_methods(op: Op) -> list[str]:
    """x op y and, for an op of two methods, y op x with x a plain number."""
    forward = op.methods[0]
    c = global_name(op.forms[0])
    pow_modulo = ", modulo: None = None" if forward == "__pow__" else ""
    lines = [f"    def {forward}(self, other: Value | Number{pow_modulo}) -> Value:",
             f'        """{docstring(op, forward)}"""']
    if pow_modulo:  # pow(a, b, m) must not pass silently
        lines += ["        if modulo is not None:",
                  "            raise TypeError('pow() with a modulus is not defined for Value')"]
    lines += ["        x = self._data", "        b: Value | float",
              "        if type(other) is Value or isinstance(other, Value):",
              "            y = other._data", f"            value = {op.formula}",
              f"            op = {global_name(op)}", "            b = other",
              "            da = self._depth", "            db = other._depth",
              "            depth = (da if da > db else db) + 1", "        else:",
              "            try:", "                y = real(other)", "            except TypeError:",
              *(" " * 16 + line for line in _not_an_operand(forward)), f"            value = {op.formula}",
              f"            op = {c}", "            b = y", "            depth = self._depth + 1",
              *_indent(RECORD, METHOD)]
    if len(op.methods) == 1:
        return lines
    reflected, left = op.methods[1], global_name(op.forms[1])
    lines += ["", f"    def {reflected}(self, other: Number) -> Value:",
              f'        """{docstring(op, reflected)}"""',
              "        try:", "            x = real(other)", "        except TypeError:",
              "            return NotImplemented", "        y = self._data", f"        value = {op.formula}",
              f"        op = {left}", "        b = x", "        depth = self._depth + 1",
              *_indent(RECORD, METHOD)]
    return lines


def _unary_method(op: Op, method: str) -> list[str]:
    """f(x); for an op with a parameter, f(x, parameter=default), the parameter held as ``b``."""
    if op.parameter is None:
        head, load, b = f"    def {method}(self) -> Value:", [], "None"
    else:
        word, default = op.parameter
        head = f"    def {method}(self, {word}: Number = {default!r}) -> Value:"
        load, b = [f'        y = finite({word}, "{method}: {word}")'], "y"
    return [head, f'        """{docstring(op, method)}"""', "        x = self._data", *load,
            f"        value = {op.formula}", f"        op = {global_name(op)}", f"        b = {b}",
            "        depth = self._depth + 1", *_indent(RECORD, METHOD)]


# Comparisons: plain bools on the data, so that ``if loss < best`` and ``sorted(values)`` work;
# == and != stay identity (with the hash), so that a Value is a dict key and a set member.
COMPARISONS = {"__lt__": "<", "__le__": "<=", "__gt__": ">", "__ge__": ">="}


def _comparison(method: str, sign: str) -> list[str]:
    return [f"    def {method}(self, other: Value | Number) -> bool:",
            f'        """self.data {sign} other (its data, for a Value): a plain bool, not a node."""',
            "        if type(other) is Value or isinstance(other, Value):",
            f"            return self._data {sign} other._data", "        try:",
            f"            return self._data {sign} real(other)", "        except TypeError:",
            "            return NotImplemented"]


SLOTS = """\
    __slots__ = ()
    # The node's slots, declared in Value; named here for type checkers.
    _data: float
    _grad: float
    _label: str
    _mark: object
    _op: Op | None
    _a: Any
    _b: Any
    _depth: int
    _born: int"""


def _parameters(table: Sequence[Op]) -> bool:
    """Whether an op of the table has a parameter (its method then checks it with ``finite``)."""
    return any(op.parameter for op in table)


def operators_module(table: Sequence[Op]) -> str:
    """``generated/operators.py``: the ``Operators`` base class of ``Value``, and ``record``."""
    body = ["new = object.__new__",
            "# How many times a leaf's data has been set (value.py counts): a node made, or a leaf set,",
            "# records it in _born, and backward refuses a leaf set after the output it starts from.",
            "EPOCH = 0", "", "", "class Operators:",
            '    """Value\'s arithmetic: one method per op of the table, each recording one node."""', "",
            SLOTS]
    for op in table:
        if op.kind == BINARY:
            body += ["", *_binary_methods(op)]
        elif op.kind == UNARY:
            for method in op.methods:
                body += ["", *_unary_method(op, method)]
    for method, sign in COMPARISONS.items():
        body += ["", *_comparison(method, sign)]
    body += ["", "", "def record(value: float, op: Op, self: Any, b: Any, depth: int) -> Value:",
             '    """Record a node of an n-ary op (dot, vsum, shift): the tail of every method above."""',
             "    # self is what goes in the node's first slot, as in the methods.",
             *_indent(RECORD, BODY), "", "",
             "def bind(cls: type[Value]) -> None:",
             '    """Called once by autograd/value.py: ``cls`` is the class the operators create."""',
             '    globals()["Value"] = cls']
    imports = ["from typing import TYPE_CHECKING, Any", "from ..modes import MODE, finish",
               "from ..op import Op",
               f"from ..validate import {'Number, finite, real' if _parameters(table) else 'Number, real'}"]
    return _module("Value's operator methods, one per op of the table, each recording one node.",
                   table, body, imports, typing="from ..value import Value")


class Dialect:
    """How a backward loop reads and writes one kind of storage: graph nodes, or a tape's lists.

    ``head`` sets ``g``, ``op`` and ``a`` for each node; ``load`` says where ``b``, ``x``, ``y``
    and ``out`` come from for each operand layout; ``target`` where operand slot a's or b's
    gradient accumulates; ``nary`` the branch shared by the n-ary ops.
    """

    def __init__(self, name: str, params: list[str], doc: str, head: list[str],
                 load: dict[int, dict[str, str]], target: str, nary: list[str]) -> None:
        self.name, self.params, self.doc, self.head, self.load = name, params, doc, head, load
        self.target, self.nary = target, nary


GRAPH = Dialect(
    "propagate", ["order: list[Value]"],
    "For each node, last to first: every operand's grad += the node's grad · ∂node/∂operand.",
    ["for node in reversed(order):", "    g = node._grad", "    op: Any = node._op", "    a = node._a"],
    {BINARY: {"b": "node._b", "x": "a._data", "y": "b._data", "out": "node._data"},
     UNARY: {"x": "a._data", "y": "node._b", "out": "node._data"},
     CONST_LEFT: {"x": "node._b", "y": "a._data", "out": "node._data"}},
    "{slot}._grad",
    ["data = operand_data(a)",
     "if g or not isfinite(sum(data)):  # else every partial is finite: 0 · it adds nothing",
     "    for x, d in zip(a, op.dn(node._data, data)):",
     "        if type(x) is not float:",
     "            x._grad += g * d"],
)

TAPE = Dialect(
    "backward",
    ["vals: list[float]", "grads: list[float]", "code: list[Op]", "A: list[Any]", "B: list[Any]",
     "first: int"],
    "The tape's backward pass: grads[slot] += grads[node] · ∂node/∂operand, last node first.",
    ["for i in range(len(code) - 1, -1, -1):", "    s = first + i", "    g = grads[s]", "    op = code[i]",
     "    a = A[i]"],
    {BINARY: {"b": "B[i]", "x": "vals[a]", "y": "vals[b]", "out": "vals[s]"},
     UNARY: {"x": "vals[a]", "y": "B[i]", "out": "vals[s]"},
     CONST_LEFT: {"x": "B[i]", "y": "vals[a]", "out": "vals[s]"}},
    "grads[{slot}]",
    ["gather, slots = a", "data = gather(vals)", "if g or not isfinite(sum(data)):",
     "    for o, d in zip(slots, op.dn(vals[s], data)):", "        grads[o] += g * d"],
)


def _backward_branch(op: Op, dialect: Dialect) -> list[str]:
    """One op's branch: load the operands its partials read, push g · partial to each."""
    pushes = [("a", op.partials[0])] + ([("b", op.partials[1])] if op.kind == BINARY else [])
    used = set().union(*(names(d) for _, d in pushes))
    load = dialect.load[op.kind]
    lines = ["b = " + load["b"]] if op.kind == BINARY else []
    lines += [f"{v} = {load[v]}" for v in ("x", "y", "out") if v in used]
    indent = ""
    if op.bounded:  # finite partials whatever the input: with g == 0 it adds exactly nothing
        lines.append("if g:")
        indent = "    "
    for slot, d in pushes:
        # Exact shortcuts: g * 1.0 == g, and s + g * -1.0 == s - g, for every float.
        update = {"1.0": "+= g", "-1.0": "-= g"}.get(d, f"+= g * {parenthesized(d)}")
        lines.append(f"{indent}{dialect.target.format(slot=slot)} {update}")
    return lines


def _dispatch(table: Sequence[Op], nary_at: int, branch: Callable[[Op], list[str]],
              nary: list[str]) -> list[str]:
    """An if/elif chain over the table's node ops by identity, with the n-ary ops' shared branch
    at ``nary_at``; ops whose branches are the same share one (``op is ADD_C or op is ADD_L``)."""
    arms = [([f"op is {global_name(op)}"], [op.title], branch(op)) for op in node_ops(table)]
    arms.insert(nary_at, (["op.kind == NARY"], [", ".join(op.name for op in table if op.kind == NARY)], nary))
    merged: list[tuple[list[str], list[str], list[str]]] = []
    for tests, comments, body in arms:
        if merged and merged[-1][2] == body:
            merged[-1][0].extend(tests)
            merged[-1][1].extend(comments)
        else:
            merged.append((tests, comments, body))
    lines = []
    for k, (tests, comments, body) in enumerate(merged):
        lines.append(f"{'elif' if k else 'if'} {' or '.join(tests)}:  # {'; '.join(comments)}")
        lines += ["    " + line for line in body]
    return lines


def nary_position(table: Sequence[Op]) -> int:
    """How many of the node ops come before the first n-ary op in the table."""
    first = next((k for k, op in enumerate(table) if op.kind == NARY), len(table))
    return len(node_ops(table[:first]))


def signature(name: str, params: list[str], table: Sequence[Op]) -> list[str]:
    """``def name(params, *, ADD: Op = ADD, ...) -> None:``, one parameter a line: the ops the
    dispatch tests, bound as parameters, are read as fast locals instead of globals."""
    bound = [f"{global_name(op)}: Op = {global_name(op)}," for op in node_ops(table)] + ["NARY: int = NARY,"]
    lines = [f"def {name}(", *(f"    {p}," for p in params),
             "    *,  # the ops the loop tests, bound here so that it reads them as fast locals"]
    for p in bound:  # packed, as many a line as fit
        if len(lines[-1]) + 1 + len(p) <= LINE and lines[-1].endswith(","):
            lines[-1] += " " + p
        else:
            lines.append("    " + p)
    return [*lines, ") -> None:"]


def _loop(dialect: Dialect, table: Sequence[Op], nary_at: int) -> list[str]:
    chain = _dispatch(table, nary_at, lambda op: _backward_branch(op, dialect), dialect.nary)
    return [*signature(dialect.name, dialect.params, table), f'    """{dialect.doc}"""',
            *(BODY + line for line in dialect.head), *(LOOP + line for line in chain)]


def backward_module(table: Sequence[Op]) -> str:
    """``generated/backward.py``: ``propagate``, the backward loop over graph nodes."""
    return _module("The backward loop over graph nodes: the chain rule, one branch per op of the table.",
                   table, _loop(GRAPH, table, nary_position(table)),
                   ["from math import isfinite", "from typing import TYPE_CHECKING, Any",
                    "from ..graph import operand_data", "from ..op import NARY, Op"],
                   typing="from ..value import Value")


# Where the tape's forward loop finds x and y: b is the node's second slot or its constant.
FORWARD_LOAD = {BINARY: {"x": "vals[a]", "y": "vals[b]"}, UNARY: {"x": "vals[a]", "y": "b"},
                CONST_LEFT: {"x": "b", "y": "vals[a]"}}


def _forward_branch(op: Op) -> list[str]:
    used = names(op.formula)
    return [*(f"{v} = {FORWARD_LOAD[op.kind][v]}" for v in ("x", "y") if v in used), f"append({op.formula})"]


def tape_module(table: Sequence[Op]) -> str:
    """``generated/tape_loops.py``: the tape's forward and backward loops. On a tape most
    nodes are a network's dot nodes, so the n-ary branch comes first."""
    nary = ["append(op.fn(a[0](vals)))  # a = (gather, slots)"]
    chain = _dispatch(table, 0, _forward_branch, nary)
    params = ["vals: list[float]", "code: list[Op]", "A: list[Any]", "B: list[Any]"]
    forward = [*signature("forward", params, table),
               '    """The tape\'s forward pass: append each node\'s value, from its op\'s formula."""',
               "    append = vals.append", "    for op, a, b in zip(code, A, B):",
               *(LOOP + line for line in chain)]
    return _module("The tape's loops: forward and backward over flat lists, one branch per op of the table.",
                   table, [*forward, "", "", *_loop(TAPE, table, 0)],
                   ["from math import isfinite", "from typing import Any", "from ..op import NARY, Op"])


def package_init(table: Sequence[Op]) -> str:
    """``generated/__init__.py``: the digest of the table, checked at import."""
    return f'''"""Code written from the op table: Value's operators, the backward loop, the tape's loops.

{HEADER}
"""

from __future__ import annotations

import warnings

from .. import ops
from ..op import fingerprint

FINGERPRINT = "{fingerprint(table)}"  # of the op table these files were written from

if fingerprint(ops.TABLE) != FINGERPRINT:
    warnings.warn("autograd/generated/ was written from another op table than autograd/ops.py's; "
                  "run `python autograd/codegen.py`", RuntimeWarning, stacklevel=2)
'''


MODULES: dict[str, Callable[[Sequence[Op]], str]] = {
    "__init__.py": package_init,
    "operators.py": operators_module,
    "backward.py": backward_module,
    "tape_loops.py": tape_module,
}


def stale(table: Sequence[Op] = ops.TABLE, folder: Path = HERE) -> list[Path]:
    """The generated files whose text differs from what ``table`` gives (or that are missing)."""
    return [folder / name for name, write in MODULES.items()
            if not (folder / name).exists() or (folder / name).read_text(encoding="utf-8") != write(table)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python autograd/codegen.py", description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="only say whether generated/ is stale")
    args = parser.parse_args(argv)
    old = stale()
    if args.check:
        for path in old:
            print(f"stale: {path} (run python autograd/codegen.py)", file=sys.stderr)
        return 1 if old else 0
    for path in old:
        path.write_text(MODULES[path.name](ops.TABLE), encoding="utf-8")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
