"""Grading numbers a document or a student wrote down against a worked step.

A claim names a quantity (``out_n3``, ``E``, ``∂E/∂w16``, ``new w16``; see
``Walkthrough.value_of``) and gives a number as written. It is right when it is the true value
rounded (half to even, or half away from zero as taught), or cut off, to the digits written;
a wrong gradient gets its derivation. The arithmetic is exact, in decimals, for any number a
claim can write (1e-400, 0e99999): grading never fails.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal
from typing import cast

from autograd import Explanation, explain

from .netfile import claim_number
from .walkthrough import Walkthrough

# The readings of a value to the digits written: rounded half to even, rounded half away from
# zero (0.125 → 0.13, as taught), and cut off (0.699 for 0.6997, as the documents sometimes do).
READINGS = (ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_DOWN)
# A computed value's digits that are not float rounding noise: 0.145 computed as
# 0.14499999999999999 is still 0.145 (so 0.15 is right), and 0.14 computed as
# 0.13999999999999999 is not cut off to 0.13.
SIGNIFICANT = 12
ZERO_PLACES = 4  # "0" claims zero to 4 decimal places, not "rounds to 0"
SPECIAL = re.compile(r"[+-]?(?:inf|infinity|nan)", re.IGNORECASE)


@dataclass(frozen=True)
class ClaimResult:
    quantity: str
    claimed: str
    value: float | None  # None: the network has no such quantity
    right: bool
    why: str = ""  # the derivation of the right value, or why there is none


def agrees(value: float, text: str) -> bool:
    """Is the number written in ``text`` ``value`` rounded, or cut off, to the digits written?

    0.0025 for 0.002468 is right (rounded), and so is 0.0024 (cut off, as the documents
    sometimes do: 0.699 for 0.6997); 0.0026 or 0.0023 are wrong; for 0.125 both 0.12 (half to
    even) and 0.13 (half away from zero) are right. In scientific notation ("2.468e-3") the
    digits of the mantissa count. A claim of 0 must be 0 to 4 places. A number is never right
    for inf or nan, and "inf", "-inf" or "nan" only for that very value; anything else written
    (abc, 1_000) is wrong.
    """
    claimed = claim_number(text)
    if claimed is None:
        return _same_special(value, text)
    if not math.isfinite(value):
        return False
    place = cast(int, claimed.as_tuple().exponent)  # the unit of the last digit: 10**place
    if claimed == 0:
        place = min(place, -ZERO_PLACES)
    return claimed in _readings(Decimal(value), place)


def _readings(value: Decimal, place: int) -> set[Decimal]:
    """``value`` (a float's exact decimal) rounded either way and cut off at the digit 10**place,
    exactly; at 12 significant digits at most, past which a float's digits are noise."""
    if place >= value.adjusted() - (SIGNIFICANT - 1):
        value = Context(prec=SIGNIFICANT).plus(value)
    if place <= cast(int, value.as_tuple().exponent):  # written to every digit the value has
        return {value}
    if place > value.adjusted() + 1:  # the value is below a tenth of the unit: every reading is 0
        return {Decimal(0)}
    context = Context(prec=value.adjusted() - place + 2)  # every digit down to the unit, and a carry
    unit = Decimal((0, (1,), place))
    return {value.quantize(unit, rounding=mode, context=context) for mode in READINGS}


def _same_special(value: float, text: str) -> bool:
    """"inf", "-inf" or "nan" written out: right for that value only."""
    if not SPECIAL.fullmatch(text.strip()):
        return False
    claimed = float(text)
    return claimed == value or (math.isnan(claimed) and math.isnan(value))


def check_claims(w: Walkthrough, claims: dict[str, str]) -> list[ClaimResult]:
    """Grade each claimed number: right when it is the computed value rounded or cut off to
    the digits written (so 0.0025 and 0.0024 are right for 0.002468, 0.0026 is not), wrong
    otherwise, with the right value and, for a gradient, its derivation."""
    derivations = {id(p): e for p, e in zip(w.params, w.explanations)}  # worked out once already
    return [_grade(w, quantity, text, derivations) for quantity, text in claims.items()]


def _grade(w: Walkthrough, quantity: str, text: str, derivations: dict[int, Explanation]) -> ClaimResult:
    value = w.value_of(quantity)
    if value is None:
        return ClaimResult(quantity, text, None, False, "no such quantity in this network")
    if agrees(value, text):
        return ClaimResult(quantity, text, value, True)
    if claim_number(text) is None and not SPECIAL.fullmatch(text.strip()):
        return ClaimResult(quantity, text, value, False, "the claim is not a number written in digits")
    return ClaimResult(quantity, text, value, False, _derivation(w, quantity, derivations))


def _derivation(w: Walkthrough, quantity: str, derivations: dict[int, Explanation]) -> str:
    """The chain rule behind a gradient (∂E/∂w17, ∂E/∂out_n9); nothing for other quantities."""
    target = w.gradient_of(quantity)
    if target is None:
        return ""
    known = derivations.get(id(target))
    return str(explain(w.E, target) if known is None else known)
