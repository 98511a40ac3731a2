"""Record once, replay fast: a function's graph flattened into a tape of slots and op codes.

Training a fixed network rebuilds the same graph every step. ``trace(fn, example_inputs)``
runs ``fn`` once on Values and keeps its graph as flat lists, in the same topological order
``backward`` uses: slot k holds a float, the leaves first (the inputs, then every other
leaf: the *parameters*, read from their Values at each replay, so optimizers and the eager
path see the same numbers), then one slot per op node with its op code and operand slots
(plain-number operands folded in as constants). Calling the tape runs forward and backward
over lists of floats, through loops generated from the op table's formulas: the same
calculus, in the same order, so the results equal the eager engine's to the last bit.

A tape replays the branches ``fn`` took when it was traced (``if x.data > 0`` is decided
once); value-dependent derivatives such as relu's are evaluated at replay. ``verify=True``
re-runs ``fn`` eagerly at each call and raises ``TapeMismatch`` when the graph differs.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from operator import itemgetter
from typing import Any

from .generated.tape_loops import backward as _backward
from .generated.tape_loops import forward as _forward
from .graph import inputs, walk
from .modes import current
from .op import BINARY, NARY, UNARY, Op, parenthesized
from .validate import Number, real
from .value import Value


class TapeMismatch(RuntimeError):
    """The function, run again, built a different graph than the one on the tape."""


class Tape:
    """A traced function: call it with new input numbers to get (value, parameter gradients).

    ``tape(*xs)`` returns ``(value, grads)`` with ``grads[i] = ∂value/∂tape.params[i]``;
    ``tape.input_grads`` then holds ∂value/∂xs. ``tape.forward(*xs)`` computes the value alone.
    With ``accumulate=True`` the gradients are also added to the parameters' ``.grad``, as
    ``backward`` would, so ``zero_grad()``/``step()`` optimizers work unchanged.
    """

    def __init__(self, fn: Callable[..., Value], example_inputs: Sequence[Number], verify: bool = False):
        if not callable(fn):
            raise TypeError(f"trace: fn must be callable, not {type(fn).__name__}")
        if isinstance(example_inputs, (str, bytes, Value)) or not isinstance(example_inputs, Sequence):
            raise TypeError("trace: example_inputs must be a list of numbers, not "
                            f"{type(example_inputs).__name__}")
        if not current().recording:
            raise RuntimeError("trace: inside no_grad() nothing is recorded, so there is no graph "
                               "to put on a tape; trace outside it")
        self.fn = fn
        self.verify = verify
        xs = [Value(real(x, f"trace: example input {i}"), label=f"x{i}")
              for i, x in enumerate(example_inputs)]
        out = fn(*xs)
        if not isinstance(out, Value):
            raise TypeError(f"trace: fn must return a Value, but returned {type(out).__name__}")
        self.inputs = xs
        self._record(out)

    def _record(self, out: Value) -> None:
        """Lay out out's graph as slots and op codes, in the form the generated loops read."""
        order, leaves = walk(out)
        self.params = _parameters(order, leaves, self.inputs)
        slot = {id(v): k for k, v in enumerate([*self.inputs, *self.params])}
        nodes = [(node, op) for node in order if (op := node._op) is not None]
        # An NARY node's plain-number operands get slots of their own, after the parameters,
        # so that every NARY node gathers its operands with one C-level itemgetter.
        self.constants = [x for node, op in nodes if op.kind == NARY for x in node._a if type(x) is float]
        self.first = len(slot) + len(self.constants)
        next_constant = iter(range(len(slot), self.first))
        code: list[Op] = []
        A: list[Any] = []  # first operand slot; for NARY (gather, operand slots)
        B: list[Any] = []  # second operand slot, or the constant, or None
        for i, (node, op) in enumerate(nodes):
            code.append(op)
            a, b = _operand_entries(node, op, slot, next_constant)
            A.append(a)
            B.append(b)
            slot[id(node)] = self.first + i
        self.code, self.A, self.B = code, A, B
        self.output_slot = slot[id(out)]
        self.input_grads: list[float] = []

    def __len__(self) -> int:
        """The number of op nodes on the tape."""
        return len(self.code)

    def op_counts(self) -> Counter[str]:
        """How many nodes of each op (``Counter({'mul': 30737, 'add': 30836, ...})``)."""
        return Counter(op.name for op in self.code)

    def _values(self, xs: Sequence[object]) -> list[float]:
        if len(xs) != len(self.inputs):
            raise TypeError(f"tape: expected {len(self.inputs)} inputs, got {len(xs)}")
        vals = []
        for i, x in enumerate(xs):
            if isinstance(x, Value):
                raise TypeError(f"tape: input {i} is a Value; pass numbers (a tape records no graph)")
            vals.append(real(x, f"tape: input {i}"))
        vals += [p._data for p in self.params]
        vals += self.constants
        if self.verify:
            self._verify(vals[: len(self.inputs)])
        _forward(vals, self.code, self.A, self.B)
        return vals

    def forward(self, *xs: Number) -> float:
        """fn's value at these inputs, without gradients."""
        return self._values(xs)[self.output_slot]

    def __call__(self, *xs: Number, accumulate: bool = False) -> tuple[float, list[float]]:
        vals = self._values(xs)
        grads = [0.0] * len(vals)
        grads[self.output_slot] = 1.0
        _backward(vals, grads, self.code, self.A, self.B, self.first)
        n = len(self.inputs)
        self.input_grads = grads[:n]
        param_grads = grads[n : n + len(self.params)]
        if accumulate:
            for p, g in zip(self.params, param_grads):
                p._grad += g
        return vals[self.output_slot], param_grads

    def _verify(self, xs: list[float]) -> None:
        """Trace fn again at these inputs and compare the graphs' shapes."""
        again = Tape(self.fn, xs)
        if not self._same_graph(again):
            raise TapeMismatch(
                f"tape: fn built a different graph at inputs {xs} ({len(again)} nodes, "
                f"{dict(again.op_counts())}) than when traced ({len(self)} nodes): it branches "
                "on values; trace again for these inputs, or use the eager engine"
            )

    def _same_graph(self, again: Tape) -> bool:
        """Whether a fresh trace recorded the same ops, on the same slots, of the same parameters."""
        return (again.code == self.code and again.B == self.B and again.constants == self.constants
                and _slots_only(again.A) == _slots_only(self.A)
                and len(again.params) == len(self.params)
                and all(map(_same_parameter, again.params, self.params)))

    def _slot_names(self) -> list[str]:
        names = [f"x{i}" for i in range(len(self.inputs))]
        names += [p.label or f"p{i}" for i, p in enumerate(self.params)]
        names += [repr(c) for c in self.constants]
        return names + [f"v{k}" for k in range(self.first, self.first + len(self))]

    def listing(self, limit: int | None = 200) -> str:
        """The tape as a straight-line program: forward lines, then backward lines.

        This *is* backpropagation for this function, one line per node: ``v7 = tanh(v6)``
        forward, ``g_v6 += g_v7 * (1.0 - v7 * v7)`` backward. ``limit`` caps each half.
        """
        names = self._slot_names()

        def operands(op: Op, a: Any, b: Any) -> dict[str, str]:
            if op.kind == BINARY:
                return {"x": names[a], "y": names[b]}
            if op.kind == UNARY:
                return {"x": names[a], "y": repr(b)}
            return {"x": repr(b), "y": names[a]}

        nodes = list(zip(names[self.first:], self.code, self.A, self.B))
        shown = nodes if limit is None else nodes[:limit]
        more = [f"# … {len(nodes) - len(shown)} more"] if len(shown) < len(nodes) else []
        lines = [f"# {len(self.inputs)} inputs, {len(self.params)} parameters, {len(self)} nodes",
                 "# forward"]
        for v, op, a, b in shown:
            if op.kind == NARY:
                lines.append(f"{v} = {op.name}({', '.join(names[o] for o in a[1])})")
            else:
                lines.append(f"{v} = {_substitute(op.formula, operands(op, a, b))}")
        lines += more
        lines.append(f"# backward, from g_{names[self.output_slot]} = 1")
        for v, op, a, b in (nodes[::-1] if limit is None else nodes[::-1][:limit]):
            if op.kind == NARY:
                lines.append(f"g_<each operand of {v}> += g_{v} * ∂{op.name}/∂<operand>")
                continue
            local = {**operands(op, a, b), "out": v}
            targets = [a, b] if op.kind == BINARY else [a]
            for t, d in zip(targets, op.partials):
                lines.append(f"g_{names[t]} += g_{v} * {parenthesized(_substitute(d, local))}")
        lines += more
        return "\n".join(lines)


def _parameters(order: list[Value], leaves: list[Value], xs: list[Value]) -> list[Value]:
    """The leaves other than the inputs ``xs``, in the order the tape's nodes first read them."""
    in_inputs = {id(x) for x in xs}
    first_use = {id(x): None for node in order for x in inputs(node) if x._op is None}
    first_use.update({id(v): None for v in leaves})  # fn may return a leaf itself
    by_id = {id(v): v for v in leaves}
    return [by_id[k] for k in first_use if k not in in_inputs]


def _operand_entries(
    node: Value, op: Op, slot: dict[int, int], next_constant: Iterator[int]
) -> tuple[Any, Any]:
    """A node's (A, B) entries: its operands' slots, or for NARY (gather, slots) and None."""
    if op.kind == NARY:
        slots = tuple(next(next_constant) if type(x) is float else slot[id(x)] for x in node._a)
        return (_gather(slots), slots), None
    return slot[id(node._a)], (slot[id(node._b)] if op.kind == BINARY else node._b)


def _gather(slots: tuple[int, ...]) -> Callable[[list[float]], tuple[float, ...]]:
    """A fast reader of these slots as a tuple (itemgetter of a single slot returns no tuple)."""
    if len(slots) > 1:
        return itemgetter(*slots)

    def read_one(v: list[float], k: int = slots[0]) -> tuple[float, ...]:
        return (v[k],)

    return read_one


def _slots_only(A: list[Any]) -> list[Any]:
    """The A column without the NARY gather functions, which differ between traces."""
    return [a[1] if type(a) is tuple else a for a in A]


def _same_parameter(again: Value, traced: Value) -> bool:
    """Whether a retrace's leaf stands for the traced one.

    Parameters must be the same Values, except leaves fn makes afresh at each call (a
    constant wrapped in a Value): those must hold the same number under the same label.
    """
    return again is traced or (again._data == traced._data and again._label == traced._label
                               and not traced._grad)


def _substitute(expr: str, names: dict[str, str]) -> str:
    """A formula with its x, y and out replaced by slot names."""
    return re.sub(r"\b(x|y|out)\b", lambda m: names[m.group(1)], expr)


def trace(fn: Callable[..., Value], example_inputs: Sequence[Number], *, verify: bool = False) -> Tape:
    """Run ``fn(*Values)`` once at ``example_inputs`` and record its graph as a ``Tape``."""
    return Tape(fn, example_inputs, verify=verify)
