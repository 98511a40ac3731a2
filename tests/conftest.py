"""Shared configuration: Hypothesis profiles and a guard that no test leaks a recording mode."""

import gc
import os

import pytest
from hypothesis import HealthCheck, settings

from autograd import modes
from autograd.modes import MODE, PLAIN, current

# "ci" (the default): 100 examples per property, derandomized, so the suite is reproducible
# and never flaky; HYPOTHESIS_PROFILE=explore searches with fresh random examples, many more.
settings.register_profile(
    "ci",
    max_examples=100,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.filter_too_much],
)
settings.register_profile(
    "explore",
    max_examples=2000,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.filter_too_much],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True)
def _modes_restored():
    """Every test must leave recording on and anomaly detection off, whatever it raised."""
    assert (current(), MODE.plain) == (PLAIN, True)
    yield
    if not MODE.plain:  # a mode held only by a traceback's frames lives until the collector runs
        gc.collect()
    leaked = (current(), MODE.plain)
    if leaked != (PLAIN, True):  # so that one leak does not fail every later test
        modes._STATE.set(PLAIN)
        gc.collect()
    assert leaked == (PLAIN, True)


# In CI (CI=true) a test that cannot run its subject fails instead of skipping: a skipped test
# checks nothing, and CI installs everything the suite needs (.ci/run).
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _fail_skips(report):
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = f"skipped in CI, where everything it needs is installed: {reason}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    _fail_skips(outcome.get_result())


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    outcome = yield
    _fail_skips(outcome.get_result())
