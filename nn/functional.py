"""Functions of several Values that layers and losses share: softmax and log-sum-exp.

Both shift by m = max z before exponentiating, so they never overflow; m is held constant
(``autograd.shift``: its derivative is 0), and since both are shift-invariant the gradients
are those of the unshifted formulas.
"""

from __future__ import annotations

from collections.abc import Sequence

from autograd import Value, shift, vsum


def _shifted_exps(zs: Sequence[Value | float], what: str) -> tuple[Value, list[Value]]:
    if not zs:
        raise ValueError(f"{what} of no values")
    m = shift(zs)  # max z, held constant: a node, so that a tape recomputes it
    return m, [(z - m).exp() for z in zs]  # a plain-number z makes c − m, a constant form


def softmax(zs: Sequence[Value | float]) -> list[Value]:
    """pⱼ = e^(zⱼ − m) / Σₖ e^(zₖ − m): probabilities that sum to 1, for any size of z."""
    _, exps = _shifted_exps(zs, "softmax")
    total = vsum(exps)
    return [e / total for e in exps]


def logsumexp(zs: Sequence[Value | float]) -> Value:
    """log Σₖ e^zₖ = m + log Σₖ e^(zₖ − m), exact where the plain formula overflows."""
    m, exps = _shifted_exps(zs, "logsumexp")
    return vsum(exps).log() + m
