"""``Value``: one float, the op that made it, its inputs, and its gradient.

A node costs one object with eight slots and no cycles: no closure, no children tuple, no
set. Reference counting frees a graph as soon as it is dropped, and the cyclic garbage
collector has nothing to untangle (micrograd spends most of a training step there).
Plain-number operands never become nodes: ``x * 2`` is one node holding the constant 2.0.
The arithmetic (``__mul__``, ``tanh``, ...) is inherited from ``generated.operators``, which
``python autograd/codegen.py`` writes from the op table.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from . import graph, serial
from .backprop import backward, zero_grad
from .generated import operators
from .generated.operators import Operators
from .validate import NOT_NUMBERS, Number, real

__all__ = ["Number", "Value"]


class Value(Operators):
    """A scalar in a computation graph: ``data``, ``grad``, and how it was made.

    >>> a = Value(2.0, label="a"); b = Value(-3.0, label="b")
    >>> e = (a * b + a.exp()).tanh(); e.backward()
    >>> round(a.grad, 6), round(b.grad, 6), e.op, [round(d, 6) for d in e.local_grads]
    (0.967244, 0.440753, 'tanh', [0.220376])
    """

    # _mark: a per-walk token, so that a graph walk needs no set of visited nodes; _born: the
    # epoch (operators.EPOCH) the node was made in, or a leaf's data last set. The operator
    # methods (__mul__, tanh, ...) come from Operators, written from the op table.
    __slots__ = ("_a", "_b", "_born", "_data", "_depth", "_grad", "_label", "_mark", "_op")
    __array_ufunc__ = None  # NumPy scalars then defer to our reflected operators

    def __init__(self, data: Number, label: str = "") -> None:
        self._data = real(data, "Value data")
        self._grad = 0.0
        self._op = None
        self._a = None
        self._b = None
        self._depth = 0
        self._mark = None
        self._born = operators.EPOCH
        self.label = label

    # --- inspection ------------------------------------------------------------------

    @property
    def data(self) -> float:
        """The number this node holds. Settable on leaves only (e.g. by an optimizer)."""
        return self._data

    @data.setter
    def data(self, value: Number) -> None:
        """A leaf's new number; a graph computed from the old one can no longer be differentiated
        (``backward`` raises), as its values would mix old and new."""
        if self._op is not None:
            raise AttributeError(
                f"cannot set data of a computed Value (op '{self._op.name}'): it would no longer "
                "agree with its inputs; set the data of a leaf and recompute"
            )
        new = real(value, "data")
        if new == self._data and math.copysign(1.0, new) == math.copysign(1.0, self._data):
            return  # the same number: nothing computed from it changes
        self._data = new
        operators.EPOCH += 1
        self._born = operators.EPOCH

    @property
    def grad(self) -> float:
        """∂(output)/∂(this node), accumulated by ``backward``; 0.0 until then."""
        return self._grad

    @grad.setter
    def grad(self, value: Number) -> None:
        self._grad = real(value, "grad")

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

    def __reduce__(self) -> tuple[Callable[..., Value], tuple[Any, ...]]:
        """copy, deepcopy and pickle carry a computed Value's whole graph, flattened (``serial``)."""
        return serial.reduce(self)

    def __bool__(self) -> bool:
        raise TypeError(
            "the truth value of a Value is ambiguous (it would not be recorded in the graph); "
            "compare its .data instead"
        )

    # --- differentiation -----------------------------------------------------------------

    def backward(self, grad: Number = 1.0, create_graph: bool = False) -> dict[Value, Value | float] | None:
        """Accumulate ``grad · ∂self/∂v`` into ``v.grad`` for every Value ``v`` this depends on.

        ``create_graph=True`` also builds each gradient as a Value with a graph (``higher``) and
        returns them, ``{v: ∂self/∂v}``, to differentiate again; ``.grad`` stays a float."""
        seed = real(grad, "backward's grad")
        if not create_graph:
            backward(self, seed)
            return None
        from .higher import gradient_graph

        gradients = gradient_graph(self, seed)
        with graph.GRAPH_LOCK:
            for v, g in gradients.items():
                v._grad += g._data if isinstance(g, Value) else g
        return gradients

    def zero_grad(self) -> None:
        """Reset ``grad`` to 0.0 on this Value and on every Value it depends on."""
        zero_grad(self)


operators.bind(Value)  # the class the generated operator methods create
NOT_NUMBERS[Value] = "use .data to copy its number"
