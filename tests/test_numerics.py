"""IEEE 754 results instead of Python exceptions, and the derivative conventions at kinks."""

import math

import pytest
from helpers import assert_same

from autograd import Value

inf, nan = math.inf, math.nan

pytestmark = pytest.mark.filterwarnings("error")  # no RuntimeWarning either

# (description, f, inputs, value, gradients): exact IEEE results, nothing raises.
CASES = [
    ("exp(1000)", lambda x: x.exp(), [1000.0], inf, [inf]),
    ("exp(-1000)", lambda x: x.exp(), [-1000.0], 0.0, [0.0]),
    ("sigmoid(1000)", lambda x: x.sigmoid(), [1000.0], 1.0, [0.0]),
    ("sigmoid(-1000)", lambda x: x.sigmoid(), [-1000.0], 0.0, [0.0]),
    ("sigmoid(inf)", lambda x: x.sigmoid(), [inf], 1.0, [0.0]),
    ("sigmoid(-inf)", lambda x: x.sigmoid(), [-inf], 0.0, [0.0]),
    ("tanh(1000)", lambda x: x.tanh(), [1000.0], 1.0, [0.0]),
    ("log(0)", lambda x: x.log(), [0.0], -inf, [inf]),
    ("log(-1)", lambda x: x.log(), [-1.0], nan, [-1.0]),  # the derivative 1/x is still defined
    ("log(inf)", lambda x: x.log(), [inf], inf, [0.0]),
    ("sqrt(-1)", lambda x: x.sqrt(), [-1.0], nan, [nan]),
    ("sqrt(0)", lambda x: x.sqrt(), [0.0], 0.0, [inf]),
    ("1/x at 0", lambda x: 1 / x, [0.0], inf, [-inf]),
    ("1/x at -0.0", lambda x: 1 / x, [-0.0], -inf, [-inf]),
    ("-1/x at 0", lambda x: -1 / x, [0.0], -inf, [inf]),
    ("x/0 at 0", lambda x: x / 0, [0.0], nan, [inf]),
    ("x/0 at 2", lambda x: x / 0, [2.0], inf, [inf]),
    ("x/y at 1, 0", lambda x, y: x / y, [1.0, 0.0], inf, [inf, -inf]),
    ("x/y at 0, 0", lambda x, y: x / y, [0.0, 0.0], nan, [inf, nan]),
    ("x/y at 1e308, 1e-10", lambda x, y: x / y, [1e308, 1e-10], inf, [1e10, -inf]),
    ("x*y overflow", lambda x, y: x * y, [1e200, 1e200], inf, [1e200, 1e200]),
    ("x+y at inf, -inf", lambda x, y: x + y, [inf, -inf], nan, [1.0, 1.0]),
    ("(-8)**(1/3)", lambda x: x ** (1 / 3), [-8.0], nan, [nan]),
    ("0**-1", lambda x: x**-1, [0.0], inf, [-inf]),
    ("(-0.0)**-1", lambda x: x**-1, [-0.0], -inf, [-inf]),
    ("0**-2", lambda x: x**-2, [0.0], inf, [-inf]),
    ("2**10000", lambda x: x**10000, [2.0], inf, [inf]),
    ("(-2)**10001", lambda x: x**10001, [-2.0], -inf, [inf]),
    ("10**-400", lambda x: x**-400, [10.0], 0.0, [-0.0]),
    ("2**x at 10000", lambda x: 2**x, [10000.0], inf, [inf]),
    ("0**x at -1", lambda x: 0**x, [-1.0], inf, [-inf]),
    ("relu(nan)", lambda x: x.relu(), [nan], nan, [0.0]),
    ("abs(-inf)", lambda x: x.abs(), [-inf], inf, [-1.0]),
    ("exp(nan)", lambda x: x.exp(), [nan], nan, [nan]),
    ("sigmoid(nan)", lambda x: x.sigmoid(), [nan], nan, [nan]),
    ("huge int constant", lambda x: x * 10**400, [2.0], inf, [inf]),
]


@pytest.mark.parametrize(("f", "inputs", "value", "grads"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_ieee_values_and_gradients(f, inputs, value, grads):
    xs = [Value(x) for x in inputs]
    out = f(*xs)
    assert_same(out.data, value)
    out.backward()
    for x, g in zip(xs, grads, strict=True):
        assert_same(x.grad, g)


def test_sign_of_zero_results():
    assert math.copysign(1.0, (1 / Value(-inf)).data) == -1.0
    assert math.copysign(1.0, Value(-0.0).sqrt().data) == -1.0


# Derivatives at non-differentiable points: PyTorch's conventions.
# (f, inputs, gradients)
CONVENTIONS = [
    ("relu'(0) = 0", lambda x: x.relu(), [0.0], [0.0]),
    ("relu'(-0.0) = 0", lambda x: x.relu(), [-0.0], [0.0]),
    ("abs'(0) = 0", lambda x: x.abs(), [0.0], [0.0]),
    ("abs'(-0.0) = 0", lambda x: abs(x), [-0.0], [0.0]),
    ("x**y, y = 0: d/dx = 0 at x = 0", lambda x, y: x**y, [0.0, 0.0], [0.0, 0.0]),
    ("x**y, y = 0: d/dx = 0 at x = -3", lambda x, y: x**y, [-3.0, 0.0], [0.0, nan]),
    ("x**0 constant exponent", lambda x: x**0, [0.0], [0.0]),
    ("x**y, x = 0, y = 2: d/dy = 0", lambda x, y: x**y, [0.0, 2.0], [0.0, 0.0]),
    ("x**y, x = 0, y = 1", lambda x, y: x**y, [0.0, 1.0], [1.0, 0.0]),
    ("x**y, x = 0, y = 0.5", lambda x, y: x**y, [0.0, 0.5], [inf, 0.0]),
    ("x**y, x = 0, y = -1: d/dy = inf·ln 0", lambda x, y: x**y, [0.0, -1.0], [-inf, -inf]),
    ("0**y, y = 3: d/dy = 0", lambda y: 0**y, [3.0], [0.0]),
    ("0**y, y = 0: d/dy = 0", lambda y: 0**y, [0.0], [0.0]),
    ("x**y, x = -2, y = 2: d/dy = nan", lambda x, y: x**y, [-2.0, 2.0], [-4.0, nan]),
]


@pytest.mark.parametrize(
    ("f", "inputs", "grads"), [c[1:] for c in CONVENTIONS], ids=[c[0] for c in CONVENTIONS]
)
def test_derivative_conventions(f, inputs, grads):
    xs = [Value(x) for x in inputs]
    out = f(*xs)
    out.backward()
    for x, g in zip(xs, grads, strict=True):
        assert_same(x.grad, g)


@pytest.mark.parametrize("f", [lambda x: x.sqrt() * 0.0, lambda x: (1 / x) * 0.0, lambda x: x.log() * 0.0])
def test_a_zero_gradient_times_an_infinite_partial_is_nan(f):
    x = Value(0.0)
    out = f(x)
    (middle,) = out.inputs
    assert out.local_grads == (0.0,) and math.isinf(middle.local_grads[0])
    out.backward()
    assert math.isnan(x.grad)  # 1 · 0 · inf; actual: 0.0
