"""autograd.validate: the one notion of a number that every public function uses."""

import math
import re
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from autograd import Value
from autograd.validate import finite, positive, real, whole


@pytest.mark.parametrize(
    ("x", "expected"),
    [(2, 2.0), (-1.5, -1.5), (np.float32(0.5), 0.5), (np.int64(3), 3.0), (np.array(2.5), 2.5),
     (Fraction(1, 4), 0.25), (Decimal("0.125"), 0.125), (10**400, math.inf), (-(10**400), -math.inf),
     (Fraction(10**400, 3), math.inf), (math.nan, math.nan)],
    ids=repr,
)
def test_real_numbers_of_every_kind_become_floats(x, expected):
    value = real(x, "x")
    assert type(value) is float
    assert value == expected or (math.isnan(value) and math.isnan(expected))


@pytest.mark.parametrize(
    ("x", "kind"),
    [(True, "bool True"), (np.bool_(False), "bool"), (np.array(True), "ndarray of booleans"),
     ("1.0", "str '1.0'"), (b"1", "bytes b'1'"), (1j, "complex 1j"), (None, "NoneType None"),
     ([1.0], "list [1.0]"), ("x" * 100, "str 'xxxxxxxx")],
    ids=repr,
)
def test_what_is_not_a_number_is_named(x, kind):
    with pytest.raises(TypeError, match=rf"^w must be a real number, not {re.escape(kind)}"):
        real(x, "w")


def test_a_value_is_a_node_not_a_number():
    with pytest.raises(TypeError, match=r"not a Value; use \.data to copy its number"):
        real(Value(1.0), "w")


def test_a_boolean_tensor_is_not_a_number():
    torch = pytest.importorskip("torch")
    with pytest.raises(TypeError, match="not Tensor of booleans"):
        real(torch.tensor(True), "w")
    assert real(torch.tensor(0.5, dtype=torch.float64), "w") == 0.5


@pytest.mark.parametrize(
    ("call", "message"),
    [(lambda: finite(math.inf, "lr"), "lr must be a finite number, not inf"),
     (lambda: positive(0.0, "lr"), "lr must be a finite number > 0, not 0.0"),
     (lambda: positive(-1, "m", allow_zero=True), "m must be a finite number >= 0, not -1"),
     (lambda: whole(0, "n", 1), "n must be a positive int, not 0"),
     (lambda: whole(True, "n", 1), "n must be a positive int, not True"),
     (lambda: whole(2.0, "k", 0, 3), "k must be an int from 0 to 3, not 2.0"),
     (lambda: whole(1, "k", 2), "k must be an int >= 2, not 1"),
     (lambda: finite(Fraction(10**400, 3), "w"), "w must be a finite number, not a Fraction too large"),
     (lambda: finite(10**400, "w"), "w must be a finite number, not an int too large for a float"),
     (lambda: finite(float("nan"), "w"), "w must be a finite number, not nan")],
)
def test_ranges_are_named(call, message):
    with pytest.raises(ValueError) as info:
        call()
    assert str(info.value).startswith(message)
    assert len(str(info.value)) < 100


def test_whole_numbers_include_numpy_integers():
    assert whole(np.int32(3), "n", 1) == 3 and type(whole(np.int32(3), "n", 1)) is int
    assert (finite(Decimal("2.5"), "x"), positive(np.float16(0.5), "x")) == (2.5, 0.5)
