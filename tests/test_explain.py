"""autograd.explain: every partial derivative written out as the chain rule, with numbers.

The 2-3-3-1 network of "Deep Learning - The Mathematics Behind Neural Network - Part 2"
(docs/sources.md; built as in test_documents) is the worked
example: its derivations must read as the document's, and every total must be exactly the
gradient ``backward`` computed. Random expression graphs check the same on any shape.
"""

from __future__ import annotations

import math
import re
import struct

import pytest
from doc_2331 import NAMES_2331, network_2331
from hypothesis import assume, example, given
from hypothesis import strategies as st
from random_graphs import build, programs, run

import autograd.paths
from autograd import Explanation, UpdateTable, Value, dot, explain, shift, update_table, vsum
from autograd.explain import explain_all
from autograd.graph import topological_order
from autograd.notation import latex_name, latex_number, number
from autograd.paths import PathSet
from chainrule import netfile
from chainrule.walkthrough import work
from nn import MLP, losses
from nn.readout import readout


def build_2331():
    """(model, {label: parameter}, {label: labelled node}, E) after one forward and backward."""
    net = network_2331()
    E = losses.squared_error(net([0.23, 0.55]), 0.01)
    E.label = "E"
    E.backward()
    nodes, stack = {}, [E]
    while stack:
        v = stack.pop()
        if v.label:
            nodes[v.label] = v
        stack.extend(v.inputs)
    return net, {p.label: p for p in net.parameters()}, nodes, E


@pytest.fixture(scope="module")
def doc():
    return build_2331()


PARAMS_2331 = sorted(NAMES_2331.values(), key=lambda s: (s[0], int(s[1:])))


# --- the document's derivations, number by number -------------------------------------------


def test_w16_reads_exactly_as_the_document(doc):
    _, p, _, E = doc
    e = explain(E, p["w16"])
    assert e.text() == (  # the target is a plain number here: the walkthrough names it (test_factors)
        "∂E/∂w16 = ∂E/∂out_n9 · ∂out_n9/∂net_n9 · ∂net_n9/∂w16\n"
        "  where ∂E/∂out_n9 = out_n9 − 0.01 = 0.8035 − 0.01 = 0.7935\n"
        "        ∂out_n9/∂net_n9 = σ′(net_n9) = out_n9·(1 − out_n9) = 0.8035·(1 − 0.8035) = 0.1579\n"
        "        ∂net_n9/∂w16 = out_n6 = 0.0197\n"
        "        = 0.7935 · 0.1579 · 0.0197\n"
        "        = 0.002468"
    )
    assert str(e) == e.text()
    assert isinstance(e, Explanation)
    assert (e.form, e.n_terms, e.omitted, len(e.terms)) == ("paths", 1, 0, 1)
    assert e.total == p["w16"].grad
    assert round(e.total, 4) == 0.0025  # the document's ∂E/∂w16


def test_w16_factors_are_the_documents_quantities(doc):
    _, p, nodes, E = doc
    (term,) = explain(E, p["w16"]).terms
    out9 = nodes["out_n9"].data
    assert [f.top.label for f in term.factors] == ["E", "out_n9", "net_n9"]
    assert [f.bottom.label for f in term.factors] == ["out_n9", "net_n9", "w16"]
    expected = [out9 - 0.01, out9 * (1 - out9), nodes["out_n6"].data]
    for f, x in zip(term.factors, expected):
        assert f.value == pytest.approx(x, rel=1e-12)
    assert term.factors[2].value == nodes["out_n6"].data  # ∂net/∂w is the input itself, exactly
    assert term.value == pytest.approx(p["w16"].grad, rel=1e-14)


def test_w7_has_five_factors(doc):
    _, p, nodes, E = doc
    e = explain(E, p["w7"])
    lines = e.text().split("\n")
    assert lines == [
        "∂E/∂w7 = ∂E/∂out_n9 · ∂out_n9/∂net_n9 · ∂net_n9/∂out_n6 · ∂out_n6/∂net_n6 · ∂net_n6/∂w7",
        "  where ∂E/∂out_n9 = out_n9 − 0.01 = 0.8035 − 0.01 = 0.7935",
        "        ∂out_n9/∂net_n9 = σ′(net_n9) = out_n9·(1 − out_n9) = 0.8035·(1 − 0.8035) = 0.1579",
        "        ∂net_n9/∂out_n6 = w16 = 0.7",
        "        ∂out_n6/∂net_n6 = relu′(net_n6) = (1 if net_n6 > 0 else 0) = (1 if 0.0197 > 0 else 0) = 1",
        "        ∂net_n6/∂w7 = out_n3 = 0.343",
        "       = 0.7935 · 0.1579 · 0.7 · 1 · 0.343",
        "       = 0.03008",
    ]
    (term,) = e.terms
    values = [f.value for f in term.factors]
    assert values[2:] == [0.7, 1.0, nodes["out_n3"].data]  # w16, relu'(net_n6), out_n3: exact
    assert e.total == p["w7"].grad
    assert round(e.total, 5) == 0.03008


def test_w1_is_the_sum_of_three_paths_through_n6_n7_n8(doc):
    _, p, nodes, E = doc
    e = explain(E, p["w1"])
    assert (e.form, e.n_terms, e.omitted) == ("paths", 3, 0)
    via = [[f.bottom.label for f in t.factors][2] for t in e.terms]
    assert sorted(via) == ["out_n6", "out_n7", "out_n8"]
    lines = e.text().split("\n")
    # three symbolic, twelve distinct factors' formulas, three numeric, the sum, the total
    assert len(lines) == 3 + 12 + 3 + 2
    assert lines[0].startswith("∂E/∂w1 = ∂E/∂out_n9 · ")
    assert all(line.startswith("       + ∂E/∂out_n9") for line in lines[1:3])
    assert lines[3:15] == [
        "  where ∂E/∂out_n9 = out_n9 − 0.01 = 0.8035 − 0.01 = 0.7935",
        "        ∂out_n9/∂net_n9 = σ′(net_n9) = out_n9·(1 − out_n9) = 0.8035·(1 − 0.8035) = 0.1579",
        "        ∂net_n9/∂out_n6 = w16 = 0.7",
        "        ∂out_n6/∂net_n6 = relu′(net_n6) = (1 if net_n6 > 0 else 0) = (1 if 0.0197 > 0 else 0) = 1",
        "        ∂net_n6/∂out_n3 = w7 = 0.7",
        "        ∂out_n3/∂net_n3 = relu′(net_n3) = (1 if net_n3 > 0 else 0) = (1 if 0.343 > 0 else 0) = 1",
        "        ∂net_n9/∂out_n7 = w17 = 0.8",
        "        ∂out_n7/∂net_n7 = relu′(net_n7) = (1 if net_n7 > 0 else 0) = (1 if 1.124 > 0 else 0) = 1",
        "        ∂net_n7/∂out_n3 = w8 = 0.8",
        "        ∂net_n9/∂out_n8 = w18 = 0.9",
        "        ∂out_n8/∂net_n8 = relu′(net_n8) = (1 if net_n8 > 0 else 0) = (1 if 1.328 > 0 else 0) = 1",
        "        ∂net_n8/∂out_n3 = w9 = 0.9",
    ]  # ∂net_n3/∂w1 = 0.23 is a plain number (x1 is no Value here): nothing to show beyond it
    assert lines[15] == "       = 0.7935 · 0.1579 · 0.7 · 1 · 0.7 · 1 · 0.23"
    assert lines[16] == "       + 0.7935 · 0.1579 · 0.8 · 1 · 0.8 · 1 · 0.23"
    assert lines[17] == "       + 0.7935 · 0.1579 · 0.9 · 1 · 0.9 · 1 · 0.23"
    assert lines[18] == "       = 0.01412 + 0.01844 + 0.02334"
    assert lines[19] == "       = 0.0559"
    # each path: δ9 · w(n9 ← nk) · w(nk ← n3) · x1, with δ9 = ∂E/∂net_n9
    delta9 = nodes["net_n9"].grad
    expected = sorted(delta9 * a * b * 0.23 for a, b in [(0.7, 0.7), (0.8, 0.8), (0.9, 0.9)])
    assert sorted(t.value for t in e.terms) == pytest.approx(expected, rel=1e-13)
    assert math.fsum(t.value for t in e.terms) == pytest.approx(e.total, rel=1e-14)
    assert e.total == p["w1"].grad


def test_b7(doc):
    _, p, _, E = doc
    e = explain(E, p["b7"])
    assert e.text().split("\n") == [  # ∂net_n9/∂b7 = 1 is only a number: no formula for it
        "∂E/∂b7 = ∂E/∂out_n9 · ∂out_n9/∂net_n9 · ∂net_n9/∂b7",
        "  where ∂E/∂out_n9 = out_n9 − 0.01 = 0.8035 − 0.01 = 0.7935",
        "        ∂out_n9/∂net_n9 = σ′(net_n9) = out_n9·(1 − out_n9) = 0.8035·(1 − 0.8035) = 0.1579",
        "       = 0.7935 · 0.1579 · 1",
        "       = 0.1253",
    ]
    assert e.total == p["b7"].grad == pytest.approx(0.1252897954, rel=1e-9)


@pytest.mark.parametrize("label", PARAMS_2331)
@pytest.mark.parametrize("form", ["auto", "paths", "delta"])
def test_total_is_exactly_the_gradient_for_every_parameter(doc, label, form):
    _, p, _, E = doc
    e = explain(E, p[label], form=form)
    assert e.total == p[label].grad  # exact: the same reverse sweep as backward
    assert e.text().split("\n")[-1].endswith("= " + number(p[label].grad))
    if e.omitted == 0:
        assert math.fsum(t.value for t in e.terms) == pytest.approx(e.total, rel=1e-12, abs=1e-300)


@pytest.mark.parametrize("label", ["net_n9", "out_n6", "net_n3", "out_n4", "net_n4"])
def test_inner_nodes_total_is_their_gradient(doc, label):
    _, _, nodes, E = doc
    e = explain(E, nodes[label])
    assert e.total == nodes[label].grad
    assert e.text().startswith(f"∂E/∂{label} = ∂E/∂out_n9 · ∂out_n9/∂net_n9")


def test_delta_form_for_w1(doc):
    _, p, nodes, E = doc
    e = explain(E, p["w1"], form="delta")
    assert e.form == "delta"
    assert e.text().split("\n") == [
        "∂E/∂w1 = ∂E/∂net_n3 · ∂net_n3/∂w1",
        "       = 0.24306 · 0.23",
        "       = 0.0559",
    ]
    (term,) = e.terms
    assert term.factors[0].value == nodes["net_n3"].grad  # δ of n3, exactly
    assert term.factors[1].value == 0.23
    assert e.total == p["w1"].grad == explain(E, p["w1"], form="paths").total


@pytest.mark.parametrize("label", ["w2", "w5", "b2"])
def test_dead_relu_n4_gives_zero(doc, label):
    _, p, _, E = doc
    e = explain(E, p[label])
    assert e.total == 0.0 == p[label].grad
    assert e.n_terms == 3  # the paths exist (through n6, n7, n8); relu'(net_n4) = 0 cuts them
    for t in e.terms:
        assert [f.bottom.label for f in t.factors][-2:] == ["net_n4", label]
        assert t.factors[-2].value == 0.0  # ∂out_n4/∂net_n4
        assert t.value == 0.0
    assert e.text().split("\n")[-2:] == ["       = 0 + 0 + 0", "       = 0"]


# --- max_paths: deep networks ------------------------------------------------------------------


@pytest.fixture(scope="module")
def deep():
    net = MLP(2, [4, 4, 4, 4, 1], seed=0)
    L = losses.squared_error(net([0.5, -0.3]), 1.0)
    L.label = "L"
    L.backward()
    return net, L


def test_deep_net_has_more_paths_than_max_paths(deep):
    net, L = deep
    w = net.layers[0].neurons[0].w[0]
    assert PathSet(L, w).n_paths == 4 * 4 * 4 == 64
    assert w.grad != 0.0


@pytest.mark.parametrize("max_paths", [1, 5, 12, 63])
def test_paths_form_lists_max_paths_and_says_how_many_are_left_out(deep, max_paths):
    net, L = deep
    w = net.layers[0].neurons[0].w[0]
    e = explain(L, w, form="paths", max_paths=max_paths)
    assert (e.form, e.n_terms, len(e.terms), e.omitted) == ("paths", 64, max_paths, 64 - max_paths)
    text = e.text()
    assert f"+ … {64 - max_paths} more paths" in text
    assert text.split("\n")[-1].endswith("= " + number(w.grad))
    assert e.total == w.grad
    assert f"({64 - max_paths} more)" in e.latex()


def test_paths_form_with_room_for_all_paths_omits_none(deep):
    net, L = deep
    w = net.layers[0].neurons[0].w[0]
    e = explain(L, w, max_paths=64)
    assert (e.form, e.n_terms, len(e.terms), e.omitted) == ("paths", 64, 64, 0)
    assert "more paths" not in e.text()
    assert math.fsum(t.value for t in e.terms) == pytest.approx(w.grad, rel=1e-12)
    assert e.total == w.grad


@pytest.mark.parametrize(("max_paths", "form"), [(12, "delta"), (63, "delta"), (64, "paths"), (65, "paths")])
def test_auto_switches_to_delta_above_max_paths(deep, max_paths, form):
    net, L = deep
    w = net.layers[0].neurons[0].w[0]
    e = explain(L, w, max_paths=max_paths)
    assert e.form == form
    assert e.total == w.grad


def test_delta_form_of_a_deep_weight(deep):
    net, L = deep
    n00 = net.layers[0].neurons[0]
    w = n00.w[0]
    e = explain(L, w)  # 64 > 12: delta
    assert (e.form, e.n_terms, e.omitted) == ("delta", 1, 0)
    net00 = readout(net, L).nets[n00]
    assert e.text().split("\n") == [
        "∂L/∂w[0][0,0] = ∂L/∂net[0,0] · ∂net[0,0]/∂w[0][0,0]",
        f"              = {number(net00.grad, 5)} · 0.5",  # 0.12·0.5 = 0.06 would not read 0.05999
        f"              = {number(w.grad)}",
    ]
    (term,) = e.terms
    assert term.factors[0].value == net00.grad and term.factors[1].value == 0.5
    assert e.total == w.grad
    assert term.value == pytest.approx(w.grad, rel=1e-15)


@pytest.mark.parametrize("layer", [0, 1, 2, 3, 4])
def test_every_deep_parameter_total_is_exact(deep, layer):
    net, L = deep
    for n in net.layers[layer].neurons:
        for p in [*n.w, n.b]:
            assert explain(L, p).total == p.grad
            assert explain(L, p, form="paths", max_paths=3).total == p.grad


# --- degenerate cases -------------------------------------------------------------------------


def test_a_value_that_does_not_reach_the_output(doc):
    _, _, _, E = doc
    z = Value(3.0, label="z")
    e = explain(E, z)
    assert (e.total, e.n_terms, e.terms, e.omitted) == (0.0, 0, (), 0)
    assert e.text() == "∂E/∂z = 0   (z does not reach E: no path between them)"
    assert e.latex() == r"\begin{aligned}\frac{\partial E}{\partial z} &= 0\end{aligned}"


def test_a_subexpression_above_wrt_does_not_reach_down(doc):
    _, p, nodes, _ = doc
    e = explain(p["w1"], nodes["net_n9"])  # upside down: no path from w1 down to net_n9
    assert e.total == 0.0 and e.n_terms == 0
    assert "does not reach" in e.text()


def test_output_with_respect_to_itself_is_one(doc):
    _, _, _, E = doc
    e = explain(E, E)
    assert e.total == 1.0 == E.grad
    assert e.n_terms == 1
    assert e.text() == "∂E/∂E = 1"  # one factor, a plain number: one line
    assert "does not reach" not in e.text()


def test_output_with_respect_to_itself_in_delta_form(doc):
    _, _, _, E = doc
    e = explain(E, E, form="delta")
    assert e.total == 1.0
    assert "does not reach" not in e.text()
    assert e.text().split("\n")[-1].endswith("= 1")


def test_unlabelled_output_and_wrt_get_derived_names():
    x = Value(2.0)
    y = x * x  # two edges from y to x: one factor ∂y/∂x = x + x
    y.backward()
    e = explain(y, x)
    assert (e.name(x), e.name(y)) == ("v₁", "(v₁·v₁)")  # a made-up compound name is one symbol
    assert e.text() == "∂(v₁·v₁)/∂v₁ = v₁ + v₁ = 2 + 2 = 4"  # one factor: its formula is the line
    assert e.where() == [e.text()]
    assert e.total == x.grad == 4.0


def test_unlabelled_intermediates_are_multiplied_into_one_factor():
    x = Value(0.5, label="x")
    h = (x * 3.0 + 1.0).tanh()  # two unlabelled nodes between x and h
    h.label = "h"
    y = h * h.exp()
    y.label = "y"
    y.backward()
    e = explain(y, x)
    # y -> h directly (mul) and y -> exp -> h differ only in unlabelled nodes: one term whose
    # factor ∂y/∂h sums both routes, e^h + h·e^h.
    assert e.n_terms == 1
    (t,) = e.terms
    assert [(f.top.label, f.bottom.label) for f in t.factors] == [("y", "h"), ("h", "x")]
    assert t.factors[0].value == pytest.approx(math.exp(h.data) * (1 + h.data), rel=1e-14)
    assert t.factors[1].value == pytest.approx(3.0 * (1 - h.data**2), rel=1e-14)
    assert e.total == x.grad


# --- each factor's formula, and signed numbers -------------------------------------------------


def test_where_lists_each_distinct_factor_with_its_formula_once(doc):
    _, p, nodes, E = doc
    e = explain(E, p["w16"])
    pairs = e.factor_formulas()
    assert [(f.top.label, f.bottom.label) for f, _ in pairs] == [("E", "out_n9"), ("out_n9", "net_n9"),
                                                                ("net_n9", "w16")]
    assert [f.value for f, _ in pairs] == [f.value for f in e.terms[0].factors]
    steps = [formula.text(e.name) for _, formula in pairs]
    assert steps == [["out_n9 − 0.01", "0.8035 − 0.01"],
                     ["σ′(net_n9)", "out_n9·(1 − out_n9)", "0.8035·(1 − 0.8035)"],
                     ["out_n6"]]  # a name alone: its number is the factor's
    assert e.where() == [line.strip().removeprefix("where ") for line in e.text().split("\n")[1:4]]
    assert pairs[2][0].value == nodes["out_n6"].data  # ∂net_n9/∂w16 is out_n6, exactly
    # twelve distinct factors over w1's three paths of seven, each listed once
    e1 = explain(E, p["w1"])
    assert sum(len(t.factors) for t in e1.terms) == 21 and len(e1.where()) == 12


def test_negative_factors_and_terms_are_in_parentheses():
    """Mazur's network: ∂E/∂w1 has a positive and a negative path (the o2 output is below its target)."""
    w = work(netfile.resolve("all_sigmoid_222"))
    p = {q.label: q for q in w.params}
    e = explain(w.E, p["w1"])
    lines = e.text().split("\n")
    assert lines[7] == "        ∂E/∂out_o2 = out_o2 − target_o2 = 0.7729 − 0.99 = −0.2171"
    assert lines[-4:] == [
        "       = 0.7414 · 0.1868 · 0.4 · 0.2413 · 0.05",
        "       + (−0.2171) · 0.1755 · 0.5 · 0.2413 · 0.05",
        "       = 0.0006684 + (−0.0002298)",
        "       = 0.0004386",
    ]
    assert [number(t.value) for t in e.terms] == ["0.0006684", "−0.0002298"]
    assert e.terms[1].factors[0].value == pytest.approx(w.nodes["out_o2"].data - 0.99, rel=1e-15)
    assert e.total == p["w1"].grad == pytest.approx(0.000438567734, rel=1e-9)
    tex = e.latex()
    assert r"&\quad + (-0.2171) \cdot 0.1755" in tex and "&= 0.0006684 + (-0.0002298)" in tex
    assert "\u2212" not in tex and _well_formed(tex, alignment=True) == []


def test_notebooks_show_the_markdown_and_the_latex(doc):
    _, p, _, E = doc
    e = explain(E, p["w7"])
    assert e._repr_markdown_() == e.markdown() == "$$\n" + e.latex() + "\n$$"
    assert e._repr_latex_() == "$$" + e.latex() + "$$"
    assert r"\mathrm{relu}'\left(\mathrm{net}_{n_{6}}\right)" in e._repr_latex_()


def test_a_single_factor_is_one_line_with_its_formula():
    x = Value(0.5, label="x")
    y = x.tanh()
    y.label = "y"
    y.backward()
    e = explain(y, x)
    t = math.tanh(0.5)
    # 1 − 0.4621² is 0.7865: the number takes a fifth digit to give 0.7864
    assert e.text() == f"∂y/∂x = tanh′(x) = 1 − y² = 1 − {number(t, 5)}² = {number(1 - t * t)}"
    assert e.text() == "∂y/∂x = tanh′(x) = 1 − y² = 1 − 0.46212² = 0.7864"
    assert e.total == x.grad == pytest.approx(1 - t * t, rel=1e-15)
    z = Value(-3.0, label="z")
    q = z * 2.0
    q.label = "q"
    q.backward()
    e = explain(q, z)
    assert (e.total, e.where()) == (2.0, [])  # a plain number: no formula to show


def test_a_single_plain_number_factor_is_one_line():
    z = Value(-3.0, label="z")
    q = z * 2.0
    q.label = "q"
    n = -z
    n.label = "n"
    (q + n).backward()
    assert explain(q, z).total == 2.0 and explain(n, z).total == -1.0
    assert explain(n, z).text() == "∂n/∂z = −1"  # the minus sign U+2212
    assert explain(q, z).text() == "∂q/∂z = 2"


# --- LaTeX and Markdown -----------------------------------------------------------------------


def _groups_balanced(tex: str) -> bool:
    depth = 0
    for m in re.finditer(r"\\.|[{}]", tex):
        tok = m.group()
        if tok == "{":
            depth += 1
        elif tok == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _well_formed(tex: str, *, alignment: bool = False) -> list[str]:
    """Structural LaTeX problems (no LaTeX parser is installed): an empty list if none."""
    problems = []
    if not _groups_balanced(tex):
        problems.append("unbalanced braces")
    bare = re.sub(r"\\.", "", tex)  # drop escaped characters and command initials
    for ch in "%#$" + ("" if alignment else "&"):
        if ch in bare:
            problems.append(f"unescaped {ch}")
    if re.search(r"\\[\^~'`\"]", tex):
        problems.append("text accent command in math mode")
    for m in re.finditer(r"\\frac", tex):  # \frac must take two groups
        if not re.match(r"\\frac\{", tex[m.start():]):
            problems.append("\\frac without arguments")
    begins = re.findall(r"\\begin\{(\w+)\}", tex)
    ends = re.findall(r"\\end\{(\w+)\}", tex)
    if begins != ends[::-1]:
        problems.append(f"environments {begins} / {ends}")
    return problems


@pytest.mark.parametrize("label", ["w16", "w7", "w1", "b7", "w2"])
@pytest.mark.parametrize("form", ["paths", "delta"])
def test_latex_is_well_formed(doc, label, form):
    _, p, _, E = doc
    tex = explain(E, p[label], form=form).latex()
    assert _well_formed(tex, alignment=True) == []
    assert tex.startswith(r"\begin{aligned}") and tex.endswith(r"\end{aligned}")
    assert tex.count(r"\begin{aligned}") == tex.count(r"\end{aligned}") == 1
    assert rf"\frac{{\partial E}}{{\partial {latex_name(label)}}} &= " in tex
    assert tex.removesuffix(r"\end{aligned}").endswith("&= " + latex_number(p[label].grad))


def test_latex_numbers_of_w7(doc):
    _, p, _, E = doc
    tex = explain(E, p["w7"]).latex()
    rows = tex.split(" \\\\\n")
    assert len(rows) == 1 + 5 + 2  # the chain, each factor's formula, the numbers, the total
    where, then = r"&\text{where } ", r"&\phantom{\text{where }} "
    out9, net9, out6 = (latex_name(n) for n in ("out_n9", "net_n9", "out_n6"))

    def frac(top, bottom):
        return rf"\frac{{\partial {top}}}{{\partial {bottom}}}"

    assert rows[1] == where + " = ".join([frac("E", out9), f"{out9} - 0.01", "0.8035 - 0.01", "0.7935"])
    assert rows[2] == then + " = ".join([frac(out9, net9), rf"\sigma'\left({net9}\right)",
                                         rf"{out9} \cdot \left(1 - {out9}\right)",
                                         r"0.8035 \cdot \left(1 - 0.8035\right)", "0.1579"])
    assert rows[3] == then + " = ".join([frac(net9, out6), "w_{16}", "0.7"])
    assert rows[5] == then + " = ".join([frac(latex_name("net_n6"), "w_{7}"), latex_name("out_n3"), "0.343"])
    assert rows[6] == r"&= 0.7935 \cdot 0.1579 \cdot 0.7 \cdot 1 \cdot 0.343"
    assert rows[7] == r"&= 0.03008\end{aligned}"
    assert "\u2212" not in tex  # LaTeX writes its minus as -
    assert r"\frac{\partial \mathrm{out}_{n_{9}}}{\partial \mathrm{net}_{n_{9}}}" in rows[0]
    assert r"\frac{\partial \mathrm{net}_{n_{6}}}{\partial w_{7}}" in rows[0]


def test_latex_of_deep_paths_form_is_well_formed(deep):
    net, L = deep
    tex = explain(L, net.layers[0].neurons[0].w[0], form="paths").latex()
    assert _well_formed(tex, alignment=True) == []
    assert r"\partial w^{[0]}_{0,0}" in tex and r"\mathrm{net}_{4,0}" in tex


def test_markdown_is_display_math_around_the_latex(doc):
    _, p, _, E = doc
    e = explain(E, p["w16"])
    md = e.markdown()
    assert md.startswith("$$") and md.endswith("$$")
    assert md == "$$\n" + e.latex() + "\n$$"
    assert r"\frac{\partial E}{\partial w_{16}}" in md
    assert r"0.7935 \cdot 0.1579 \cdot 0.0197" in md and "&= 0.002468" in md
    assert md.count("$$") == 2


@pytest.mark.parametrize(
    ("label", "tex"),
    [
        ("w16", "w_{16}"),
        ("out_n9", r"\mathrm{out}_{n_{9}}"),
        ("w[2][1,0]", "w^{[2]}_{1,0}"),
        ("net[2,1]", r"\mathrm{net}_{2,1}"),
        ("E", "E"),
        ("x1", "x_{1}"),
        ("x_1", "x_{1}"),
        ("b[0][2]", "b^{[0]}_{2}"),
        ("x[0]", "x_{0}"),
        ("net_h1", r"\mathrm{net}_{h_{1}}"),
        ("loss", r"\mathrm{loss}"),
        ("w1_2", r"\mathrm{w1\_2}"),
        ("loss%", r"\mathrm{loss\%}"),
        ("a b", r"\mathrm{a b}"),
    ],
)
def test_latex_name(label, tex):
    assert latex_name(label) == tex
    assert _well_formed(tex) == []


@pytest.mark.parametrize("label", ["x^2", "x[%]", "w[{]"])
def test_latex_name_of_odd_labels_is_well_formed(label):
    assert _well_formed(latex_name(label)) == []


@pytest.mark.parametrize(
    ("x", "text", "tex"),
    [
        (0.002468208970364957, "0.002468", "0.002468"),
        (1e-5, "1e-05", r"1 \times 10^{-5}"),
        (1.5e20, "1.5e+20", r"1.5 \times 10^{20}"),
        (123456.0, "1.235e+05", r"1.235 \times 10^{5}"),
        (math.inf, "inf", r"\infty"),
        (-math.inf, "−inf", r"-\infty"),  # text: the minus sign U+2212; LaTeX: -
        (-0.0004386, "−0.0004386", "-0.0004386"),
        (-1e-5, "−1e-05", r"-1 \times 10^{-5}"),  # the exponent's - stays ASCII
        (-0.0, "0", "0"),  # never −0
        (math.nan, "nan", r"\mathrm{NaN}"),
    ],
)
def test_numbers(x, text, tex):
    assert number(x) == text
    assert latex_number(x) == tex


# --- options and argument checks --------------------------------------------------------------


@pytest.mark.parametrize(
    ("digits", "factors", "numbers", "total"),
    [(2, "0.79 · 0.16 · 0.02", "0.79 · 0.16 · 0.02", "0.0025"),
     # 0.8·0.2·0.02 = 0.0032 would not read 0.002: the product is written with the digits it needs
     (1, "0.8 · 0.2 · 0.02", "0.793 · 0.158 · 0.0197", "0.002"),
     (6, "0.793482 · 0.157899 · 0.0197", "0.793482 · 0.157899 · 0.0197", "0.00246821")],
)
def test_digits(doc, digits, factors, numbers, total):
    _, p, _, E = doc
    e = explain(E, p["w16"], digits=digits)
    lines = e.text().split("\n")
    assert len(lines) == 6
    out9, sigma, out6 = factors.split(" · ")  # each factor's number ends its formula's line
    o9 = number(0.8034818811389178, digits)  # out_n9 itself, to the same digits
    assert lines[1] == f"  where ∂E/∂out_n9 = out_n9 − 0.01 = {o9} − 0.01 = {out9}"
    assert lines[2].endswith(f" = {o9}·(1 − {o9}) = {sigma}")
    assert lines[3] == f"        ∂net_n9/∂w16 = out_n6 = {out6}"
    assert lines[4] == "        = " + numbers
    assert lines[5] == "        = " + total
    assert e.total == p["w16"].grad  # digits change the text only


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"output": 1.0}, TypeError, "output and wrt must be Values, not float and Value"),
        ({"wrt": "w1"}, TypeError, "must be Values, not Value and str"),
        ({"digits": 0}, ValueError, "digits must be an int from 1 to 17, not 0"),
        ({"digits": 18}, ValueError, "digits must be an int from 1 to 17, not 18"),
        ({"digits": True}, ValueError, "digits must be an int from 1 to 17, not True"),
        ({"digits": 2.0}, ValueError, "digits must be an int"),
        ({"form": "x"}, ValueError, "form must be one of auto, paths, delta, not 'x'"),
        ({"max_paths": 0}, ValueError, "max_paths must be a positive int, not 0"),
        ({"max_paths": -3}, ValueError, "max_paths must be a positive int"),
        ({"max_paths": 2.5}, ValueError, "max_paths must be a positive int, not 2.5"),
    ],
)
def test_bad_arguments_raise_clearly(doc, kwargs, error, message):
    _, p, _, E = doc
    args = {"output": E, "wrt": p["w1"], **kwargs}
    with pytest.raises(error, match=re.escape(message)):
        explain(args.pop("output"), args.pop("wrt"), **args)


# --- update_table -----------------------------------------------------------------------------

OUTPUT_LAYER = [("w16", 0.699975), ("w17", 0.798592), ("w18", 0.898336), ("b7", -0.701253)]


def test_update_table_shows_the_documents_updated_weights(doc):
    _, p, _, _ = doc
    params = [p[name] for name, _ in OUTPUT_LAYER]
    before = [q.data for q in params]
    table = update_table(params, 0.01)
    assert isinstance(table, UpdateTable)
    assert [q.data for q in params] == before  # it only shows the step
    for row, (name, updated) in zip(table.rows, OUTPUT_LAYER):
        assert row.label == name
        assert row.value == p[name].data and row.grad == p[name].grad
        assert row.new_value == p[name].data - 0.01 * p[name].grad
        assert round(row.new_value, 6) == updated
    lines = table.text().split("\n")
    assert lines[0].split() == ["parameter", "value", "∂E/∂p", "after", "p", "−", "0.01·∂E/∂p"]
    assert [line.split() for line in lines[1:]] == [
        ["w16", "0.7", "0.00246821", "0.699975"],
        ["w17", "0.8", "0.140813", "0.798592"],
        ["w18", "0.9", "0.166397", "0.898336"],
        ["b7", "−0.7", "0.12529", "−0.701253"],  # the minus sign U+2212
    ]
    assert str(table) == table.text()


def test_update_table_markdown_has_a_header_and_a_row_per_parameter(doc):
    _, p, _, _ = doc
    md = update_table([p[name] for name, _ in OUTPUT_LAYER], 0.01).markdown()
    lines = md.split("\n")
    assert lines[0] == "| parameter | value | ∂E/∂p | after p − 0.01·∂E/∂p |"
    assert lines[1] == "|---|---:|---:|---:|"
    assert len(lines) == 2 + len(OUTPUT_LAYER)
    for line, (name, updated) in zip(lines[2:], OUTPUT_LAYER):
        cells = [c.strip() for c in line.strip("|").split("|")]
        assert cells[0] == f"${latex_name(name)}$"
        assert cells[1] == number(p[name].data, 6) and cells[2] == number(p[name].grad, 6)
        assert float(cells[3].replace("−", "-")) == updated
    assert lines[5] == "| $b_{7}$ | −0.7 | 0.12529 | −0.701253 |"
    assert lines[2] == "| $w_{16}$ | 0.7 | 0.00246821 | 0.699975 |"


def test_update_table_latex(doc):
    _, p, _, _ = doc
    tex = update_table([p[name] for name, _ in OUTPUT_LAYER], 0.01).latex()
    assert _well_formed(tex, alignment=True) == []
    assert tex.startswith(r"\begin{array}{lrrr}") and tex.endswith(r"\end{array}")
    body = tex.split(r"\hline" + "\n")[1].removesuffix(r"\end{array}").split(" \\\\\n")
    assert body[0] == "w_{16} & 0.7 & 0.00246821 & 0.699975"
    assert body[3] == "b_{7} & -0.7 & 0.12529 & -0.701253"
    assert len(body) == 4


def test_update_table_whole_network_matches_sgd(doc):
    net, _, _, _ = doc
    table = update_table(net.parameters(), 0.01, digits=8)
    assert len(table.rows) == 25
    w7 = next(r for r in table.rows if r.label == "w7")
    assert w7.new_value == pytest.approx(0.7 - 0.01 * 0.0300820, abs=1e-8)
    assert "0.69969918" in table.text()


def test_update_table_unlabelled_parameters_get_index_names():
    a, b = Value(1.0), Value(2.0, label="b")
    (a * b).backward()
    table = update_table([a, b], 0.5)
    assert [(r.label, r.new_value) for r in table.rows] == [("p0", 0.0), ("b", 1.5)]


@pytest.mark.parametrize(
    ("params", "lr", "error", "message"),
    [
        ([Value(1.0), 2.0], 0.1, TypeError, "parameter 1 is a float, not a Value"),
        ([Value(1.0)], math.nan, ValueError, "lr must be a finite number, not nan"),
        ([Value(1.0)], math.inf, ValueError, "lr must be a finite number"),
        # bool and strings are not numbers, the one rule of autograd.validate (a TypeError)
        ([Value(1.0)], True, TypeError, "lr must be a real number, not bool True"),
        ([], "0.1", TypeError, "lr must be a real number, not str '0.1'"),
    ],
)
def test_update_table_bad_arguments(params, lr, error, message):
    with pytest.raises(error, match=re.escape(message)):
        update_table(params, lr)


@pytest.mark.parametrize("lr", ["0.1", None, [0.1]])
def test_update_table_non_number_lr_gets_the_clear_message(lr):
    with pytest.raises(TypeError, match="lr must be a real number, not"):
        update_table([Value(1.0, label="w")], lr)


# --- property: random expression graphs -------------------------------------------------------


def _unary(name):
    return {
        "tanh": Value.tanh, "sigmoid": Value.sigmoid, "relu": Value.relu, "neg": lambda a: -a,
        "square": lambda a: a**2, "mul_c": lambda a: a * 1.5, "c_sub": lambda a: 0.5 - a,
        "div_c": lambda a: a / -2.0, "abs": abs,
    }[name]


def _binary(name):
    return {
        "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
        "dot": lambda a, b: dot([a, b, 0.5], [b, a, a], bias=a),  # a, b repeated: several edges
        "vsum": lambda a, b: vsum([a, b, 1.0, a]),
        "div": lambda a, b: a / (b * b + 1.0),
    }[name]


@st.composite
def graphs(draw):
    """(leaves, nodes, output): shared subexpressions, some nodes labelled, some not."""
    n_leaves = draw(st.integers(1, 3))
    nodes = []
    for k in range(n_leaves):
        label = f"x{k}" if draw(st.booleans()) else ""
        nodes.append(Value(draw(st.floats(-2.0, 2.0, allow_subnormal=False)), label=label))
    leaves = list(nodes)
    for k in range(draw(st.integers(1, 7))):
        i = draw(st.integers(0, len(nodes) - 1))
        j = draw(st.integers(0, len(nodes) - 1))
        if draw(st.booleans()):
            v = _unary(draw(st.sampled_from(["tanh", "sigmoid", "relu", "neg", "square", "mul_c",
                                             "c_sub", "div_c", "abs"])))(nodes[i])
        else:
            v = _binary(draw(st.sampled_from(["add", "sub", "mul", "dot", "vsum", "div"])))(
                nodes[i], nodes[j])
        if draw(st.booleans()):
            v.label = f"h{k}"
        nodes.append(v)
    output = nodes[-1]  # earlier nodes may or may not reach it
    if draw(st.booleans()):
        output.label = "out"
    assume(all(math.isfinite(v.data) and abs(v.data) < 1e12 for v in nodes))
    return leaves, nodes, output


def _count_paths(top, wrt):
    """Paths from top down to wrt, one per edge (a node using x twice has two edges to x)."""
    memo = {}

    def count(v):
        if v is wrt:
            return 1
        if id(v) not in memo:
            memo[id(v)] = sum(count(x) for x in v.inputs)
        return memo[id(v)]

    return count(top)


def _labelled_sequences(top, wrt):
    """The distinct sequences of labelled nodes (and wrt) met on the paths from top to wrt."""
    found = set()

    def walk(v, seq):
        if v is wrt:
            found.add(seq)
            return
        for x in v.inputs:
            walk(x, (*seq, id(x)) if (x.label or x is wrt) else seq)

    walk(top, ())
    return found


def _brute_force_paths(top, wrt):
    """The product of local derivatives along every path, enumerated one by one."""
    if top is wrt:
        return [1.0]
    return [d * rest for x, d in zip(top.inputs, top.local_grads) for rest in _brute_force_paths(x, wrt)]


@given(graphs())
def test_property_total_equals_grad_and_paths_are_all_counted(graph):
    _, nodes, output = graph
    output.backward()
    for v in nodes:  # leaves, inner nodes and the output itself
        n = _count_paths(output, v)
        e = explain(output, v, form="paths", max_paths=10**6)
        assert e.total == v.grad, (v, e.text())
        assert n == PathSet(output, v).n_paths
        if n == 0:
            assert e.n_terms == 0 and e.total == 0.0 and "does not reach" in e.text()
            continue
        # Paths that differ only in unlabelled nodes are one term: as many terms as distinct
        # sequences of labelled nodes, and each term is the sum of its paths.
        assert e.omitted == 0 and len(e.terms) == e.n_terms == len(_labelled_sequences(output, v)) <= n
        scale = math.fsum(abs(t.value) for t in e.terms)
        assert abs(math.fsum(t.value for t in e.terms) - e.total) <= 1e-12 * scale + 1e-300
        if n <= 2000:
            brute = _brute_force_paths(output, v)
            assert len(brute) == n
            assert math.fsum(brute) == pytest.approx(math.fsum(t.value for t in e.terms), rel=1e-9, abs=1e-12)
        for t in e.terms:  # a chain of factors from output down to v, cut at labelled nodes
            assert t.factors[0].top is output and t.factors[-1].bottom is v
            for upper, lower in zip(t.factors, t.factors[1:]):
                assert upper.bottom is lower.top and upper.bottom.label
        assert explain(output, v).total == v.grad
        assert explain(output, v, max_paths=1).total == v.grad


@given(graphs())
def test_property_delta_form_sums_to_the_gradient(graph):
    _, nodes, output = graph
    output.backward()
    for v in nodes:
        if v is output:
            continue  # see test_output_with_respect_to_itself_in_delta_form
        e = explain(output, v, form="delta")
        assert e.total == v.grad
        if e.n_terms == 0:
            assert _count_paths(output, v) == 0
            continue
        for t in e.terms:
            assert t.factors[0].top is output
            if len(t.factors) == 1:  # no labelled node between: the one factor ∂output/∂v
                assert t.factors[0].bottom is v
                continue
            P = t.factors[0].bottom
            assert P.label and t.factors[1].bottom is v
            assert t.factors[0].value == P.grad  # ∂output/∂P is P's gradient, exactly
        scale = math.fsum(abs(t.value) for t in e.terms)
        assert abs(math.fsum(t.value for t in e.terms) - e.total) <= 1e-12 * scale + 1e-300


def test_a_node_below_the_output_only_through_shift_is_on_no_path():
    w = Value(1.0, label="w")
    n = w * 2
    n.label = "n"
    out = w * 3 - shift([n])
    out.backward()
    for form in ("paths", "delta"):
        e = explain(out, w, form=form)
        assert e.total == w.grad == 3.0 and e.n_terms == 1
        assert "∂n" not in e.text()


def test_the_delta_form_needs_no_path_enumeration():
    x = Value(0.1, label="x")
    v = x
    for _ in range(40):  # 2**40 paths through unlabelled nodes
        v = (v * 0.5 + 0.1).tanh() + v * 0.3
    v.backward()
    e = explain(v, x, form="delta")
    assert e.total == x.grad
    merged = explain(v, x)  # no labelled node between: the 2**40 paths are one term
    assert merged.n_terms == 1 and merged.total == x.grad


# --- explain_all: every parameter from one set of sweeps, the same as explain one by one -------


def _bits(x):
    return struct.pack("<d", x)  # the float's every bit: -0.0 is not 0.0, a nan's payload counts


def assert_identical(batch, one):
    """Two explanations alike in everything: form, counts, terms, every factor's nodes and bits,
    text and LaTeX (each factor's formula too)."""
    assert (batch.output, batch.wrt, batch.form, batch.n_terms, batch.digits) == (
        one.output, one.wrt, one.form, one.n_terms, one.digits)
    assert _bits(batch.total) == _bits(one.total)
    assert len(batch.terms) == len(one.terms)
    for s, t in zip(batch.terms, one.terms):
        assert [(f.top, f.bottom, _bits(f.value)) for f in s.factors] == [
            (f.top, f.bottom, _bits(f.value)) for f in t.factors]
    assert batch.text() == one.text() and batch.latex() == one.latex()


def assert_explain_all_is_explain(output, params, **options):
    batch = explain_all(output, params, **options)
    assert len(batch) == len(params)
    for e, p in zip(batch, params):
        assert_identical(e, explain(output, p, **options))
    return batch


OPTIONS = [{}, {"form": "paths"}, {"form": "delta"}, {"max_paths": 1}, {"max_paths": 3, "digits": 6},
           {"form": "paths", "max_paths": 2}]


@pytest.mark.parametrize("name", netfile.examples())
def test_the_walkthrough_of_every_example_explains_as_explain_does(name):
    w = work(netfile.resolve(name))
    assert len(w.explanations) == len(w.params) > 0
    for e, p in zip(w.explanations, w.params):
        assert_identical(e, explain(w.E, p))
        assert e.total == p.grad
    # and every labelled node of the graph (nets, outs, inputs, E itself), in every form
    nodes = list(w.nodes.values())
    for options in OPTIONS:
        assert_explain_all_is_explain(w.E, [*w.params, *nodes], **options)


def test_explain_all_on_the_document_network(doc):
    _, p, _, E = doc
    batch = assert_explain_all_is_explain(E, [p[name] for name in PARAMS_2331])
    by_name = dict(zip(PARAMS_2331, batch))
    assert by_name["w16"].text().split("\n")[4] == "        = 0.7935 · 0.1579 · 0.0197"
    assert (by_name["w1"].form, by_name["w1"].n_terms) == ("paths", 3)
    assert by_name["w1"].total == p["w1"].grad and by_name["w2"].total == 0.0 == p["w2"].grad
    assert explain_all(E, []) == []


@pytest.mark.parametrize("options", OPTIONS)
def test_explain_all_on_a_deep_net(deep, options):
    net, L = deep
    batch = assert_explain_all_is_explain(L, net.parameters(), **options)
    first = batch[0]  # w[0][0,0]: 64 paths through labelled nodes
    assert first.n_terms == (1 if options.get("form", "auto") != "paths" else 64)
    assert [e.total for e in batch] == [q.grad for q in net.parameters()]


def test_explain_all_walks_the_graph_once(deep, monkeypatch):
    """One topological order and one local derivative per node for all the parameters, where
    explain takes one order per parameter (the walkthrough's quadratic time)."""
    net, L = deep
    calls = {"order": 0, "local": 0}
    order, local = autograd.paths.topological_order, autograd.paths.local_grads

    def counted_order(v):
        calls["order"] += 1
        return order(v)

    def counted_local(v):
        calls["local"] += 1
        return local(v)

    monkeypatch.setattr(autograd.paths, "topological_order", counted_order)
    monkeypatch.setattr(autograd.paths, "local_grads", counted_local)
    params = net.parameters()
    explain_all(L, params)
    assert calls["order"] == 1
    assert calls["local"] <= len(topological_order(L))
    explain(L, params[0])
    assert calls["order"] == 2


def test_explain_all_with_unlabelled_parameters_and_inner_nodes():
    a, b = Value(0.5), Value(-1.5, label="b")  # a: an unlabelled leaf
    h = (a * b).tanh()  # unlabelled inner node: explained by its own PathSet
    g = h * a + b
    g.label = "g"
    y = g.sigmoid() * h
    y.backward()
    unreachable = Value(2.0, label="z")
    batch = assert_explain_all_is_explain(y, [a, b, h, g, y, unreachable, a])
    assert [e.total for e in batch] == [a.grad, b.grad, h.grad, g.grad, 1.0, 0.0, a.grad]
    assert batch[5].n_terms == 0 and "does not reach" in batch[5].text()
    for options in OPTIONS:
        assert_explain_all_is_explain(y, [a, b, h, g, y, unreachable], **options)


def test_explain_all_with_held_constant_shift():
    w = Value(1.0, label="w")
    n = w * 2
    n.label = "n"
    s = shift([n, w])  # held constant: no path through it
    s.label = "s"
    out = w * 3 - s + n
    out.backward()
    batch = assert_explain_all_is_explain(out, [w, n, s, out])
    assert [e.total for e in batch] == [5.0, 1.0, -1.0, 1.0]
    assert_identical(explain_all(s, [w, n, s])[2], explain(s, s))  # an output held constant


def test_explain_all_bad_arguments(doc):
    _, p, _, E = doc
    with pytest.raises(TypeError, match=re.escape("explain_all: output must be a Value and params an "
                                                  "iterable of Values, not float and list")):
        explain_all(1.0, [p["w1"]])
    with pytest.raises(TypeError, match=re.escape("explain_all: params[1] is a str, not a Value")):
        explain_all(E, [p["w1"], "w2"])
    with pytest.raises(TypeError, match="params an iterable of Values, not Value and Value"):
        explain_all(E, p["w1"])
    with pytest.raises(ValueError, match=re.escape("explain_all: form must be one of auto, paths, delta")):
        explain_all(E, [p["w1"]], form="x")
    with pytest.raises(ValueError, match=re.escape("explain_all: max_paths must be a positive int, not 0")):
        explain_all(E, [p["w1"]], max_paths=0)
    with pytest.raises(ValueError, match=re.escape("explain_all: digits must be an int from 1 to 17")):
        explain_all(E, [p["w1"]], digits=0)


@given(graphs(), st.sampled_from(OPTIONS))
def test_property_explain_all_is_explain_one_by_one(graph, options):
    leaves, nodes, output = graph
    output.backward()
    stray = Value(1.0, label="stray")
    assert_explain_all_is_explain(output, [*nodes, stray, *leaves], **options)


@given(programs(), st.sampled_from(OPTIONS), st.integers(0, 2**16))
def test_property_explain_all_is_explain_on_every_op(program, options, labels):
    """Every op of the table, some nodes labelled (bit k of ``labels`` labels node k)."""
    leaves, nodes = build(program)
    for k, v in enumerate(nodes[len(leaves):]):
        if labels >> k & 1:
            v.label = f"h{k}"
    output = nodes[-1]
    output.backward()
    assert_explain_all_is_explain(output, nodes, **options)


ABS_CHAIN = ([1.0, 1.0], [("__abs__", 1, 1, 1.0), ("__abs__", 2, 2, 1.0), ("__abs__", 3, 3, 1.0)])


def _abs_chain():
    """x1 → h0 = |x1| → |h0| → h2 = ||h0||, the output sum₁ = h0 + |h0| + h2 (random_graphs' program)."""
    leaves = [Value(x, label=f"x{k}") for k, x in enumerate(ABS_CHAIN[0])]
    nodes = run(ABS_CHAIN[1], leaves)
    nodes[2].label, nodes[4].label = "h0", "h2"
    nodes[-1].backward()
    return leaves, nodes


@example(program=ABS_CHAIN, options={"form": "delta"}, labels=5)
@given(programs(), st.sampled_from(OPTIONS), st.integers(0, 2**16))
def test_property_explain_all_shows_the_formulas_explain_shows(program, options, labels):
    """∂sum₁/∂h0 of ABS_CHAIN names two factors: δ of h0 (3, in x1's delta form) and h0's own direct
    factor 1 + sign(h0) = 2. Worked out once for the first, the second's formula was lost."""
    leaves, nodes = build(program)
    for k, v in enumerate(nodes[len(leaves):]):
        if labels >> k & 1:
            v.label = f"h{k}"
    nodes[-1].backward()
    assert_explain_all_is_explain(nodes[-1], nodes, **options)


def test_explain_all_and_explain_agree_on_the_abs_chain():
    leaves, nodes = _abs_chain()
    out, h0 = nodes[-1], nodes[2]
    assert (out.data, h0.grad, leaves[1].grad) == (3.0, 3.0, 3.0)
    one = explain(out, h0, form="delta")
    assert one.where() == ["∂h2/∂h0 = sign(abs(h0))·sign(h0) = sign(abs(1))·sign(1) = 1",
                           "∂sum₁/∂h0 (direct) = 1 + sign(h0) = 1 + sign(1) = 2"]
    assert [[f.value for f in t.factors] for t in one.terms] == [[1.0, 1.0], [2.0]]
    batch = explain_all(out, [leaves[1], h0], form="delta")[1]  # after x1's, where ∂sum₁/∂h0 is 3
    assert_identical(batch, one)
    assert batch.where()[1] == "∂sum₁/∂h0 (direct) = 1 + sign(h0) = 1 + sign(1) = 2"


def test_the_outputs_own_partial_beside_other_paths_is_marked_direct():
    """z = y·a with y = a·a: ∂z/∂a is 12 in all, of which the direct partial (y fixed) is 4."""
    a = Value(2.0, label="a")
    y = a * a
    y.label = "y"
    z = y * a
    z.label = "z"
    lines = str(explain(z, a)).splitlines()
    assert lines[:2] == ["∂z/∂a = ∂z/∂y · ∂y/∂a", "      + ∂z/∂a (direct)"]
    assert "        ∂z/∂a (direct) = y = 4" in lines and lines[-1] == "      = 12"
    assert r"\left.\frac{\partial z}{\partial a}\right|_{\text{direct}}" in explain(z, a).latex()
