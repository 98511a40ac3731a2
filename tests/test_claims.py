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
from chainrule.claims import UNKNOWN, Quantities, agrees, check_claims, closest, derivations_of, value_of
from chainrule.cli import main
from chainrule.report import build_report

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
    assert value_of(walkthrough.work(netfile.load(net)), "net[0,0]") == 0.125
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
    assert not result.right and result.value == value_of(w, "∂E/∂w17") == w.nodes["w17"].grad
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
    assert wrong[3].why == "new w17 = w17 − 0.01·∂E/∂w17 = 0.8 − 0.01·0.140813 = 0.798592"
    assert [r.name for r in wrong] == ["∂E/∂w17", "∂E/∂w17", "∂E/∂out_n9", "new w17"]


def test_the_documents_claims_are_graded_as_before():
    w = walkthrough.work(netfile.resolve("doc_2331"))
    results = check_claims(w, w.spec.claims)
    assert [r.quantity for r in results if not r.right] == ["∂E/∂w17", "∂E/∂w18"]


# --- every quantity the walkthrough prints, by its name and its other spellings -----------------

EXAMPLES = sorted(p.stem for p in (Path(chainrule.__file__).parent / "examples").glob("*.toml"))
WORKED = {name: walkthrough.work(netfile.resolve(name)) for name in EXAMPLES}
KINDS_2331 = "names are written as x1, w16, net_n3, out_n3, δ_n3, E, ∂E/∂w16, new w16 or E after"


def printed(w: walkthrough.Walkthrough) -> dict[str, float]:
    """Every number the walkthrough prints, by the name a claim gives it, read from the step."""
    numbers = dict(zip(w.spec.names_of_inputs, w.spec.inputs)) | {"E": w.E.data, "E after": w.loss_after}
    for n in (n for row in w.neurons for n in row):
        tag = n.net_label.removeprefix("net")
        numbers |= {n.net_label: n.net, f"out{tag}": n.out, f"δ_{n.name}": n.delta}
    for p, new in zip(w.params, w.new_values):
        numbers |= {p.label: p.data, f"∂E/∂{p.label}": p.grad, f"new {p.label}": new}
    return numbers


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_quantity_the_walkthrough_prints_can_be_claimed(name):
    w = WORKED[name]
    numbers = printed(w)
    assert len(numbers) == len(w.spec.inputs) + 2 + 3 * sum(map(len, w.neurons)) + 3 * len(w.params)
    for quantity, value in numbers.items():
        assert value_of(w, quantity) == value, quantity
    results = check_claims(w, {q: repr(v) for q, v in numbers.items()})
    assert all(r.right and r.name == r.quantity for r in results), [r for r in results if not r.right]


def test_the_softmax_outputs_e_does_not_read_are_claimed_too():
    """Cross-entropy of class 1 reads p2 only: p1 and p3 are printed, and their gradient is 0."""
    w = WORKED["doc_003_softmax"]
    p = [n.out for n in w.neurons[-1]]
    assert "out_p1" not in w.nodes and value_of(w, "out_p1") == p[0] == pytest.approx(0.38574765658083293)
    assert value_of(w, "out_p3") == p[2] and sum(p) == pytest.approx(1.0, abs=1e-15)
    assert value_of(w, "∂E/∂out_p1") == 0.0 and value_of(w, "∂E/∂out_p2") == w.nodes["out_p2"].grad
    (r,) = check_claims(w, {"∂E/∂out_p3": "0.5"})
    assert (r.right, r.value, r.why) == (False, 0.0, "E is not computed from out_p3: ∂E/∂out_p3 = 0")


@pytest.mark.parametrize(
    "quantity, name",
    [
        ("δ_n3", "δ_n3"), ("δn3", "δ_n3"), ("delta_n3", "δ_n3"), ("deltan3", "δ_n3"), ("δ3", "δ_n3"),
        ("δ_3", "δ_n3"), (" δ9 ", "δ_n9"), ("∂E/∂net_n3", "∂E/∂net_n3"),
        ("∂E/∂w16", "∂E/∂w16"), ("dE/dw16", "∂E/∂w16"), ("dE / dw16", "∂E/∂w16"), ("∂E/∂ w16", "∂E/∂w16"),
        ("new w16", "new w16"), ("new  w16", "new w16"), ("w16 after", "new w16"),
        ("E after", "E after"), ("new E", "E after"), ("E", "E"), ("x2", "x2"), ("b7", "b7"),
    ],
)
def test_the_spellings_of_a_name(quantity, name):
    w = WORKED["doc_2331"]
    found = Quantities(w).find(quantity)
    assert found is not None and found.name == name
    assert value_of(w, quantity) == value_of(w, name) == found.value


def test_a_delta_by_its_digits_only_when_one_neuron_has_them():
    """In all_sigmoid_222, h1 and o1 both end in 1: δ1 names neither, and says which it may be."""
    w = WORKED["all_sigmoid_222"]
    assert value_of(w, "δ1") is None and value_of(w, "δh1") == w.neurons[0][0].delta
    (r,) = check_claims(w, {"δ1": "0.0088"})
    assert r.why == f"{UNKNOWN}; did you mean δ_h1, δ_o1?" and r.name == "" and r.value is None
    assert value_of(WORKED["doc_001_neuron"], "δ_z") == WORKED["doc_001_neuron"].neurons[0][0].delta


def test_an_unnamed_neurons_delta_and_a_linear_output():
    w = walkthrough.work(spec_of(
        'inputs = [1.0]\ntargets = [0.0]\nloss = "mse"\nlearning_rate = 0.1\n'
        '[[layers]]\nactivation = "tanh"\nweights = [[0.5]]\nbiases = [0.0]\n'
        '[[layers]]\nactivation = "linear"\nweights = [[0.125]]\nbiases = [0.0]\n'))
    out = math.tanh(0.5) * 0.125  # the linear output is its net input; E = out², ∂E/∂out = 2·out
    assert value_of(w, "out[1,0]") == value_of(w, "net[1,0]") == pytest.approx(out, rel=1e-15)
    assert value_of(w, "∂E/∂out[1,0]") == value_of(w, "δ_[1,0]") == pytest.approx(2 * out, rel=1e-15)
    assert value_of(w, "δ[0,0]") == value_of(w, "delta_[0,0]") == pytest.approx(
        2 * out * 0.125 * (1 - math.tanh(0.5) ** 2), rel=1e-14)
    (r,) = check_claims(w, {"∂E/∂out[1,0]": "1"})
    assert r.why.startswith("∂E/∂out[1,0] = ∂E/∂net[1,0] (a linear neuron's output is its net input)\n"
                            "∂E/∂net[1,0] = ")
    (r,) = check_claims(w, {"out[1,0]": "1"})
    assert r.why == ("out[1,0] = net[1,0] (a linear neuron's output is its net input)\n"
                     "net[1,0] = w[1][0,0]·out[0,0] + b[1][0] = 0.125·0.4621 + 0 = 0.05776")


# --- unknown names ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "quantity, why",
    [
        ("out_n10", "did you mean out_n3, out_n4, out_n5?"),
        ("∂E/∂w99", "did you mean ∂E/∂w9, ∂E/∂w1, ∂E/∂w2?"),
        ("dE/dw19", "did you mean ∂E/∂w1, ∂E/∂w9, ∂E/∂w10?"),
        ("new w99", "did you mean new w9, new w1, new w2?"),
        ("net_n", "did you mean net_n3, net_n4, net_n5?"),
        ("E_after", "did you mean E after?"),
        ("foo", KINDS_2331),
        ("", KINDS_2331),
    ],
)
def test_an_unknown_name_gets_the_closest_names_or_the_kinds(quantity, why):
    (r,) = check_claims(WORKED["doc_2331"], {quantity: "0.5"})
    assert (r.value, r.right, r.name) == (None, False, "")
    assert r.why == f"{UNKNOWN}; {why}"


def test_closest_ranks_by_likeness_then_by_start_then_by_counting():
    names = ["out_p3", "out_Y1", "out_p2", "out_p1", "out_p10", "net_p1"]
    assert closest("out_p11", names) == ["out_p1", "out_p10", "out_p2"]
    assert closest("out_p", names, n=5) == ["out_p1", "out_p2", "out_p3", "out_p10", "out_Y1"]
    assert closest("zzz", names) == [] and closest("out", []) == []


def test_a_large_network_compares_an_unknown_name_with_the_names_that_start_like_it():
    """784 inputs: 12,560 weights, 39,388 names; an unknown one is compared with 500 of them."""
    inputs = ", ".join("0.5" for _ in range(784))
    weights = ", ".join("[" + ", ".join("0.01" for _ in range(784)) + "]" for _ in range(16))
    w = walkthrough.work(spec_of(
        f'inputs = [{inputs}]\ntargets = [0.0]\nloss = "mse"\nlearning_rate = 0.1\n'
        f'[[layers]]\nactivation = "relu"\nweights = [{weights}]\nbiases = [{", ".join(["0.0"] * 16)}]\n'
        '[[layers]]\nactivation = "linear"\nweights = [[' + ", ".join(["0.1"] * 16) + ']]\nbiases = [0.0]\n'))
    table = Quantities(w)
    assert len(table.by_name) == 39_388
    assert table.unknown("∂E/∂w[0][15,784]") == (
        f"{UNKNOWN}; did you mean ∂E/∂w[0][15,78], ∂E/∂w[0][15,74], ∂E/∂w[0][15,780]?")
    assert table.unknown("new w[0][3,7x]") == (
        f"{UNKNOWN}; did you mean new w[0][3,7], new w[0][3,70], new w[0][3,71]?")
    assert table.unknown("out[0,16]") == f"{UNKNOWN}; did you mean out[0,1], out[0,6], out[0,10]?"
    for nothing_like_it in ("zzz", "∂E/∂q"):  # no name starts so: the 500 around where it would be
        assert table.unknown(nothing_like_it) == (
            f"{UNKNOWN}; names are written as x1, w[1][0,0], net[0,0], out[0,0], δ_[0,0], E, "
            "∂E/∂w[1][0,0], new w[1][0,0] or E after")


# --- derivations ------------------------------------------------------------------------------


def test_the_callers_derivations_come_first():
    """The report passes its own derivations by name; a name it has none for gets chainrule's."""
    w = WORKED["doc_2331"]
    claims = {"out_n3": "0.5", "dE/dw17": "0.0850", "E": "1", "new w16": "0.7"}
    given = {"out_n3": "out_n3 = relu(0.343) = 0.343", "E": "", "new w16": "never shown: the claim is right"}
    results = check_claims(w, claims, given)
    assert [r.why for r in results] == [
        "out_n3 = relu(0.343) = 0.343",
        str(explain(w.E, next(p for p in w.params if p.label == "w17"))),
        "",
        "",
    ]
    assert [r.right for r in results] == [False, False, False, True]


@pytest.mark.parametrize(
    "name, quantity, derivation",
    [
        ("doc_2331", "net_n3", "net_n3 = w1·x1 + w4·x2 + b1 = 0.1·0.23 + 0.4·0.55 + 0.1 = 0.343"),
        ("doc_2331", "out_n3", "out_n3 = relu(net_n3) = relu(0.343) = 0.343\n"
                               "net_n3 = w1·x1 + w4·x2 + b1 = 0.1·0.23 + 0.4·0.55 + 0.1 = 0.343"),
        ("doc_2331", "E", "E = 0.5·(target − out_n9)² = 0.5·(0.01 − 0.8035)² = 0.3148"),
        ("doc_2331", "new w16", "new w16 = w16 − 0.01·∂E/∂w16 = 0.7 − 0.01·0.00246821 = 0.699975"),
        ("doc_2331", "new b7", "new b7 = b7 − 0.01·∂E/∂b7 = −0.7 − 0.01·0.12529 = −0.701253"),
        ("doc_2331", "E after",
         "E after = E again, every parameter p replaced by p − lr·∂E/∂p: 0.31480675 → 0.31256284"),
        ("doc_2331", "w16", "w16 is a parameter that the network file gives"),
        ("doc_2331", "x1", "x1 is an input that the network file gives"),
        ("all_sigmoid_222", "E", "E = 0.5·((target_o1 − out_o1)² + (target_o2 − out_o2)²) = "
                                 "0.5·((0.01 − 0.7514)² + (0.99 − 0.7729)²) = 0.2984"),
        ("doc_003_softmax", "E", "E = −log(out_p2) = −log(0.14918) = 1.903"),
        ("doc_003_softmax", "out_p1",
         "out_p1 = exp(net_p1)/(exp(net_p1) + exp(net_p2) + exp(net_p3)) = "
         "exp(0.469)/(exp(0.469) + exp(−0.481) + exp(0.656)) = 0.3857\n"
         "net_p1 = w[1][0,0]·out_Y1 + w[1][0,1]·out_Y2 + w[1][0,2]·out_Y3 + w[1][0,3]·out_Y4 + b[1][0] = "
         "0.3·1.12 + (−0.2)·0 + 0.5·0 + 0.1·1.33 + 0 = 0.469"),
        ("doc_003_softmax", "out_Y2", "out_Y2 = relu(net_Y2) = relu(−0.55) = 0\n"
                                      "net_Y2 = w[0][1,0]·X1 + w[0][1,1]·X2 + w[0][1,2]·X3 + b[0][1] = "
                                      "(−0.3)·0.5 + 0.5·(−1.2) + 0.1·2 + 0 = −0.55"),
    ],
)
def test_chainrules_own_derivation_of_each_kind(name, quantity, derivation):
    w = WORKED[name]
    q = Quantities(w).find(quantity)
    assert q is not None
    assert derivations_of(w, [q]) == {quantity: derivation}
    (r,) = check_claims(w, {quantity: "12345"})
    assert r.why == derivation


def test_a_delta_is_the_walkthroughs_and_a_gradient_the_chain_rule():
    w = WORKED["doc_2331"]
    table = Quantities(w)
    wanted = [table.find(q) for q in ("δ3", "∂E/∂net_n3", "∂E/∂w1", "δ_n9")]
    got = derivations_of(w, [q for q in wanted if q is not None])
    net3, net9 = w.nodes["net_n3"], w.nodes["net_n9"]
    report = build_report(w).derivations()
    assert got == {"δ_n3": report["δ_n3"].text(), "∂E/∂net_n3": str(explain(w.E, net3)),
                   "∂E/∂w1": str(explain(w.E, next(p for p in w.params if p.label == "w1"))),
                   "δ_n9": report["δ_n9"].text()}
    assert got["δ_n9"].endswith("= 0.7935·0.1579 = 0.1253") and net9.grad == report["δ_n9"].value


@given(st.text(max_size=30), st.text(max_size=12))
def test_grading_never_fails_whatever_the_name(quantity, claimed):
    (r,) = check_claims(WORKED["doc_2331"], {quantity: claimed})
    assert r.right in (True, False)
    assert (r.value is None) == (r.name == "") == r.why.startswith(UNKNOWN)


@pytest.mark.parametrize(("value", "claimed", "digits", "shown"), [
    (0.0024682089, "0.0025", 4, "0.002468"),     # two digits claimed: the report's 4
    (0.6999753200, "0.699975", 4, "0.6999753"),  # six claimed: seven, so the rounding shows
    (1.1239, "1.124", 4, "1.1239"), (0.1408132, "0.0850", 9, "0.1408132"), (0.5, "0", 4, "0.5")])
def test_a_value_beside_a_claim_has_a_digit_more_than_the_claim(value, claimed, digits, shown):
    from chainrule.claims import value_beside
    assert value_beside(value, claimed, digits) == shown
