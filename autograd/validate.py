"""What counts as a number, once for all of chainrule: every public entry point calls these.

A *real number* is an int, a float, or any real number type with ``__float__``: NumPy
scalars and 0-d arrays, ``Fraction``, ``Decimal``. It is stored as a Python float (an int or
Fraction beyond float range becomes ±inf, as IEEE rounding says). Not numbers: ``bool``
(``Value(x > 0)`` is nearly always a bug; write 1.0 or 0.0), NumPy and PyTorch booleans,
``str`` and ``bytes`` (``float("1")`` would parse them), complex numbers, containers, and a
``Value`` itself (a graph node: copy its number with ``.data``).
A *whole number* is an int or a NumPy integer (anything with ``__index__``), never bool.
"""

from __future__ import annotations

import math
import numbers
import operator
from typing import SupportsFloat

Number = float | int | SupportsFloat

# Types that are not numbers though they look like one to a type check, with what to do instead
# (``Value`` registers itself: it is a graph node, not a number).
NOT_NUMBERS: dict[type, str] = {}


def _is_boolean(x: object) -> bool:
    """bool, NumPy's bool_, and NumPy arrays or PyTorch tensors of booleans."""
    return isinstance(x, bool) or type(x).__name__ in ("bool", "bool_") or (
        str(getattr(x, "dtype", "")).rsplit(".", 1)[-1] == "bool")


def shown(x: object) -> str:
    """``repr(x)`` cut to 40 characters: an error message names a value, it does not print it."""
    text = repr(x)
    return text if len(text) <= 40 else text[:37] + "..."


def _not_real(x: object, what: str, detail: str = "") -> TypeError:
    cls = type(x).__name__
    array_of_bools = hasattr(x, "dtype") and _is_boolean(x) and cls not in ("bool", "bool_")
    kind = f"{cls} of booleans" if array_of_bools else cls
    return TypeError(f"{what} must be a real number, not {kind} {shown(x)}{detail}")


def real(x: object, what: str = "a number") -> float:
    """``x`` as a Python float if it is a real number; TypeError naming ``what`` and the type
    otherwise. The result may be ±inf or nan (see ``finite``)."""
    cls = type(x)
    if cls is float:
        return x  # type: ignore[return-value]
    if cls is int:
        try:
            return float(x)  # type: ignore[arg-type]
        except OverflowError:  # an int beyond float range rounds to ±inf, as IEEE says
            return math.inf if x > 0 else -math.inf  # type: ignore[operator]
    for kind, advice in NOT_NUMBERS.items():
        if isinstance(x, kind):
            raise TypeError(f"{what} must be a real number, not a {kind.__name__}; {advice}")
    if _is_boolean(x) or isinstance(x, (str, bytes, bytearray)) or getattr(cls, "__float__", None) is None:
        raise _not_real(x, what)
    if isinstance(x, numbers.Complex) and not isinstance(x, numbers.Real):
        raise _not_real(x, what)
    try:
        return float(x)  # type: ignore[arg-type]
    except OverflowError:  # Fraction(10**400): beyond float range, rounds to ±inf
        return math.inf if x > 0 else -math.inf  # type: ignore[operator]
    except (TypeError, ValueError) as e:
        raise _not_real(x, what, f" ({e})") from None


def finite(x: object, what: str) -> float:
    """A real number that is not ±inf or nan (ValueError otherwise)."""
    value = real(x, what)
    if not math.isfinite(value):
        if isinstance(x, numbers.Rational):  # 10**400: too long to show, too large for a float
            kind = "an int" if isinstance(x, numbers.Integral) else f"a {type(x).__name__}"
            raise ValueError(f"{what} must be a finite number, not {kind} too large for a float")
        raise ValueError(f"{what} must be a finite number, not {shown(x)}")
    return value


def positive(x: object, what: str, *, allow_zero: bool = False) -> float:
    """A finite number > 0, or >= 0 with ``allow_zero``."""
    value = finite(x, what)
    if value < 0 or (value == 0 and not allow_zero):
        raise ValueError(f"{what} must be a finite number {'>= 0' if allow_zero else '> 0'}, not {shown(x)}")
    return value


def whole(x: object, what: str, least: int | None = None, most: int | None = None) -> int:
    """A whole number in [least, most] (either end may be open); ValueError naming the range."""
    try:
        value = None if _is_boolean(x) else operator.index(x)  # type: ignore[arg-type]
    except TypeError:
        value = None
    if value is None or (least is not None and value < least) or (most is not None and value > most):
        raise ValueError(f"{what} must be {_whole_range(least, most)}, not {shown(x)}")
    return value


def random_seed(x: object, what: str) -> int | None:
    """A seed for ``random.Random``: a whole number, or None for a fresh one each time."""
    return None if x is None else whole(x, what)


def _whole_range(least: int | None, most: int | None) -> str:
    if least is not None and most is not None:
        return f"an int from {least} to {most}"
    if least == 1:
        return "a positive int"
    if least is not None:
        return f"an int >= {least}"
    return "an int" if most is None else f"an int <= {most}"
