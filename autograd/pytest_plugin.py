"""chainrule's pytest plugin: the ``gradcheck`` fixture, and the tolerances it uses.

Installed chainrule registers it through its ``pytest11`` entry point, so a project's tests
need no configuration: ``def test_f(gradcheck): gradcheck(f, [1.0, 2.0])`` asserts the
gradients (``autograd.testing.assert_gradients``), and a failure shows the per-input table.
``--gradcheck-eps``, ``--gradcheck-atol``, ``--gradcheck-rtol`` (or ``gradcheck_eps``, … in the
ini file) set the session's defaults; ``-p no:chainrule`` turns the plugin off.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest

from .check import Fn, GradcheckResult
from .testing import ATOL, EPS, RTOL, Expected, GradientComparison, assert_gradients
from .validate import Number, positive
from .value import Value

DEFAULTS = {"eps": EPS, "atol": ATOL, "rtol": RTOL}
HELP = {
    "eps": "the central differences' step, relative to max(1, |x|)",
    "atol": "the absolute tolerance",
    "rtol": "the relative tolerance",
}
TOLERANCES = pytest.StashKey[dict[str, float]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    """The tolerances as options, so a project or a run can loosen or tighten every check at once."""
    group = parser.getgroup("chainrule", "gradient checks (chainrule's gradcheck fixture)")
    for name, default in DEFAULTS.items():
        text = f"{HELP[name]} of the gradcheck fixture (default {default:g})"
        group.addoption(f"--gradcheck-{name}", type=float, default=None, metavar="X",
                        dest=f"gradcheck_{name}", help=text)
        parser.addini(f"gradcheck_{name}", text)


def pytest_configure(config: pytest.Config) -> None:
    """Read the tolerances once, command line over ini file over gradcheck's defaults; a
    bad one stops the run before any test, naming the option."""
    config.stash[TOLERANCES] = {name: _setting(config, name) for name in DEFAULTS}


def _setting(config: pytest.Config, name: str) -> float:
    given = config.getoption(f"gradcheck_{name}")
    where = f"--gradcheck-{name}"
    if given is None:
        given, where = config.getini(f"gradcheck_{name}") or DEFAULTS[name], f"ini option gradcheck_{name}"
    try:
        return positive(float(given), where, allow_zero=name != "eps")
    except ValueError as e:  # float("abc") says neither which option nor that it wants a number
        detail = str(e) if str(e).startswith(where) else f"{where} must be a number, not {given!r}"
        raise pytest.UsageError(f"chainrule: {detail}") from None


def pytest_report_header(config: pytest.Config) -> str | None:
    """The tolerances in the run's header, when they are not gradcheck's defaults."""
    tolerances = config.stash[TOLERANCES]
    if tolerances == DEFAULTS:
        return None
    return "chainrule gradcheck: " + ", ".join(f"{k}={v:g}" for k, v in tolerances.items())


Check = Callable[..., "GradcheckResult | GradientComparison"]


@pytest.fixture
def gradcheck(request: pytest.FixtureRequest) -> Check:
    """``gradcheck(fn, inputs, expected=None, eps=…, atol=…, rtol=…)``: assert_gradients with
    the session's tolerances, any of which a call may override."""
    defaults = request.config.stash[TOLERANCES]

    def check(fn: Fn, inputs: Sequence[Value | Number], expected: Expected | None = None,
              **overrides: float) -> GradcheckResult | GradientComparison:
        __tracebackhide__ = True
        unknown = sorted(set(overrides) - set(DEFAULTS))
        if unknown:
            raise TypeError(f"gradcheck fixture: unexpected keyword {unknown[0]!r} (takes eps, atol, rtol)")
        return assert_gradients(fn, inputs, expected, **{**defaults, **overrides})

    return check
