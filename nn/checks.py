"""Argument checks shared by nn: one notion of "a number", the engine's (``as_real``).

NumPy scalars, Fraction and Decimal are numbers here as everywhere in chainrule; bool is not.
Each check raises with a message that names the argument.
"""

from __future__ import annotations

import math
import operator

from autograd.value import as_real


def number(x: object, what: str, *, finite: bool = True) -> float:
    """``x`` as a float; TypeError if it is not a real number, ValueError if not finite."""
    try:
        value = as_real(x, what)
    except TypeError:
        raise TypeError(f"{what} must be a real number, not {type(x).__name__} {x!r}") from None
    if finite and not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number, not {x!r}")
    return value


def positive(x: object, what: str, *, allow_zero: bool = False) -> float:
    """A finite number > 0 (or >= 0)."""
    value = number(x, what)
    if value < 0 or (value == 0 and not allow_zero):
        raise ValueError(f"{what} must be a finite number {'>= 0' if allow_zero else '> 0'}, not {x!r}")
    return value


def index(x: object, what: str) -> int:
    """A whole number (int, NumPy integer), not bool."""
    if isinstance(x, bool) or type(x).__name__ in ("bool", "bool_"):
        raise TypeError(f"{what} must be a whole number, not bool")
    try:
        return operator.index(x)  # type: ignore[arg-type]
    except TypeError:
        raise TypeError(f"{what} must be a whole number, not {type(x).__name__} ({x!r})") from None
