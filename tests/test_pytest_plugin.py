"""The pytest plugin, in a fresh project: a test directory with no conftest that imports nothing
of chainrule's, run by pytest in a subprocess, so that only the installed package's pytest11
entry point can have brought the gradcheck fixture and its options."""

import pytest

pytest_plugins = ["pytester"]

TESTS = """
def f(x, y):
    return (x * y).tanh() + y.relu()

def test_agrees(gradcheck):
    result = gradcheck(f, [0.5, 2.0])
    assert result.ok and [r.label for r in result.rows] == ["x", "y"]

def test_expected_agrees(gradcheck):
    gradcheck(lambda x, y: x * y, [0.5, 2.0], expected=lambda x, y: [y, x])

def test_detached(gradcheck):
    gradcheck(lambda x: x * x.data, [1.5])

def test_expected_wrong(gradcheck):
    gradcheck(lambda x, y: x * y, [0.5, 2.0], expected=[2.0, 0.4])
"""

# Right to 1e-4 only: the step eps = 1e-2 makes the central difference of x³ at 1 off by eps².
BORDERLINE = """
def test_cube(gradcheck):
    gradcheck(lambda x: x ** 3, [1.0], eps=1e-2)
"""


def run(pytester: pytest.Pytester, source: str, *args: str) -> pytest.RunResult:
    pytester.makepyfile(test_mine=source)
    assert [p.name for p in pytester.path.iterdir() if p.suffix == ".py"] == ["test_mine.py"]  # no conftest
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", *args)


def test_the_fixture_works_and_a_failure_shows_the_table(pytester):
    result = run(pytester, TESTS)
    result.assert_outcomes(passed=2, failed=2)
    result.stdout.fnmatch_lines([
        ">       gradcheck(lambda x: x * x.data, [1.5])",
        "E       AssertionError: 1 of 1 gradients disagree (x): backward vs central differences; "
        "eps=1e-06, atol=1e-05, rtol=0.001",
        "E       input  analytic  numeric  abs err  rel err",
        "E       x      1.5       3        1.5      0.5      FAIL",
        "E       analytic: backward; numeric: central differences *",
        "test_mine.py:12: AssertionError",
    ])
    result.stdout.fnmatch_lines([
        ">       gradcheck(lambda x, y: x * y, [[]0.5, 2.0], expected=[[]2.0, 0.4])",
        "E       AssertionError: 1 of 2 gradients disagree (y): expected vs backward; *",
        "E       input  expected  backward  abs err  rel err  numeric",
        "E       x      2         2         0        0        2        ok",
        "E       y      0.4       0.5       0.1      0.2      0.5      FAIL",
        "E       expected: yours; backward: chainrule's, the reference; numeric: central differences",
    ])
    # The traceback ends in the test: the fixture's and assert_gradients' frames are hidden.
    assert "assert_gradients" not in result.stdout.str().split("=== FAILURES ===")[1].split(" short test")[0]


def test_the_command_line_sets_the_tolerances(pytester):
    run(pytester, BORDERLINE, "--gradcheck-atol=0", "--gradcheck-rtol=0").assert_outcomes(failed=1)
    result = run(pytester, BORDERLINE, "--gradcheck-atol=2e-4", "--gradcheck-rtol=0")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["chainrule gradcheck: eps=1e-06, atol=0.0002, rtol=0"])


def test_the_ini_file_sets_them_and_the_command_line_wins(pytester):
    pytester.makeini("[pytest]\ngradcheck_atol = 0\ngradcheck_rtol = 0\n")
    result = run(pytester, BORDERLINE)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["E       *; eps=0.01, atol=0, rtol=0"])
    run(pytester, BORDERLINE, "--gradcheck-atol=2e-4").assert_outcomes(passed=1)


def test_a_bad_tolerance_stops_the_run_naming_the_option(pytester):
    result = run(pytester, BORDERLINE, "--gradcheck-rtol=-1")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: chainrule: --gradcheck-rtol must be a finite number >= 0, not -1.0"])


def test_the_entry_point_is_what_brings_the_fixture(pytester):
    result = run(pytester, TESTS, "-p", "no:chainrule_pytest")
    result.assert_outcomes(errors=4)
    result.stdout.fnmatch_lines(["E       fixture 'gradcheck' not found"])


def test_loading_the_plugin_imports_nothing_of_chainrule():
    """Every pytest run of every project loads it: a project's own ``autograd`` must stay its own."""
    import subprocess
    import sys

    code = "import sys, chainrule_pytest; print(sorted(m for m in sys.modules if m.split('.')[0] in " \
           "('autograd', 'nn', 'chainrule')))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_plugins_defaults_are_assert_gradients():
    import inspect

    import chainrule_pytest
    from autograd.testing import assert_gradients

    defaults = {k: p.default for k, p in inspect.signature(assert_gradients).parameters.items()
                if k in chainrule_pytest.DEFAULTS}
    assert defaults == chainrule_pytest.DEFAULTS
