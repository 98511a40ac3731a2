"""The op table: for every operation, its value and its local derivatives, defined once.

Everything else reads these rules: ``Value`` computes forward values with ``Op.fn``,
``backward`` multiplies the partials along a topological order, ``Value.local_grads``
reports them, and later the explanations, diagrams and tape do the same. If a second copy
of "the derivative of tanh is 1 - tanh²" appears anywhere else, the design has drifted.

Arithmetic follows IEEE 754 instead of Python's exceptions: ``exp(1000)`` is ``inf``,
``log(0)`` is ``-inf``, ``log(-1)`` and ``sqrt(-1)`` are ``nan``, ``1/0`` is ``inf``.
Derivative conventions at non-differentiable points: ``relu'(0) = 0``, ``abs'(0) = 0``
(as in PyTorch). For ``x ** y``: ``∂/∂x = 0`` when ``y == 0`` and ``∂/∂y = 0`` when
``x == 0 and y >= 0`` (also PyTorch's choices, so that ``0 ** 2`` has finite gradients).
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Sequence
from operator import mul
from typing import Any

INF = math.inf
NAN = math.nan

# How a node holds its operands (the ``kind`` of an Op). Constants are plain floats and
# never become graph nodes; they sit in the node's second slot.
UNARY = 1  # f(x) or f(x, c): the Value x in slot a, a constant (or None) in slot b
BINARY = 2  # f(x, y): Values in slots a and b
CONST_LEFT = 3  # f(c, x): the constant c in slot b, the Value x in slot a
NARY = 4  # f(o0, o1, ...): a tuple of operands (Values or float constants) in slot a

Partial = Callable[..., float]


class Op:
    """One kind of graph node: its name, its value and its partial derivatives, as formulas.

    ``formula`` computes the value from the operands ``x`` (and ``y``); each entry of
    ``partials`` is ∂out/∂x (and ∂out/∂y) as an expression in ``out`` (the op's value), ``x``
    and ``y``. The formulas are the single source of the calculus: they are compiled into
    ``fn``/``d0``/``d1`` here and inlined into the backward loop by ``backprop``. A binary op
    also makes its two constant-operand forms, ``with_constant`` (x op c) and
    ``constant_left`` (c op x), which reuse its formulas.
    An NARY op is given as functions: ``fn(operands)`` and ``dn(out, operands) -> list``.
    """

    __slots__ = (
        "blocks",
        "bounded",
        "constant_left",
        "d0",
        "d1",
        "dn",
        "fn",
        "formula",
        "kind",
        "name",
        "partials",
        "variant",
        "with_constant",
    )

    def __init__(self, name: str, formula: str, *partials: str, kind: int = 0, variant: str = "",
                 bounded: bool = False) -> None:
        self.name = name
        # bounded: every partial is finite for every input (nan included), so a node whose
        # gradient is 0 passes exactly nothing on and backward may skip it.
        self.bounded = bounded
        self.blocks = False  # see Op.nary
        self.variant = variant  # "" for an op itself; "c" for x op c, "l" for c op x
        self.formula = formula
        self.partials = partials
        self.kind = kind or (UNARY if len(partials) == 1 else BINARY)
        self.fn: Callable[..., float] = _compile("x, y" if "y" in names(formula) else "x", formula)
        self.d0: Partial = _compile("out, x, y", partials[0])
        self.d1: Partial = _compile("out, x, y", partials[1]) if len(partials) > 1 else _no_operand
        self.dn: Callable[[float, Sequence[float]], Sequence[float]] = _no_operand
        self.with_constant: Op | None = None
        self.constant_left: Op | None = None
        if self.kind == BINARY:
            self.with_constant = Op(name, formula, partials[0], kind=UNARY, variant="c", bounded=bounded)
            self.constant_left = Op(name, formula, partials[1], kind=CONST_LEFT, variant="l", bounded=bounded)

    @classmethod
    def nary(
        cls,
        name: str,
        formula: str,
        fn: Callable[[Sequence[float]], float],
        dn: Callable[[float, Sequence[float]], Sequence[float]],
        blocks: bool = False,
    ) -> Op:
        """An op over any number of operands. ``blocks``: its partials are 0 by definition, a
        value held constant for differentiation (explanations skip paths through it)."""
        op = cls.__new__(cls)
        op.name, op.formula, op.partials, op.kind, op.variant = name, formula, (), NARY, ""
        op.bounded = False  # an NARY op's partials are finite when its operands are (dot, sum)
        op.blocks = blocks
        op.fn, op.dn, op.d0, op.d1 = fn, dn, _no_operand, _no_operand
        op.with_constant = op.constant_left = None
        return op

    def __repr__(self) -> str:
        return f"<op {self.name}: {self.formula}>"


def _no_operand(*args: object) -> Any:
    raise TypeError("this op has no such partial (see Op.kind for its operand layout)")


def names(expr: str) -> set[str]:
    """The variable names a formula reads (so generated code loads only those)."""
    return {n.id for n in ast.walk(ast.parse(expr, mode="eval")) if isinstance(n, ast.Name)}


def _compile(args: str, expr: str) -> Callable[..., float]:
    return eval(f"lambda {args}: {expr}", NAMESPACE)


# --- IEEE-754 versions of the math functions that Python makes raise ----------------


def ieee_div(x: float, y: float) -> float:
    """x / y with IEEE results for y == 0 (±inf, or nan for 0/0) instead of ZeroDivisionError."""
    try:
        return x / y
    except ZeroDivisionError:
        if x != x or x == 0.0:
            return NAN
        return math.copysign(INF, x) * math.copysign(1.0, y)


def _odd_integer(y: float) -> bool:
    return y.is_integer() and y % 2.0 == 1.0


def ieee_pow(x: float, y: float) -> float:
    """x ** y as C's pow(): ±inf on overflow and for 0 ** negative, nan for (-8) ** (1/3)."""
    try:
        return math.pow(x, y)
    except OverflowError:
        return -INF if x < 0.0 and _odd_integer(y) else INF
    except ValueError:  # 0 ** negative, or negative ** non-integer
        if x == 0.0:
            return math.copysign(INF, x) if _odd_integer(y) else INF
        return NAN


def ieee_exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        return INF


def ieee_log(x: float) -> float:
    if x > 0.0:
        return math.log(x)
    return -INF if x == 0.0 else NAN  # log(-1) and log(nan) are nan


def ieee_sqrt(x: float) -> float:
    return math.sqrt(x) if x >= 0.0 else NAN  # also maps nan to nan


def stable_sigmoid(x: float) -> float:
    """1 / (1 + e^-x) without overflow: exact 0.0 and 1.0 in the limits."""
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = ieee_exp(x)  # x < 0, cannot overflow, but nan must pass through
    return e / (1.0 + e)


def relu(x: float) -> float:
    return 0.0 if x <= 0.0 else x  # nan <= 0 is False, so nan stays nan


def sign(x: float) -> float:
    """The derivative of |x|: -1, 0 (at 0, by convention) or 1."""
    return 1.0 if x > 0.0 else (-1.0 if x < 0.0 else 0.0 if x == 0.0 else NAN)


# --- the rules ----------------------------------------------------------------------------
# The names the formulas may use: the IEEE helpers above and math's tanh and fabs.
NAMESPACE = {
    "ieee_div": ieee_div, "ieee_pow": ieee_pow, "ieee_exp": ieee_exp, "ieee_log": ieee_log,
    "ieee_sqrt": ieee_sqrt, "sigmoid": stable_sigmoid, "relu": relu, "sign": sign,
    "tanh": math.tanh, "fabs": math.fabs,
}

#            name       value                      ∂out/∂x                          ∂out/∂y
ADD = Op("add", "x + y", "1.0", "1.0", bounded=True)
SUB = Op("sub", "x - y", "1.0", "-1.0", bounded=True)
MUL = Op("mul", "x * y", "y", "x")
DIV = Op("div", "ieee_div(x, y)", "ieee_div(1.0, y)", "-ieee_div(out, y)")
POW = Op("pow", "ieee_pow(x, y)",
         "0.0 if y == 0.0 else y * ieee_pow(x, y - 1.0)",
         "0.0 if x == 0.0 and y >= 0.0 else out * ieee_log(x)")
NEG = Op("neg", "-x", "-1.0", bounded=True)
EXP = Op("exp", "ieee_exp(x)", "out")
LOG = Op("log", "ieee_log(x)", "ieee_div(1.0, x)")
SQRT = Op("sqrt", "ieee_sqrt(x)", "ieee_div(0.5, out)")
TANH = Op("tanh", "tanh(x)", "1.0 - out * out")
SIGMOID = Op("sigmoid", "sigmoid(x)", "out * (1.0 - out)")
RELU = Op("relu", "relu(x)", "1.0 if x > 0.0 else 0.0", bounded=True)
ABS = Op("abs", "fabs(x)", "sign(x)")


def ieee_sum(terms: Sequence[float]) -> float:
    """The correctly rounded sum (math.fsum), but inf + -inf is nan and overflow is ±inf."""
    try:
        return math.fsum(terms)
    except (ValueError, OverflowError):  # fsum raises where IEEE addition gives nan or inf
        return sum(terms)


def _dot(operands: Sequence[float]) -> float:
    """Σ wᵢ·xᵢ (+ b): operands are w₀…wₙ₋₁, x₀…xₙ₋₁ and, when their count is odd, b."""
    n = len(operands) >> 1
    terms = [*map(mul, operands[:n], operands[n : n + n])]
    if len(operands) & 1:
        terms.append(operands[-1])
    return ieee_sum(terms)


def _dot_partials(out: float, operands: Sequence[float]) -> list[float]:
    """∂/∂wᵢ = xᵢ, ∂/∂xᵢ = wᵢ, ∂/∂b = 1."""
    n = len(operands) >> 1
    partials = [*operands[n : n + n], *operands[:n]]
    if len(operands) & 1:
        partials.append(1.0)
    return partials


# The fused weighted sum: a neuron's net input is one node, as the documents draw it.
# math.fsum makes it the correctly rounded sum of the products, independent of order.
DOT = Op.nary("dot", "Σ wᵢ·xᵢ + b", _dot, _dot_partials)
SUM = Op.nary("sum", "Σ xᵢ", ieee_sum, lambda out, operands: [1.0] * len(operands))


def _max(operands: Sequence[float]) -> float:
    return math.nan if any(x != x for x in operands) else max(operands)


# max(z) held constant: the shift of a softmax or log-sum-exp, which changes nothing in exact
# arithmetic (they are shift-invariant), so its derivative is 0 by definition. A graph node,
# not a plain number, so that a tape recomputes it for each replay's inputs.
SHIFT = Op.nary("shift", "max(zᵢ), held constant", _max, lambda out, operands: [0.0] * len(operands),
                blocks=True)

BINARY_OPS = (ADD, SUB, MUL, DIV, POW)
UNARY_OPS = (NEG, EXP, LOG, SQRT, TANH, SIGMOID, RELU, ABS)
NARY_OPS = (DOT, SUM, SHIFT)

def constant_forms(op: Op) -> tuple[Op, Op]:
    """A binary op's forms with a plain-number operand: (x op c, c op x)."""
    if op.with_constant is None or op.constant_left is None:
        raise ValueError(f"{op!r} is not a binary op")
    return op.with_constant, op.constant_left


ADD_C, ADD_L = constant_forms(ADD)
SUB_C, SUB_L = constant_forms(SUB)
MUL_C, MUL_L = constant_forms(MUL)
DIV_C, DIV_L = constant_forms(DIV)
POW_C, POW_L = constant_forms(POW)
# Every node op, most frequent first: the generated loops test them in this order, with
# the NARY test (a neuron's dot) after the first seven (see codegen.NARY_AFTER).
NODE_OPS: tuple[Op, ...] = (
    ADD, MUL, RELU, ADD_C, MUL_C, ADD_L, MUL_L,
    TANH, SIGMOID, EXP, LOG, SUB, DIV, POW, NEG, SQRT, ABS,
    SUB_C, DIV_C, POW_C, SUB_L, DIV_L, POW_L,
)
assert len(set(NODE_OPS)) == len(BINARY_OPS) * 3 + len(UNARY_OPS), "every op once in NODE_OPS"
