"""The op table's formulas as expressions: substituted, simplified, and written out.

A chain-rule factor is a partial derivative of the op table read with the operands' names
put in: a sigmoid's ∂out/∂x, ``out * (1.0 - out)``, with out = out_n9. This module does the
reading: it puts expressions in for a formula's names (``substitute``), folds what is
constant (the 2 of x², a product's numbers: ½ · 2(t − o) · (−1) is o − t), and writes the
result as text or LaTeX, with names or with numbers (``write``). It never decides a value:
whoever shows a formula checks ``evaluate`` against the engine's number first.

Expressions are Python ``ast`` trees over the functions of ``ieee.FUNCTIONS``; a name is a
placeholder that the caller maps to a node.
"""

from __future__ import annotations

import ast
import copy
import math
import operator
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .ieee import FUNCTIONS
from .notation import MINUS, latex_number, number

Expr = ast.expr
ONE = 1.0


def parse(formula: str) -> Expr:
    """An op-table formula as an expression."""
    return ast.parse(formula, mode="eval").body


def const(x: float) -> Expr:
    return ast.Constant(float(x))


def symbol(name: str) -> Expr:
    """A placeholder for a node, named ``name`` (not a word of ``ieee.FUNCTIONS``)."""
    return ast.Name(name, ast.Load())


def substitute(expr: Expr, env: Mapping[str, Expr]) -> Expr:
    """``expr`` with each name in ``env`` replaced by its expression.

    Expressions are never changed in place here (``simplify`` works on its own copy), so the
    result shares every subtree it does not change: substituting the numbers into each of a
    network's thousands of derivations copies nothing but the path to each name."""
    if isinstance(expr, ast.Name):
        return env.get(expr.id, expr)
    changed, fields = False, dict[str, Any]()
    for field, value in ast.iter_fields(expr):
        if isinstance(value, ast.expr):
            new: object = substitute(value, env)
        elif isinstance(value, list):
            new = [substitute(v, env) if isinstance(v, ast.expr) else v for v in value]
        else:
            new = value
        changed = changed or (new is not value and new != value)
        fields[field] = new
    return type(expr)(**fields) if changed else expr


def product(factors: Sequence[Expr]) -> Expr:
    """f₀·f₁·…, as a balanced tree: a neuron of 784 inputs nests 10 deep, not 784."""
    return _balanced(list(factors), ast.Mult(), ONE)


def total(terms: Sequence[Expr]) -> Expr:
    """t₀ + t₁ + …, as a balanced tree (see ``product``); written flat all the same."""
    return _balanced(list(terms), ast.Add(), 0.0)


def _balanced(items: list[Expr], op: ast.operator, empty: float) -> Expr:
    if not items:
        return const(empty)
    while len(items) > 1:
        pairs = [ast.BinOp(items[i], op, items[i + 1]) for i in range(0, len(items) - 1, 2)]
        items = pairs + ([items[-1]] if len(items) % 2 else [])
    return items[0]


def evaluate(expr: Expr, values: Mapping[str, float]) -> float:
    """The expression's value, names read from ``values``, with the engine's IEEE functions
    (nan where it cannot be done: a name with no value, an activation's derivative ``d_relu``).
    Walked, not compiled: a walkthrough checks tens of thousands of small expressions."""
    try:
        return float(_value(expr, values))
    except (ArithmeticError, ValueError, KeyError, TypeError):
        return math.nan


_ARITHMETIC: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: FUNCTIONS["ieee_div"], ast.Pow: FUNCTIONS["ieee_pow"],
    ast.Gt: operator.gt, ast.Lt: operator.lt, ast.GtE: operator.ge, ast.LtE: operator.le,
    ast.Eq: operator.eq, ast.NotEq: operator.ne,
}


def _value(e: Expr, values: Mapping[str, float]) -> Any:
    if isinstance(e, ast.Constant):
        return e.value
    if isinstance(e, ast.Name):
        return values[e.id]
    if isinstance(e, ast.BinOp):
        return _ARITHMETIC[type(e.op)](_value(e.left, values), _value(e.right, values))
    if isinstance(e, ast.UnaryOp) and isinstance(e.op, ast.USub):
        return -_value(e.operand, values)
    if isinstance(e, ast.Call) and isinstance(e.func, ast.Name):
        return FUNCTIONS[e.func.id](*(_value(a, values) for a in e.args))
    return _decision(e, values)


def _decision(e: Expr, values: Mapping[str, float]) -> Any:
    """A comparison, and/or, or if/else, as relu′'s and pow's partials have them."""
    if isinstance(e, ast.Compare) and len(e.ops) == 1:
        return _ARITHMETIC[type(e.ops[0])](_value(e.left, values), _value(e.comparators[0], values))
    if isinstance(e, ast.BoolOp):
        parts = [bool(_value(v, values)) for v in e.values]
        return all(parts) if isinstance(e.op, ast.And) else any(parts)
    if isinstance(e, ast.IfExp):
        return _value(e.body, values) if _value(e.test, values) else _value(e.orelse, values)
    raise TypeError(f"cannot evaluate {ast.dump(e)}")


def reproducing(expr: Expr, values: Mapping[str, float], result: float, digits: int) -> tuple[Expr, int]:
    """``expr`` with the numbers put in, and the digits to write them with: as many as it takes
    for the arithmetic written to give ``result`` to within a unit of its last digit shown.
    σ′ at a saturated sigmoid would read (1 − 1)·1 = 1.389e-11, so it is written with the
    digits of 1 − 0.99999999998611: a learner redoing a step gets the number shown. (When the
    arithmetic cannot be redone, nan or a formula's own function, ``digits`` it is.)"""
    numbers = substitute(expr, {k: const(v) for k, v in values.items()})
    for d in range(digits, 18):
        rounded = substitute(expr, {k: const(float(f"{v:.{d}g}")) for k, v in values.items()})
        got = evaluate(rounded, {})
        if got != got or _within_last_digit(got, result, digits):
            return numbers, d
    return numbers, 17


def digits_to_redo(values: Sequence[float], join: Callable[[list[Expr]], Expr], result: float,
                   digits: int) -> int:
    """The digits ``values`` need for ``join`` of them (``product`` or ``total``), done by hand,
    to give ``result`` as it is shown to ``digits``."""
    keys = [f"_v{i}" for i in range(len(values))]
    return reproducing(join([symbol(k) for k in keys]), dict(zip(keys, values)), result, digits)[1]


def _within_last_digit(got: float, result: float, digits: int) -> bool:
    """Does ``got``, the arithmetic redone, read as ``result`` does to ``digits``? (0.1002·0.343
    is 0.03437: it does not read 0.03438, so the numbers need another digit.)"""
    if not (math.isfinite(got) and math.isfinite(result)):
        return got == result
    return number(got, digits) == number(result, digits)


def is_constant(e: Expr, value: float | None = None) -> bool:
    return isinstance(e, ast.Constant) and (value is None or e.value == value)


def size(e: Expr) -> int:
    """How many nodes the expression has: a measure of how long it reads."""
    return sum(1 for _ in ast.walk(e))


# --- simplification --------------------------------------------------------------------


def simplify(expr: Expr) -> Expr:
    """Constants folded, ×1 and ^1 dropped, −(a − b) turned into b − a, decided ifs taken."""

    class Fold(ast.NodeTransformer):
        def visit_BinOp(self, node: ast.BinOp) -> Expr:
            self.generic_visit(node)
            return _binop(node)

        def visit_UnaryOp(self, node: ast.UnaryOp) -> Expr:
            self.generic_visit(node)
            return negate(node.operand) if isinstance(node.op, ast.USub) else node

        def visit_Call(self, node: ast.Call) -> Expr:
            self.generic_visit(node)
            return _call(node)

        def visit_Compare(self, node: ast.Compare) -> Expr:
            self.generic_visit(node)
            if len(node.ops) == 1 and all(map(is_constant, (node.left, *node.comparators))):
                return ast.Constant(evaluate(node, {}) != 0.0)
            return node

        def visit_BoolOp(self, node: ast.BoolOp) -> Expr:
            """x = 0 and y ≥ 0 with x = 0 known false is false; a known-true part is dropped."""
            self.generic_visit(node)
            decided = [v for v in node.values if isinstance(v, ast.Constant)]
            if any(bool(v.value) is isinstance(node.op, ast.Or) for v in decided):
                return ast.Constant(isinstance(node.op, ast.Or))
            rest = [v for v in node.values if not isinstance(v, ast.Constant)]
            if not rest:
                return ast.Constant(isinstance(node.op, ast.And))
            return rest[0] if len(rest) == 1 else ast.BoolOp(node.op, rest)

        def visit_IfExp(self, node: ast.IfExp) -> Expr:
            self.generic_visit(node)
            if isinstance(node.test, ast.Constant):
                return node.body if node.test.value else node.orelse
            return node

    out: Expr = Fold().visit(copy.deepcopy(expr))
    return out


def negate(e: Expr) -> Expr:
    """−e, written the short way: −c for a number, b − a for a − b, e for −e."""
    if isinstance(e, ast.Constant) and isinstance(e.value, float):
        return const(-e.value)
    if isinstance(e, ast.UnaryOp) and isinstance(e.op, ast.USub):
        return e.operand
    if isinstance(e, ast.BinOp) and isinstance(e.op, ast.Sub):
        return ast.BinOp(e.right, ast.Sub(), e.left)
    return ast.UnaryOp(ast.USub(), e)


def _binop(node: ast.BinOp) -> Expr:
    a, b, op = node.left, node.right, node.op
    if is_constant(a) and is_constant(b) and not isinstance(op, ast.Div):
        return const(evaluate(node, {}))
    if isinstance(op, ast.Mult):
        return _product_of(_factors(node))
    if isinstance(op, ast.Add):
        return _sum_of(a, b)
    if isinstance(op, ast.Sub) and is_constant(b, 0.0):
        return a
    if isinstance(op, ast.Sub) and is_constant(a, 0.0):
        return negate(b)
    if isinstance(op, ast.Pow) and is_constant(b, ONE):
        return a
    return node


def _sum_of(a: Expr, b: Expr) -> Expr:
    """a + b without a term 0, and a − b for a + (−b)."""
    if is_constant(a, 0.0):
        return b
    if is_constant(b, 0.0):
        return a
    if isinstance(b, ast.UnaryOp) and isinstance(b.op, ast.USub):
        return ast.BinOp(a, ast.Sub(), b.operand)
    if isinstance(b, ast.Constant) and isinstance(b.value, float) and b.value < 0.0:
        return ast.BinOp(a, ast.Sub(), const(-b.value))
    return ast.BinOp(a, ast.Add(), b)


def _factors(e: Expr) -> list[Expr]:
    if isinstance(e, ast.BinOp) and isinstance(e.op, ast.Mult):
        return _factors(e.left) + _factors(e.right)
    return [e]


def _product_of(factors: list[Expr]) -> Expr:
    """A product with its numbers multiplied into one coefficient, written first; a minus taken
    into a difference (−2·(t − o) is 2·(o − t)); c·(1/x) as c/x."""
    coefficient, rest = ONE, list[Expr]()
    for f in factors:
        if isinstance(f, ast.Constant) and isinstance(f.value, float):
            coefficient *= f.value
        elif isinstance(f, ast.UnaryOp) and isinstance(f.op, ast.USub):
            coefficient, rest = -coefficient, [*rest, f.operand]
        else:
            rest.append(f)
    if not rest or coefficient == 0.0:
        return const(coefficient)
    rest = _powers(rest)
    if coefficient < 0.0:
        flip = next((i for i, f in enumerate(rest) if _is_difference(f)), None)
        if flip is not None:
            coefficient, rest[flip] = -coefficient, negate(rest[flip])
    magnitude = _over(abs(coefficient), rest)
    return ast.UnaryOp(ast.USub(), magnitude) if coefficient < 0.0 else magnitude


def _over(coefficient: float, rest: list[Expr]) -> Expr:
    """c·a·b, with a factor 1/x written as a quotient: c·(1/x) is c/x."""
    inverse = next((i for i, f in enumerate(rest) if _is_reciprocal(f)), None)
    if inverse is not None:
        denominator = rest.pop(inverse).args[1]  # type: ignore[attr-defined]
        top = product([const(coefficient), *rest] if coefficient != ONE or not rest else rest)
        return ast.Call(ast.Name("ieee_div", ast.Load()), [top, denominator], [])
    return product(rest if coefficient == ONE else [const(coefficient), *rest])


def _is_difference(e: Expr) -> bool:
    return isinstance(e, ast.BinOp) and isinstance(e.op, ast.Sub)


def _is_reciprocal(e: Expr) -> bool:
    """1/x, as the op table writes log's partial."""
    return (isinstance(e, ast.Call) and isinstance(e.func, ast.Name) and e.func.id == "ieee_div"
            and len(e.args) == 2 and is_constant(e.args[0], ONE))


def _powers(factors: list[Expr]) -> list[Expr]:
    """Equal factors side by side as one power: tanh′ = 1 − out·out reads 1 − out²."""
    out: list[Expr] = []
    for f in factors:
        if out and ast.dump(out[-1]) == ast.dump(f):
            out[-1] = ast.BinOp(f, ast.Pow(), const(2.0))
        else:
            out.append(f)
    return out


def _call(node: ast.Call) -> Expr:
    name = node.func.id if isinstance(node.func, ast.Name) else ""
    args = node.args
    if name in FUNCTIONS and args and all(map(is_constant, args)):
        return const(evaluate(node, {}))
    if name == "ieee_pow" and len(args) == 2 and is_constant(args[1], ONE):
        return args[0]
    if name == "ieee_div" and len(args) == 2 and is_constant(args[1], ONE):
        return args[0]
    return node


# --- writing ---------------------------------------------------------------------------

# How tightly each form binds: a child binding less tightly than its place needs parentheses.
ATOM, POWER, TIMES, PLUS, COMPARE, CHOICE = 6, 5, 4, 3, 2, 1
SUPERSCRIPTS: dict[float | None, str] = {2.0: "²", 3.0: "³"}
_INFIX = {"ieee_div": ast.Div(), "ieee_pow": ast.Pow()}
_TEXT_CALLS = {"ieee_exp": "exp", "ieee_log": "log", "ieee_sqrt": "sqrt", "fabs": "abs", "sigmoid": "σ",
               "gelu": "GELU", "elu": "ELU", "maximum": "max", "minimum": "min"}
_LATEX_CALLS = {
    "ieee_exp": r"\exp",
    "ieee_log": r"\log",
    "tanh": r"\tanh",
    "sin": r"\sin",
    "cos": r"\cos",
    "sigmoid": r"\sigma",
    "relu": r"\mathrm{relu}",
    "sign": r"\operatorname{sign}",
    "log1p": r"\operatorname{log1p}",
    "expm1": r"\operatorname{expm1}",
    "softplus": r"\operatorname{softplus}",
    "gelu": r"\mathrm{GELU}",
    "elu": r"\mathrm{ELU}",
    "leaky_relu": r"\mathrm{leaky\_relu}",
    "maximum": r"\max",
    "minimum": r"\min",
}
_COMPARE = {ast.Gt: ">", ast.Lt: "<", ast.GtE: "≥", ast.LtE: "≤", ast.Eq: "=", ast.NotEq: "≠"}
_LATEX_COMPARE = {"≥": r"\ge", "≤": r"\le", "≠": r"\ne"}


def _run(e: Expr, op: type[ast.operator]) -> list[Expr]:
    """The operands of a run of one associative operator, left to right, without recursion."""
    out, stack = [], [e]
    while stack:
        x = stack.pop()
        if isinstance(x, ast.BinOp) and isinstance(x.op, op):
            stack += [x.right, x.left]
        else:
            out.append(x)
    return out


def _leads_with_minus(e: Expr) -> bool:
    """Is the first thing written for ``e`` a minus sign (−2, −x, −2 + y)?"""
    while isinstance(e, ast.BinOp) and not isinstance(e.op, ast.Pow):
        e = e.left
    if isinstance(e, ast.Constant) and isinstance(e.value, float):
        return e.value < 0.0 or str(e.value).startswith("-")
    return isinstance(e, ast.UnaryOp) and isinstance(e.op, ast.USub)


class Writer:
    """Writes expressions as text (``0.8035·(1 − 0.8035)``) or LaTeX, naming each placeholder
    by ``name`` (a label, or a number to show the substitution)."""

    def __init__(self, name: Callable[[str], str], *, latex: bool = False, digits: int = 4) -> None:
        self.name, self.latex, self.digits = name, latex, digits

    def __call__(self, e: Expr) -> str:
        # An if/else in parentheses, so that its = reads apart from the chain of = it stands in:
        # relu′(net) = (1 if net > 0 else 0) = (1 if 0.343 > 0 else 0) = 1.
        return self._write(e, CHOICE + 1 if isinstance(e, ast.IfExp) else 0)

    def _write(self, e: Expr, need: int) -> str:
        text, binds = self._form(e)
        if binds < need:
            return rf"\left({text}\right)" if self.latex else f"({text})"
        return text

    def _form(self, e: Expr) -> tuple[str, int]:
        """The expression's text and how tightly it binds, by the form of its root."""
        if isinstance(e, ast.Constant):
            return self._number(float(e.value))  # type: ignore[arg-type]
        if isinstance(e, ast.Name):
            return self.name(e.id), ATOM
        if isinstance(e, ast.UnaryOp) and isinstance(e.op, ast.USub):
            return ("-" if self.latex else MINUS) + self._write(e.operand, TIMES), PLUS
        if isinstance(e, ast.BinOp):
            return self._binop(e.left, e.op, e.right)
        if isinstance(e, ast.Call) and isinstance(e.func, ast.Name):
            return self._call(e.func.id, e.args)
        if isinstance(e, (ast.Compare, ast.BoolOp, ast.IfExp)):
            return self._condition(e)
        raise ValueError(f"cannot write {ast.unparse(e)!r}")

    def _condition(self, e: ast.Compare | ast.BoolOp | ast.IfExp) -> tuple[str, int]:
        """A comparison, and/or, or if/else: relu′ = 1 if net > 0 else 0."""
        if isinstance(e, ast.Compare):
            sign = _COMPARE[type(e.ops[0])]
            sign = _LATEX_COMPARE.get(sign, sign) if self.latex else sign
            left, right = self._write(e.left, PLUS), self._write(e.comparators[0], PLUS)
            return f"{left} {sign} {right}", COMPARE
        if isinstance(e, ast.BoolOp):
            word = "and" if isinstance(e.op, ast.And) else "or"
            joint = rf" \text{{ {word} }} " if self.latex else f" {word} "
            return joint.join(self._write(v, COMPARE) for v in e.values), CHOICE
        words = (r" \text{ if } ", r" \text{ else } ") if self.latex else (" if ", " else ")
        body, test = self._write(e.body, COMPARE), self._write(e.test, CHOICE)
        return f"{body}{words[0]}{test}{words[1]}{self._write(e.orelse, CHOICE)}", CHOICE

    def _number(self, x: float) -> tuple[str, int]:
        text = latex_number(x, self.digits) if self.latex else number(x, self.digits)
        # a negative number reads as a term of its own: "0.7·(−0.4)", "0.5 + (−0.4)"; one in
        # scientific notation is a product: (1e-05)², (1 \times 10^{-5})^{2}
        if text.startswith(("-", MINUS)):
            return text, PLUS
        return text, TIMES if "e" in text.replace("inf", "") or r"\times" in text else ATOM

    def _binop(self, a: Expr, op: ast.operator, b: Expr) -> tuple[str, int]:
        if isinstance(op, ast.Pow):
            return self._power(a, b)
        if isinstance(op, ast.Div) and self.latex:
            return rf"\frac{{{self._write(a, 0)}}}{{{self._write(b, 0)}}}", ATOM
        if isinstance(op, ast.Mult):  # a·(b·c) reads a·b·c: one run of factors, however nested
            sign = r" \cdot " if self.latex else "·"
            return sign.join(self._write(f, TIMES) for f in _run(ast.BinOp(a, op, b), ast.Mult)), TIMES
        if isinstance(op, ast.Div):
            return f"{self._write(a, TIMES)}/{self._write(b, TIMES + 1)}", TIMES
        if isinstance(op, ast.Add):  # a + (b + c) reads a + b + c; a negative term in parentheses
            first, *rest = _run(ast.BinOp(a, op, b), ast.Add)
            terms = [self._write(first, PLUS)]
            terms += [self._write(t, PLUS + 1 if _leads_with_minus(t) else PLUS) for t in rest]
            return " + ".join(terms), PLUS
        return f"{self._write(a, PLUS)} {'-' if self.latex else MINUS} {self._write(b, PLUS + 1)}", PLUS

    def _power(self, a: Expr, b: Expr) -> tuple[str, int]:
        base = self._write(a, ATOM)
        power = b.value if isinstance(b, ast.Constant) and isinstance(b.value, float) else None
        if power in SUPERSCRIPTS and not self.latex:  # x², as the documents write it
            return base + SUPERSCRIPTS[power], POWER
        bracketed = base.startswith(r"\left(") and base.endswith(r"\right)")
        if self.latex and not bracketed and ("^" in base or "_" in base):  # {w^{[1]}_{0,2}}^{2}
            base = "{" + base + "}"
        return (f"{base}^{{{self._write(b, 0)}}}" if self.latex else f"{base}^{self._write(b, ATOM)}"), POWER

    def _call(self, name: str, args: list[Expr]) -> tuple[str, int]:
        if name in _INFIX and len(args) == 2:
            return self._binop(args[0], _INFIX[name], args[1])
        inner = ", ".join(self._write(a, 0) for a in args)
        if name.startswith("d_"):  # an activation's derivative, as the documents write it: σ′(net)
            text, tex = (
                _TEXT_CALLS.get(name[2:], name[2:]),
                _LATEX_CALLS.get(name[2:], rf"\mathrm{{{name[2:]}}}"),
            )
            return (rf"{tex}'\left({inner}\right)" if self.latex else f"{text}′({inner})"), ATOM
        if self.latex:
            if name == "ieee_sqrt":
                return rf"\sqrt{{{inner}}}", ATOM
            if name == "fabs":
                return rf"\left|{inner}\right|", ATOM
            return rf"{_LATEX_CALLS.get(name, name)}\left({inner}\right)", ATOM
        return f"{_TEXT_CALLS.get(name, name)}({inner})", ATOM
