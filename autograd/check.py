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
from dataclasses import dataclass, replace
from typing import Any

from .ieee import ieee_div
from .modes import no_grad
from .notation import number, visible
from .update import markdown_name
from .validate import Number, positive, real
from .value import Value

Fn = Callable[..., Value]


@dataclass(frozen=True)
class GradcheckRow:
    """One input's comparison. ``kink``: its one-sided slopes disagree and stay bounded as the
    step shrinks; ``note`` says what the numbers cannot show (a kink, a jump, a step too small,
    a function that changed between calls)."""

    label: str
    analytic: float
    numeric: float
    abs_err: float
    rel_err: float
    ok: bool
    kink: bool = False
    note: str = ""


class Rows:
    """What a check's result is: rows that each agree or not; truthy when all do."""

    rows: tuple[Any, ...]

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.rows)

    def __bool__(self) -> bool:
        return self.ok

    @property
    def failures(self) -> tuple[Any, ...]:
        return tuple(r for r in self.rows if not r.ok)


@dataclass(frozen=True)
class GradcheckResult(Rows):
    """Truthy when every input's gradient agrees; prints as a table."""

    rows: tuple[GradcheckRow, ...]
    eps: float
    atol: float
    rtol: float

    def _cells(self) -> list[tuple[str, str, str, str, str, str]]:
        """Each row as text: the table's one source for ``str()`` and ``markdown()``."""
        return [(r.label, number(r.analytic, 10), number(r.numeric, 10), number(r.abs_err, 3),
                 number(r.rel_err, 3), verdict(r.ok, r.note)) for r in self.rows]

    def _heading(self) -> str:
        """The settings and the verdict: "(eps=1e-06, atol=1e-05, rtol=0.001): all gradients agree"."""
        outcome = "all gradients agree" if self.ok else f"{len(self.failures)} of {len(self.rows)} disagree"
        return f"({settings(self.eps, self.atol, self.rtol)}): {outcome}"

    def __str__(self) -> str:
        lines = aligned([("input", "analytic", "numeric", "abs err", "rel err", ""), *self._cells()])
        return "\n".join([f"gradcheck {self._heading()}", *lines])

    def markdown(self) -> str:
        """The table in Markdown, each input's name as maths: what a notebook shows as the cell's value."""
        lines = [f"**gradcheck** {self._heading()}", "",
                 "| input | analytic (backward) | numeric (central difference) | abs err | rel err "
                 "| verdict |",
                 "|---|---:|---:|---:|---:|---|"]
        lines += [f"| ${markdown_name(label)}$ | {a} | {n} | {abs_err} | {rel_err} | {_cell(last)} |"
                  for label, a, n, abs_err, rel_err, last in self._cells()]
        return "\n".join(lines)

    _repr_markdown_ = markdown

    def __repr__(self) -> str:
        """One line, not the rows' every float: how many inputs, and which disagree (the first few)."""
        if self.ok:
            return f"<GradcheckResult: all {len(self.rows)} gradients agree>"
        names = [visible(r.label) for r in self.failures]
        shown = ", ".join(names[:3]) + (f", … {len(names) - 3} more" if len(names) > 3 else "")
        return f"<GradcheckResult: {len(names)} of {len(self.rows)} disagree: {shown}>"


def verdict(ok: bool, note: str) -> str:
    """A row's last cell: "ok" or "FAIL", and its note ("ok (kink)")."""
    return ("ok" if ok else "FAIL") + (f" ({note})" if note else "")


def settings(eps: float, atol: float, rtol: float) -> str:
    """"eps=1e-06, atol=1e-05, rtol=0.001": a check's settings as its heading shows them."""
    return ", ".join(f"{k}={number(v, 6)}" for k, v in (("eps", eps), ("atol", atol), ("rtol", rtol)))


def aligned(rows: Sequence[Sequence[str]]) -> list[str]:
    """Rows of cells as lines, each column as wide as its widest cell: the tables of
    ``gradcheck`` and of ``autograd.testing.assert_gradients``."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows]


def _cell(text: str) -> str:
    """Text in a Markdown table cell: its ``|`` escaped (a note may say |x|)."""
    return text.replace("|", "\\|")


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


# A slope that grows at least this much when the step is halved grows like 1/step: a jump.
JUMP_GROWTH = 1.5
JUMP = "jump: a one-sided slope grows as the step shrinks, so fn is not continuous here"
STEP_TOO_SMALL = "the step eps·max(1, |x|) is below the spacing of floats at x: use a larger eps"
CHANGED = "fn gave different values at the same inputs: it is not a function of them alone"


@dataclass(frozen=True)
class _Slopes:
    """One input's one-sided slopes of fn; ``vanished``: x ± h rounded back to x."""

    left: float
    right: float
    vanished: bool


def _slopes(fn: Fn, inputs: list[Value], eps: float, where: str) -> tuple[float, list[_Slopes]]:
    """fn at the inputs and, for each input, its one-sided slopes, evaluated without a graph."""
    with no_grad():
        f0 = _evaluate(fn, inputs, where).data
        return f0, [_slopes_at(fn, inputs, x, f0, eps, where) for x in inputs]


def _slopes_at(fn: Fn, inputs: list[Value], x: Value, f0: float, eps: float, where: str) -> _Slopes:
    x0 = x.data
    # The step scales with |x0| beyond 1 (at 1e10 a step of 1e-6 is below one ulp), and the
    # slope divides by the step actually taken, x0 + h − x0 rounded as floats.
    h = eps * max(1.0, abs(x0)) if math.isfinite(x0) else eps
    above, below = x0 + h, x0 - h
    born = x._born
    try:
        x.data = above
        up = _evaluate(fn, inputs, where).data
        x.data = below
        down = _evaluate(fn, inputs, where).data
    finally:  # as it was, epoch included: graphs the user built on x stay differentiable
        x._data, x._born = x0, born
    return _Slopes(ieee_div(f0 - down, x0 - below), ieee_div(up - f0, above - x0),
                   above == x0 or below == x0)


def _same(first: float, *again: float) -> bool:
    """Whether fn gave the value of its recorded pass each time again (nan counts as the same)."""
    return all(a == first or (a != a and first != first) for a in again)


def numerical_grad(fn: Fn, inputs: Sequence[Value | Number], eps: float = 1e-6) -> list[float]:
    """Central differences (f(x+h) − f(x−h)) / 2h for each input, h = eps·max(1, |x|);
    no backward involved."""
    eps = _check_eps(eps, "numerical_grad")
    values = _as_inputs(inputs, "numerical_grad")
    return [(s.left + s.right) / 2 for s in _slopes(fn, values, eps, "numerical_grad")[1]]


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
    atol = positive(atol, "gradcheck: atol", allow_zero=True)
    rtol = positive(rtol, "gradcheck: rtol", allow_zero=True)
    values = _as_inputs(inputs, "gradcheck")
    analytic, first = _analytic(fn, values)
    f0, slopes = _slopes(fn, values, eps, "gradcheck")
    f0_again, halved = _slopes(fn, values, eps / 2, "gradcheck")
    same = _same(first, f0, f0_again)  # fn is called at the inputs three times: all must agree
    rows = [_row(x.label or f"input {i}", a, s, s2, atol, rtol, same)
            for i, (x, a, s, s2) in enumerate(zip(values, analytic, slopes, halved))]
    return GradcheckResult(tuple(rows), eps, atol, rtol)


def _analytic(fn: Fn, values: list[Value]) -> tuple[list[float], float]:
    """backward's ∂fn/∂input for each input, and fn's value; the inputs' grads left as they were."""
    saved = [x.grad for x in values]
    try:
        for x in values:
            x.grad = 0.0
        out = _evaluate(fn, values, "gradcheck")
        out.backward()
        return [x.grad for x in values], out.data
    finally:
        for x, g in zip(values, saved):
            x.grad = g


def _row(label: str, a: float, s: _Slopes, s2: _Slopes, atol: float, rtol: float, same: bool) -> GradcheckRow:
    """Compare one input's analytic gradient with its slopes at the step and at half of it."""
    numeric = (s.left + s.right) / 2
    tol = atol + rtol * abs(numeric)
    abs_err = abs(a - numeric)
    rel_err = abs_err / abs(numeric) if numeric else (0.0 if abs_err == 0 else math.inf)
    gap = abs(s.left - s.right)
    differ = gap > atol + rtol * max(abs(s.left), abs(s.right))
    jump = differ and max(abs(s2.left), abs(s2.right)) > JUMP_GROWTH * max(abs(s.left), abs(s.right))
    kink = differ and not jump and abs(s2.left - s2.right) > 0.75 * gap
    # At a kink any subgradient between the one-sided slopes is right.
    ok = (min(s.left, s.right) - tol <= a <= max(s.left, s.right) + tol) if kink else abs_err <= tol
    note = (CHANGED if not same else STEP_TOO_SMALL if s.vanished else JUMP if jump
            else "kink" if kink else "")
    ok = ok and same and not s.vanished and not jump
    return GradcheckRow(label, a, numeric, abs_err, rel_err, ok, kink, note)


def gradgradcheck(
    fn: Fn,
    inputs: Sequence[Value | Number],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
) -> GradcheckResult:
    """Compare the second derivatives ∂²fn/∂xᵢ∂xⱼ (the gradient built as a graph by
    ``backward(create_graph=True)``, differentiated again) with central differences of the first
    derivatives: ``gradcheck`` of each x ↦ ∂fn/∂xᵢ, one row per pair (i, j)."""
    from .higher import first_derivative

    values = _as_inputs(inputs, "gradgradcheck")
    rows: list[GradcheckRow] = []
    for i, x in enumerate(values):
        result = gradcheck(first_derivative(fn, i), values, eps, atol, rtol)
        name = x.label or f"input {i}"
        rows += [replace(r, label=f"∂²/∂{name}∂{r.label}") for r in result.rows]
    return GradcheckResult(tuple(rows), result.eps, result.atol, result.rtol)
