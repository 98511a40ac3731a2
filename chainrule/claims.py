"""Grading numbers a document or a student wrote down against a worked step.

A claim names a quantity (``out_n3``, ``E``, ``∂E/∂w16``, ``new w16``; see
``Walkthrough.value_of``) and gives a number as written. It is right when it is the true value
rounded, or cut off, to the digits written; a wrong gradient gets its derivation.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from autograd import explain

from .walkthrough import Walkthrough

GRADIENT = re.compile(r"^(?:∂|d)E\s*/\s*(?:∂|d)\s*")


@dataclass(frozen=True)
class ClaimResult:
    quantity: str
    claimed: str
    value: float | None  # None: the network has no such quantity
    right: bool
    why: str = ""  # the derivation of the right value, or why there is none


def agrees(value: float, claimed: float, text: str) -> bool:
    """Is ``claimed`` ``value`` rounded, or cut off, to the digits written in ``text``?

    0.0025 for 0.002468 is right (rounded), and so is 0.0024 (cut off, as the documents
    sometimes do: 0.699 for 0.6997); 0.0026 or 0.0023 are wrong. In scientific notation
    ("2.468e-3") the digits of the mantissa count. A claim of 0 must be 0 to 4 places.
    """
    if not (math.isfinite(value) and math.isfinite(claimed)):
        return value == claimed or (math.isnan(value) and math.isnan(claimed))
    mantissa, _, exponent = text.lower().partition("e")
    decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
    if claimed == 0:  # "0" claims zero, not "rounds to 0": 0 for 0.14 is wrong (4 places)
        decimals = max(decimals, 4)
    unit = 10.0 ** (int(exponent or 0) - decimals)
    scaled = value / unit
    return any(abs(candidate * unit - claimed) <= unit * 1e-6
               for candidate in (round(scaled), math.trunc(scaled)))


def check_claims(w: Walkthrough, claims: dict[str, str]) -> list[ClaimResult]:
    """Grade each claimed number: right when it is the computed value rounded or cut off to
    the digits written (so 0.0025 and 0.0024 are right for 0.002468, 0.0026 is not), wrong
    otherwise, with the right value and, for a gradient, its derivation."""
    return [_grade(w, quantity, text) for quantity, text in claims.items()]


def _grade(w: Walkthrough, quantity: str, text: str) -> ClaimResult:
    value = w.value_of(quantity)
    if value is None:
        return ClaimResult(quantity, text, None, False, "no such quantity in this network")
    if agrees(value, float(text), text):
        return ClaimResult(quantity, text, value, True)
    target = w.nodes.get(GRADIENT.sub("", quantity)) if GRADIENT.match(quantity) else None
    return ClaimResult(quantity, text, value, False, "" if target is None else str(explain(w.E, target)))
