"""Gradient checks as assertions, for a user's own tests: ``assert_gradients`` raises.

``gradcheck`` returns a result, which a test must remember to assert, and a bare
``assert result`` shows only its repr. ``assert_gradients(fn, inputs)`` raises
``AssertionError`` whose message is the per-input table, as ``numpy.testing`` and
``torch.testing`` do, inside pytest or out of it. ``expected=`` checks the user's gradients (a
list, or their own gradient function of the inputs' numbers) against backward's, with central
differences shown as a second opinion. The pytest plugin (``chainrule_pytest.py``) gives
it as the ``gradcheck`` fixture, with the session's tolerances.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from .check import (
    CHANGED,
    JUMP,
    STEP_TOO_SMALL,
    Fn,
    GradcheckResult,
    GradcheckRow,
    Rows,
    _as_inputs,
    _slopes,
    aligned,
    gradcheck,
    settings,
    verdict,
)
from .notation import number, visible
from .validate import Number, positive, real
from .value import Value

EPS, ATOL, RTOL = 1e-6, 1e-5, 1e-3  # gradcheck's defaults
WHERE = "assert_gradients"
Expected = Sequence[Number] | Callable[..., Iterable[Number]]
DISAGREE = "backward and central differences disagree"


@dataclass(frozen=True)
class ComparedRow:
    """One input: the user's ``expected`` gradient against ``backward``'s (the reference), the
    central difference ``numeric`` a second opinion; the errors are expected's from backward."""

    label: str
    expected: float
    backward: float
    numeric: float
    abs_err: float
    rel_err: float
    ok: bool
    kink: bool = False
    note: str = ""


@dataclass(frozen=True)
class GradientComparison(Rows):
    """Truthy when every expected gradient agrees with backward's; prints as a table."""

    rows: tuple[ComparedRow, ...]
    eps: float
    atol: float
    rtol: float

    def __str__(self) -> str:
        cells = [(r.label, number(r.expected, 10), number(r.backward, 10), number(r.abs_err, 3),
                  number(r.rel_err, 3), number(r.numeric, 10), verdict(r.ok, r.note)) for r in self.rows]
        outcome = "all gradients agree" if self.ok else f"{len(self.failures)} of {len(self.rows)} disagree"
        lines = aligned([("input", "expected", "backward", "abs err", "rel err", "numeric", ""), *cells])
        return "\n".join([f"compare_gradients ({settings(self.eps, self.atol, self.rtol)}): {outcome}",
                          *lines])

    def __repr__(self) -> str:
        return f"<GradientComparison: {_verdict_line(self)}>"


def _verdict_line(result: GradcheckResult | GradientComparison) -> str:
    """"1 of 3 gradients disagree (y)" (the first few names), or "all 3 gradients agree"."""
    if result.ok:
        return f"all {len(result.rows)} gradients agree"
    names = [visible(r.label) for r in result.failures]
    shown = ", ".join(names[:3]) + (f", … {len(names) - 3} more" if len(names) > 3 else "")
    return f"{len(names)} of {len(result.rows)} gradients disagree ({shown})"


def assert_gradients(
    fn: Fn,
    inputs: Sequence[Value | Number],
    expected: Expected | None = None,
    *,
    eps: float = EPS,
    atol: float = ATOL,
    rtol: float = RTOL,
) -> GradcheckResult | GradientComparison:
    """Raise ``AssertionError`` with the per-input table unless the gradients agree; return the
    result (it prints as the table) when they do.

    Without ``expected``: backward against central differences, as ``gradcheck``. With it (a
    list, one number per input, or a function called with the inputs' numbers that returns
    one): those numbers against backward's, within ``atol + rtol·|backward|``, or, at a kink,
    anywhere between the one-sided slopes; central differences are shown as a second opinion.
    Misuse (a wrong length, a non-number, an ``expected`` function that raises) is a
    TypeError or ValueError, never an AssertionError.
    """
    __tracebackhide__ = True  # pytest: the traceback ends in the test that called this
    if expected is None:
        eps, atol, rtol = _settings(eps, atol, rtol)
        values = _named(fn, inputs, _as_inputs(inputs, WHERE))
        result: GradcheckResult | GradientComparison = gradcheck(fn, values, eps, atol, rtol)
    else:
        result = compare_gradients(fn, inputs, expected, eps=eps, atol=atol, rtol=rtol)
    if not result.ok:
        raise AssertionError(failure_message(result))
    return result


def compare_gradients(
    fn: Fn,
    inputs: Sequence[Value | Number],
    expected: Expected,
    *,
    eps: float = EPS,
    atol: float = ATOL,
    rtol: float = RTOL,
) -> GradientComparison:
    """The user's gradients against backward's, one row per input, central differences beside
    them: what ``assert_gradients(..., expected=...)`` asserts, as a result that does not raise."""
    eps, atol, rtol = _settings(eps, atol, rtol)
    values = _named(fn, inputs, _as_inputs(inputs, WHERE))
    wanted = _expected(expected, values)
    check = gradcheck(fn, values, eps, atol, rtol)
    rows = [_compare(row, e, atol, rtol) for row, e in zip(check.rows, wanted)]
    if any(r.kink and not r.ok for r in rows):  # a subgradient other than backward's may be right
        slopes = _slopes(fn, values, eps, WHERE)[1]
        rows = [_at_kink(r, s.left, s.right, atol, rtol) if r.kink and not r.ok else r
                for r, s in zip(rows, slopes)]
    return GradientComparison(tuple(rows), eps, atol, rtol)


def _settings(eps: float, atol: float, rtol: float) -> tuple[float, float, float]:
    return (positive(eps, f"{WHERE}: eps"), positive(atol, f"{WHERE}: atol", allow_zero=True),
            positive(rtol, f"{WHERE}: rtol", allow_zero=True))


def _named(fn: Fn, inputs: Sequence[Value | Number], values: list[Value]) -> list[Value]:
    """Inputs given as numbers named after fn's parameters (w, b rather than x0, x1), when it
    has one for each; Values keep their own labels."""
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):  # not callable (gradcheck says so), or no signature to read
        return values
    if len(params) != len(values) or any(p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
                                         for p in params):
        return values
    for given, x, p in zip(inputs, values, params):
        if not isinstance(given, Value):  # made from a number by _as_inputs, labelled x0, x1, …
            x.label = p.name
    return values


def _expected(expected: Expected, values: list[Value]) -> list[float]:
    """The expected gradients as floats, one per input: the list, or what the function returns."""
    what = f"{WHERE}: expected"
    got: object = expected
    if callable(expected):
        args = [x.data for x in values]
        what = f"{WHERE}: expected({', '.join(number(a, 6) for a in args)})"
        try:
            got = expected(*args)
        except Exception as e:  # the user's gradient function is broken: say so, not "disagree"
            kind = TypeError if isinstance(e, TypeError) else ValueError
            raise kind(f"{what} raised {type(e).__name__}: {e}") from e
    if isinstance(got, (str, bytes, Value)) or not isinstance(got, Iterable):
        raise TypeError(f"{what} must be a list of numbers, one per input, not {type(got).__name__}")
    numbers = [real(g, f"{what}[{i}]") for i, g in enumerate(got)]
    if len(numbers) != len(values):
        raise ValueError(f"{what} gives {len(numbers)} gradients for {len(values)} inputs")
    return numbers


def _compare(row: GradcheckRow, e: float, atol: float, rtol: float) -> ComparedRow:
    """One expected gradient against backward's; the row's note says what central differences add."""
    b = row.analytic
    same = e == b or (math.isnan(e) and math.isnan(b))  # inf == inf, and nan where nan is due
    abs_err = 0.0 if same else abs(e - b)
    rel_err = abs_err / abs(b) if b and math.isfinite(b) else (0.0 if abs_err == 0 else math.inf)
    # A jump, a function that changes between calls or a step lost in rounding: no number is
    # a reference there, so the row fails whatever was expected.
    ok = (same or abs_err <= atol + rtol * abs(b)) and row.note not in (JUMP, CHANGED, STEP_TOO_SMALL)
    note = "kink" if row.kink else "" if row.ok else row.note or DISAGREE
    return ComparedRow(row.label, e, b, row.numeric, abs_err, rel_err, ok, row.kink, note)


def _at_kink(row: ComparedRow, left: float, right: float, atol: float, rtol: float) -> ComparedRow:
    """At a kink any subgradient, between the one-sided slopes, is as right as backward's."""
    low, high = min(left, right), max(left, right)
    tol = atol + rtol * max(abs(low), abs(high))
    between = low - tol <= row.expected <= high + tol
    where = f"between the one-sided slopes {number(low, 6)} and {number(high, 6)}"
    return ComparedRow(row.label, row.expected, row.backward, row.numeric, row.abs_err, row.rel_err,
                       between, True, f"kink: {'' if between else 'not '}{where}")


def failure_message(result: GradcheckResult | GradientComparison) -> str:
    """The AssertionError's message: a line naming what disagrees, then the result's table and
    what its columns are (pytest shows it all; ``-ra`` shows the first line)."""
    table = str(result).split("\n", 1)[1]
    if isinstance(result, GradcheckResult):
        what = "backward vs central differences"
        legend = "analytic: backward; numeric: central differences (f(x+h) − f(x−h))/2h, h = eps·max(1, |x|)"
    else:
        what = "expected vs backward"
        legend = "expected: yours; backward: chainrule's, the reference; numeric: central differences"
    head = f"{_verdict_line(result)}: {what}; {settings(result.eps, result.atol, result.rtol)}"
    return "\n".join([head, table, legend])
