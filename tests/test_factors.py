"""autograd.factors: each chain-rule factor with its formula from the op table, and its numbers.

Issue 11, "explanations that teach": ∂E/∂w16 of the 2-3-3-1 network of "Deep Learning - The
Mathematics Behind Neural Network - Part 2" (docs/sources.md) must show where each factor comes
from, and Mazur's all-sigmoid 2-2-2 network ("A Step by Step Backpropagation Example",
chainrule/examples/all_sigmoid_222.toml) must show the document's nine-digit numbers. A formula
is shown only when it evaluates, at the graph's numbers, to the factor the engine computed:
checked here for every op of the table, on random graphs labelled and unlabelled.
"""

from __future__ import annotations

import math

import pytest
from helpers import balanced
from hypothesis import assume, example, given
from hypothesis import strategies as st
from op_cases import ROWS, apply
from random_graphs import ALL_OPS, programs, run, valid

from autograd import Value, explain, ops
from autograd.explain import explain_all
from autograd.factors import LONGEST_FACTOR, Formulas
from autograd.notation import number
from autograd.symbolic import evaluate, parse, simplify, size
from chainrule import netfile
from chainrule.walkthrough import work

MINUS = "\u2212"


@pytest.fixture(scope="module")
def doc():
    """The 2-3-3-1 network as the walkthrough works it: its target is the leaf "target"."""
    w = work(netfile.resolve("doc_2331"))
    return w, {p.label: p for p in w.params}


@pytest.fixture(scope="module")
def mazur():
    w = work(netfile.resolve("all_sigmoid_222"))
    return w, {p.label: p for p in w.params}


def value_of(formula):
    """The formula evaluated at its nodes' numbers, as the engine's IEEE functions compute it."""
    return evaluate(formula.expr, {k: v.data for k, v in formula.nodes.items()})


def agrees(shown, value):
    if math.isnan(value) or math.isnan(shown):
        return math.isnan(value) and math.isnan(shown)
    return math.isclose(shown, value, rel_tol=1e-9, abs_tol=1e-300)




# --- the must-show: ∂E/∂w16 of the 2-3-3-1 network -------------------------------------


def test_w16_where_block_shows_each_factor_from_its_formula(doc):
    w, p = doc
    e = explain(w.E, p["w16"])
    assert e.where() == [
        "∂E/∂out_n9 = out_n9 − target = 0.8035 − 0.01 = 0.7935",
        "∂out_n9/∂net_n9 = σ′(net_n9) = out_n9·(1 − out_n9) = 0.8035·(1 − 0.8035) = 0.1579",
        "∂net_n9/∂w16 = out_n6 = 0.0197",
    ]
    assert e.text() == (  # as the README prints it
        "∂E/∂w16 = ∂E/∂out_n9 · ∂out_n9/∂net_n9 · ∂net_n9/∂w16\n"
        "  where ∂E/∂out_n9 = out_n9 − target = 0.8035 − 0.01 = 0.7935\n"
        "        ∂out_n9/∂net_n9 = σ′(net_n9) = out_n9·(1 − out_n9) = 0.8035·(1 − 0.8035) = 0.1579\n"
        "        ∂net_n9/∂w16 = out_n6 = 0.0197\n"
        "        = 0.7935 · 0.1579 · 0.0197\n"
        "        = 0.002468"
    )
    out9, target, out6 = w.nodes["out_n9"], w.nodes["target"], w.nodes["out_n6"]
    assert target.data == 0.01 and out9.data == pytest.approx(0.8034818811389178, rel=1e-15)
    (term,) = e.terms
    d_out, d_sigma, d_net = (f.value for f in term.factors)
    assert d_out == pytest.approx(out9.data - 0.01, rel=1e-15) and round(d_out, 4) == 0.7935
    assert d_sigma == pytest.approx(out9.data * (1 - out9.data), rel=1e-15) and round(d_sigma, 4) == 0.1579
    assert d_net == out6.data and round(d_net, 4) == 0.0197
    assert [value_of(formula) for _, formula in e.factor_formulas()] == pytest.approx(
        [d_out, d_sigma, d_net], rel=1e-15)
    assert e.total == p["w16"].grad == pytest.approx(0.002468208970364957, rel=1e-12)


def test_formulas_of_the_2331_factors(doc):
    w, p = doc
    n = w.nodes
    F = Formulas(w.E)
    sigma = F.of(n["out_n9"], n["net_n9"], n["net_n9"].grad / n["out_n9"].grad)
    assert sigma is not None and sigma.activation == ("sigmoid", n["net_n9"])
    assert list(sigma.nodes.values()) == [n["out_n9"]]
    assert sigma.text(F.name) == ["σ′(net_n9)", "out_n9·(1 − out_n9)", "0.8035·(1 − 0.8035)"]
    assert sigma.latex(F.name) == [r"\sigma'\left(\mathrm{net}_{n_{9}}\right)",
                                   r"\mathrm{out}_{n_{9}} \cdot \left(1 - \mathrm{out}_{n_{9}}\right)",
                                   r"0.8035 \cdot \left(1 - 0.8035\right)"]
    assert sigma.text(F.name, 9)[2] == "0.803481881·(1 − 0.803481881)"
    loss = F.of(w.E, n["out_n9"], n["out_n9"].grad)
    assert loss.text(F.name) == ["out_n9 − target", "0.8035 − 0.01"] and loss.activation is None
    assert value_of(loss) == n["out_n9"].data - 0.01
    relu = F.of(n["out_n6"], n["net_n6"], 1.0)
    assert relu.text(F.name) == ["relu′(net_n6)", "(1 if net_n6 > 0 else 0)", "(1 if 0.0197 > 0 else 0)"]
    assert value_of(relu) == 1.0
    assert F.of(n["net_n9"], p["b7"], 1.0).trivial  # ∂net/∂b = 1: only a number
    assert F.of(n["net_n9"], p["w16"], n["out_n6"].data).text(F.name) == ["out_n6"]
    assert F.of(w.E, w.E, 1.0) is None  # no route from a node to itself


def test_a_formula_that_does_not_give_the_engines_number_is_not_shown(doc):
    w, _ = doc
    out9, net9 = w.nodes["out_n9"], w.nodes["net_n9"]
    true = net9.grad / out9.grad
    assert Formulas(w.E).of(out9, net9, true * (1 + 1e-6)) is None  # off by a millionth
    assert Formulas(w.E).of(out9, net9, 0.25) is None  # σ′'s value at 0, not here
    assert Formulas(w.E).of(out9, net9, true) is not None


def test_formulas_of_checks_every_value_it_is_asked_about(doc):
    """The same two nodes may name two factors (a route's, or δ's): each value is checked."""
    w, _ = doc
    out9, net9 = w.nodes["out_n9"], w.nodes["net_n9"]
    F = Formulas(w.E)
    assert F.of(out9, net9, net9.grad / out9.grad) is not None
    assert F.of(out9, net9, 0.25) is None  # 0.8035·(1 − 0.8035) is 0.1579, not 0.25


def test_the_loss_as_its_own_formula(doc, mazur):
    w, _ = doc
    F = Formulas(w.E)
    E = F.value_formula(w.E)
    assert E.text(F.name) == ["0.5·(target − out_n9)²", "0.5·(0.01 − 0.8035)²"]
    assert value_of(E) == pytest.approx(w.E.data, rel=1e-15) and number(w.E.data) == "0.3148"
    assert E.latex(F.name)[1] == r"0.5 \cdot \left(0.01 - 0.8035\right)^{2}"
    m, _ = mazur
    G = Formulas(m.E)
    E2 = G.value_formula(m.E)
    assert E2.text(G.name, 9) == ["0.5·((target_o1 − out_o1)² + (target_o2 − out_o2)²)",
                                  "0.5·((0.01 − 0.75136507)² + (0.99 − 0.772928465)²)"]
    assert value_of(E2) == pytest.approx(m.E.data, rel=1e-15) and number(m.E.data, 9) == "0.298371109"
    assert G.value_formula(m.params[0]) is None  # a leaf has no formula


# --- Mazur's network at nine digits --------------------------------------------------------------


def test_mazur_w5_shows_the_documents_nine_digit_factors(mazur):
    w, p = mazur
    e = explain(w.E, p["w5"], digits=9)
    assert e.where() == [
        "∂E/∂out_o1 = out_o1 − target_o1 = 0.75136507 − 0.01 = 0.74136507",
        "∂out_o1/∂net_o1 = σ′(net_o1) = out_o1·(1 − out_o1) = 0.75136507·(1 − 0.75136507) = 0.186815602",
        "∂net_o1/∂w5 = out_h1 = 0.593269992",
    ]
    assert e.text().split("\n")[-2:] == ["       = 0.7413650696 · 0.1868156018 · 0.5932699921",
                                         "       = 0.0821670406"]
    values = [f.value for f in e.terms[0].factors]
    for value, document in zip(values, [0.74136507, 0.186815602, 0.593269992], strict=True):
        assert abs(value - document) <= 5e-10 and number(value, 9) == str(document)
    assert [value_of(formula) for _, formula in e.factor_formulas()] == pytest.approx(values, rel=1e-15)
    assert values[2] == w.nodes["out_h1"].data  # ∂net_o1/∂w5 is out_h1 itself
    assert e.total == p["w5"].grad == pytest.approx(0.082167041, abs=5e-10)  # the document's ∂E/∂w5


def test_mazur_w5_latex_at_nine_digits(mazur):
    w, p = mazur
    tex = explain(w.E, p["w5"], digits=9).latex()
    assert r"\mathrm{out}_{o_{1}} - \mathrm{target}_{o_{1}} = 0.75136507 - 0.01 = 0.74136507" in tex
    assert r"0.75136507 \cdot \left(1 - 0.75136507\right) = 0.186815602" in tex
    assert r"= \mathrm{out}_{h_{1}} = 0.593269992" in tex
    assert balanced(tex) and MINUS not in tex


def test_a_negative_factor_from_its_formula(mazur):
    w, p = mazur
    e = explain(w.E, p["w7"], digits=9)
    assert e.where()[0] == "∂E/∂out_o2 = out_o2 − target_o2 = 0.772928465 − 0.99 = −0.217071535"
    assert e.text().split("\n")[-2] == "       = (−0.217071535) · 0.175510053 · 0.593269992"
    assert e.factor_formulas()[0][0].value == pytest.approx(w.nodes["out_o2"].data - 0.99, rel=1e-15)
    assert r"0.772928465 - 0.99 = -0.217071535" in e.latex() and MINUS not in e.latex()


# --- every op of the table ------------------------------------------------------------------------


def _op_points():
    for op in ops.TABLE:
        for k, point in enumerate(ROWS[op.name].points):
            yield pytest.param(op.name, point, id=f"{op.name}-{k}")


# Ops whose partial, written out, is longer than factors.LONGEST_FACTOR: GELU′'s tanh form.
TOO_LONG_TO_READ = {op.name for op in ops.TABLE
                    if op.partials and size(simplify(parse(op.partials[0]))) > LONGEST_FACTOR}


def test_only_gelu_has_a_partial_too_long_to_read():
    assert {"gelu"} == TOO_LONG_TO_READ


@pytest.mark.parametrize(("name", "point"), list(_op_points()))
def test_every_op_shows_its_partial_from_the_table(name, point):
    """Each op of the table at the hand-worked points of op_cases: ∂y/∂xᵢ's formula gives the
    row's partial, and a factor worth a formula is its explanation's one line."""
    operands, value, partials = point
    row = ROWS[name]
    xs = [Value(x, label=f"x{i}") for i, x in enumerate(operands)]
    y = row.call(*xs) if row.call else apply(ops.BY_NAME[name].methods[0], *xs)
    y.label = "y"
    y.backward()
    assert agrees(y.data, value)
    F = Formulas(y)
    for x, partial in zip(xs, partials, strict=True):
        e = explain(y, x)
        assert agrees(e.total, partial) and agrees(x.grad, partial)
        formula = F.of(y, x, x.grad)
        if ops.BY_NAME[name].blocks:  # shift: held constant, no path
            assert (formula, e.n_terms, e.where()) == (None, 0, [])
            continue
        if name in TOO_LONG_TO_READ:  # its number alone, as for any factor longer than LONGEST_FACTOR
            assert formula is None and e.text() == f"∂y/∂{x.label} = {number(partial)}"
            continue
        assert formula is not None and agrees(value_of(formula), partial)
        if formula.trivial:  # add, sub, neg, sum, a bias: the number alone
            assert e.where() == [] and e.text().endswith("= " + number(partial))
        else:
            assert e.text() == e.where()[0] and e.text().startswith(f"∂y/∂{x.label} = ")
            assert e.text().endswith(" = " + number(partial))
            assert MINUS not in " ".join(formula.latex(F.name)) and balanced(e.latex())


def test_the_random_graphs_use_every_op_of_the_table():
    names = {op.name for op in ops.TABLE if not op.blocks}
    op_of = {"__neg__": "neg", "__abs__": "abs", "pow_int": "pow", "dot_const_bias": "dot", "vsum": "sum"}
    drawn = {op_of.get(k, k.removeprefix("c_").removesuffix("_c")) for k in ALL_OPS}
    assert names <= drawn
    constant_forms = {f"{b}_c" for b in ("add", "mul", "sub", "div", "pow")}
    assert constant_forms | {"c_" + f[:-2] for f in constant_forms} <= set(ALL_OPS)  # c on either side


# --- property: every formula shown is its factor, on random graphs ------------------------------


def _graph(program, labels, label_leaves):
    """The program's nodes; bit k of ``labels`` labels step k, ``label_leaves`` the leaves."""
    values, steps = program
    leaves = [Value(x, label=f"x{k}" if label_leaves else "") for k, x in enumerate(values)]
    nodes = run(steps, leaves)
    assume(valid(steps, nodes))
    for k, v in enumerate(nodes[len(leaves):]):
        if labels >> k & 1:
            v.label = f"h{k}"
    nodes[-1].backward()
    return nodes


def _check_formulas(e):
    for f, formula in e.factor_formulas():
        assert agrees(value_of(formula), f.value), (e.name(f.top), e.name(f.bottom), formula.text(e.name))
        assert set(formula.nodes.values()) <= set(_below(f.top))  # only nodes of the graph
    for line, (f, _) in zip(e.where(), e.factor_formulas(), strict=True):
        direct = " (direct)" if f.top is e.output and f.bottom is e.wrt and e.n_terms > 1 else ""
        assert line.startswith(f"∂{e.name(f.top)}/∂{e.name(f.bottom)}{direct} = ")
        assert line.endswith(" = " + number(f.value, e.digits))


def _below(v):
    seen, stack = [], [v]
    while stack:
        x = stack.pop()
        if x not in seen:
            seen.append(x)
            stack.extend(x.inputs)
    return seen


@given(programs(), st.integers(0, 2**16), st.booleans(), st.sampled_from(["paths", "delta"]))
def test_property_every_formula_shown_evaluates_to_its_factor(program, labels, label_leaves, form):
    nodes = _graph(program, labels, label_leaves)
    output = nodes[-1]
    F = Formulas(output)
    for v in nodes:
        e = explain(output, v, form=form, max_paths=10**6 if form == "paths" else 12)
        assert e.total == v.grad
        _check_formulas(e)
        assert balanced(e.latex())
        whole = F.value_formula(v)
        if whole is not None:
            assert agrees(value_of(whole), v.data)


@given(programs(), st.sampled_from(["paths", "delta"]))
def test_property_latex_of_a_labelled_graph_has_no_unicode_minus(program, form):
    nodes = _graph(program, 2**16 - 1, True)  # every node labelled: names are labels
    output = nodes[-1]
    for v in nodes:
        tex = explain(output, v, form=form).latex()
        assert balanced(tex) and MINUS not in tex, tex


def _difference_then_tanh():
    a, b = Value(0.5), Value(1.5)  # unlabelled: named v₁, v₂
    d = a - b
    y = d.tanh()
    y.backward()
    return a, b, d, y


@example(program=([0.5, 1.5], [("sub", 0, 1, 1.0), ("tanh", 2, 2, 1.0)]), labels=0, form="paths")
@given(programs(), st.integers(0, 2**16), st.sampled_from(["paths", "delta"]))
def test_property_latex_of_an_unlabelled_graph_has_no_unicode_minus(program, labels, form):
    """Made-up names in LaTeX: not \\mathrm{(v₁ − v₂)}, its minus Unicode, nor tanh₁ as \\mathrm{tan}_{h₁}."""
    nodes = _graph(program, labels, False)
    for v in nodes:
        tex = explain(nodes[-1], v, form=form).latex()
        assert balanced(tex) and MINUS not in tex, tex
        assert r"\mathrm{tan}_{h" not in tex and r"\mathrm{mu}_{l" not in tex


def test_an_unlabelled_graph_is_explained_by_derived_names():
    a, b, _, y = _difference_then_tanh()
    e = explain(y, a)
    t = math.tanh(-1.0)
    assert e.text() == f"∂tanh₁/∂v₁ = 1 − tanh₁² = 1 − ({number(t)})² = {number(1 - t * t)}"
    assert e.text() == "∂tanh₁/∂v₁ = 1 − tanh₁² = 1 − (−0.7616)² = 0.42"
    assert e.total == a.grad == pytest.approx(1 - t * t, rel=1e-15) and b.grad == -a.grad
    assert (e.name(a), e.name(b), e.name(y)) == ("v₁", "v₂", "tanh₁")  # tanh(v₁ − v₂) is too long


def test_an_activations_derivative_reads_its_argument_once_parenthesized():
    """tanh′(v₁ − v₂), not tanh′((v₁ − v₂)): a call's argument reads whole, as names.py writes tanh(a·b)."""
    _, _, d, y = _difference_then_tanh()
    assert explain(y, d).text() == "∂tanh₁/∂(v₁ − v₂) = tanh′(v₁ − v₂) = 1 − tanh₁² = 1 − (−0.7616)² = 0.42"


def test_explain_all_shows_no_formula_that_is_not_its_factor():
    """Not ∂sum₁/∂h0 = 1 + sign(h0) = 1 + sign(1) = 3: h0's direct factor's formula beside its δ."""
    leaves = [Value(1.0, label="x0"), Value(1.0, label="x1")]
    nodes = run([("__abs__", 1, 1, 1.0), ("__abs__", 2, 2, 1.0), ("__abs__", 3, 3, 1.0)], leaves)
    h0, out = nodes[2], nodes[-1]  # h0 = |x1|, h2 = ||h0||, sum₁ = h0 + |h0| + h2
    h0.label, nodes[4].label = "h0", "h2"
    out.backward()
    assert (out.data, h0.grad, leaves[1].grad) == (3.0, 3.0, 3.0)
    one = explain(out, h0, form="delta")  # alone: ∂sum₁/∂h0, h0's direct factor, is 1 + sign(h0) = 2
    assert one.where()[1] == "∂sum₁/∂h0 (direct) = 1 + sign(h0) = 1 + sign(1) = 2"
    _check_formulas(one)
    _check_formulas(explain(out, leaves[1], form="delta"))  # ∂sum₁/∂h0 = 3 there: δ of h0, no formula
    for e in explain_all(out, [h0, leaves[1]], form="delta"):
        _check_formulas(e)


def test_substituted_numbers_redo_the_arithmetic_even_across_a_cancellation():
    """Operands rounded to 4 digits would read (1 − (−1)²)·2 = 4.915e-05: each number gets the
    digits it takes for the arithmetic written to give the value shown."""
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    text = str(explain((a * b).tanh(), b))
    assert text == "∂tanh(a·b)/∂b = (1 − tanh(a·b)²)·a = (1 − (−0.999987712)²)·2 = 4.915e-05"
    assert math.isclose((1 - 0.999987712 ** 2) * 2, 4.915e-05, rel_tol=5e-4)


def test_four_digits_stay_four_where_they_redo_the_arithmetic():
    x = Value(1.0, label="x")
    assert str(explain(x.sigmoid(), x)) == \
        "∂sigmoid(x)/∂x = σ′(x) = sigmoid(x)·(1 − sigmoid(x)) = 0.7311·(1 − 0.7311) = 0.1966"


def test_a_decided_part_of_a_condition_is_folded():
    """pow's ∂/∂y is 0 if x = 0 and y ≥ 0: with x = 3, a constant, the condition is gone."""
    a = Value(2.0, label="a")
    assert str(explain(3 ** a, a)) == "∂(3^a)/∂a = 1.099·(3^a) = 1.099·9 = 9.888"


def test_a_control_character_never_reaches_latex():
    a = Value(2.0, label="y\n\x07z")
    tex = explain(a * 3, a).latex()
    assert "\n" not in tex.replace("\\\\\n", "") and "\x07" not in tex and r"\backslash{}x07" in tex
