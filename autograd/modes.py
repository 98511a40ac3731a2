"""Recording modes: ``no_grad`` (compute, record nothing) and ``detect_anomaly``.

Both are process-wide switches (not thread-local), nestable, and restored on exit even when
the block raises. Every op reads one flag, ``MODE.plain``, so the common case (recording,
no anomaly checks) costs a single attribute test.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from .graph import inputs, local_grads

if TYPE_CHECKING:
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


def name(v: Value) -> str:
    return repr(v._label) if v._label else "<unlabelled>"


def describe_inputs(node: Value) -> str:
    return "(" + ", ".join(f"{name(x)}={x._data!r}" for x in inputs(node)) + ")"


def check_finite(node: Value, stage: str) -> None:
    """Raise FloatingPointError if the node's value or a local derivative is nan or inf."""
    op = node.op
    if not math.isfinite(node._data):
        raise FloatingPointError(
            f"{stage}: op '{op}' produced {node._data!r} from inputs {describe_inputs(node)}"
        )
    for x, d in zip(inputs(node), local_grads(node)):
        if not math.isfinite(d):
            raise FloatingPointError(
                f"{stage}: op '{op}' has local derivative ∂{op}/∂{name(x)} = {d!r} "
                f"at inputs {describe_inputs(node)}"
            )
