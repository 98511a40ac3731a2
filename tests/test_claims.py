"""Grading claimed numbers (chainrule/claims.py): a claim is right when it is the true value rounded
(half to even, or half away from zero as taught) or cut off to the digits written, decided in exact
decimal arithmetic, and grading never fails, whatever the number written or the value computed."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import chainrule
from autograd import explain
from chainrule import netfile, walkthrough
from chainrule.claims import agrees, check_claims
from chainrule.cli import main

DOC_2331 = (Path(chainrule.__file__).parent / "examples" / "doc_2331.toml").read_text(encoding="utf-8")
INF, NAN = math.inf, math.nan


@pytest.mark.parametrize(
    "value, text, right",
    [
        # a tie: half to even, half away from zero (as taught) and cut off are all readings
        (0.125, "0.13", True),
        (0.125, "0.12", True),
        (0.125, "0.11", False),
        (0.125, "0.14", False),
        (-0.125, "-0.13", True),  # away from zero on the negative side too
        (-0.125, "-0.12", True),
        (-0.125, "-0.14", False),
        (2.5, "3", True),
        (2.5, "2", True),
        (3.5, "4", True),
        (3.5, "3", True),  # cut off
        (0.375, "0.38", True),  # 0.375 is exact in binary: half to even and half up agree
        (0.375, "0.37", True),  # cut off
        (0.375, "0.36", False),
        (0.002468209, "0.0025", True),
        (0.002468209, "0.0024", True),
        (0.002468209, "0.0026", False),
        (0.002468209, "2.5e-3", True),
        (0.002468209, "24.68e-4", True),
        (0.002468209, "0.00250", False),  # a trailing zero claims one more place
        # the digits of the mantissa count, whatever the exponent
        (-2.4682089703649574e305, "-2.468e305", True),
        (-2.4682089703649574e305, "-2.469e305", False),
        (-2.4682089703649574e305, "-2.47e305", True),
        (-2.4682089703649574e305, "-2.46e305", True),
        (-2.4682089703649574e305, "-2.45e305", False),
        (1.7e308, "2e308", True),  # beyond float range once rounded, still exact
        (1e-313, "1e-313", True),  # a subnormal
        (1e-313, "2.2e-313", False),
        (1e-313, "0.0", True),  # "0" means 0 to 4 places at least
        # a claim of 0 means 0 (to 4 places at least), whatever its exponent
        (0.0, "0", True),
        (0.0, "-0", True),
        (0.0, "0e99999", True),
        (0.0, "0e-99999", True),
        (0.5, "0e99999", False),
        (0.00004, "0", True),
        (0.00005, "0", True),  # a tie at 4 places: 0 is its half-to-even reading
        (0.0002, "0", False),
        (0.14, "0", False),
        (0.14, "0.000000", False),
        # numbers no value has: exact, never an overflow or a division by zero
        (0.5, "1e-400", False),
        (0.0, "1e-400", False),
        (0.5, "1e99999", False),
        (0.5, "1e-99999999999999999999999", False),
        (0.5, "1e" + "9" * 5000, False),
        (0.5, "0." + "0" * 5000 + "1", False),
        (0.5, "0.5" + "0" * 5000, True),
        (0.5, " 0.5 ", True),
        # inf and nan: a number is never right for them, "inf" and "nan" only for themselves
        (INF, "1", False),
        (INF, "1e308", False),
        (INF, "1e400", False),
        (-INF, "-1e99999", False),
        (NAN, "0", False),
        (NAN, "0.5", False),
        (1.0, "nan", False),
        (1.0, "inf", False),
        (INF, "inf", True),
        (INF, "+Infinity", True),
        (INF, "-inf", False),
        (-INF, "-inf", True),
        (NAN, "nan", True),
        (NAN, "NaN", True),
        (NAN, "inf", False),
        # anything else written is simply wrong
        (0.5, "abc", False),
        (0.5, "", False),
        (0.5, ".", False),
        (0.5, "5e", False),
        (1000.0, "1_000", False),
        (12.0, "١٢", False),  # Arabic-Indic digits, which float() would read
        (16.0, "0x10", False),
        (0.5, "0.5.1", False),
        (0.5, "½", False),
    ],
)
def test_agrees(value, text, right):
    assert agrees(value, text) is right


def test_float_noise_is_not_a_digit():
    """A value known to about 16 digits is graded to 12: the digits after that are rounding noise."""
    half = 0.29 / 2  # 0.145 computed as 0.14499999999999999
    assert Decimal(half) < Decimal("0.145")
    assert agrees(half, "0.15") and agrees(half, "0.14")
    fourteen = 0.7 * 0.2  # 0.14 computed as 0.13999999999999999
    assert Decimal(fourteen) < Decimal("0.14")
    assert agrees(fourteen, "0.14") and not agrees(fourteen, "0.13")
    # written to all its digits, a value is graded exactly
    assert agrees(fourteen, repr(fourteen)) and not agrees(fourteen, "0.14000000000000000")


def half_up(x: Fraction) -> int:
    return (1 if x >= 0 else -1) * math.floor(abs(x) + Fraction(1, 2))


@given(
    coefficient=st.integers(-(10**10) + 1, 10**10 - 1),
    exponent=st.integers(-30, 30),
    coarser=st.integers(-1, 10),
    offset=st.integers(-2, 2),
)
def test_right_exactly_for_the_three_readings(coefficient, exponent, coarser, offset):
    """A value of at most 10 significant digits (the float nearest it), claimed at its last digit's
    place or coarser, or one finer: right exactly when the claim is its half-even, half-up or cut-off reading,
    computed independently in fractions."""
    exact = Fraction(coefficient) * Fraction(10) ** exponent
    assume(exact != 0)
    place = exponent + coarser
    scaled = exact / Fraction(10) ** place
    readings = {round(scaled), half_up(scaled), math.trunc(scaled)}  # round(Fraction): half to even
    n = round(scaled) + offset
    assume(n != 0)  # a claim of 0 has its own rule
    assert agrees(float(exact), f"{n}e{place}") is (n in readings)


@given(st.floats(allow_nan=False, allow_infinity=False), st.integers(0, 16))
def test_a_float_written_out_is_right(x, digits):
    """repr (every digit) and the exact value rounded half to even (Python's formatting) are right."""
    assert agrees(x, repr(x))
    assert agrees(x, f"{x:.{digits}e}")


@given(
    st.one_of(st.floats(), st.sampled_from([0.0, -0.0, INF, -INF, NAN, 5e-324, 1.7976931348623157e308])),
    st.one_of(st.text(), st.from_regex(r"[+-]?\d{0,5}\.?\d{0,5}(e[+-]?\d{1,30})?", fullmatch=True)),
)
def test_agrees_never_fails(value, text):
    assert agrees(value, text) in (True, False)


# --- grading a worked network --------------------------------------------------------------------


def spec_of(text: str) -> netfile.NetSpec:
    return netfile.parse(text, "net.toml")


def test_a_tie_rounded_as_taught_through_the_command(tmp_path, capsys):
    net = tmp_path / "net.toml"
    net.write_text(
        'inputs = [1.0]\ntargets = [0.0]\nloss = "mse"\nlearning_rate = 0.1\n'
        '[[layers]]\nactivation = "linear"\nweights = [[0.125]]\nbiases = [0.0]\n',
        encoding="utf-8",
    )
    assert walkthrough.work(netfile.load(net)).value_of("net[0,0]") == 0.125
    claims = tmp_path / "claims.toml"
    claims.write_text('"net[0,0]" = "0.13"\n"w[0][0,0]" = "0.12"\n', encoding="utf-8")
    assert main(["check", str(net), "--claims", str(claims)]) == 0
    assert capsys.readouterr().out.rstrip().endswith("2 of 2 right")
    claims.write_text('"net[0,0]" = "0.14"\n', encoding="utf-8")
    assert main(["check", str(net), "--claims", str(claims)]) == 1


def test_a_network_whose_step_overflows_is_graded():
    """learning_rate = 1e308 sends the new weights to ±1e305..1e307: the claims are graded, not a crash."""
    spec = spec_of(DOC_2331.replace("learning_rate = 0.01", "learning_rate = 1e308"))
    w = walkthrough.work(spec)
    results = {r.quantity: r for r in check_claims(w, spec.claims)}
    assert len(results) == 20
    assert {q for q, r in results.items() if not r.right} == {
        "∂E/∂w17", "∂E/∂w18", "new w16", "new w17", "new w18", "new b7", "new w7"}
    assert results["new w16"].value == pytest.approx(0.7 - 1e308 * 0.002468208970364957, rel=1e-12)
    (big,) = check_claims(w, {"new w16": "-2.468e305"})
    assert big.right and big.value == results["new w16"].value


def test_a_network_of_nan_is_graded():
    w = walkthrough.work(spec_of(
        'inputs = [10.0, -10.0]\ntargets = [0.0]\nloss = "mse"\nlearning_rate = 0.1\n'
        '[[layers]]\nactivation = "linear"\nweights = [[1e308, 1e308]]\nbiases = [0.0]\n'))
    assert math.isnan(w.E.data)  # 1e309 − 1e309
    results = check_claims(w, {"E": "0.5", "net[0,0]": "0", "new w[0][0,0]": "1e308", "∂E/∂b[0][0]": "nan"})
    assert [r.right for r in results] == [False, False, False, True]
    assert all(math.isnan(r.value) for r in results)


def test_a_claim_that_is_no_number_is_wrong_and_says_so():
    w = walkthrough.work(netfile.resolve("doc_2331"))
    (result,) = check_claims(w, {"∂E/∂w17": "0.14O8"})  # a letter O
    assert not result.right and result.value == w.value_of("∂E/∂w17")
    assert result.why == "the claim is not a number written in digits"


def test_a_wrong_gradient_gets_its_derivation():
    w = walkthrough.work(netfile.resolve("doc_2331"))
    w17 = next(p for p in w.params if p.label == "w17")
    claims = {"∂E/∂w17": "0.0850", " dE/d w17 ": "0.0850", "∂E/∂out_n9": "0.5", "new w17": "0.5"}
    wrong = check_claims(w, claims)
    assert [r.right for r in wrong] == [False] * 4
    assert wrong[0].why == wrong[1].why == str(explain(w.E, w17))
    assert wrong[0].why.startswith("∂E/∂w17 = ∂E/∂out_n9 · ∂out_n9/∂net_n9 · ∂net_n9/∂w17\n")
    assert wrong[2].why == str(explain(w.E, w.nodes["out_n9"]))
    assert wrong[3].why == ""  # not a gradient: no derivation


def test_the_documents_claims_are_graded_as_before():
    w = walkthrough.work(netfile.resolve("doc_2331"))
    results = check_claims(w, w.spec.claims)
    assert [r.quantity for r in results if not r.right] == ["∂E/∂w17", "∂E/∂w18"]
