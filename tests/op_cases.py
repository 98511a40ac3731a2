"""The op table's test rows: one per op of autograd/ops.py, worked out by hand.

A row gives ``points``: (operands, value, partials) at a few operands, each number derived
by hand (the comments say how); test_ops.py checks every op in every form against them
and fails for an op of the table without a row. ``domain`` maps any operands (Values or
plain numbers) to ones where the op is smooth, so random graphs (random_graphs.py) can use
every op; ``kinked`` ops are not smooth at 0, so random graphs keep their operand away from it.
An n-ary op is called with ``call``; the others through their ``Value`` methods.

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


def apply(method: str, *args: Any) -> Any:
    """Call a method as Python code would: ``x * y`` for __mul__, ``x.tanh()`` for tanh (so the
    same row tests Values and, in test_torch.py, PyTorch tensors)."""
    if method.startswith("__") and hasattr(operator, method):
        return getattr(operator, method)(*args)
    return getattr(args[0], method)(*args[1:])


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


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
    "sum": Row([((1.0, -2.5, 4.0), 2.5, (1.0, 1.0, 1.0))], call=lambda *xs: autograd.vsum(xs)),
    # max held constant: its partials are 0 by definition
    "shift": Row([((1.0, 3.0, -2.0), 3.0, (0.0, 0.0, 0.0))], call=lambda *xs: autograd.shift(xs)),
}
