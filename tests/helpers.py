"""Assertions on floats where nan and inf matter, and on LaTeX's braces."""

import math
import re


def same(actual: float, expected: float, rel: float = 0.0) -> bool:
    """Equal as IEEE results: nan matches nan, ±inf must match exactly, else within ``rel``."""
    if math.isnan(expected):
        return math.isnan(actual)
    if math.isinf(expected) or rel == 0.0:
        return actual == expected
    return math.isclose(actual, expected, rel_tol=rel, abs_tol=rel)


def assert_same(actual: float, expected: float, rel: float = 0.0) -> None:
    assert type(actual) is float, f"{actual!r} is a {type(actual).__name__}, not a float"
    assert same(actual, expected, rel), f"got {actual!r}, expected {expected!r}"


def balanced(tex: str) -> bool:
    """Do a LaTeX text's braces pair up (escaped ones, \\{ and \\}, aside)?"""
    depth = 0
    for tok in re.findall(r"\\.|[{}]", tex):
        depth += {"{": 1, "}": -1}.get(tok, 0)
        if depth < 0:
            return False
    return depth == 0
