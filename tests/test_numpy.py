"""NumPy numbers as data and as operands on either side (skipped without NumPy)."""

import operator

import pytest

from autograd import Value

np = pytest.importorskip("numpy")


@pytest.mark.parametrize(
    "data",
    [np.float64(1.5), np.float32(1.5), np.float16(1.5), np.array(1.5), np.array(1.5, dtype=np.float32)],
)
def test_numpy_reals_are_accepted_as_data(data):
    v = Value(data)
    assert type(v.data) is float and v.data == 1.5


@pytest.mark.parametrize("data", [np.int64(-3), np.int8(-3), np.uint16(3)])
def test_numpy_ints_are_accepted_as_data(data):
    assert Value(data).data == float(int(data))


@pytest.mark.parametrize(
    ("data", "type_name"),
    [(np.bool_(True), "bool"), (np.complex128(1.0), "complex128"), (np.array([1.0, 2.0]), "ndarray")],
)
def test_numpy_bools_complexes_and_arrays_are_rejected(data, type_name):
    with pytest.raises(TypeError, match=type_name):
        Value(data)


OPS = [operator.add, operator.sub, operator.mul, operator.truediv, operator.pow]


@pytest.mark.parametrize("op", OPS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("scalar", [np.float64(2.0), np.float32(2.0), np.int64(2)], ids=repr)
def test_numpy_scalars_work_on_either_side(op, scalar):
    x = Value(3.0)
    left, right = op(scalar, x), op(x, scalar)
    assert type(left) is Value and type(right) is Value
    assert left.data == op(2.0, 3.0) and right.data == op(3.0, 2.0)
    assert left.constants == right.constants == (2.0,)
    assert type(left.constants[0]) is float


def test_numpy_array_operand_is_a_type_error():
    with pytest.raises(TypeError):
        np.array([1.0, 2.0]) * Value(1.0)
    with pytest.raises(TypeError):
        Value(1.0) * np.array([1.0, 2.0])


@pytest.mark.parametrize("x", [np.array(True), np.array([True])[0], np.bool_(False)])
def test_numpy_booleans_are_rejected_like_bool(x):
    with pytest.raises(TypeError, match="real number, not"):
        Value(x)
