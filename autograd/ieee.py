"""The functions an op's formulas may call: IEEE-754 results where Python's ``math`` raises.

``exp(1000)`` is ``inf``, ``log(0)`` is ``-inf``, ``log(-1)``, ``sqrt(-1)`` and ``sin(inf)``
are ``nan``, ``1/0`` is ``inf``: a training run that overflows shows nan or inf in its numbers
(and ``detect_anomaly`` names the op), never a surprise exception from deep inside an op.

``FUNCTIONS`` is the whole vocabulary of the op table: a formula naming anything else is
refused when the table is built (see ``op.Op``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from math import fabs, tanh  # these two never raise

INF = math.inf
NAN = math.nan


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
    """e ** x; ``inf`` where it overflows."""
    try:
        return math.exp(x)
    except OverflowError:
        return INF


def ieee_log(x: float) -> float:
    """ln x; ``-inf`` at 0, ``nan`` below 0 (and for nan)."""
    if x > 0.0:
        return math.log(x)
    return -INF if x == 0.0 else NAN


def ieee_sqrt(x: float) -> float:
    """√x; ``nan`` below 0 (and for nan)."""
    return math.sqrt(x) if x >= 0.0 else NAN


def sigmoid(x: float) -> float:
    """1 / (1 + e^-x) without overflow: exact 0.0 and 1.0 in the limits."""
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = ieee_exp(x)  # x < 0, cannot overflow, but nan must pass through
    return e / (1.0 + e)


def relu(x: float) -> float:
    """max(0, x); nan stays nan."""
    return 0.0 if x <= 0.0 else x  # nan <= 0 is False


def sign(x: float) -> float:
    """The derivative of |x|: -1, 0 (at 0, by convention) or 1; nan for nan."""
    return 1.0 if x > 0.0 else (-1.0 if x < 0.0 else 0.0 if x == 0.0 else NAN)


def _nan_outside_domain(f: Callable[[float], float]) -> Callable[[float], float]:
    """``f`` with nan where ``math`` raises "math domain error" (sin(inf), cos(inf))."""

    def safe(x: float) -> float:
        try:
            return f(x)
        except ValueError:
            return NAN

    safe.__name__ = safe.__qualname__ = f.__name__
    safe.__doc__ = f"{f.__name__}(x); nan where math.{f.__name__} raises."
    return safe


sin = _nan_outside_domain(math.sin)
cos = _nan_outside_domain(math.cos)


def log1p(x: float) -> float:
    """ln(1 + x), exact near 0 where ``log(1 + x)`` rounds 1 + x; ``-inf`` at -1, ``nan`` below."""
    if x > -1.0:
        return math.log1p(x)
    return -INF if x == -1.0 else NAN


def expm1(x: float) -> float:
    """e ** x − 1, exact near 0 where ``exp(x) - 1`` cancels; ``inf`` where it overflows."""
    try:
        return math.expm1(x)
    except OverflowError:
        return INF


def softplus(x: float) -> float:
    """ln(1 + e^x) as max(x, 0) + ln(1 + e^-|x|): never overflows (softplus(1000) is 1000)."""
    return relu(x) + math.log1p(math.exp(-fabs(x)))  # e^-|x| <= 1; nan stays nan


# GELU's tanh form: √(2/π) and the cubic's coefficient (Hendrycks & Gimpel; PyTorch's).
GELU_BETA = 0.7978845608028654  # math.sqrt(2 / math.pi)
GELU_KAPPA = 0.044715


def gelu(x: float) -> float:
    """0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))): GELU's tanh form, as PyTorch's
    ``gelu(approximate="tanh")`` computes it (x³ may overflow to ±inf: tanh is then ±1)."""
    return 0.5 * x * (1.0 + tanh(GELU_BETA * (x + GELU_KAPPA * (x * x * x))))


def leaky_relu(x: float, slope: float = 0.01) -> float:
    """x above 0, slope·x elsewhere; nan stays nan."""
    return x if x > 0.0 else slope * x


def elu(x: float, alpha: float = 1.0) -> float:
    """x above 0, alpha·(e^x − 1) elsewhere (where e^x cannot overflow); nan stays nan."""
    return x if x > 0.0 else alpha * math.expm1(x)


def maximum(x: float, y: float) -> float:
    """The larger of x and y, nan if either is nan (Python's ``max`` would drop a nan in y);
    x at a tie, as PyTorch's ``maximum`` (which decides only the sign of a zero)."""
    return y if x < y or y != y else x


def minimum(x: float, y: float) -> float:
    """The smaller of x and y, nan if either is nan; x at a tie (see ``maximum``)."""
    return y if x > y or y != y else x


def ieee_sum(terms: Sequence[float]) -> float:
    """The correctly rounded sum (math.fsum), but inf + -inf is nan and overflow is ±inf."""
    try:
        return math.fsum(terms)
    except (ValueError, OverflowError):  # fsum raises where IEEE addition gives nan or inf
        return sum(terms)


# Every name a formula may call, and what it calls.
FUNCTIONS: dict[str, Callable[..., float]] = {
    "ieee_div": ieee_div, "ieee_pow": ieee_pow, "ieee_exp": ieee_exp, "ieee_log": ieee_log,
    "ieee_sqrt": ieee_sqrt, "sigmoid": sigmoid, "relu": relu, "sign": sign, "sin": sin, "cos": cos,
    "tanh": tanh, "fabs": fabs, "log1p": log1p, "expm1": expm1, "softplus": softplus, "gelu": gelu,
    "leaky_relu": leaky_relu, "elu": elu, "maximum": maximum, "minimum": minimum,
}
