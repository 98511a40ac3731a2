"""gradcheck and numerical_grad: they agree with correct gradients and catch wrong ones."""

import math

import pytest

import autograd
from autograd import Value, gradcheck, numerical_grad


def test_a_correct_gradient_passes():
    result = gradcheck(lambda x, y: (x * y).tanh() + x.exp() / y, [0.3, -0.7])
    assert result and result.ok
    assert [r.label for r in result.rows] == ["x0", "x1"]
    t = 1 - math.tanh(0.3 * -0.7) ** 2
    expected = [t * -0.7 + math.exp(0.3) / -0.7, t * 0.3 - math.exp(0.3) / 0.49]
    for row, g in zip(result.rows, expected, strict=True):
        assert math.isclose(row.analytic, g, rel_tol=1e-14)
        assert math.isclose(row.numeric, g, rel_tol=1e-8)
        assert row.abs_err == abs(row.analytic - row.numeric)
        assert math.isclose(row.rel_err, row.abs_err / abs(row.numeric))
        assert row.ok and not row.kink


def test_a_wrong_gradient_fails():
    # x * x.data is x² numerically, but the graph only sees one factor: analytic 3, numeric 6.
    result = gradcheck(lambda x: x * x.data, [3.0])
    assert not result and not result.ok
    (row,) = result.rows
    assert row.analytic == 3.0
    assert math.isclose(row.numeric, 6.0, rel_tol=1e-8)
    assert math.isclose(row.abs_err, 3.0, rel_tol=1e-8) and math.isclose(row.rel_err, 0.5, rel_tol=1e-8)
    assert not row.ok
    assert result.failures == (row,)


def test_only_the_wrong_input_fails():
    result = gradcheck(lambda x, y: x * y + y * y.data, [Value(2.0, label="x"), Value(5.0, label="y")])
    assert [(r.label, r.ok) for r in result.rows] == [("x", True), ("y", False)]


def test_tolerances_are_used():
    assert gradcheck(lambda x: x * x.data, [3.0], atol=3.5)
    assert gradcheck(lambda x: x * x.data, [3.0], atol=0.0, rtol=0.6)
    assert not gradcheck(lambda x: x * 1.001 + 0.001 * (x.data - x), [1.0], rtol=1e-4, atol=0.0)


def test_result_prints_as_a_table():
    good = str(gradcheck(lambda x: x * x, [Value(3.0, label="w")]))
    assert "all gradients agree" in good
    assert all(word in good for word in ("input", "analytic", "numeric", "abs err", "rel err"))
    row = next(line for line in good.splitlines() if line.startswith("w "))
    assert "6" in row and "ok" in row
    bad = str(gradcheck(lambda x: x * x.data, [3.0]))
    assert "1 of 1 disagree" in bad and "FAIL" in bad


@pytest.mark.parametrize(("f", "slopes"), [(lambda x: x.relu(), (0.0, 1.0)), (lambda x: abs(x), (-1.0, 1.0))])
def test_a_kink_is_reported_and_a_subgradient_passes(f, slopes):
    result = gradcheck(f, [0.0])
    (row,) = result.rows
    assert row.kink and row.ok and result
    assert row.analytic == 0.0 and row.numeric == sum(slopes) / 2


def test_a_kink_does_not_excuse_a_gradient_outside_the_slopes():
    # relu(x) + 2x at 0 has one-sided slopes 2 and 3; the graph sees only relu's 0.
    result = gradcheck(lambda x: x.relu() + 2 * x.data, [0.0])
    (row,) = result.rows
    assert row.kink and not row.ok and not result


def test_large_curvature_is_not_a_kink_and_does_not_hide_a_wrong_gradient():
    # 1e4·x² + 0.005·x at 0: smooth, derivative 0.005; the graph sees only 1e4·x² (derivative 0).
    result = gradcheck(lambda x: 1e4 * x * x + 0.005 * x.data, [0.0])
    (row,) = result.rows
    assert math.isclose(row.numeric, 0.005, rel_tol=1e-6)
    assert not row.kink
    assert not result


def test_inputs_keep_their_data_and_grad():
    x, y = Value(1.5, label="x"), Value(-2.0, label="y")
    x.grad, y.grad = 7.0, -3.0
    assert gradcheck(lambda a, b: a * b.exp(), [x, y])
    assert (x.data, y.data, x.grad, y.grad) == (1.5, -2.0, 7.0, -3.0)


def test_inputs_keep_their_data_when_fn_raises():
    x = Value(1.0)

    def fn(v):
        if v.data != 1.0:
            raise RuntimeError("nudged")
        return v * 2

    with pytest.raises(RuntimeError, match="nudged"):
        gradcheck(fn, [x])
    assert (x.data, x.grad) == (1.0, 0.0)


def test_numerical_grad_is_the_central_difference():
    assert numerical_grad(lambda x: x * x, [1.0], eps=0.5) == [2.0]  # (1.5² - 0.5²) / 1
    assert numerical_grad(lambda x: x * x * x, [1.0], eps=0.5) == [3.25]  # (1.5³ - 0.5³) / 1
    assert numerical_grad(lambda x: x.relu(), [0.0]) == [0.5]
    got = numerical_grad(lambda x, y: x * y.exp(), [2.0, 0.5])
    assert all(math.isclose(g, e, rel_tol=1e-8) for g, e in zip(got, [math.exp(0.5), 2 * math.exp(0.5)]))


def test_numerical_grad_does_not_build_a_graph_or_touch_grads():
    x = Value(2.0)
    outputs = []

    def square(v):
        outputs.append(v * v)
        return outputs[-1]

    (g,) = numerical_grad(square, [x])
    assert math.isclose(g, 4.0, rel_tol=1e-8)
    assert all(out.is_leaf for out in outputs) and len(outputs) == 3
    assert (x.data, x.grad) == (2.0, 0.0)


@pytest.mark.parametrize("check", [gradcheck, numerical_grad])
@pytest.mark.parametrize(
    ("fn", "inputs", "kwargs", "error", "message"),
    [
        ("x * 2", [1.0], {}, TypeError, "fn must be callable, not str"),
        (lambda x: 1.0, [1.0], {}, TypeError, "fn must return a Value.*float"),
        (lambda x: x.data, [1.0], {}, TypeError, "fn must return a Value.*float"),
        (lambda x: x, [], {}, ValueError, "no inputs"),
        (lambda x: x, [1.0], {"eps": 0.0}, ValueError, "eps must be a finite number > 0"),
        (lambda x: x, [1.0], {"eps": -1e-6}, ValueError, "eps must be a finite number > 0"),
        (lambda x: x, [1.0], {"eps": math.inf}, ValueError, "eps"),
        (lambda x: x, [Value(1.0) * 2], {}, ValueError, "input 0.*computed by op 'mul'"),
        (lambda x: x, ["1.0"], {}, TypeError, "input 0.*str"),
        (lambda x, y: x, [1.0, None], {}, TypeError, "input 1.*NoneType"),
        (lambda x: x, Value(1.0), {}, TypeError, "list or tuple.*not Value"),
    ],
)
def test_bad_arguments_are_named(check, fn, inputs, kwargs, error, message):
    with pytest.raises(error, match=message):
        check(fn, inputs, **kwargs)


def test_closure_leaves_are_not_checked_but_inputs_are():
    w = Value(3.0, label="w")
    result = autograd.gradcheck(lambda x: w * x * x, [Value(2.0, label="x")])
    assert [r.label for r in result.rows] == ["x"] and result
    assert math.isclose(result.rows[0].analytic, 12.0)


@pytest.mark.parametrize("x0", [1e10, -3e15, 1e-8])
def test_gradcheck_steps_with_the_size_of_the_input(x0):
    result = gradcheck(lambda x: x * x, [x0])
    assert result, str(result)
    assert math.isclose(result.rows[0].numeric, 2 * x0, rel_tol=1e-6)


# --- what the differences cannot show: jumps, changing functions, steps that vanish ------------


def test_a_jump_fails_where_a_kink_would_pass():
    """x + step(x) at 0: the right slope is (h + 1)/h, growing like 1/h; backward says 1."""
    result = gradcheck(lambda x: x + Value(1.0 if x.data > 0 else 0.0), [0.0])
    (row,) = result.rows
    assert not result and not row.ok and not row.kink
    assert row.analytic == 1.0 and row.numeric > 1e5
    assert row.note.startswith("jump") and "FAIL (jump" in str(result)


def test_a_function_that_changes_between_calls_fails():
    import itertools

    calls = itertools.count()
    result = gradcheck(lambda x: x * (1.0 + 1e-3 * next(calls)), [2.0])
    (row,) = result.rows
    assert not row.ok and "different values at the same inputs" in row.note


def test_a_step_below_the_spacing_of_floats_says_so_instead_of_a_bare_nan():
    result = gradcheck(lambda x: x * x, [1.0], eps=1e-300)
    (row,) = result.rows
    assert not row.ok and math.isnan(row.numeric)
    assert "below the spacing of floats" in row.note and "larger eps" in str(result)


def test_a_kink_is_still_a_kink():
    (row,) = gradcheck(lambda x: x.relu() + x.abs(), [0.0]).rows
    assert row.ok and row.kink and row.note == "kink"


def test_gradcheck_leaves_graphs_built_on_its_inputs_differentiable():
    x = Value(1.5, label="x")
    y = x * x
    gradcheck(lambda v: v * v, [x])
    x.data = x.data  # the same number is no change either
    y.backward()
    assert x.grad == 3.0


def test_a_function_that_changes_only_after_its_second_call_fails_too():
    calls = []

    def f(x):
        calls.append(1)
        return x * x + (0.0 if len(calls) < 3 else 1e-3) * x

    (row,) = gradcheck(f, [1.0]).rows
    assert not row.ok and "different values" in row.note
