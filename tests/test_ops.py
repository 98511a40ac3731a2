"""Every op's value and local derivatives at hand-derived points, in every operand form."""

import math
import operator
from decimal import Decimal
from fractions import Fraction

import pytest
from helpers import assert_same

import autograd
from autograd import Value

OPERATORS = {
    "add": operator.add,
    "sub": operator.sub,
    "mul": operator.mul,
    "div": operator.truediv,
    "pow": operator.pow,
}

# (op, x, y, x op y, ∂/∂x, ∂/∂y), worked out by hand.
BINARY_CASES = [
    ("add", 3.0, 4.0, 7.0, 1.0, 1.0),
    ("add", -1.5, 0.25, -1.25, 1.0, 1.0),
    ("sub", 3.0, 4.0, -1.0, 1.0, -1.0),
    ("sub", -1.5, 0.25, -1.75, 1.0, -1.0),
    ("mul", 3.0, 4.0, 12.0, 4.0, 3.0),
    ("mul", -1.5, 0.25, -0.375, 0.25, -1.5),
    ("div", 3.0, 4.0, 0.75, 0.25, -0.1875),  # ∂/∂y = -x/y²
    ("div", -1.5, 0.5, -3.0, 2.0, 6.0),
    ("pow", 3.0, 4.0, 81.0, 108.0, 81.0 * math.log(3.0)),  # ∂/∂x = y·x^(y-1), ∂/∂y = x^y·ln x
    ("pow", 0.5, -2.0, 4.0, -16.0, 4.0 * math.log(0.5)),
    ("pow", 4.0, 0.5, 2.0, 0.25, 2.0 * math.log(4.0)),
    ("pow", -2.0, 3.0, -8.0, 12.0, math.nan),  # ln(-2) is nan
]
IDS = [f"{c[1]} {c[0]} {c[2]}" for c in BINARY_CASES]


@pytest.mark.parametrize(("name", "x", "y", "value", "dx", "dy"), BINARY_CASES, ids=IDS)
def test_binary_op_of_two_values(name, x, y, value, dx, dy):
    a, b = Value(x, label="a"), Value(y, label="b")
    out = OPERATORS[name](a, b)
    assert (out.op, out.inputs, out.constants) == (name, (a, b), ())
    assert_same(out.data, value, rel=1e-15)
    for got, expected in zip(out.local_grads, (dx, dy), strict=True):
        assert_same(got, expected, rel=1e-15)
    out.backward()
    assert_same(a.grad, dx, rel=1e-15)
    assert_same(b.grad, dy, rel=1e-15)


@pytest.mark.parametrize(("name", "x", "y", "value", "dx", "dy"), BINARY_CASES, ids=IDS)
def test_binary_op_value_with_constant(name, x, y, value, dx, dy):
    a = Value(x)
    out = OPERATORS[name](a, y)
    assert (out.op, out.inputs, out.constants) == (name, (a,), (y,))
    assert_same(out.data, value, rel=1e-15)
    assert_same(out.local_grads[0], dx, rel=1e-15)
    out.backward()
    assert_same(a.grad, dx, rel=1e-15)


@pytest.mark.parametrize(("name", "x", "y", "value", "dx", "dy"), BINARY_CASES, ids=IDS)
def test_binary_op_constant_with_value(name, x, y, value, dx, dy):
    b = Value(y)
    out = OPERATORS[name](x, b)
    assert (out.op, out.inputs, out.constants) == (name, (b,), (x,))
    assert_same(out.data, value, rel=1e-15)
    assert_same(out.local_grads[0], dy, rel=1e-15)
    out.backward()
    assert_same(b.grad, dy, rel=1e-15)


@pytest.mark.parametrize("other", [2, Fraction(2, 1), Decimal(2)], ids=repr)
@pytest.mark.parametrize("name", sorted(OPERATORS))
def test_plain_number_operands_of_other_types_become_float_constants(name, other):
    x = Value(3.0)
    for out, expected in (
        (OPERATORS[name](x, other), OPERATORS[name](3.0, 2.0)),
        (OPERATORS[name](other, x), OPERATORS[name](2.0, 3.0)),
    ):
        assert out.data == expected
        assert out.constants == (2.0,) and type(out.constants[0]) is float


def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


# (method, x, value, derivative), derived by hand.
UNARY_CASES = [
    ("neg", 2.5, -2.5, -1.0),
    ("neg", -0.5, 0.5, -1.0),
    ("exp", 0.0, 1.0, 1.0),
    ("exp", 1.0, math.e, math.e),
    ("exp", -2.0, math.exp(-2.0), math.exp(-2.0)),
    ("log", 1.0, 0.0, 1.0),
    ("log", math.e, 1.0, 1 / math.e),
    ("log", 0.25, -math.log(4.0), 4.0),
    ("sqrt", 4.0, 2.0, 0.25),  # 1 / (2 sqrt x)
    ("sqrt", 0.25, 0.5, 1.0),
    ("sqrt", 2.0, math.sqrt(2.0), 1 / (2 * math.sqrt(2.0))),
    ("tanh", 0.0, 0.0, 1.0),
    ("tanh", 0.5, math.tanh(0.5), 1 - math.tanh(0.5) ** 2),
    ("tanh", -3.0, -math.tanh(3.0), 1 / math.cosh(3.0) ** 2),
    ("sigmoid", 0.0, 0.5, 0.25),
    ("sigmoid", 2.0, sigmoid(2.0), math.exp(-2.0) / (1 + math.exp(-2.0)) ** 2),
    ("sigmoid", -2.0, 1 - sigmoid(2.0), math.exp(-2.0) / (1 + math.exp(-2.0)) ** 2),
    ("relu", 2.5, 2.5, 1.0),
    ("relu", -1.5, 0.0, 0.0),
    ("relu", 0.0, 0.0, 0.0),  # relu'(0) = 0 by convention
    ("abs", -3.0, 3.0, -1.0),
    ("abs", 2.0, 2.0, 1.0),
    ("abs", 0.0, 0.0, 0.0),  # abs'(0) = 0 by convention
]
CALL = {
    "neg": operator.neg,
    **{m: operator.methodcaller(m) for m in ("exp", "log", "sqrt", "tanh", "sigmoid", "relu", "abs")},
}


@pytest.mark.parametrize(
    ("name", "x", "value", "derivative"), UNARY_CASES, ids=[f"{c[0]}({c[1]:.3g})" for c in UNARY_CASES]
)
def test_unary_op(name, x, value, derivative):
    a = Value(x, label="a")
    out = CALL[name](a)
    assert (out.op, out.inputs, out.constants) == (name, (a,), ())
    assert_same(out.data, value, rel=1e-15)
    assert_same(out.local_grads[0], derivative, rel=1e-14)
    out.backward()
    assert_same(a.grad, derivative, rel=1e-14)


@pytest.mark.parametrize("x", [-2.0, 0.0, 3.5])
def test_builtin_abs_is_the_abs_op(x):
    a = Value(x)
    out = abs(a)
    out.backward()
    assert (out.op, out.data, a.grad) == ("abs", abs(x), (x > 0) - (x < 0))


@pytest.mark.parametrize(
    ("f", "value", "grad"),
    [
        (lambda a: a * a, 9.0, 6.0),
        (lambda a: a + a, 6.0, 2.0),
        (lambda a: a - a, 0.0, 0.0),
        (lambda a: a / a, 1.0, 0.0),
        (lambda a: a**a, 27.0, 27.0 * (1 + math.log(3.0))),  # d/dx x^x = x^x (1 + ln x)
        (lambda a: a * a * a, 27.0, 27.0),
    ],
    ids=["a*a", "a+a", "a-a", "a/a", "a**a", "a*a*a"],
)
def test_the_same_value_on_both_sides(f, value, grad):
    a = Value(3.0)
    out = f(a)
    out.backward()
    assert out.data == value
    assert math.isclose(a.grad, grad, rel_tol=1e-15)


def test_dot_is_one_node_with_the_weighted_sum():
    w = [Value(0.5, label="w0"), Value(-2.0, label="w1")]
    x = [Value(3.0, label="x0"), Value(0.25, label="x1")]
    b = Value(1.5, label="b")
    out = autograd.dot(w, x, b)
    assert (out.op, out.data) == ("dot", 0.5 * 3.0 - 2.0 * 0.25 + 1.5)
    assert out.inputs == (*w, *x, b)
    assert out.local_grads == (3.0, 0.25, 0.5, -2.0, 1.0)  # xᵢ, wᵢ, 1
    out.backward()
    assert [v.grad for v in (*w, *x, b)] == [3.0, 0.25, 0.5, -2.0, 1.0]


def test_dot_with_numbers_and_without_bias():
    x = Value(2.0)
    out = autograd.dot([3, 0.5], [x, 4.0])
    assert (out.data, out.inputs, out.constants, out.local_grads) == (8.0, (x,), (3.0, 0.5, 4.0), (3.0,))
    with_bias = autograd.dot([x], [x], bias=1)  # x² + 1
    with_bias.backward()
    assert (with_bias.data, with_bias.constants, x.grad) == (5.0, (1.0,), 4.0)


def test_dot_sum_is_correctly_rounded():
    assert autograd.dot([1e16, 1.0, -1e16], [1.0, 1.0, 1.0]).data == 1.0


def test_vsum_is_one_node():
    xs = [Value(float(i)) for i in range(5)]
    out = autograd.vsum([*xs, 0.5, xs[0]])
    assert (out.op, out.data, out.inputs, out.constants) == ("sum", 10.5, (*xs, xs[0]), (0.5,))
    assert out.local_grads == (1.0,) * 6
    out.backward()
    assert [x.grad for x in xs] == [2.0, 1.0, 1.0, 1.0, 1.0]


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda x: autograd.dot([x, x], [x, x, x]), ValueError, "2 weights but 3 inputs"),
        (lambda x: autograd.dot([], [x]), ValueError, "0 weights but 1 inputs"),
        (lambda x: autograd.vsum([]), ValueError, "no terms"),
        (lambda x: autograd.dot(["a"], [x]), TypeError, "dot.*str"),
        (lambda x: autograd.dot([x], [None]), TypeError, "dot.*NoneType"),
        (lambda x: autograd.dot([x], [x], bias=True), TypeError, "dot.*bool"),
        (lambda x: autograd.vsum([x, "1"]), TypeError, "vsum.*str"),
    ],
)
def test_dot_and_vsum_errors(call, error, message):
    with pytest.raises(error, match=message):
        call(Value(1.0))


BAD_OPERANDS = ["1", b"1", None, True, 1j, [1.0]]


@pytest.mark.parametrize("bad", BAD_OPERANDS, ids=repr)
@pytest.mark.parametrize("name", sorted(OPERATORS))
def test_unsupported_operand_types_raise_type_error(name, bad):
    x = Value(1.0)
    with pytest.raises(TypeError):
        OPERATORS[name](x, bad)
    with pytest.raises(TypeError):
        OPERATORS[name](bad, x)


@pytest.mark.parametrize("bad", [None, True, 1j], ids=repr)
@pytest.mark.parametrize("name", sorted(OPERATORS))
def test_unsupported_operand_error_names_the_type(name, bad):
    # (str and list operands of * fall back to sequence repetition, whose message is Python's.)
    with pytest.raises(TypeError, match=rf"'Value' and '{type(bad).__name__}'"):
        OPERATORS[name](Value(1.0), bad)
    with pytest.raises(TypeError, match=rf"'{type(bad).__name__}' and 'Value'"):
        OPERATORS[name](bad, Value(1.0))


def test_three_argument_pow_is_a_type_error():
    with pytest.raises(TypeError, match="modulus"):
        pow(Value(2.0), 2, 3)
    with pytest.raises(TypeError):
        pow(2, Value(2.0), 3)
