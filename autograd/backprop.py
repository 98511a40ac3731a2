"""Reverse mode: the chain rule, applied once per node along a topological order.

For each node, from the output back to the leaves, ``input.grad += node.grad · ∂node/∂input``.
A node whose gradient is exactly 0 is skipped where that changes nothing: for ops whose
partials are finite for every input (add, sub, neg, relu: ``Op.bounded``) and for a dot or
sum whose operands are all finite. So a dead ReLU's branch costs little, while 0·∞ is still
nan, as IEEE (and PyTorch) say.
The loop itself, ``generated.backward.propagate``, is written from the op table's formulas
with one branch per op, because this is the hot path of every training step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .anomaly import check_finite, check_grads, name
from .generated.backward import propagate
from .graph import GRAPH_LOCK, inputs, topological_order, walk
from .modes import current

if TYPE_CHECKING:
    from .value import Value


def backward(root: Value, seed: float = 1.0) -> None:
    """Add ``seed · ∂root/∂v`` to ``v.grad`` for every Value ``v`` that ``root`` depends on.

    Gradients accumulate, on leaves and inner nodes alike: calling it twice adds twice.
    Each call computes its own contribution from zero (gradients left by earlier calls are
    set aside and added back at the end), so a second call adds exactly the same again,
    unlike micrograd's, which re-propagates what inner nodes already hold. Calls from several
    threads run one at a time (``graph.GRAPH_LOCK``), so a shared subgraph gets every addition.
    """
    with GRAPH_LOCK:
        _backward(root, seed, current().anomaly)


def _backward(root: Value, seed: float, anomaly: bool) -> None:
    order, leaves = walk(root)
    check_unchanged(root, leaves, "backward")
    if anomaly:
        for node in order:
            check_finite(node, "backward")
    # Set aside what earlier passes left (rare after zero_grad), so this pass starts clean.
    earlier = [(n, n._grad) for n in order if n._grad] + [(n, n._grad) for n in leaves if n._grad]
    for n, _ in earlier:
        n._grad = 0.0
    try:
        root._grad += seed
        propagate(order)
        if anomaly:
            check_grads(order)
    finally:  # even when the anomaly check raises, earlier gradients are not lost
        for n, g in earlier:
            n._grad += g


def check_unchanged(root: Value, leaves: list[Value], doing: str) -> None:
    """Refuse ``doing`` (backward, a copy) on a graph whose leaves were set after ``root`` was
    computed from them: it holds their old numbers, and a gradient would mix old and new, right
    for neither. A node records the epoch it was made in (``_born``), a leaf the epoch it was
    last set; one scan of the leaves. A leaf set between two nodes of one forward pass is not
    seen: comparing every edge cost 3.7% of a training step (callgrind), over the budget."""
    changed = [leaf for leaf in leaves if leaf._born > root._born]
    if changed:
        names = ", ".join(name(leaf) for leaf in changed[:3]) + (", …" if len(changed) > 3 else "")
        raise RuntimeError(f"{doing}: {names} changed (its .data was set) after {name(root)} was computed "
                           "from it; compute it again from the new values first")


def zero_grad(root: Value) -> None:
    """Set ``grad`` to 0.0 on ``root`` and on every Value it depends on, leaves included."""
    with GRAPH_LOCK:
        root._grad = 0.0
        for node in topological_order(root):
            node._grad = 0.0
            for x in inputs(node):
                x._grad = 0.0
