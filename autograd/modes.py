"""Recording modes: ``no_grad`` (compute, record nothing) and ``detect_anomaly``.

Both are process-wide switches (not thread-local), nestable, and restored on exit even when
the block raises. Every op reads one flag, ``MODE.plain``, so the common case (recording,
no anomaly checks) costs a single attribute test; anything else goes through ``finish``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from .anomaly import check_finite

if TYPE_CHECKING:
    from .op import Op
    from .value import Value


class _Mode:
    __slots__ = ("anomaly", "plain", "recording")

    def __init__(self) -> None:
        self.recording = True
        self.anomaly = False
        self.plain = True

    def _set(self, recording: bool, anomaly: bool) -> None:
        self.recording = recording
        self.anomaly = anomaly
        self.plain = recording and not anomaly


MODE = _Mode()


@contextmanager
def no_grad() -> Iterator[None]:
    """Ops inside the block compute values but record no graph: results are new leaves.

    Use it for parameter updates and inference, where a graph would only cost memory.
    """
    saved = MODE.recording, MODE.anomaly
    MODE._set(False, saved[1])
    try:
        yield
    finally:
        MODE._set(*saved)


@contextmanager
def detect_anomaly() -> Iterator[None]:
    """Raise ``FloatingPointError`` at the first op whose value or local derivative is nan/inf.

    The error names the op, its operands' labels and values, so the place where training
    first blew up is found at once. ``backward`` inside the block also checks the gradients
    it produces. It slows every op down; use it to hunt a bug, not to train.
    """
    saved = MODE.recording, MODE.anomaly
    MODE._set(saved[0], True)
    try:
        yield
    finally:
        MODE._set(*saved)


def is_recording() -> bool:
    """True unless inside ``no_grad``."""
    return MODE.recording


def finish(v: Value, op: Op, a: Any, b: Any, depth: int) -> Value:
    """An op's node outside the plain mode: under ``detect_anomaly`` it is checked for nan/inf
    (as a node, even under ``no_grad``); under ``no_grad`` the result is then a leaf."""
    v._op, v._a, v._b, v._depth = op, a, b, depth
    try:
        if MODE.anomaly:
            check_finite(v, "forward")
    finally:
        if not MODE.recording:
            v._op = v._a = v._b = None
            v._depth = 0
    return v
