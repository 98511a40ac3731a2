"""assert_gradients: an AssertionError whose message is the table, the user's own gradients
(a list or a function) against backward's, and misuse told apart from disagreement."""

import math
import subprocess
import sys
import textwrap

import pytest

from autograd import GradcheckResult, Value
from autograd.testing import GradientComparison, assert_gradients, compare_gradients


def detached(x, y):
    """x·x with one factor a constant: backward says x, the function's slope is 2x."""
    return x * x.data + y * 3


def test_agreeing_gradients_return_the_result_which_prints_as_the_table():
    result = assert_gradients(lambda x, y: x * y + y.tanh(), [0.5, 2.0])
    assert isinstance(result, GradcheckResult) and result.ok
    assert [r.analytic for r in result.rows] == [2.0, 0.5 + (1 - math.tanh(2.0) ** 2)]
    assert str(result).startswith("gradcheck (eps=1e-06, atol=1e-05, rtol=0.001): all gradients agree")


def test_a_wrong_backward_raises_with_the_table():
    with pytest.raises(AssertionError) as caught:
        assert_gradients(detached, [Value(1.5, label="x"), 2.0])
    assert str(caught.value) == textwrap.dedent("""\
        1 of 2 gradients disagree (x): backward vs central differences; eps=1e-06, atol=1e-05, rtol=0.001
        input  analytic  numeric  abs err   rel err
        x      1.5       3        1.5       0.5      FAIL
        y      3         3        3.89e-10  1.3e-10  ok
        analytic: backward; numeric: central differences (f(x+h) − f(x−h))/2h, h = eps·max(1, |x|)""")


def test_the_tolerances_and_step_are_used():
    assert_gradients(detached, [1.5, 2.0], atol=1.6)
    assert_gradients(detached, [1.5, 2.0], rtol=0.5)
    cube = lambda x: x ** 3  # noqa: E731  (central differences give 3 + eps² at 1)
    assert_gradients(cube, [1.0], eps=1e-2, atol=2e-4, rtol=0.0)
    with pytest.raises(AssertionError, match=r"eps=0\.01, atol=0, rtol=0"):
        assert_gradients(cube, [1.0], eps=1e-2, atol=0.0, rtol=0.0)


def test_expected_numbers_are_checked_against_backward_with_central_differences_beside():
    result = assert_gradients(lambda x, y: x * y, [0.5, 2.0], expected=[2.0, 0.5])
    assert isinstance(result, GradientComparison) and result.ok
    with pytest.raises(AssertionError) as caught:
        assert_gradients(lambda x, y: x * y, [0.5, 2.0], expected=[2.0, 0.4])
    assert str(caught.value) == textwrap.dedent("""\
        1 of 2 gradients disagree (y): expected vs backward; eps=1e-06, atol=1e-05, rtol=0.001
        input  expected  backward  abs err  rel err  numeric
        x      2         2         0        0        2        ok
        y      0.4       0.5       0.1      0.2      0.5      FAIL
        expected: yours; backward: chainrule's, the reference; numeric: central differences""")


def test_an_expected_function_gets_the_inputs_numbers():
    seen = []

    def mine(x, y):
        seen.append((x, y))
        return [y, x]

    result = assert_gradients(lambda x, y: x * y, [Value(0.5, label="a"), 2], expected=mine)
    assert seen == [(0.5, 2.0)] and all(type(v) is float for v in seen[0])
    assert [(r.label, r.expected, r.backward, r.numeric) for r in result.rows] == [
        ("a", 2.0, 2.0, pytest.approx(2.0, abs=1e-9)), ("y", 0.5, 0.5, pytest.approx(0.5, abs=1e-9))]


def test_an_expected_gradient_may_be_any_subgradient_at_a_kink():
    f = lambda x: x.relu() + x.abs()  # noqa: E731  (slopes −1 and 2 at 0; backward takes 0)
    result = assert_gradients(f, [0.0], expected=[1.5])
    assert result.rows[0].note == "kink: between the one-sided slopes −1 and 2"
    with pytest.raises(AssertionError, match=r"FAIL \(kink: not between the one-sided slopes −1 and 2\)"):
        assert_gradients(f, [0.0], expected=[2.5])


def test_infinite_and_nan_gradients_agree_with_themselves():
    result = compare_gradients(lambda x: x ** 0.5, [0.0], [math.inf])
    assert result.ok and result.rows[0].abs_err == 0.0
    assert result.rows[0].note  # central differences cannot step left of 0: the row says so
    assert compare_gradients(lambda x: x ** 0.5, [-1.0], [math.nan]).ok
    assert not compare_gradients(lambda x: x ** 0.5, [-1.0], [0.0]).ok


def test_compare_gradients_does_not_raise_and_leaves_the_inputs_as_they_were():
    x = Value(0.5, label="x")
    x.grad = 7.0
    result = compare_gradients(lambda x: x * x, [x], [3.0])
    assert not result and result.failures[0].label == "x" and result.rows[0].abs_err == 2.0
    assert (x.data, x.grad) == (0.5, 7.0)
    assert repr(result) == "<GradientComparison: 1 of 1 gradients disagree (x)>"


@pytest.mark.parametrize(("expected", "error", "message"), [
    ([1.0], ValueError, r"assert_gradients: expected gives 1 gradients for 2 inputs"),
    ([1.0, "2"], TypeError, r"assert_gradients: expected\[1\] must be a real number, not str"),
    ([1.0, True], TypeError, r"expected\[1\] must be a real number, not bool"),
    ([Value(1.0), 2.0], TypeError, r"expected\[0\] must be a real number, not a Value"),
    (3.0, TypeError, r"expected must be a list of numbers, one per input, not float"),
    ("12", TypeError, r"expected must be a list of numbers, one per input, not str"),
    (lambda x, y: None, TypeError, r"expected\(0.5, 2\) must be a list of numbers, .* not NoneType"),
    (lambda x, y: [1.0], ValueError, r"expected\(0.5, 2\) gives 1 gradients for 2 inputs"),
    (lambda x: [1.0], TypeError, r"expected\(0.5, 2\) raised TypeError: .*positional argument"),
    (lambda x, y: [1 / 0, 0], ValueError, r"expected\(0.5, 2\) raised ZeroDivisionError: division by zero"),
])
def test_misuse_is_a_type_or_value_error_naming_the_problem(expected, error, message):
    with pytest.raises(error, match=message):
        assert_gradients(lambda x, y: x * y, [0.5, 2.0], expected=expected)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"atol": -1.0}, "assert_gradients: atol must be a finite number >= 0"),
    ({"eps": 0.0}, "assert_gradients: eps must be a finite number > 0"),
    ({"rtol": math.nan, "expected": [1.0]}, "assert_gradients: rtol must be a finite number"),
])
def test_bad_settings_are_value_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        assert_gradients(lambda x: x * x, [1.0], **kwargs)


def test_it_works_without_pytest():
    """A script's AssertionError with the table, and pytest never imported."""
    script = textwrap.dedent("""
        import sys
        from autograd.testing import assert_gradients
        try:
            assert_gradients(lambda x: x * x.data, [2.0])
        except AssertionError as e:
            print(e)
        print("pytest" in sys.modules)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert out.splitlines()[:3] == [
        "1 of 1 gradients disagree (x): backward vs central differences; eps=1e-06, atol=1e-05, rtol=0.001",
        "input  analytic  numeric  abs err  rel err", "x      2         4        2        0.5      FAIL"]
    assert out.splitlines()[-1] == "False"


def test_inputs_given_as_numbers_are_named_after_the_parameters():
    def loss(w, b, *rest):
        return w * b

    given = [1.0, Value(2.0, label="x0")]  # a Value keeps its own label
    assert [r.label for r in assert_gradients(lambda w, b: w * b, given).rows] == ["w", "x0"]
    assert [r.label for r in assert_gradients(loss, [1.0, 2.0]).rows] == ["x0", "x1"]  # *rest: no names


def test_a_jump_fails_even_when_expected_matches_backward():
    def jumpy(x):
        return x * 0.0 + (1.0 if x.data > 0.0 else 0.0)  # a step: backward sees slope 0

    result = compare_gradients(jumpy, [0.0], expected=[0.0])
    assert not result and "jump" in str(result)  # central differences see it: no number is right
