"""chainrule's pytest plugin: the ``gradcheck`` fixture, and the tolerances it uses.

Installed chainrule registers it through its ``pytest11`` entry point, so a project's tests
need no configuration: ``def test_f(gradcheck): gradcheck(f, [1.0, 2.0])`` asserts the
gradients (``autograd.testing.assert_gradients``), and a failure shows the per-input table.
``--gradcheck-eps``, ``--gradcheck-atol``, ``--gradcheck-rtol`` (or ``gradcheck_eps``, … in the
ini file) set the session's defaults; ``-p no:chainrule_pytest`` turns the plugin off.

A module of its own, outside ``autograd``, that imports ``autograd`` only when a test asks for
the fixture: every pytest run of every project in the environment loads the plugin, and one of
them may have a module named ``autograd`` of its own (a micrograd clone, HIPS autograd).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import pytest

# autograd.testing's defaults (gradcheck's), written here so that loading the plugin imports
# nothing of chainrule; tests/test_pytest_plugin.py checks that they agree.
DEFAULTS = {"eps": 1e-6, "atol": 1e-5, "rtol": 1e-3}
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
        value = float(given)
    except ValueError:
        value = math.nan
    least = "> 0" if name == "eps" else ">= 0"
    if not math.isfinite(value) or value < 0 or (name == "eps" and value == 0):
        raise pytest.UsageError(f"chainrule: {where} must be a finite number {least}, not {given!r}")
    return value


def pytest_report_header(config: pytest.Config) -> str | None:
    """The tolerances in the run's header, when they are not gradcheck's defaults."""
    tolerances = config.stash[TOLERANCES]
    if tolerances == DEFAULTS:
        return None
    return "chainrule gradcheck: " + ", ".join(f"{k}={v:g}" for k, v in tolerances.items())


@pytest.fixture
def gradcheck(request: pytest.FixtureRequest) -> Callable[..., Any]:
    """``gradcheck(fn, inputs, expected=None, eps=…, atol=…, rtol=…)``: assert_gradients with
    the session's tolerances, any of which a call may override."""
    from autograd.testing import assert_gradients  # here: only a test that uses it pays for it

    defaults = request.config.stash[TOLERANCES]

    def check(fn: Callable[..., Any], inputs: Sequence[Any], expected: Any = None, **overrides: float) -> Any:
        __tracebackhide__ = True
        unknown = sorted(set(overrides) - set(DEFAULTS))
        if unknown:
            raise TypeError(f"gradcheck fixture: unexpected keyword {unknown[0]!r} (takes eps, atol, rtol)")
        return assert_gradients(fn, inputs, expected, **{**defaults, **overrides})

    return check
