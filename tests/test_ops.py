"""Every op's value and local derivatives at hand-derived points (op_cases.py), in every form."""

import math
from decimal import Decimal
from fractions import Fraction

import pytest
from helpers import assert_same
from op_cases import ROWS, apply

import autograd
from autograd import Value, ops
from autograd.op import BINARY, NARY


def forms(op):
    """(form id, how to make the node from the point's operands, which operands are Values)."""
    if op.kind == NARY:
        return [("call", ROWS[op.name].call, None)]
    if op.kind == BINARY:
        method = op.methods[0]
        both = [(f"{method}(Value, Value)", lambda x, y: apply(method, x, y), (0, 1)),
                (f"{method}(Value, number)", lambda x, y: apply(method, x, y), (0,))]
        if op.constant_left is None:  # one method (max): no form with the number first
            return both
        return [*both, (f"{method}(number, Value)", lambda x, y: apply(method, x, y), (1,))]
    return [(m, lambda x, m=m: apply(m, x), (0,)) for m in op.methods]


BINARY_OPS = [op for op in ops.TABLE if op.kind == BINARY]
CASES = [
    pytest.param(op, make, values, point, id=f"{op.name}-{form}-{k}")
    for op in ops.TABLE
    if op.name in ROWS  # an op without a row fails the next test, by name
    for form, make, values in forms(op)
    for k, point in enumerate(ROWS[op.name].points)
]


def test_every_op_of_the_table_has_a_test_row():
    names = {op.name for op in ops.TABLE}
    assert sorted(names - set(ROWS)) == [], "ops without a row in tests/op_cases.py"
    assert sorted(set(ROWS) - names) == [], "rows in tests/op_cases.py for no op of the table"


@pytest.mark.parametrize(("op", "make", "values", "point"), CASES)
def test_op_value_and_partials_at_hand_derived_points(op, make, values, point):
    operands, value, partials = point
    values = range(len(operands)) if values is None else values
    args = [Value(x, label=f"x{i}") if i in values else x for i, x in enumerate(operands)]
    out = make(*args)
    nodes = tuple(args[i] for i in values)
    assert (out.op, out.inputs) == (op.name, nodes)
    parameter = (op.parameter[1],) if op.parameter else ()  # leaky_relu's slope, held as a constant
    assert out.constants == tuple(float(x) for i, x in enumerate(operands) if i not in values) + parameter
    assert_same(out.data, value, rel=1e-15)
    expected = [partials[i] for i in values]
    for got, d in zip(out.local_grads, expected, strict=True):
        assert_same(got, d, rel=1e-14)
    out.backward()
    for node, d in zip(nodes, expected):
        assert_same(node.grad, d, rel=1e-14)


@pytest.mark.parametrize("other", [2, Fraction(2, 1), Decimal(2)], ids=repr)
@pytest.mark.parametrize("op", BINARY_OPS, ids=lambda op: op.name)
def test_plain_number_operands_of_other_types_become_float_constants(op, other):
    x = Value(3.0)
    method = op.methods[0]
    cases = [(apply(method, x, other), op.fn(3.0, 2.0))]
    if op.constant_left is not None:  # one method (max): no form with the number first
        cases.append((apply(method, other, x), op.fn(2.0, 3.0)))
    for out, expected in cases:
        assert out.data == expected
        assert out.constants == (2.0,) and type(out.constants[0]) is float


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
@pytest.mark.parametrize("op", BINARY_OPS, ids=lambda op: op.name)
def test_unsupported_operand_types_raise_type_error(op, bad):
    x = Value(1.0)
    with pytest.raises(TypeError):
        apply(op.methods[0], x, bad)
    if op.constant_left is not None:
        with pytest.raises(TypeError):
            apply(op.methods[0], bad, x)


@pytest.mark.parametrize("bad", [None, True, 1j], ids=repr)
@pytest.mark.parametrize("op", BINARY_OPS, ids=lambda op: op.name)
def test_unsupported_operand_error_names_the_type(op, bad):
    # (str and list operands of * fall back to sequence repetition, whose message is Python's.)
    with pytest.raises(TypeError, match=rf"'Value' and '{type(bad).__name__}'"):
        apply(op.methods[0], Value(1.0), bad)
    if op.constant_left is not None:  # max(bad, x) has no method to call
        with pytest.raises(TypeError, match=rf"'{type(bad).__name__}' and 'Value'"):
            apply(op.methods[0], bad, Value(1.0))


def test_three_argument_pow_is_a_type_error():
    with pytest.raises(TypeError, match="modulus"):
        pow(Value(2.0), 2, 3)
    with pytest.raises(TypeError):
        pow(2, Value(2.0), 3)
