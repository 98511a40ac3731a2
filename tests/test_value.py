"""Value as an object: what it accepts, its attributes, and how it prints."""

import math
from decimal import Decimal
from fractions import Fraction

import pytest

import autograd
from autograd import Value


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (3, 3.0),
        (-2.5, -2.5),
        (Fraction(1, 4), 0.25),
        (Fraction(1, 3), 1 / 3),
        (Decimal("0.1"), 0.1),
        (Decimal("-7"), -7.0),
        (10**400, math.inf),
        (-(10**400), -math.inf),
        (2**53 + 1, 9007199254740992.0),  # rounds to the nearest float
    ],
)
def test_accepted_data_is_stored_as_a_python_float(data, expected):
    v = Value(data)
    assert type(v.data) is float
    assert v.data == expected


def test_nan_data_is_kept():
    assert math.isnan(Value(math.nan).data)


@pytest.mark.parametrize(
    ("data", "type_name"),
    [
        ("1.0", "str"),
        (b"1.0", "bytes"),
        (None, "NoneType"),
        (1 + 2j, "complex"),
        ([1.0], "list"),
        ((1.0,), "tuple"),
        (True, "bool"),
        (False, "bool"),
        (Value(1.0), "Value"),
    ],
)
def test_rejected_data_raises_type_error_naming_the_type(data, type_name):
    with pytest.raises(TypeError, match=rf"\b{type_name}\b"):
        Value(data)


def test_a_fresh_leaf():
    v = Value(2.5, label="w")
    assert (v.data, v.grad, v.label, v.op) == (2.5, 0.0, "w", "")
    assert type(v.grad) is float
    assert v.is_leaf
    assert (v.inputs, v.constants, v.local_grads) == ((), (), ())
    assert Value(1.0).label == ""


def test_data_is_settable_on_a_leaf_and_converted():
    v = Value(1.0)
    v.data = Fraction(3, 2)
    assert type(v.data) is float and v.data == 1.5
    with pytest.raises(TypeError, match="str"):
        v.data = "2"
    assert v.data == 1.5


def test_data_of_a_computed_value_cannot_be_set():
    x = Value(2.0)
    y = x * 3
    with pytest.raises(AttributeError, match=r"computed.*'mul'"):
        y.data = 1.0
    assert y.data == 6.0


def test_grad_is_settable_and_converted_to_float():
    v = Value(1.0)
    v.grad = 3
    assert type(v.grad) is float and v.grad == 3.0
    (v * 2).grad = 0.5  # also on computed Values
    with pytest.raises(TypeError, match="bool"):
        v.grad = True
    assert v.grad == 3.0


@pytest.mark.parametrize(("label", "type_name"), [(None, "NoneType"), (3, "int"), (b"x", "bytes")])
def test_label_must_be_a_str(label, type_name):
    with pytest.raises(TypeError, match=f"label must be a str, not {type_name}"):
        Value(1.0, label=label)
    v = Value(1.0, label="a")
    with pytest.raises(TypeError, match=type_name):
        v.label = label
    assert v.label == "a"


def test_label_is_settable():
    v = Value(1.0)
    v.label = "bias"
    assert v.label == "bias"


def test_repr_shows_label_data_and_grad():
    v = Value(2.5, label="w")
    v.grad = -0.125
    text = repr(v)
    assert "'w'" in text and "2.5" in text and "-0.125" in text
    assert "grad" in text
    assert "mul" in repr(v * 2)


@pytest.mark.parametrize(("spec", "expected"), [(".3f", "3.142"), ("+.1e", "+3.1e+00"), ("8.2f", "    3.14")])
def test_format_spec_formats_data(spec, expected):
    assert format(Value(math.pi), spec) == expected
    assert f"{Value(math.pi):{spec}}" == expected


@pytest.mark.parametrize("truth_test", [bool, lambda v: not v, lambda v: 1 if v else 0])
def test_truth_value_is_a_type_error(truth_test):
    with pytest.raises(TypeError, match="truth value"):
        truth_test(Value(1.0))


def test_computed_value_records_op_inputs_and_constants():
    x, y = Value(3.0, label="x"), Value(4.0, label="y")
    z = x * y
    assert (z.op, z.is_leaf, z.inputs, z.constants, z.local_grads) == ("mul", False, (x, y), (), (4.0, 3.0))
    for w in (x * 2, 2 * x):
        assert (w.op, w.inputs, w.constants, w.local_grads) == ("mul", (x,), (2.0,), (2.0,))
        assert type(w.constants[0]) is float
    n = -x
    assert (n.op, n.inputs, n.constants, n.local_grads) == ("neg", (x,), (), (-1.0,))


def test_a_fraction_beyond_float_range_rounds_to_infinity():
    from fractions import Fraction

    assert Value(Fraction(10**400)).data == math.inf
    assert Value(Fraction(-(10**400), 3)).data == -math.inf


@pytest.mark.parametrize(
    "call",
    [lambda: autograd.vsum(5), lambda: autograd.dot(Value(1.0), [1.0]), lambda: autograd.shift(Value(1.0))],
)
def test_nary_ops_want_lists(call):
    with pytest.raises(TypeError, match="must be a list of Values or numbers"):
        call()


def test_dot_of_nothing_is_an_error():
    with pytest.raises(ValueError, match="dot: no weights"):
        autograd.dot([], [])
