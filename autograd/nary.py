"""Ops over many operands, each recorded as one node: ``dot``, ``vsum`` and ``shift``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from . import ops
from .generated.operators import record
from .op import Op
from .validate import Number, real
from .value import Value


def _nary(op: Op, operands: list[Any], where: str, label: str = "") -> Value:
    """Record an n-ary op over Values and plain numbers, in one pass over the operands.

    The pass tests exact types only (a network's neurons see nothing but Values and floats);
    anything else (a subclass, an int, a NumPy scalar, a wrong type) takes the checking loop.
    """
    data: list[float] = []
    append = data.append
    depth = 0
    for x in operands:
        if type(x) is Value:
            d = x._depth
            if d > depth:
                depth = d
            append(x._data)
        elif type(x) is float:
            append(x)
        else:
            data, depth = _checked(operands, where)
            break
    v = record(op.fn(data), op, tuple(operands), None, depth + 1)
    if label != "":  # through the setter, which refuses what is not a str
        v.label = label
    return v


def _checked(operands: list[Any], where: str) -> tuple[list[float], int]:
    """The operands' numbers and deepest depth, plain numbers converted to float in place."""
    data = []
    depth = 0
    for i, x in enumerate(operands):
        t = type(x)
        if t is Value or isinstance(x, Value):
            d = x._depth
            if d > depth:
                depth = d
            data.append(x._data)
        else:
            if t is not float:
                try:
                    x = operands[i] = real(x, where)
                except TypeError as e:
                    raise TypeError(f"{e}, or a Value") from None
            data.append(x)
    return data, depth


def _listed(items: object, what: str) -> list[Any]:
    """An iterable of operands as a list; a TypeError naming ``what`` for anything else."""
    if isinstance(items, (Value, str, bytes)) or not hasattr(items, "__iter__"):
        raise TypeError(f"{what} must be a list of Values or numbers, not {type(items).__name__}")
    return [*items]


def dot(
    weights: Iterable[Value | Number],
    xs: Iterable[Value | Number],
    bias: Value | Number | None = None,
    *,
    label: str = "",
) -> Value:
    """Σᵢ wᵢ·xᵢ (+ bias) as one node: a neuron's net input, the documents' "net".

    One node with local derivatives ∂/∂wᵢ = xᵢ, ∂/∂xᵢ = wᵢ, ∂/∂bias = 1, instead of a
    chain of 2n binary nodes: the diagram shows the quantity the reader computes by hand,
    and the graph is half the size. The sum is correctly rounded (math.fsum). ``label`` names
    the node (a neuron's ``net[l,j]``) as it is made, instead of a second call per neuron.
    """
    if type(weights) is list and type(xs) is list:  # a network's neurons: no copy to check
        operands = weights + xs
        n = len(weights)
    else:
        operands = _listed(weights, "dot: weights")
        n = len(operands)
        operands += _listed(xs, "dot: xs")
    if len(operands) != 2 * n:
        raise ValueError(f"dot: {n} weights but {len(operands) - n} inputs; they must pair up")
    if bias is not None:
        operands.append(bias)
    if not operands:
        raise ValueError("dot: no weights, inputs or bias; the sum of nothing has no graph to record")
    return _nary(ops.DOT, operands, "dot: an operand", label)


def vsum(terms: Iterable[Value | Number]) -> Value:
    """Σ terms as one node (Python's ``sum()`` makes a chain of n additions instead)."""
    operands = _listed(terms, "vsum: terms")
    if not operands:
        raise ValueError("vsum: no terms; the sum of nothing has no graph to record")
    return _nary(ops.SUM, operands, "vsum: a term")


def shift(values: Iterable[Value | Number]) -> Value:
    """max(values) as a node held constant for differentiation (its partials are 0).

    For shifts that cancel, like log-sum-exp's m in log Σ e^(zᵢ − m) + m: subtracting it
    keeps e^(zᵢ − m) from overflowing and changes no derivative. Being a node (not a plain
    number), it is recomputed when a tape replays the graph at new inputs.
    """
    operands = _listed(values, "shift: values")
    if not operands:
        raise ValueError("shift: no values")
    return _nary(ops.SHIFT, operands, "shift: a value")
