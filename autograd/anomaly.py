"""What ``detect_anomaly`` checks: the first nan or inf, named with its op and operands."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from .graph import inputs, local_grads
from .names import name_of

if TYPE_CHECKING:
    from .value import Value


def name(v: Value) -> str:
    """A node as an error message names it: its label, or the name ``names`` makes from its op
    and operands ('a·b', 'tanh₁'), in quotes; an unlabelled leaf is <unlabelled>."""
    if v._label:
        return repr(v._label)
    return repr(name_of(v)) if v._op is not None else "<unlabelled>"


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


def check_grads(order: list[Value]) -> None:
    """Raise FloatingPointError at the first gradient, from the output down, that is nan or inf."""
    for node in reversed(order):
        for x in (node, *inputs(node)):
            if not math.isfinite(x._grad):
                raise FloatingPointError(
                    f"backward: the gradient of {name(x)} became {x._grad} at op "
                    f"'{node.op}' with inputs {describe_inputs(node)}"
                )
