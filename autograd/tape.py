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

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from operator import itemgetter
from typing import Any

from . import program
from .generated.tape_loops import backward as _backward
from .generated.tape_loops import forward as _forward
from .graph import walk
from .modes import current
from .op import BINARY, NARY, Op
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
        self.constants = [x for node, op in nodes if op.kind == NARY and float in map(type, node._a)
                          for x in node._a if type(x) is float]
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
        self.labels = [node._label for node, _ in nodes]  # names for the program (``program``)
        self.output_slot = slot[id(out)]
        self.input_grads: list[float] = []

    def __len__(self) -> int:
        """The number of op nodes on the tape."""
        return len(self.code)

    def op_counts(self) -> Counter[str]:
        """How many nodes of each op (``Counter({'mul': 30737, 'add': 30836, ...})``)."""
        return Counter(op.name for op in self.code)

    def numbers(self, xs: Sequence[object]) -> list[float]:
        """The inputs as floats, checked (and with ``verify``, the graph traced again at them)."""
        if len(xs) != len(self.inputs):
            raise TypeError(f"tape: expected {len(self.inputs)} inputs, got {len(xs)}")
        vals = []
        for i, x in enumerate(xs):
            if isinstance(x, Value):
                raise TypeError(f"tape: input {i} is a Value; pass numbers (a tape records no graph)")
            vals.append(real(x, f"tape: input {i}"))
        if self.verify:
            self._verify(vals)
        return vals

    def _values(self, xs: Sequence[object]) -> list[float]:
        vals = self.numbers(xs)
        vals += [p._data for p in self.params]
        vals += self.constants
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

    def compile(self) -> CompiledTape:
        """This tape as a straight-line Python program (``program``): the same numbers to the
        last bit, several times faster per call; compiling costs about 30 µs a line, once per
        structure. ``compiled.listing()`` is the program."""
        return CompiledTape(self)

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

    def listing(self, limit: int | None = 200) -> str:
        """The tape as the straight-line program ``compile()`` runs: backpropagation for this
        function, one line per node forward (``out_n3 = relu(net_n3)``), one per operand
        backward (``g_net_n3 = g_out_n3 * (1.0 if net_n3 > 0.0 else 0.0)``); ``limit`` lines."""
        return cut(program.tape_program(self), limit)


class CompiledTape:
    """A tape compiled to straight-line Python: called like the tape, ``(value, grads)``."""

    def __init__(self, tape: Tape) -> None:
        self.tape, self.params = tape, tape.params
        self.source = program.tape_program(tape)
        self._run = program.build(self.source, "run")
        self._value = program.build(self.source, "value")
        self.input_grads: list[float] = []

    def _numbers(self, xs: Sequence[object]) -> tuple[list[float], list[float]]:
        return self.tape.numbers(xs), [p._data for p in self.params]

    def __call__(self, *xs: Number, accumulate: bool = False) -> tuple[float, list[float]]:
        value, grads, self.input_grads = self._run(*self._numbers(xs))
        if accumulate:
            for p, g in zip(self.params, grads):
                p._grad += g
        return value, grads

    def forward(self, *xs: Number) -> float:
        """fn's value at these inputs, without gradients."""
        value: float = self._value(*self._numbers(xs))
        return value

    def __len__(self) -> int:
        return len(self.tape)

    def listing(self, limit: int | None = 200) -> str:
        """The program that runs, ``limit`` lines at most (None: all of it)."""
        return cut(self.source, limit)


def cut(source: str, limit: int | None) -> str:
    """The first ``limit`` lines of a program, and how many more there are."""
    lines = source.splitlines()
    if limit is None or len(lines) <= limit:
        return source.rstrip("\n")
    return "\n".join([*lines[:limit], f"# … {len(lines) - limit} more lines"])


def _parameters(order: list[Value], leaves: list[Value], xs: list[Value]) -> list[Value]:
    """The leaves other than the inputs ``xs``, in the order the tape's nodes first read them."""
    in_inputs = {id(x) for x in xs}
    by_id = {id(v): v for v in leaves}
    first_use: dict[int, None] = {}  # ids of every operand, in order (a dict, for its C speed)
    for node in order:
        a = node._a
        if type(a) is tuple:  # an NARY node's operands
            first_use.update(dict.fromkeys(map(id, a)))
        else:
            first_use[id(a)] = first_use[id(node._b)] = None
    first_use.update(dict.fromkeys(by_id))  # fn may return a leaf itself
    return [by_id[k] for k in first_use if k in by_id and k not in in_inputs]


def _operand_entries(
    node: Value, op: Op, slot: dict[int, int], next_constant: Iterator[int]
) -> tuple[Any, Any]:
    """A node's (A, B) entries: its operands' slots, or for NARY (gather, slots) and None."""
    if op.kind == NARY:
        try:  # no plain numbers among the operands (the common case): one C-level pass
            slots = tuple(map(slot.__getitem__, map(id, node._a)))
        except KeyError:
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


def trace(fn: Callable[..., Value], example_inputs: Sequence[Number], *, verify: bool = False) -> Tape:
    """Run ``fn(*Values)`` once at ``example_inputs`` and record its graph as a ``Tape``."""
    return Tape(fn, example_inputs, verify=verify)
