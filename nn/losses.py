"""Losses for one sample or the mean over a batch; each docstring gives its formula.

What counts as a batch, per loss (so that no call is ambiguous):
- ``squared_error``: a sample's outputs are a Value or a list of Values; a batch is a list of
  such lists (``[[o1, o2], [o1, o2], ...]``) and gives the mean of the samples' errors.
- ``mse``: the mean over every output of every sample, so the two readings agree.
- ``binary_cross_entropy``, ``hinge``: a sample is one Value; a list of Values is a batch.
- ``cross_entropy``: a sample is a list of logits (or probabilities) and a class index; a
  list of such lists with a list of indices is a batch.

``LOSSES`` is the registry of these losses by name, with their formulas and the targets each
takes: network files, ``fit(loss="hinge")`` and the walkthrough all read it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from autograd import Value, vsum
from autograd.validate import finite, real, whole

from .functional import logsumexp

T = TypeVar("T")


def _values(x: Any, what: str) -> list[Any]:
    """A Value or number as a one-item list; a list of them as a list (numbers as floats)."""
    if isinstance(x, Value):
        return [x]
    if isinstance(x, Sequence) and not isinstance(x, (str, bytes)):
        if not x:
            raise TypeError(f"{what}: expected a Value, a number or a non-empty list of them, not []")
        return [item if isinstance(item, Value) else real(item, f"{what}: an item")
                for item in x]
    try:
        return [real(x, what)]
    except TypeError:
        raise TypeError(f"{what}: expected a Value, a number or a non-empty list of them, "
                        f"not {x!r}") from None


def _mean(losses: list[Value], name: str) -> Value:
    if not losses:
        raise ValueError(f"{name}: an empty batch has no loss")
    return losses[0] if len(losses) == 1 else vsum(losses) * (1.0 / len(losses))


def _pairs(outputs: Sequence[T], targets: Any, name: str) -> list[tuple[T, Any]]:
    if isinstance(targets, (str, bytes)) or not isinstance(targets, Sequence):
        raise TypeError(f"{name}: a batch of {len(outputs)} outputs needs a list of targets, "
                        f"not {targets!r}")
    if len(outputs) != len(targets):
        raise ValueError(f"{name}: {len(outputs)} outputs but {len(targets)} targets")
    return list(zip(outputs, targets))


def _is_list_of_lists(x: Any) -> bool:
    return isinstance(x, Sequence) and bool(x) and all(isinstance(s, (list, tuple)) for s in x)


def squared_error(outputs: Any, targets: Any) -> Value:
    """E = ½ Σₖ (targetₖ − outₖ)², the documents' "total error"; a batch gives the mean of E.

    The ½ makes ∂E/∂outₖ = outₖ − targetₖ. ``squared_error(out, 0.01)``,
    ``squared_error([o1, o2], [t1, t2])`` (one sample, two outputs), or a list of such lists.
    """
    if _is_list_of_lists(outputs):
        return _mean([squared_error(o, t) for o, t in _pairs(outputs, targets, "squared_error")],
                     "squared_error")
    outs = _values(outputs, "squared_error")
    ts = _values(targets, "squared_error targets")
    if len(outs) != len(ts):
        raise ValueError(f"squared_error: {len(outs)} outputs but {len(ts)} targets")
    return 0.5 * vsum([(t - o) ** 2 for o, t in zip(outs, ts)])


def mse(outputs: Any, targets: Any) -> Value:
    """MSE = (1/N) Σ (targetₖ − outₖ)² over all N outputs of all samples (no ½)."""
    if _is_list_of_lists(outputs):
        pairs = _pairs(outputs, targets, "mse")
        outs = [o for out, _ in pairs for o in _values(out, "mse")]
        ts = [t for out, target in pairs for t in _values(target, "mse targets")]
    else:
        outs, ts = _values(outputs, "mse"), _values(targets, "mse targets")
    if len(outs) != len(ts):
        raise ValueError(f"mse: {len(outs)} outputs but {len(ts)} targets")
    return vsum([(t - o) ** 2 for o, t in zip(outs, ts)]) * (1.0 / len(outs))


def _one_or_batch(one: Callable[[Any, Any], Value], name: str, outputs: Any, targets: Any) -> Value:
    """A loss whose sample is a single Value: a list of Values is a batch (mean)."""
    if isinstance(outputs, Sequence) and not isinstance(outputs, (str, bytes)):
        return _mean([one(o, t) for o, t in _pairs(outputs, targets, name)], name)
    return one(outputs, targets)


def is_probability(t: float) -> bool:
    """A binary cross-entropy target: a number in [0, 1]."""
    return 0.0 <= t <= 1.0


def is_label(t: float) -> bool:
    """A hinge target: −1 or +1."""
    return t in (-1.0, 1.0)


def binary_cross_entropy(outputs: Any, targets: Any, from_logits: bool = False) -> Value:
    """BCE = −[t·log p + (1 − t)·log(1 − p)] for a probability p and a target t in [0, 1].

    A term whose weight is 0 is left out (0·log 0 = 0, the limit), so a perfect prediction
    costs 0, not nan. With ``from_logits=True`` the output is a logit z (p = σ(z)) and the
    loss is softplus(z) − z·t, with softplus(z) = log(1 + e^z) = logsumexp(0, z): it never
    overflows, never takes log(0), is smooth at z = 0, and has no branch on z's value (so a
    tape replays it right at any z).
    """
    def one(out: Any, t: Any) -> Value:
        if not isinstance(out, Value):
            raise TypeError(f"binary_cross_entropy: the output must be a Value, not {out!r}")
        t = real(t, "binary_cross_entropy: a target")
        if not is_probability(t):
            raise ValueError(f"binary_cross_entropy: a target must be a number in [0, 1], not {t!r}")
        if from_logits:
            return logsumexp([0.0, out]) - out * t
        if t == 1:
            return -out.log()
        if t == 0:
            return -(1.0 - out).log()
        return -(t * out.log() + (1.0 - t) * (1.0 - out).log())

    return _one_or_batch(one, "binary_cross_entropy", outputs, targets)


def hinge(outputs: Any, targets: Any) -> Value:
    """max(0, 1 − y·s) for a score s and a label y in {−1, +1} (micrograd's demo loss)."""
    def one(out: Any, y: Any) -> Value:
        if not isinstance(out, Value):
            raise TypeError(f"hinge: the score must be a Value, not {out!r}")
        label = finite(y, "hinge: a target")
        if not is_label(label):
            raise ValueError(f"hinge: a target must be one of (-1.0, 1.0), not {y!r}")
        return (1.0 - label * out).relu()

    return _one_or_batch(one, "hinge", outputs, targets)


def cross_entropy(outputs: Any, targets: Any, from_logits: bool = True) -> Value:
    """Sparse categorical cross-entropy −log pᵧ for the class index y.

    From logits z (the default): −log softmax(z)ᵧ = logsumexp(z) − zᵧ, computed stably, with
    gradient ∂/∂zₖ = pₖ − [k = y]. With
    ``from_logits=False`` the outputs are probabilities (a softmax layer's) and the loss is −log pᵧ.
    """
    if isinstance(targets, Sequence) and not isinstance(targets, (str, bytes)):
        if not _is_list_of_lists(outputs):
            raise TypeError("cross_entropy: a list of class indices needs a list of output lists")
        pairs = _pairs(outputs, targets, "cross_entropy")
        return _mean([cross_entropy(o, t, from_logits) for o, t in pairs], "cross_entropy")
    zs = _values(outputs, "cross_entropy")
    try:
        targets = whole(targets, "cross_entropy: the target", 0, len(zs) - 1)
    except ValueError:
        raise ValueError(f"cross_entropy: the target must be a class index in 0..{len(zs) - 1}, "
                         f"not {targets!r}") from None
    zy = zs[targets]
    if not from_logits:
        if not isinstance(zy, Value):
            raise TypeError("cross_entropy: the probabilities must be Values")
        return -zy.log()
    return logsumexp(zs) - zy


@dataclass(frozen=True)
class LossSpec:
    """A loss as everything else reads it: network files, ``fit(loss=name)``, the walkthrough.

    ``target`` is "numbers" (one per output) or "class" (an index); ``one_output``: the network
    must have a single output; ``target_check`` tells whether a target number is allowed, and
    ``target_rule`` says what is; ``activations`` are the output activations the loss accepts
    (None: any); ``of_network(outputs, target, activation)`` is the loss of a network's output
    list, from logits or probabilities as the output activation says.
    """

    name: str
    fn: Callable[..., Value]
    formula: str
    latex: str
    of_network: Callable[[list[Value], Any, str], Value]
    target: str = "numbers"
    one_output: bool = False
    target_check: Callable[[float], bool] = lambda t: True
    target_rule: str = ""
    activations: tuple[str, ...] | None = None
    activation_rule: str = ""


LOSSES: dict[str, LossSpec] = {spec.name: spec for spec in (
    LossSpec("squared_error", squared_error, "E = ½ Σₖ (targetₖ − outₖ)²",
             r"E = \tfrac{1}{2}\sum_k (t_k - o_k)^2", lambda outs, ts, act: squared_error(outs, ts)),
    LossSpec("mse", mse, "E = (1/n) Σₖ (targetₖ − outₖ)²", r"E = \tfrac{1}{n}\sum_k (t_k - o_k)^2",
             lambda outs, targets, act: mse(outs, targets)),
    LossSpec("binary_cross_entropy", binary_cross_entropy, "E = −[t·log p + (1 − t)·log(1 − p)]",
             r"E = -[t \log p + (1-t)\log(1-p)]",
             # a linear output is a logit, a sigmoid's a probability
             lambda outs, ts, act: binary_cross_entropy(outs[0], ts[0], from_logits=act == "linear"),
             one_output=True, target_check=is_probability, target_rule="a target in [0, 1]",
             activations=("sigmoid", "linear"),
             activation_rule="a sigmoid output (a probability) or a linear one (a logit)"),
    LossSpec("cross_entropy", cross_entropy, "E = −log pᵧ, p = softmax(z)", r"E = -\log p_y",
             lambda outs, k, act: cross_entropy(outs, k, from_logits=act != "softmax"), target="class"),
    LossSpec("hinge", hinge, "E = max(0, 1 − y·s)", r"E = \max(0, 1 - y s)",
             lambda outs, targets, act: hinge(outs[0], targets[0]),
             one_output=True, target_check=is_label, target_rule="a label of -1 or 1"),
)}


def loss_named(name: object, where: str = "loss") -> LossSpec:
    """The registry's loss of that name; ValueError listing the names otherwise."""
    if not isinstance(name, str) or name not in LOSSES:
        raise ValueError(f"{where}: unknown loss {name!r}; choose one of {', '.join(LOSSES)}")
    return LOSSES[name]
