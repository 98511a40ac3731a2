"""``Value``: one float, the op that made it, its inputs, and its gradient.

A node costs one object with eight slots and no cycles: no closure, no children tuple, no
set. Reference counting frees a graph as soon as it is dropped, and the cyclic garbage
collector has nothing to untangle (micrograd spends most of a training step there).
Plain-number operands never become nodes: ``x * 2`` is one node holding the constant 2.0.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, SupportsFloat

from . import codegen, graph, ops
from .backprop import backward, zero_grad
from .modes import MODE, check_finite

Number = float | int | SupportsFloat


def as_real(x: object, what: str = "Value data") -> float:
    """``x`` as a Python float if it is a real number; TypeError naming its type otherwise.

    Accepted: int, float, and objects with ``__float__`` that are real (NumPy scalars and
    0-d arrays, Fraction, Decimal). Rejected: str and bytes (``float("1")`` would parse
    them), complex, bool (``Value(x > 0)`` is nearly always a bug; write 1.0 or 0.0),
    Value itself (a Value is a graph node, not a number: use ``v.data`` to copy a number),
    and containers.
    """
    cls = type(x)
    if cls is float:
        return x  # type: ignore[return-value]
    if cls is int:
        try:
            return float(x)  # type: ignore[arg-type]
        except OverflowError:  # an int beyond float range rounds to ±inf, as IEEE says
            return ops.INF if x > 0 else -ops.INF  # type: ignore[operator]
    if isinstance(x, Value):
        raise TypeError(f"{what} must be a real number, not a Value; use .data to copy its number")
    if (isinstance(x, (bool, str, bytes, bytearray)) or cls.__name__ in ("bool", "bool_")
            or getattr(getattr(x, "dtype", None), "kind", "") == "b"):  # NumPy bools, 0-d arrays too
        raise TypeError(f"{what} must be a real number, not {cls.__name__} of booleans"
                        if hasattr(x, "dtype") and cls.__name__ not in ("bool", "bool_")
                        else f"{what} must be a real number, not {cls.__name__}")
    if getattr(cls, "__float__", None) is None or (
        isinstance(x, numbers.Complex) and not isinstance(x, numbers.Real)
    ):
        raise TypeError(f"{what} must be a real number, not {cls.__name__}")
    try:
        return float(x)  # type: ignore[arg-type]
    except OverflowError:  # Fraction(10**400): beyond float range, rounds to ±inf
        return ops.INF if x > 0 else -ops.INF  # type: ignore[operator]
    except (TypeError, ValueError) as e:
        raise TypeError(f"{what} must be a real number, not {cls.__name__} ({e})") from None


def _constant(x: object) -> float | None:
    """An operand that is a plain real number, as a float; None for anything else."""
    try:
        return as_real(x)
    except TypeError:
        return None


class Value:
    """A scalar in a computation graph: ``data``, ``grad``, and how it was made.

    >>> a = Value(2.0, label="a"); b = Value(-3.0, label="b")
    >>> e = (a * b + a.exp()).tanh(); e.backward()
    >>> round(a.grad, 6), round(b.grad, 6), e.op, [round(d, 6) for d in e.local_grads]
    (0.967244, 0.440753, 'tanh', [0.220376])
    """

    # _mark: a per-walk token, so that a graph walk needs no set of visited nodes.
    __slots__ = ("_a", "_b", "_data", "_depth", "_grad", "_label", "_mark", "_op")
    __array_ufunc__ = None  # NumPy scalars then defer to our reflected operators

    def __init__(self, data: Number, label: str = "") -> None:
        self._data = as_real(data)
        self._grad = 0.0
        self._op: ops.Op | None = None
        self._a: Any = None
        self._b: Any = None
        self._depth = 0
        self._mark: object = None
        self.label = label

    # --- inspection ------------------------------------------------------------------

    @property
    def data(self) -> float:
        """The number this node holds. Settable on leaves only (e.g. by an optimizer)."""
        return self._data

    @data.setter
    def data(self, value: Number) -> None:
        if self._op is not None:
            raise AttributeError(
                f"cannot set data of a computed Value (op '{self._op.name}'): it would no longer "
                "agree with its inputs; set the data of a leaf and recompute"
            )
        self._data = as_real(value, "data")

    @property
    def grad(self) -> float:
        """∂(output)/∂(this node), accumulated by ``backward``; 0.0 until then."""
        return self._grad

    @grad.setter
    def grad(self, value: Number) -> None:
        self._grad = as_real(value, "grad")

    @property
    def label(self) -> str:
        """A name for explanations, diagrams and error messages ("" when unnamed)."""
        return self._label

    @label.setter
    def label(self, value: str) -> None:
        if not isinstance(value, str):
            raise TypeError(f"label must be a str, not {value.__class__.__name__}")
        self._label = value

    @property
    def op(self) -> str:
        """The name of the op that made this Value; "" for a leaf."""
        return "" if self._op is None else self._op.name

    @property
    def inputs(self) -> tuple[Value, ...]:
        """The Values this one was computed from (plain-number operands are not Values)."""
        return graph.inputs(self)

    @property
    def constants(self) -> tuple[float, ...]:
        """Plain-number operands of the op, e.g. ``(2.0,)`` for ``x * 2``."""
        return graph.constants(self)

    @property
    def local_grads(self) -> tuple[float, ...]:
        """∂self/∂inputs[i] at the forward values, from the same rules backward uses."""
        return graph.local_grads(self)

    @property
    def is_leaf(self) -> bool:
        """True for a Value made by ``Value(...)`` (or under ``no_grad``), not by an op."""
        return self._op is None

    def __repr__(self) -> str:
        label = f"{self._label!r}, " if self._label else ""
        op = f", op={self._op.name!r}" if self._op is not None else ""
        return f"Value({label}data={self._data!r}, grad={self._grad!r}{op})"

    def __format__(self, spec: str) -> str:
        """``f"{v:.4f}"`` formats the data, so Values print like the numbers they hold."""
        return format(self._data, spec) if spec else repr(self)

    def __bool__(self) -> bool:
        raise TypeError(
            "the truth value of a Value is ambiguous (it would not be recorded in the graph); "
            "compare its .data instead"
        )

    # --- differentiation -----------------------------------------------------------------

    def backward(self, grad: Number = 1.0) -> None:
        """Accumulate ``grad · ∂self/∂v`` into ``v.grad`` for every Value ``v`` this depends on."""
        backward(self, as_real(grad, "backward's grad"))

    def zero_grad(self) -> None:
        """Reset ``grad`` to 0.0 on this Value and on every Value it depends on."""
        zero_grad(self)

    # The operator methods (__add__, exp, relu, ...) are attached below, made from the op table.
    if TYPE_CHECKING:  # declarations for type checkers and readers; made below

        def __add__(self, other: Value | Number) -> Value: ...
        def __radd__(self, other: Value | Number) -> Value: ...
        def __sub__(self, other: Value | Number) -> Value: ...
        def __rsub__(self, other: Value | Number) -> Value: ...
        def __mul__(self, other: Value | Number) -> Value: ...
        def __rmul__(self, other: Value | Number) -> Value: ...
        def __truediv__(self, other: Value | Number) -> Value: ...
        def __rtruediv__(self, other: Value | Number) -> Value: ...
        def __pow__(self, other: Value | Number, modulo: None = None) -> Value: ...
        def __rpow__(self, other: Value | Number) -> Value: ...
        def __neg__(self) -> Value: ...
        def __abs__(self) -> Value: ...
        def exp(self) -> Value: ...
        def log(self) -> Value: ...
        def sqrt(self) -> Value: ...
        def tanh(self) -> Value: ...
        def sigmoid(self) -> Value: ...
        def relu(self) -> Value: ...
        def abs(self) -> Value: ...


def _finish(v: Value, op: ops.Op, a: Any, b: Any, depth: int) -> Value:
    """The rare path of an op: under ``detect_anomaly`` it is checked for nan/inf (as a node,
    even under ``no_grad``); under ``no_grad`` the result is then a leaf."""
    v._op, v._a, v._b, v._depth = op, a, b, depth
    try:
        if MODE.anomaly:
            check_finite(v, "forward")
    finally:
        if not MODE.recording:
            v._op = v._a = v._b = None
            v._depth = 0
    return v


# Python's operator names for the op table's ops; the methods themselves are generated from
# the ops' formulas (see codegen.forward_source) and attached here.
BINARY_METHODS = {
    "add": ("__add__", "__radd__"),
    "sub": ("__sub__", "__rsub__"),
    "mul": ("__mul__", "__rmul__"),
    "div": ("__truediv__", "__rtruediv__"),
    "pow": ("__pow__", "__rpow__"),
}
UNARY_METHODS = {op.name: op.name for op in ops.UNARY_OPS} | {"neg": "__neg__"}
FORWARD_SOURCE = codegen.forward_source(BINARY_METHODS, UNARY_METHODS)
_generated = codegen.compile_source(
    FORWARD_SOURCE,
    "<autograd generated operators>",
    {
        **ops.NAMESPACE,
        **codegen.op_globals(),
        "Value": Value,
        "new": object.__new__,
        "MODE": MODE,
        "finish": _finish,
        "constant": _constant,
    },
)
for _name in [*(m for pair in BINARY_METHODS.values() for m in pair), *UNARY_METHODS.values()]:
    setattr(Value, _name, _generated["method" + _name])
Value.__abs__ = Value.abs  # type: ignore[method-assign]
record: Callable[[float, ops.Op, Any, Any, int], Value] = _generated["record"]


def _nary(op: ops.Op, operands: list[Any], where: str) -> Value:
    """Record an NARY op over Values and plain numbers, in one pass over the operands."""
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
                    x = operands[i] = as_real(x, where)
                except TypeError as e:
                    raise TypeError(f"{e}, or a Value") from None
            data.append(x)
    return record(op.fn(data), op, tuple(operands), None, depth + 1)


def dot(
    weights: Iterable[Value | Number],
    xs: Iterable[Value | Number],
    bias: Value | Number | None = None,
) -> Value:
    """Σᵢ wᵢ·xᵢ (+ bias) as one node: a neuron's net input, the documents' "net".

    One node with local derivatives ∂/∂wᵢ = xᵢ, ∂/∂xᵢ = wᵢ, ∂/∂bias = 1, instead of a
    chain of 2n binary nodes: the diagram shows the quantity the reader computes by hand,
    and the graph is half the size. The sum is correctly rounded (math.fsum).
    """
    operands = _listed(weights, "dot: weights")
    n = len(operands)
    operands += _listed(xs, "dot: xs")
    if len(operands) != 2 * n:
        raise ValueError(f"dot: {n} weights but {len(operands) - n} inputs; they must pair up")
    if bias is not None:
        operands.append(bias)
    if not operands:
        raise ValueError("dot: no weights, inputs or bias; the sum of nothing has no graph to record")
    return _nary(ops.DOT, operands, "dot: an operand")


def _listed(items: object, what: str) -> list[Any]:
    """An iterable of operands as a list; a TypeError naming ``what`` for anything else."""
    if isinstance(items, (Value, str, bytes)) or not hasattr(items, "__iter__"):
        raise TypeError(f"{what} must be a list of Values or numbers, not {type(items).__name__}")
    return [*items]


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
