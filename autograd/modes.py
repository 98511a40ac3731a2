"""Recording modes: ``no_grad`` (compute, record nothing) and ``detect_anomaly``.

A mode belongs to the thread and the asyncio task that enters it (a ``contextvars`` variable,
as PyTorch's grad mode is thread-local): an evaluation thread under ``no_grad`` changes
nothing for a thread that trains. Modes nest, and leaving a block restores exactly what was
there, even when the block raises.

Every op reads one flag, ``MODE.plain``, true while no thread or task anywhere is in a mode:
the common case then costs a single attribute test. While any is, every op takes the rare
path, ``finish``, which reads its own context's mode: slower, never wrong.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .anomaly import check_finite

if TYPE_CHECKING:
    from .op import Op
    from .value import Value


class _Mode:
    """``plain``: no context anywhere holds a mode, so an op may skip ``finish``."""

    __slots__ = ("_active", "_lock", "plain")

    def __init__(self) -> None:
        self.plain = True
        self._active = 0  # non-plain States alive, in any context of any thread or task
        self._lock = threading.RLock()  # reentrant: a State may be freed while it is held

    def _count(self, change: int) -> None:
        with self._lock:
            self._active += change
            self.plain = self._active == 0


MODE = _Mode()


@dataclass(frozen=True)
class State:
    """The mode of one thread or task: is the graph recorded, are nan/inf hunted.

    A State other than the plain one counts itself while it is alive: a block that has closed
    may live on in a task or thread started inside it (which copied the context), and its ops
    must still see the mode, so ``MODE.plain`` holds only when no such State is left.
    """

    recording: bool = True
    anomaly: bool = False

    def __post_init__(self) -> None:
        if self._counted:
            MODE._count(+1)

    def __del__(self) -> None:
        if self._counted:
            MODE._count(-1)

    @property
    def _counted(self) -> bool:
        return not self.recording or self.anomaly


PLAIN = State()
_STATE: ContextVar[State] = ContextVar("autograd_mode", default=PLAIN)


def current() -> State:
    """The mode of the calling thread or task."""
    return _STATE.get()


@contextmanager
def _mode(recording: bool | None = None, anomaly: bool | None = None) -> Iterator[None]:
    """The block's mode: what it sets, the rest as the context has it when the block is entered
    (so ``@no_grad()`` as a decorator keeps an outer ``detect_anomaly``)."""
    now = _STATE.get()
    token = _STATE.set(State(now.recording if recording is None else recording,
                             now.anomaly if anomaly is None else anomaly))
    try:
        yield
    finally:
        _STATE.reset(token)


def no_grad() -> AbstractContextManager[None]:
    """Ops inside the block compute values but record no graph: results are new leaves.

    Use it for parameter updates and inference, where a graph would only cost memory.
    """
    return _mode(recording=False)


def detect_anomaly() -> AbstractContextManager[None]:
    """Raise ``FloatingPointError`` at the first op whose value or local derivative is nan/inf.

    The error names the op, its operands' labels and values, so the place where training
    first blew up is found at once. ``backward`` inside the block also checks the gradients
    it produces. It slows every op down; use it to hunt a bug, not to train.
    """
    return _mode(anomaly=True)


def is_recording() -> bool:
    """True unless inside ``no_grad`` (in this thread or task)."""
    return current().recording


def finish(v: Value, op: Op, a: Any, b: Any, depth: int) -> Value:
    """An op's node outside the plain mode: under ``detect_anomaly`` it is checked for nan/inf
    (as a node, even under ``no_grad``); under ``no_grad`` the result is then a leaf."""
    state = _STATE.get()
    v._op, v._a, v._b, v._depth = op, a, b, depth
    try:
        if state.anomaly:
            check_finite(v, "forward")
    finally:
        if not state.recording:
            v._op = v._a = v._b = None
            v._depth = 0
    return v
