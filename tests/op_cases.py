"""The op table's test rows: one per op of autograd/ops.py, worked out by hand.

A row gives ``points``: (operands, value, partials) at a few operands, each number derived
by hand (the comments say how); test_ops.py checks every op in every form against them
and fails for an op of the table without a row. ``domain`` maps any operands (Values or
plain numbers) to ones where the op is smooth, so random graphs (random_graphs.py) can use
every op; ``kinked`` ops are not smooth at 0, so random graphs keep their operand away from it.
An n-ary op is called with ``call``; the others through their ``Value`` methods, an op with a
parameter (leaky_relu's slope, elu's alpha) at its default (tests/test_new_ops.py tries others).

To add an op: one row here (CONTRIBUTING.md).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import autograd

Point = tuple[tuple[float, ...], float, tuple[float, ...]]


def _identity(*operands: Any) -> tuple[Any, ...]:
    return operands


def _positive_first(x: Any, *rest: Any) -> tuple[Any, ...]:
    return (x * x + 0.5, *rest)


@dataclass(frozen=True)
class Row:
    points: list[Point]
    domain: Callable[..., tuple[Any, ...]] = _identity
    kinked: bool = False
    call: Callable[..., Any] | None = None  # n-ary ops: how to call them on the operands


# The ops PyTorch spells otherwise than as a tensor method, as float64 tensors compute them.
# softplus: PyTorch's returns x itself above its threshold (20 by default), 2e-9 from the exact
# ln(1 + eˣ) that ours is; at 40 the difference is below a float's rounding.
TORCH_CALLS: dict[str, Callable[..., Any]] = {
    "leaky_relu": lambda torch, x, slope=0.01: torch.nn.functional.leaky_relu(x, slope),
    "elu": lambda torch, x, alpha=1.0: torch.nn.functional.elu(x, alpha),
    "gelu": lambda torch, x: torch.nn.functional.gelu(x, approximate="tanh"),
    "softplus": lambda torch, x: torch.nn.functional.softplus(x, threshold=40.0),
    "max": lambda torch, x, y: torch.maximum(x, torch.as_tensor(y, dtype=torch.float64)),
    "min": lambda torch, x, y: torch.minimum(x, torch.as_tensor(y, dtype=torch.float64)),
}


def apply(method: str, *args: Any) -> Any:
    """Call a method as Python code would: ``x * y`` for __mul__, ``x.tanh()`` for tanh (so the
    same row tests Values and, in test_torch.py, PyTorch tensors: ``TORCH_CALLS``)."""
    if method.startswith("__") and hasattr(operator, method):
        return getattr(operator, method)(*args)
    if method in TORCH_CALLS and type(args[0]).__module__.startswith("torch"):
        import torch

        return TORCH_CALLS[method](torch, *args)
    return getattr(args[0], method)(*args[1:])


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _above_minus_one(x: Any, *rest: Any) -> tuple[Any, ...]:
    return (x * x - 0.5, *rest)


BETA, KAPPA = math.sqrt(2 / math.pi), 0.044715  # GELU's tanh form: tanh(β(x + κx³))


def gelu_point(x: float) -> Point:
    """GELU = ½x(1 + tanh u), u = β(x + κx³): GELU′ = ½(1 + tanh u) + ½x(1 − tanh²u)·β(1 + 3κx²)."""
    t = math.tanh(BETA * (x + KAPPA * x**3))
    return (x,), 0.5 * x * (1 + t), (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * BETA * (1 + 3 * KAPPA * x * x),)


ROWS: dict[str, Row] = {
    "add": Row([((3.0, 4.0), 7.0, (1.0, 1.0)), ((-1.5, 0.25), -1.25, (1.0, 1.0))]),
    "mul": Row([((3.0, 4.0), 12.0, (4.0, 3.0)), ((-1.5, 0.25), -0.375, (0.25, -1.5))]),
    "relu": Row([((2.5,), 2.5, (1.0,)), ((-1.5,), 0.0, (0.0,)),
                 ((0.0,), 0.0, (0.0,))],  # relu'(0) = 0 by convention
                kinked=True),
    # Σ wᵢxᵢ + b: ∂/∂wᵢ = xᵢ, ∂/∂xᵢ = wᵢ, ∂/∂b = 1
    "dot": Row([((0.5, -2.0, 3.0, 0.25, 1.5), 0.5 * 3.0 - 2.0 * 0.25 + 1.5, (3.0, 0.25, 0.5, -2.0, 1.0))],
               call=lambda w0, w1, x0, x1, b: autograd.dot([w0, w1], [x0, x1], b)),
    "tanh": Row([((0.0,), 0.0, (1.0,)), ((0.5,), math.tanh(0.5), (1 - math.tanh(0.5) ** 2,)),
                 ((-3.0,), -math.tanh(3.0), (1 / math.cosh(3.0) ** 2,))]),  # tanh' = sech²
    "sigmoid": Row([((0.0,), 0.5, (0.25,)),  # σ' = e^-x / (1 + e^-x)²
                    ((2.0,), sigmoid(2.0), (math.exp(-2.0) / (1 + math.exp(-2.0)) ** 2,)),
                    ((-2.0,), 1 - sigmoid(2.0), (math.exp(-2.0) / (1 + math.exp(-2.0)) ** 2,))]),
    "exp": Row([((0.0,), 1.0, (1.0,)), ((1.0,), math.e, (math.e,)),
                ((-2.0,), math.exp(-2.0), (math.exp(-2.0),))]),
    "log": Row([((1.0,), 0.0, (1.0,)), ((math.e,), 1.0, (1 / math.e,)), ((0.25,), -math.log(4.0), (4.0,))],
               domain=_positive_first),
    "sub": Row([((3.0, 4.0), -1.0, (1.0, -1.0)), ((-1.5, 0.25), -1.75, (1.0, -1.0))]),
    "div": Row([((3.0, 4.0), 0.75, (0.25, -0.1875)),  # ∂/∂y = -x/y²
                ((-1.5, 0.5), -3.0, (2.0, 6.0))],
               domain=lambda x, y: (x, y * y + 0.5)),
    "pow": Row([((3.0, 4.0), 81.0, (108.0, 81.0 * math.log(3.0))),  # ∂/∂x = y·x^(y-1), ∂/∂y = x^y·ln x
                ((0.5, -2.0), 4.0, (-16.0, 4.0 * math.log(0.5))),
                ((4.0, 0.5), 2.0, (0.25, 2.0 * math.log(4.0))),
                ((-2.0, 3.0), -8.0, (12.0, math.nan))],  # ln(-2) is nan
               domain=_positive_first),
    "neg": Row([((2.5,), -2.5, (-1.0,)), ((-0.5,), 0.5, (-1.0,))]),
    "sqrt": Row([((4.0,), 2.0, (0.25,)), ((0.25,), 0.5, (1.0,)),  # 1 / (2 √x)
                 ((2.0,), math.sqrt(2.0), (1 / (2 * math.sqrt(2.0)),))],
                domain=_positive_first),
    "abs": Row([((-3.0,), 3.0, (-1.0,)), ((2.0,), 2.0, (1.0,)),
                ((0.0,), 0.0, (0.0,))],  # abs'(0) = 0 by convention
               kinked=True),
    "sin": Row([((0.0,), 0.0, (1.0,)), ((math.pi / 2,), 1.0, (math.cos(math.pi / 2),)),
                ((-1.0,), -math.sin(1.0), (math.cos(1.0),))]),  # sin' = cos
    # slope·x below 0 (slope = 0.01, the default); leaky_relu′(0) = slope, the left side's
    "leaky_relu": Row([((2.5,), 2.5, (1.0,)), ((-1.5,), -0.015, (0.01,)), ((0.0,), 0.0, (0.01,))],
                      kinked=True),
    "gelu": Row([gelu_point(0.0), gelu_point(1.0), gelu_point(-1.5), gelu_point(3.0),
                 ((10.0,), 10.0, (1.0,))]),  # tanh u rounds to 1: GELU(x) = x
    # alpha·(eˣ − 1) below 0 (alpha = 1): elu′ = alpha·eˣ there, so 1 at 0 from both sides; elu″
    # jumps at 0 (from 1 to 0), so random graphs keep away from it
    "elu": Row([((1.5,), 1.5, (1.0,)), ((-1.0,), math.exp(-1.0) - 1, (math.exp(-1.0),)),
                ((0.0,), 0.0, (1.0,)), ((-1e-20,), -1e-20, (1.0,))],  # e^-1e-20 − 1 would be 0
               kinked=True),
    # ln(1 + eˣ): at ln 3, ln 4 and σ = 3/4; at ±1000 no overflow, x and 0
    "softplus": Row([((0.0,), math.log(2.0), (0.5,)), ((math.log(3.0),), math.log(4.0), (0.75,)),
                     ((-math.log(3.0),), math.log(4.0 / 3.0), (0.25,)), ((1000.0,), 1000.0, (1.0,)),
                     ((-1000.0,), 0.0, (0.0,))]),
    # the larger gets the gradient; a tie splits it, half each (PyTorch's torch.maximum)
    "max": Row([((3.0, 4.0), 4.0, (0.0, 1.0)), ((-1.5, -2.5), -1.5, (1.0, 0.0)),
                ((2.0, 2.0), 2.0, (0.5, 0.5))]),
    "min": Row([((3.0, 4.0), 3.0, (1.0, 0.0)), ((-1.5, -2.5), -2.5, (0.0, 1.0)),
                ((2.0, 2.0), 2.0, (0.5, 0.5))]),
    "cos": Row([((0.0,), 1.0, (0.0,)), ((math.pi / 2,), math.cos(math.pi / 2), (-1.0,)),  # cos′ = −sin
                ((-1.0,), math.cos(1.0), (math.sin(1.0),))]),
    # ln(1 + x), ′ = 1/(1 + x); exact at 1e-20, where ln(1 + 1e-20) is ln 1 = 0
    "log1p": Row([((0.0,), 0.0, (1.0,)), ((1.0,), math.log(2.0), (0.5,)), ((-0.5,), -math.log(2.0), (2.0,)),
                  ((1e-20,), 1e-20, (1.0,))],
                 domain=_above_minus_one),
    # eˣ − 1, ′ = eˣ; exact at 1e-20, where e^1e-20 − 1 is 0
    "expm1": Row([((0.0,), 0.0, (1.0,)), ((1.0,), math.e - 1, (math.e,)), ((-2.0,), math.exp(-2.0) - 1,
                  (math.exp(-2.0),)), ((1e-20,), 1e-20, (1.0,))]),
    "sum": Row([((1.0, -2.5, 4.0), 2.5, (1.0, 1.0, 1.0))], call=lambda *xs: autograd.vsum(xs)),
    # max held constant: its partials are 0 by definition
    "shift": Row([((1.0, 3.0, -2.0), 3.0, (0.0, 0.0, 0.0))], call=lambda *xs: autograd.shift(xs)),
}
