"""The matrix form of "Mathematical Comprehension of Neural Networks" (docs/sources.md) on worked
steps (chainrule/matrix_form.py): ∂E/∂W = δ·xᵀ, ∂E/∂b = δ, ∂E/∂x = Wᵀ·δ and, for softmax with
cross-entropy, ∂E/∂z = p − y, each entry checked against the engine's own gradient.

Equality or closeness, and why: ∂E/∂wⱼᵢ = δⱼ·xᵢ and ∂E/∂bⱼ = δⱼ are one multiplication each,
the one backward makes, so they must equal ``.grad`` exactly. ∂E/∂xᵢ = Σⱼ wⱼᵢ·δⱼ is correctly
rounded here while the engine adds the same terms one at a time, so the two may differ, but by
no more than the error bound of an n-term sum, n·2⁻⁵²·Σⱼ|wⱼᵢ·δⱼ|. The softmax shortcut p − y
and the chain rule through p are other computations than the engine's (which goes through
e^(z − m), Σ and ÷): all are within 1 of each other in size, so they agree to a few units of
2⁻⁵² (absolute).
"""

from __future__ import annotations

import dataclasses
import json
import math
import random
import re
from typing import Any

import pytest

from autograd import Value
from chainrule import netfile
from chainrule.matrix_form import (
    LayerMatrices,
    SoftmaxShortcut,
    as_dict,
    beside,
    block,
    bmatrix,
    compare,
    latex,
    markdown,
    matrix_form,
    text,
)
from chainrule.netfile import LayerSpec, NetSpec
from chainrule.walkthrough import Walkthrough, work

ULP = 2.0**-52
DOC_003 = "doc_003_softmax"
Step = tuple[Walkthrough, list[LayerMatrices]]


@pytest.fixture(scope="module")
def softmax_step() -> Step:
    w = work(netfile.resolve(DOC_003))
    return w, matrix_form(w)


@pytest.fixture(scope="module")
def step_2331() -> Step:
    w = work(netfile.resolve("doc_2331"))
    return w, matrix_form(w)


def shortcut_of(m: LayerMatrices) -> SoftmaxShortcut:
    assert m.softmax is not None
    return m.softmax


def sum_bound(W: tuple[tuple[float, ...], ...], delta: tuple[float, ...], i: int) -> float:
    """The error bound of the engine's one-at-a-time sum Σⱼ wⱼᵢ·δⱼ (and of ours, rounded once)."""
    return len(delta) * ULP * math.fsum(abs(row[i] * d) for row, d in zip(W, delta))


def assert_matches_the_engine(w: Walkthrough, layers: list[LayerMatrices]) -> None:
    """Every entry against the gradients the engine left on the nodes (not the copies in the model)."""
    for m, layer, steps in zip(layers, w.model.layers, w.neurons, strict=True):
        for j, neuron in enumerate(layer.neurons):
            assert [p.grad for p in neuron.w] == list(m.dE_dW[j])  # exactly: one rounding each
            assert neuron.b.grad == m.dE_db[j] == m.delta[j]
        for i, x in enumerate(steps[0].inputs):  # the previous layer's outputs, or the inputs
            assert isinstance(x, Value) and abs(x.grad - m.dE_dx[i]) <= sum_bound(m.W, m.delta, i)
        assert "differs" not in m.agreement().values()


# --- doc_003_softmax: the document's network, our numbers ------------------------------------


def test_003_layers_hold_the_network_and_its_inputs(softmax_step: Step) -> None:
    w, (hidden, output) = softmax_step
    assert (hidden.index, hidden.activation, output.index, output.activation) == (0, "relu", 1, "softmax")
    assert hidden.x == (0.5, -1.2, 2.0) and hidden.inputs == ("X1", "X2", "X3")
    assert [list(row) for row in hidden.W] == w.spec.layers[0].weights
    assert list(output.b) == w.spec.layers[1].biases
    assert output.x == pytest.approx((1.12, 0.0, 0.0, 1.33), abs=1e-15)  # relu(1.12), relu(−0.55), …
    assert output.neurons == ("p1", "p2", "p3") and output.inputs == ("out_Y1", "out_Y2", "out_Y3", "out_Y4")


def test_003_every_entry_is_the_engines_gradient(softmax_step: Step) -> None:
    assert_matches_the_engine(*softmax_step)


def test_003_softmax_shortcut_is_p_minus_onehot_and_the_engines_delta(softmax_step: Step) -> None:
    w, (_, output) = softmax_step
    s = output.softmax
    assert s is not None and s.target == 1 and not s.from_logits
    z = [0.3 * 1.12 + 0.1 * 1.33, -0.4 * 1.12 - 0.1 * 1.33 + 0.1, 0.2 * 1.12 + 0.4 * 1.33 - 0.1]
    assert z == pytest.approx([0.469, -0.481, 0.656], abs=1e-15)
    e = [math.exp(v) for v in z]
    p = [v / sum(e) for v in e]
    assert s.p == pytest.approx(p, abs=1e-15)
    assert s.y == (0.0, 1.0, 0.0)
    assert s.shortcut == (s.p[0], s.p[1] - 1.0, s.p[2])
    assert s.dE_dp == (0.0, -1.0 / s.p[1], 0.0) == tuple(o.grad for o in w.outputs)  # ∂(−log p₂)/∂p
    assert s.dp_dz[0][1] == s.p[0] * -s.p[1] and s.dp_dz[1][1] == s.p[1] * (1.0 - s.p[1])
    for k in range(3):
        assert s.delta[k] == output.delta[k] == w.neurons[1][k].delta
        assert abs(s.chain[k] - s.delta[k]) <= 8 * ULP  # chain rule through p = the engine's δ
        assert abs(s.shortcut[k] - s.delta[k]) <= 8 * ULP  # p − y = the engine's δ
    assert [round(d, 4) for d in s.delta] == [0.3857, -0.8508, 0.4651]
    assert {k: v for k, v in output.agreement().items() if v != "exact"} == {"chain": "rounding"}


def test_003_hidden_delta_is_the_passed_down_gradient_times_relu_slope(softmax_step: Step) -> None:
    _, (hidden, output) = softmax_step
    assert hidden.slope == (1.0, 0.0, 0.0, 1.0)  # net_Y2, net_Y3 < 0
    assert hidden.dE_dout == pytest.approx(output.dE_dx, abs=1e-15)
    assert hidden.delta == tuple(g * f for g, f in zip(hidden.dE_dout, hidden.slope))
    assert output.dE_dout == output.slope == ()  # softmax: δ comes by the shortcut instead
    # ∂E/∂x⁽¹⁾ = W⁽¹⁾ᵀ·δ⁽¹⁾ by hand, first entry: 0.3·0.3857 − 0.4·(−0.8508) + 0.2·0.4651
    d = output.delta
    assert output.dE_dx[0] == pytest.approx(0.3 * d[0] - 0.4 * d[1] + 0.2 * d[2], abs=1e-15)
    assert [round(v, 4) for v in output.dE_dx] == [0.5491, -0.5411, -0.1168, 0.3097]
    assert [round(v, 4) for v in hidden.dE_dx] == [0.1408, -0.1788, 0.3125]


def test_003_text_reads_like_the_document(softmax_step: Step) -> None:
    txt = text(softmax_step[1])
    assert txt.index("Layer 1 (softmax)") < txt.index("Layer 0 (relu)")  # from the output back
    for line in ["∂E/∂W⁽¹⁾ = δ⁽¹⁾ · x⁽¹⁾ᵀ =", "∂E/∂b⁽¹⁾ = δ⁽¹⁾ =", "∂E/∂x⁽¹⁾ = W⁽¹⁾ᵀ · δ⁽¹⁾ =",
                 "∂E/∂W⁽⁰⁾ = δ⁽⁰⁾ · x⁽⁰⁾ᵀ =", "∂E/∂z = p − y =", "y = class 1 (p2)"]:
        assert line in txt
    # δ to five digits: 0.4651·1.33 would redo to 0.6186, not the 0.6185 shown
    assert "  ⎢ −0.85082 ⎥ · [ 1.12  0  0  1.33 ] = ⎢ −0.9529  0  0  −1.132 ⎥" in txt
    assert "  ⎢ 0.1492 ⎥ − ⎢ 1 ⎥ = ⎢ −0.8508 ⎥" in txt
    assert "⎢ −6.703 ⎥" in txt  # ∂E/∂p₂ = −1/p₂
    for number in ["0.3857", "0.4651", "0.432", "0.513", "0.5491", "−0.5411", "0.2745", "−0.6589", "0.1408"]:
        assert number in txt
    assert "-" not in txt.replace("e-", "")  # the minus sign −, but in exponents
    assert "✓ each entry ∂E/∂w: the engine's, exactly" in txt
    assert "✓ p − y: the engine's, exactly" in txt and "✗" not in txt


def test_003_latex_has_the_numbers_and_is_well_formed(softmax_step: Step) -> None:
    _, (hidden, output) = softmax_step
    equations = latex(output) + latex(hidden)
    for tex in equations:
        assert_well_formed(tex)
    joined = "\n".join(equations)
    assert (r"\frac{\partial E}{\partial W^{(1)}} = \delta^{(1)} \, x^{(1)\top} = "
            r"\begin{bmatrix} 0.38575 \\ -0.85082 \\ 0.46507 \end{bmatrix} "
            r"\begin{bmatrix} 1.12 & 0 & 0 & 1.33 \end{bmatrix} = "
            r"\begin{bmatrix} 0.432 & 0 & 0 & 0.513 \\ -0.9529 & 0 & 0 & -1.132 \\ "
            r"0.5209 & 0 & 0 & 0.6185 \end{bmatrix}") in joined
    assert r"p - y = \begin{bmatrix} 0.3857 \\ 0.1492 \\ 0.4651 \end{bmatrix} - " in joined
    assert "−" not in joined  # LaTeX typesets - as the minus sign itself
    md = markdown(softmax_step[1])
    assert md.count("$$") == 2 * len(equations) and md.index("Layer 1") < md.index("Layer 0")


def test_003_json_is_strict_and_holds_every_number(softmax_step: Step) -> None:
    _, layers = softmax_step
    doc = json.loads(json.dumps(as_dict(layers), allow_nan=False))
    assert doc["non_finite"] == {}
    hidden, output = doc["layers"]
    assert output["dE_dW"] == [list(row) for row in layers[1].dE_dW]
    assert output["softmax"]["shortcut"] == list(shortcut_of(layers[1]).shortcut)
    assert output["agreement"]["shortcut"] == "exact" and hidden["agreement"]["dE_dW"] == "exact"
    assert hidden["softmax"] is None and hidden["inputs"] == ["X1", "X2", "X3"]
    assert "non_finite" not in as_dict(layers, strict=False)


# --- doc_2331: the 2-3-3-1 network of the Part 2 document ------------------------------------


def test_2331_every_entry_is_the_engines_gradient(step_2331: Step) -> None:
    assert_matches_the_engine(*step_2331)


def test_2331_entries_are_the_named_weights_gradients(step_2331: Step) -> None:
    w, (first, second, out) = step_2331
    assert out.weight_names == (("w16", "w17", "w18"),) and second.bias_names == ("b4", "b5", "b6")
    assert out.dE_dW[0] == tuple(w.nodes[name].grad for name in ("w16", "w17", "w18"))
    assert out.dE_db == (w.nodes["b7"].grad,)
    assert second.dE_dW[0][0] == w.nodes["w7"].grad and first.dE_dW[2][1] == w.nodes["w6"].grad
    # The document's ∂E/∂w16 = 0.0025 and ∂E/∂w7 = 0.03008 are right; its 0.0850 and 0.1003 for
    # w17 and w18 are not: δ⁽²⁾·out_n7 = 0.1253·1.1239 = 0.1408.
    assert [round(v, 4) for v in out.dE_dW[0]] == [0.0025, 0.1408, 0.1664]
    assert round(second.dE_dW[0][0], 5) == 0.03008


def test_2331_output_delta_is_the_documents_chain(step_2331: Step) -> None:
    """δ⁽²⁾ = ∂E/∂out_n9 · σ′(net_n9) = 0.7935 · 0.1579 = 0.1253, as the document works it."""
    w, (_, _, out) = step_2331
    assert out.softmax is None
    (g,), (slope,), (delta,) = out.dE_dout, out.slope, out.delta
    o = w.nodes["out_n9"].data
    assert g == w.nodes["out_n9"].grad == pytest.approx(o - 0.01, abs=1e-15)
    assert slope == pytest.approx(o * (1.0 - o), abs=1e-15)
    assert delta == g * slope  # one product, as the engine's backward
    assert [round(v, 4) for v in (g, slope, delta)] == [0.7935, 0.1579, 0.1253]


def test_2331_text_and_latex(step_2331: Step) -> None:
    _, layers = step_2331
    txt = text(layers)
    assert "  [ 0.7935 ] ⊙ [ 0.1579 ] = [ 0.1253 ]" in txt
    assert "  [ 0.1253 ] · [ 0.0197  1.124  1.328 ] = [ 0.002468  0.1408  0.1664 ]" in txt
    assert "∂E/∂out⁽¹⁾ = ∂E/∂x⁽²⁾, passed down" in txt and "∂E/∂out⁽²⁾ from the loss" in txt
    assert "∂E/∂x1, ∂E/∂x2, the inputs' gradient" in txt
    assert [m.output for m in layers] == [False, False, True]
    assert "∂E/∂out⁽¹⁾ = ∂E/∂x⁽²⁾, passed down" in text(layers[1:2])  # one layer alone reads the same
    for m in layers:
        for tex in latex(m):
            assert_well_formed(tex)
    assert r"\begin{bmatrix} 0.002468 & 0.1408 & 0.1664 \end{bmatrix}" in latex(layers[2])[1]
    assert r"\odot" in latex(layers[2])[0]


# --- every example, and networks of random numbers -------------------------------------------


@pytest.mark.parametrize("example", netfile.examples())
def test_every_example_in_every_form(example: str) -> None:
    w = work(netfile.resolve(example))
    layers = matrix_form(w)
    assert len(layers) == len(w.neurons)
    assert_matches_the_engine(w, layers)
    json.dumps(as_dict(layers), allow_nan=False)
    assert text(layers).count("\nLayer ") == len(layers)
    for m in layers:
        for tex in latex(m):
            assert_well_formed(tex)


def random_spec(rng: random.Random, output: str) -> NetSpec:
    nin, hidden, classes = rng.randint(1, 4), rng.randint(1, 5), rng.randint(2, 5)
    scale = rng.choice([0.5, 3.0, 10.0])

    def layer(act: str, n: int, m: int) -> LayerSpec:
        return LayerSpec(act, [[rng.uniform(-scale, scale) for _ in range(m)] for _ in range(n)],
                         [rng.uniform(-1, 1) for _ in range(n)])

    first = layer(rng.choice(["relu", "tanh", "sigmoid", "linear"]), hidden, nin)
    layers = [first, layer(output, classes, hidden)]
    return NetSpec("<random>", "random", [rng.uniform(-2, 2) for _ in range(nin)], layers,
                   "cross_entropy", rng.randrange(classes), 0.1)


@pytest.mark.parametrize("output", ["softmax", "linear"])
def test_shortcut_on_random_networks(output: str) -> None:
    """The shortcut for a softmax layer, and for logits (a linear output that the loss turns into
    p itself), against the engine, over networks whose probabilities span many decades."""
    rng = random.Random(11)
    for _ in range(150):
        w = work(random_spec(rng, output))
        layers = matrix_form(w)
        if all(map(math.isfinite, layers[-1].delta)):
            assert_matches_the_engine(w, layers)
        s = layers[-1].softmax
        assert s is not None and s.from_logits == (output == "linear")
        if s.p[s.target] == 0.0:  # underflow: see test_underflow_...
            continue
        for k in range(len(s.p)):
            assert abs(s.shortcut[k] - s.delta[k]) <= 8 * ULP
            assert abs(s.chain[k] - s.delta[k]) <= 8 * ULP


def underflow_spec(output: str) -> NetSpec:
    """Logits z ≈ (−898, 901) and class 0: e^(z₀ − z₁) underflows, so p₀ is 0 in floating point."""
    return NetSpec("<underflow>", "underflow", [1.0, -2.0],
                   [LayerSpec("tanh", [[1e-9, 2.0], [3.0, -4.0]], [0.0, 1.0]),
                    LayerSpec(output, [[900.0, 1.0], [-900.0, 2.0]], [0.0, 0.0])], "cross_entropy", 0, 0.1)


def test_underflow_from_logits_the_shortcut_is_right_where_the_chain_through_p_is_not() -> None:
    (_, out) = matrix_form(work(underflow_spec("linear")))
    s = shortcut_of(out)
    assert s.p == (0.0, 1.0) and s.shortcut == (-1.0, 1.0) == s.delta  # log-sum-exp: finite
    assert all(math.isnan(c) for c in s.chain) and s.dE_dp[0] == -math.inf
    assert out.agreement()["chain"] == "differs" and out.agreement()["shortcut"] == "exact"
    txt = text(matrix_form(work(underflow_spec("linear"))))
    assert "✗ Σⱼ ∂E/∂pⱼ · ∂pⱼ/∂zₖ: not the engine's" in txt and "pᵧ is 0 in floating point" in txt


def test_underflow_through_softmax_json_stays_strict() -> None:
    layers = matrix_form(work(underflow_spec("softmax")))
    s = shortcut_of(layers[-1])
    assert all(math.isnan(d) for d in s.delta)  # the engine's δ goes through p = 0
    assert s.shortcut == (-1.0, 1.0)
    doc = as_dict(layers)
    json.dumps(doc, allow_nan=False)
    assert doc["non_finite"]["/layers/1/softmax/dE_dp/0"] == "-inf"
    assert doc["non_finite"]["/layers/1/delta/0"] == "nan" and doc["layers"][1]["delta"] == [None, None]
    assert layers[-1].agreement()["dE_dW"] == "exact"  # nan = nan: the products still agree
    for m in layers:
        for tex in latex(m):
            assert_well_formed(tex)
    assert r"\mathrm{NaN}" in latex(layers[-1])[1] and r"-\infty" in latex(layers[-1])[1]


def test_a_non_softmax_output_under_cross_entropy_has_no_shortcut() -> None:
    spec = underflow_spec("linear")
    spec.layers[1].activation = "tanh"  # logits through tanh: δ is not p − y
    layers = matrix_form(work(spec))
    assert layers[-1].softmax is None and len(layers[-1].slope) == 2


# --- the checks, the layout, the digits ------------------------------------------------------


def test_compare_says_exact_rounding_differs_or_none() -> None:
    assert compare([1.0, math.nan], [1.0, math.nan], [0.0, 0.0]) == "exact"
    assert compare([1.0], [1.0 + ULP], [ULP]) == "rounding"
    assert compare([1.0], [1.0 + 2 * ULP], [ULP]) == "differs"
    assert compare([1.0], [None], [1.0]) == "none"


def test_verdicts_in_the_text(softmax_step: Step) -> None:
    hidden = softmax_step[1][0]
    bumped = dataclasses.replace(hidden, engine_dE_dx=(hidden.dE_dx[0] * (1 + ULP), *hidden.dE_dx[1:]))
    assert bumped.agreement()["dE_dx"] == "rounding"
    rounding = "∂E/∂X1 … ∂E/∂X3, the inputs' gradient: the engine's, to rounding (the same terms"
    assert rounding in text([bumped])
    wrong = dataclasses.replace(hidden, engine_dE_db=(0.5, *hidden.engine_dE_db[1:]))
    assert "✗ each entry ∂E/∂b: not the engine's" in text([wrong])
    with pytest.raises(dataclasses.FrozenInstanceError):
        hidden.index = 3  # type: ignore[misc]


def test_matrices_are_aligned_and_bracketed() -> None:
    assert block([[1.0, -2.5]]) == ["[ 1  −2.5 ]"]
    assert block([[1.0], [-0.25], [10.0]]) == ["⎡     1 ⎤", "⎢ −0.25 ⎥", "⎣    10 ⎦"]
    four = block([[3.0, 4.0], [6.0, 8.0]])
    product = beside(block([[1.0], [2.0]]), " · ", block([[3.0, 4.0]]), " = ", four)
    assert product == [
        "  ⎡ 1 ⎤ · [ 3  4 ] = ⎡ 3  4 ⎤",
        "  ⎣ 2 ⎦              ⎣ 6  8 ⎦",
    ]
    assert bmatrix([[1.0, -2.0], [1e-7, math.inf]]) == (
        r"\begin{bmatrix} 1 & -2 \\ 1 \times 10^{-7} & \infty \end{bmatrix}")


def test_digits(softmax_step: Step) -> None:
    _, layers = softmax_step
    assert "0.385748" in text(layers, digits=6) and "0.385748" not in text(layers)
    assert r"0.38575 \\" in latex(layers[1], digits=5)[1]
    bad: Any
    for bad in (0, 18, 2.5, True):
        with pytest.raises((TypeError, ValueError)):
            text(layers, digits=bad)
        with pytest.raises((TypeError, ValueError)):
            latex(layers[1], digits=bad)


# --- a quick LaTeX check: what KaTeX and MathJax would choke on --------------------------------


def assert_well_formed(tex: str) -> None:
    """Balanced braces, each \\begin with its \\end, rows of a bmatrix separated by \\\\ and all
    of one length, and \\\\ nowhere else; no $ (the Markdown around it adds those)."""
    depth = 0
    for c in re.sub(r"\\[{}]", "", tex):
        depth += {"{": 1, "}": -1}.get(c, 0)
        assert depth >= 0, tex
    assert depth == 0, tex
    assert re.findall(r"\\begin\{(\w+)\}", tex) == re.findall(r"\\end\{(\w+)\}", tex)
    bodies = re.findall(r"\\begin\{bmatrix\}(.*?)\\end\{bmatrix\}", tex)
    assert "$" not in tex
    for body in bodies:
        rows = body.split(r" \\ ")
        assert len({row.count("&") for row in rows}) == 1, body
    outside = re.sub(r"\\begin\{bmatrix\}.*?\\end\{bmatrix\}", "", tex)
    assert r"\\" not in outside
