"""Trust, but verify: backward's gradients against central differences.

``gradcheck(fn, inputs)`` runs ``fn`` once with backward and then, for each input, twice more
with the input nudged by ±h, h = eps·max(1, |x|), and compares ∂fn/∂input with the central
difference (f(x+h) − f(x−h)) / 2h (h as the floats actually step).
At a kink (relu or abs at 0) the two one-sided slopes differ, and keep differing when eps is
halved (for a smooth function their gap, about f''·eps, halves too); there any analytic
gradient between them (a subgradient, like relu'(0) = 0) is accepted and the row says "kink".
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .ieee import ieee_div
from .modes import no_grad
from .notation import number
from .validate import Number, positive, real
from .value import Value

Fn = Callable[..., Value]


@dataclass(frozen=True)
class GradcheckRow:
    """One input's comparison. ``kink`` means its one-sided slopes disagree."""

    label: str
    analytic: float
    numeric: float
    abs_err: float
    rel_err: float
    ok: bool
    kink: bool = False  # the one-sided slopes differ, and not by curvature: a kink


@dataclass(frozen=True)
class GradcheckResult:
    """Truthy when every input's gradient agrees; prints as a table."""

    rows: tuple[GradcheckRow, ...]
    eps: float
    atol: float
    rtol: float

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.rows)

    def __bool__(self) -> bool:
        return self.ok

    @property
    def failures(self) -> tuple[GradcheckRow, ...]:
        return tuple(r for r in self.rows if not r.ok)

    def __str__(self) -> str:
        head = ("input", "analytic", "numeric", "abs err", "rel err", "")
        body = [
            (r.label, number(r.analytic, 10), number(r.numeric, 10), number(r.abs_err, 3),
             number(r.rel_err, 3), ("ok" if r.ok else "FAIL") + (" (kink)" if r.kink else ""))
            for r in self.rows
        ]
        widths = [max(len(row[i]) for row in [head, *body]) for i in range(len(head))]
        lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in [head, *body]]
        verdict = "all gradients agree" if self.ok else f"{len(self.failures)} of {len(self.rows)} disagree"
        return "\n".join(
            [f"gradcheck (eps={number(self.eps, 6)}, atol={number(self.atol, 6)}, "
             f"rtol={number(self.rtol, 6)}): {verdict}", *lines]
        )


def _as_inputs(inputs: Sequence[Value | Number], where: str) -> list[Value]:
    if isinstance(inputs, Value) or not isinstance(inputs, Sequence):
        raise TypeError(f"{where}: inputs must be a list or tuple of Values or numbers, "
                        f"not {inputs.__class__.__name__}")
    if not inputs:
        raise ValueError(f"{where}: no inputs to check")
    values = []
    for i, x in enumerate(inputs):
        if isinstance(x, Value):
            if not x.is_leaf:
                raise ValueError(f"{where}: input {i} ({x!r}) is computed by op '{x.op}'; "
                                 "inputs must be leaves, whose data can be nudged")
            values.append(x)
        else:
            values.append(Value(real(x, f"{where}: input {i}"), label=f"x{i}"))
    return values


def _evaluate(fn: Fn, inputs: list[Value], where: str) -> Value:
    if not callable(fn):
        raise TypeError(f"{where}: fn must be callable, not {fn.__class__.__name__}")
    out = fn(*inputs)
    if not isinstance(out, Value):
        raise TypeError(f"{where}: fn must return a Value, but returned {out.__class__.__name__}")
    return out


def _check_eps(eps: float, where: str) -> float:
    return positive(eps, f"{where}: eps")


def _slopes(fn: Fn, inputs: list[Value], eps: float, where: str) -> list[tuple[float, float]]:
    """For each input, the one-sided slopes (left, right) of fn, evaluated without a graph."""
    with no_grad():
        f0 = _evaluate(fn, inputs, where).data
        slopes = []
        for x in inputs:
            x0 = x.data
            # The step scales with |x0| beyond 1 (at 1e10 a step of 1e-6 is below one ulp), and
            # the slope divides by the step actually taken, x0 + h − x0 rounded as floats.
            h = eps * max(1.0, abs(x0)) if math.isfinite(x0) else eps
            above, below = x0 + h, x0 - h
            try:
                x.data = above
                up = _evaluate(fn, inputs, where).data
                x.data = below
                down = _evaluate(fn, inputs, where).data
            finally:
                x.data = x0
            slopes.append((ieee_div(f0 - down, x0 - below), ieee_div(up - f0, above - x0)))
    return slopes


def numerical_grad(fn: Fn, inputs: Sequence[Value | Number], eps: float = 1e-6) -> list[float]:
    """Central differences (f(x+h) − f(x−h)) / 2h for each input, h = eps·max(1, |x|);
    no backward involved."""
    eps = _check_eps(eps, "numerical_grad")
    values = _as_inputs(inputs, "numerical_grad")
    return [(left + right) / 2 for left, right in _slopes(fn, values, eps, "numerical_grad")]


def gradcheck(
    fn: Fn,
    inputs: Sequence[Value | Number],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
) -> GradcheckResult:
    """Compare backward's ∂fn/∂input with central differences, for every input.

    An input passes when ``|analytic − numeric| <= atol + rtol·|numeric|``, or, at a kink,
    when the analytic value lies between the two one-sided slopes (within that tolerance).
    ``fn(*inputs)`` must return a Value. The inputs' data and grads are left as they were;
    other leaves that ``fn`` reaches (weights in a closure) do receive gradients.
    """
    eps = _check_eps(eps, "gradcheck")
    atol = real(atol, "gradcheck: atol")
    rtol = real(rtol, "gradcheck: rtol")
    if not (atol >= 0 and rtol >= 0):
        raise ValueError(f"gradcheck: atol and rtol must be >= 0, not {atol!r} and {rtol!r}")
    values = _as_inputs(inputs, "gradcheck")
    saved = [x.grad for x in values]
    try:
        for x in values:
            x.grad = 0.0
        _evaluate(fn, values, "gradcheck").backward()
        analytic = [x.grad for x in values]
    finally:
        for x, g in zip(values, saved):
            x.grad = g
    rows = []
    slopes = _slopes(fn, values, eps, "gradcheck")
    halved = _slopes(fn, values, eps / 2, "gradcheck")
    for i, (x, a, (left, right), (left2, right2)) in enumerate(zip(values, analytic, slopes, halved)):
        numeric = (left + right) / 2
        tol = atol + rtol * abs(numeric)
        gap = abs(left - right)
        kink = gap > atol + rtol * max(abs(left), abs(right)) and abs(left2 - right2) > 0.75 * gap
        # At a kink any subgradient between the one-sided slopes is right.
        ok = (min(left, right) - tol <= a <= max(left, right) + tol) if kink else abs(a - numeric) <= tol
        abs_err = abs(a - numeric)
        rel_err = abs_err / abs(numeric) if numeric else (0.0 if abs_err == 0 else math.inf)
        rows.append(GradcheckRow(x.label or f"input {i}", a, numeric, abs_err, rel_err, ok, kink))
    return GradcheckResult(tuple(rows), eps, atol, rtol)
