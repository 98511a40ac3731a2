"""The op table: for every operation, its value and its local derivatives, defined once.

Everything else reads these rows: ``Value``'s operator methods, the backward loop and the
tape's loops are written from them (``python autograd/codegen.py``, into ``generated/``);
``Value.local_grads``, ``explain``, ``draw`` and ``gradcheck`` evaluate the same partials. If a
second copy of "the derivative of tanh is 1 - tanh²" appears anywhere else, the design has
drifted. To add an op, add its row here and a row to tests/op_cases.py (CONTRIBUTING.md).

Arithmetic follows IEEE 754 instead of Python's exceptions (see ``ieee``). Conventions at
non-differentiable points, all PyTorch's: ``relu'(0) = 0``, ``abs'(0) = 0``,
``leaky_relu'(0) = slope`` (the left side's), ``elu'(0) = alpha`` (with the default alpha = 1
there is no kink). For ``x ** y``: ``∂/∂x = 0`` when ``y == 0`` and ``∂/∂y = 0`` when
``x == 0 and y >= 0`` (so that ``0 ** 2`` has finite gradients). ``max``/``min`` at a tie
(x == y) give each operand half the gradient, as ``torch.maximum``/``minimum`` do: a
subgradient, and the one that keeps max(x, x) = x's derivative 1; a nan operand makes the value
nan and both partials 1. Second derivatives (``higher``) are the partials differentiated, so a
kink's is 0 on either side and at it: relu″ = leaky_relu″ = 0, max″ = 0, elu″(x) = alpha·eˣ
below 0 and 0 above.

Where PyTorch differs: its ``softplus`` returns x itself above x = 20 (its ``threshold``),
where ours is the exact ln(1 + eˣ), ``x + ln(1 + e⁻ˣ)``, within 2e-9 of it; GELU's partial is
nan beyond |x| ≈ 1e153, where x² overflows, in both.

The rows are in the order the generated loops test them, the most frequent first (each binary
op followed by its plain-number forms): relu, add and mul are most of a micrograd-style graph,
relu and dot most of a network's.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from operator import mul
from typing import Any

from .ieee import ieee_sum
from .op import Op, node_ops, table_of


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


def _dot_partial_shown(i: int, operands: Sequence[Any]) -> Any:
    """∂/∂wᵢ is the operand xᵢ, ∂/∂xᵢ the operand wᵢ, ∂/∂b the number 1 (``_dot_partials``)."""
    n = len(operands) >> 1
    return operands[i + n] if i < n else operands[i - n] if i < 2 * n else 1.0


def _dot_written(names: Sequence[str]) -> str:
    """``_dot`` as source text: the same products and sum (``ieee_sum((w0 * x0, w1 * x1, b))``)."""
    n = len(names) >> 1
    terms = [f"{w} * {x}" for w, x in zip(names[:n], names[n : n + n])] + list(names[2 * n :])
    return f"ieee_sum(({', '.join(terms)},))"


def _max(operands: Sequence[float]) -> float:
    return math.nan if any(x != x for x in operands) else max(operands)


# Each row: Op(name, value, ∂out/∂x[, ∂out/∂y], doc=..., methods=..., bounded=...); see op.Op.
RELU = Op("relu", "relu(x)", "1.0 if x > 0.0 else 0.0", bounded=True, doc="Rectified linear unit, max(0, x)")
ADD = Op("add", "x + y", "1.0", "1.0", bounded=True, doc="Sum")
MUL = Op("mul", "x * y", "y", "x", doc="Product")
# The fused weighted sum: a neuron's net input is one node, as the documents draw it.
# math.fsum makes it the correctly rounded sum of the products, independent of order.
# An inf or nan operand makes its product, so the sum, inf or nan: a finite value means finite
# operands, which are the partials.
DOT = Op.nary("dot", "Σ wᵢ·xᵢ + b", _dot, _dot_partials, _dot_partial_shown, written=_dot_written,
              finite_with_value=True, doc="Weighted sum, a neuron's net input")
TANH = Op("tanh", "tanh(x)", "1.0 - out * out", doc="Hyperbolic tangent")
SIGMOID = Op("sigmoid", "sigmoid(x)", "out * (1.0 - out)", doc="Logistic sigmoid, 1 / (1 + e^-x)")
EXP = Op("exp", "ieee_exp(x)", "out", doc="Exponential, e^x")
LOG = Op("log", "ieee_log(x)", "ieee_div(1.0, x)", doc="Natural logarithm")
SUB = Op("sub", "x - y", "1.0", "-1.0", bounded=True, doc="Difference")
DIV = Op("div", "ieee_div(x, y)", "ieee_div(1.0, y)", "-ieee_div(out, y)", doc="Quotient",
         methods=("__truediv__", "__rtruediv__"))
POW = Op("pow", "ieee_pow(x, y)", "0.0 if y == 0.0 else y * ieee_pow(x, y - 1.0)",
         "0.0 if x == 0.0 and y >= 0.0 else out * ieee_log(x)", doc="Power, x to the y")
NEG = Op("neg", "-x", "-1.0", bounded=True, doc="Negation", methods=("__neg__",))
SQRT = Op("sqrt", "ieee_sqrt(x)", "ieee_div(0.5, out)", doc="Square root")
ABS = Op("abs", "fabs(x)", "sign(x)", doc="Absolute value", methods=("abs", "__abs__"))
SIN = Op("sin", "sin(x)", "cos(x)", doc="Sine")
# Activations beyond relu, sigmoid and tanh; slope and alpha are plain numbers the node holds,
# read as y (as in x * 2). GELU is the tanh form, d/dx of 0.5·x·(1 + tanh(u)) with
# u = √(2/π)·(x + 0.044715·x³), written out as PyTorch's gelu backward computes it.
LEAKY_RELU = Op("leaky_relu", "leaky_relu(x, y)", "1.0 if x > 0.0 else y", parameter=("slope", 0.01),
                bounded=True, doc="Leaky rectified linear unit, x if x > 0 else slope·x")
GELU = Op("gelu", "gelu(x)",
          "0.5 * (1.0 + tanh(0.7978845608028654 * (x + 0.044715 * (x * x * x)))) + 0.5 * x * "
          "(1.0 - tanh(0.7978845608028654 * (x + 0.044715 * (x * x * x))) ** 2.0) * "
          "(0.7978845608028654 * (1.0 + 0.134145 * (x * x)))",
          doc="Gaussian error linear unit (tanh form), 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))")
ELU = Op("elu", "elu(x, y)", "y * ieee_exp(x) if x <= 0.0 else 1.0", parameter=("alpha", 1.0), bounded=True,
         doc="Exponential linear unit, x if x > 0 else alpha·(e^x - 1)")
SOFTPLUS = Op("softplus", "softplus(x)", "sigmoid(x)", doc="Softplus, ln(1 + e^x), a smooth relu")
# max and min of two: one method each (x.max(2) is max(2, x) too); ties split the gradient.
MAX = Op("max", "maximum(x, y)", "0.0 if x < y else 0.5 if x == y else 1.0",
         "0.0 if x > y else 0.5 if x == y else 1.0", methods=("max",), bounded=True,
         doc="The larger of two (nan if either is)")
MIN = Op("min", "minimum(x, y)", "0.0 if x > y else 0.5 if x == y else 1.0",
         "0.0 if x < y else 0.5 if x == y else 1.0", methods=("min",), bounded=True,
         doc="The smaller of two (nan if either is)")
COS = Op("cos", "cos(x)", "-sin(x)", doc="Cosine")
LOG1P = Op("log1p", "log1p(x)", "ieee_div(1.0, 1.0 + x)", doc="ln(1 + x), exact for small x")
EXPM1 = Op("expm1", "expm1(x)", "ieee_exp(x)", doc="e^x - 1, exact for small x")
SUM = Op.nary("sum", "Σ xᵢ", ieee_sum, lambda out, operands: [1.0] * len(operands), lambda i, operands: 1.0,
              written=lambda names: f"ieee_sum(({', '.join(names)},))", finite_with_value=True,
              doc="Sum of many")
# max(z) held constant: the shift of a softmax or log-sum-exp, which changes nothing in exact
# arithmetic (they are shift-invariant), so its derivative is 0 by definition. A graph node,
# not a plain number, so that a tape recomputes it for each replay's inputs.
SHIFT = Op.nary("shift", "max(zᵢ), held constant", _max, lambda out, operands: [0.0] * len(operands),
                lambda i, operands: 0.0, doc="The largest operand, held constant (derivative 0)", blocks=True,
                finite_with_value=True)

TABLE = table_of(globals())  # every row above, in order
NODE_OPS = node_ops(TABLE)  # the rows with formulas, then their plain-number forms
BY_NAME = {op.name: op for op in TABLE}
