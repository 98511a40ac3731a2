"""The chain rule of a dense layer in matrix form, with the numbers of a worked step.

"Mathematical Comprehension of Neural Networks" (docs/sources.md) writes backpropagation
through a dense layer as three products. For layer l, with δ⁽ˡ⁾ = ∂E/∂net⁽ˡ⁾ (one entry per
neuron), its input x⁽ˡ⁾ and its weights W⁽ˡ⁾ (a row per neuron: the network file's
``weights[j][i]``)::

    ∂E/∂W⁽ˡ⁾ = δ⁽ˡ⁾ · x⁽ˡ⁾ᵀ      ∂E/∂b⁽ˡ⁾ = δ⁽ˡ⁾      ∂E/∂x⁽ˡ⁾ = W⁽ˡ⁾ᵀ · δ⁽ˡ⁾

The document puts a neuron in each column of W (Y = X·W + B), so its ∂E/∂W = Xᵀ·∂E/∂Y is the
transpose of ours. ∂E/∂x⁽ˡ⁾ is the δ passed down: the gradient of the previous layer's outputs
(of the network's inputs, for the first layer), from which that layer's δ is ∂E/∂out ⊙ f′(net),
entry by entry. For a softmax output under cross-entropy, δ is worked out both ways: the chain
rule through softmax, Σⱼ ∂E/∂pⱼ · ∂pⱼ/∂zₖ, and the shortcut it comes to, p − y.

Every product is computed here from the step's numbers and kept beside the engine's own
gradient, so that the matrices are checked, not only shown. ∂E/∂wⱼᵢ = δⱼ·xᵢ and ∂E/∂bⱼ = δⱼ
are one rounding each, the one the engine's backward makes: they equal its gradients exactly.
∂E/∂xᵢ = Σⱼ wⱼᵢ·δⱼ is a sum, correctly rounded here (``ieee_sum``, math.fsum) where the engine
adds the terms one at a time in its backward order: they agree to rounding, that is within
n·2⁻⁵²·Σⱼ|wⱼᵢ·δⱼ|, the bound of an n-term sum in floating point.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from autograd import Value
from autograd.ieee import ieee_div, ieee_exp, ieee_sum
from autograd.notation import check_digits, latex_number, number, visible
from autograd.symbolic import Expr, digits_to_redo, product, total
from nn.layers import Neuron
from nn.readout import Readout, readout

from .walkthrough import NeuronStep, Walkthrough

Vector = tuple[float, ...]
Matrix = tuple[Vector, ...]
Names = tuple[str, ...]
ULP = 2.0**-52  # the spacing of floats at 1: a rounding error is at most half of it
SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _same(a: float, b: float) -> bool:
    """Equal, nan counting as equal to nan (a diverged step must still agree with itself)."""
    return a == b or (a != a and b != b)


def compare(ours: Sequence[float], engine: Sequence[float | None], slack: Sequence[float]) -> str:
    """How numbers computed here compare with the engine's: "exact", "rounding" (each within its
    slack), "differs", or "none" (the engine has no gradient there: a plain-number input)."""
    known = [e for e in engine if e is not None]
    if len(known) < len(engine):
        return "none"
    if all(_same(a, e) for a, e in zip(ours, known)):
        return "exact"
    if all(_same(a, e) or abs(a - e) <= s for a, e, s in zip(ours, known, slack)):
        return "rounding"
    return "differs"


@dataclass(frozen=True)
class SoftmaxShortcut:
    """∂E/∂z of a softmax output under cross-entropy E = −log pᵧ, two ways, beside the engine's δ:
    the chain rule Σⱼ ∂E/∂pⱼ · ∂pⱼ/∂zₖ, and the shortcut p − y it simplifies to (only j = y has
    ∂E/∂pⱼ ≠ 0, and −(1/pᵧ)·pᵧ([y = k] − pₖ) = pₖ − [k = y])."""

    target: int  # the class y, counted from 0 (the network file's ``class``)
    p: Vector
    y: Vector  # one-hot
    dE_dp: Vector  # −[j = y]/pⱼ
    dp_dz: Matrix  # [j][k] = ∂pⱼ/∂zₖ = pⱼ([j = k] − pₖ)
    chain: Vector  # [k] = Σⱼ dE_dp[j]·dp_dz[j][k], correctly rounded
    shortcut: Vector  # p − y
    delta: Vector  # the engine's ∂E/∂z: the layer's δ
    engine_dE_dp: tuple[float | None, ...]  # the output nodes' gradients; None from logits
    from_logits: bool = False  # a linear output: p = softmax(z) is computed here, not in the graph

    def agreement(self) -> dict[str, str]:
        """Each way to ∂E/∂z against the engine's δ, and ∂E/∂p against the engine's."""
        # p, y and each chain term are at most 1 in size, and the engine's path through exp, Σ
        # and ÷ rounds a few times per output: 2·2⁻⁵² at most over 3,000 random networks.
        slack = [len(self.p) * 4 * ULP] * len(self.p)
        return {"chain": compare(self.chain, self.delta, slack),
                "shortcut": compare(self.shortcut, self.delta, slack),
                "dE_dp": compare(self.dE_dp, self.engine_dE_dp, [0.0] * len(self.p))}


@dataclass(frozen=True)
class LayerMatrices:
    """One layer of a worked step in matrix form: δ, x, W, b and the three products, each beside
    the engine's gradient (see the module doc for why they agree exactly or to rounding)."""

    index: int  # 0 for the first layer, W⁽⁰⁾: layers are counted as in the report and labels (w[0][…])
    activation: str
    neurons: Names
    inputs: Names  # the labels of x's entries ("" for a plain number)
    weight_names: tuple[Names, ...]
    bias_names: Names
    x: Vector
    W: Matrix  # a row per neuron
    b: Vector
    delta: Vector  # ∂E/∂net, the engine's
    dE_dW: Matrix  # δ · xᵀ
    dE_db: Vector  # δ
    dE_dx: Vector  # Wᵀ · δ
    engine_dE_dW: Matrix
    engine_dE_db: Vector
    engine_dE_dx: tuple[float | None, ...]  # None where an input is a plain number
    softmax: SoftmaxShortcut | None = None  # how δ comes for a softmax output under cross-entropy
    # Otherwise δ = ∂E/∂out ⊙ f′(net), entry by entry: the engine's ∂E/∂out (the gradient passed
    # down from the layer above, or from the loss) and f′(net), each activation node's local
    # derivative (1 for a linear neuron). Empty for a softmax layer, whose f′ is a matrix.
    dE_dout: Vector = ()
    slope: Vector = ()
    output: bool = False  # the network's output layer (its ∂E/∂out comes from the loss)

    def agreement(self) -> dict[str, str]:
        """Each product against the engine's gradients: "exact", "rounding", "differs", "none"."""
        flat = [a for row in self.dE_dW for a in row]
        exact = [0.0] * len(flat)
        sums = [len(self.delta) * ULP * ieee_sum([abs(w * d) for w, d in zip(col, self.delta)])
                for col in _transpose(self.W)]
        checks = {"dE_dW": compare(flat, [e for row in self.engine_dE_dW for e in row], exact),
                  "dE_db": compare(self.dE_db, self.engine_dE_db, exact[: len(self.b)]),
                  "dE_dx": compare(self.dE_dx, self.engine_dE_dx, sums)}
        if self.slope:  # one product each, as the engine's backward: exact
            chained = [g * f for g, f in zip(self.dE_dout, self.slope)]
            checks["delta"] = compare(chained, self.delta, exact[: len(self.delta)])
        return checks | (self.softmax.agreement() if self.softmax else {})


def _transpose(m: Sequence[Sequence[float]]) -> Matrix:
    return tuple(zip(*m))


def matrix_form(w: Walkthrough) -> list[LayerMatrices]:
    """Every layer of the worked step in matrix form, the first layer first (backpropagation
    reads them the other way: the renderers start from the output)."""
    ro = readout(w.model, w.E, *w.outputs)
    return [_layer(w, k, steps, ro) for k, steps in enumerate(w.neurons)]


def _layer(w: Walkthrough, k: int, steps: list[NeuronStep], ro: Readout) -> LayerMatrices:
    """Layer k's matrices; ``ro``, the graph's neurons, gives f′(net) for δ = ∂E/∂out ⊙ f′(net)."""
    xs = steps[0].inputs  # every neuron of a dense layer reads the same inputs
    x, W = tuple(_data(v) for v in xs), tuple(tuple(p.data for p in s.weights) for s in steps)
    delta = tuple(s.delta for s in steps)
    shortcut = _softmax(w, steps) if k == len(w.neurons) - 1 else None  # the output layer's
    elementwise = shortcut is None and steps[0].activation != "softmax"  # softmax: f′ is a matrix
    dE_dout, slope = _elementwise(w.model.layers[k].neurons, ro) if elementwise else ((), ())
    return LayerMatrices(k, steps[0].activation, *_names(steps), x, W, tuple(s.bias.data for s in steps),
                         delta, *_products(x, W, delta), *_engine(steps), shortcut, dE_dout, slope,
                         output=k == len(w.neurons) - 1)


def _names(steps: list[NeuronStep]) -> tuple[Names, Names, tuple[Names, ...], Names]:
    """The neurons', inputs', weights' and biases' names, as the file and the graph give them."""
    inputs = tuple(v.label if isinstance(v, Value) else "" for v in steps[0].inputs)
    return (tuple(s.name for s in steps), inputs, tuple(tuple(p.label for p in s.weights) for s in steps),
            tuple(s.bias.label for s in steps))


def _engine(steps: list[NeuronStep]) -> tuple[Matrix, Vector, tuple[float | None, ...]]:
    """The engine's ∂E/∂W, ∂E/∂b and ∂E/∂x: the gradients backward left on the nodes."""
    return (tuple(tuple(p.grad for p in s.weights) for s in steps), tuple(s.bias.grad for s in steps),
            tuple(v.grad if isinstance(v, Value) else None for v in steps[0].inputs))


def _products(x: Vector, W: Matrix, delta: Vector) -> tuple[Matrix, Vector, Vector]:
    """δ·xᵀ, δ and Wᵀ·δ: each entry δⱼ·xᵢ or a sum of δⱼ·wⱼᵢ, the engine's products (its backward
    multiplies a node's gradient by each partial), the sums correctly rounded."""
    dE_dW = tuple(tuple(d * xi for xi in x) for d in delta)
    return dE_dW, delta, tuple(ieee_sum([d * wji for d, wji in zip(delta, col)]) for col in _transpose(W))


def _data(v: Value | float) -> float:
    return v.data if isinstance(v, Value) else float(v)


def _elementwise(neurons: list[Neuron], ro: Readout) -> tuple[Vector, Vector]:
    """∂E/∂out and f′(net) of each neuron, from the nodes of the graph."""
    outs = [ro.outs[n] for n in neurons]
    slope = tuple(1.0 if out is ro.nets[n] else out.local_grads[0] for n, out in zip(neurons, outs))
    return tuple(out.grad for out in outs), slope


def _softmax(w: Walkthrough, steps: list[NeuronStep]) -> SoftmaxShortcut | None:
    """The shortcut, for an output layer that cross-entropy reads as probabilities (softmax) or
    as logits (linear: the loss takes the softmax itself); None for any other output."""
    act, y = steps[0].activation, w.spec.target
    if w.spec.loss != "cross_entropy" or act not in ("softmax", "linear") or not isinstance(y, int):
        return None
    delta = tuple(s.delta for s in steps)
    if act == "softmax":
        return _shortcut(tuple(s.out for s in steps), y, delta, tuple(o.grad for o in w.outputs))
    return _shortcut(_probabilities([s.net for s in steps]), y, delta, (None,) * len(steps), True)


def _shortcut(p: Vector, y: int, delta: Vector, engine: tuple[float | None, ...],
              from_logits: bool = False) -> SoftmaxShortcut:
    """∂E/∂z through softmax, Σⱼ ∂E/∂pⱼ · ∂pⱼ/∂zₖ, and p − y; ``engine``: the graph's ∂E/∂p."""
    onehot = tuple(float(j == y) for j in range(len(p)))
    dE_dp = tuple(ieee_div(-1.0, pj) if t else 0.0 for pj, t in zip(p, onehot))
    dp_dz = tuple(tuple(pj * (float(j == k) - pk) for k, pk in enumerate(p)) for j, pj in enumerate(p))
    chain = tuple(ieee_sum([g * row[k] for g, row in zip(dE_dp, dp_dz)]) for k in range(len(p)))
    shortcut = tuple(pk - t for pk, t in zip(p, onehot))
    return SoftmaxShortcut(y, p, onehot, dE_dp, dp_dz, chain, shortcut, delta, engine, from_logits)


def _probabilities(zs: list[float]) -> Vector:
    """softmax(z), shifted by max z as nn.functional's (so that it never overflows)."""
    m = max(zs)
    exps = [ieee_exp(z - m) for z in zs]
    total = ieee_sum(exps)
    return tuple(ieee_div(e, total) for e in exps)


# --- plain text ---------------------------------------------------------------------------------

VERDICTS = {"exact": "✓ {what}: the engine's, exactly",
            "rounding": "✓ {what}: the engine's, to rounding{why}",
            "differs": "✗ {what}: not the engine's",
            "none": ""}
RESUMMED = " (the same terms, added in another order)"


def _sup(index: int) -> str:
    """A layer's superscript: ⁽²⁾."""
    return f"⁽{str(index).translate(SUPERSCRIPTS)}⁾"


def block(rows: Sequence[Sequence[float]], digits: int = 4) -> list[str]:
    """A matrix as lines of text: columns right-aligned, in brackets ⎡ ⎢ ⎣ (one row: [ ])."""
    cells = [[number(v, digits) for v in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))]
    lines = ["  ".join(c.rjust(width) for c, width in zip(row, widths)) for row in cells]
    if len(lines) == 1:
        return [f"[ {lines[0]} ]"]
    left = ["⎡", *["⎢"] * (len(lines) - 2), "⎣"]
    right = ["⎤", *["⎥"] * (len(lines) - 2), "⎦"]
    return [f"{a} {line} {b}" for a, line, b in zip(left, lines, right)]


def beside(*parts: list[str] | str) -> list[str]:
    """Blocks and operators side by side: each block centred on the tallest, each operator on
    the middle line, as a product is written by hand."""
    height = max(len(p) for p in parts if isinstance(p, list))
    columns = []
    for p in parts:
        if isinstance(p, str):
            column = [" " * len(p)] * height
            column[(height - 1) // 2] = p
        else:
            top, pad = (height - len(p)) // 2, " " * len(p[0])
            column = [pad] * top + p + [pad] * (height - top - len(p))
        columns.append(column)
    return ["  " + "".join(row).rstrip() for row in zip(*columns)]


def _column(v: Sequence[float]) -> list[tuple[float]]:
    return [(a,) for a in v]


def _verdict(what: str, result: str, why: str = RESUMMED) -> list[str]:
    """The check of an entry against the engine's gradient, as a line (none: no line)."""
    line = VERDICTS[result].format(what=what, why=why)
    return [f"  {line}"] if line else []


def _gradients(names: Sequence[str]) -> str:
    """∂E/∂ of some names: all of two, else the first … the last."""
    shown = [f"∂E/∂{visible(name)}" for name in names]
    return ", ".join(shown) if len(shown) <= 2 else f"{shown[0]} … {shown[-1]}"


def _delta_text(m: LayerMatrices, sup: str, digits: int) -> list[str]:
    """Where δ comes from: ∂E/∂out ⊙ f′(net), or the softmax's two ways, or the engine alone."""
    col = _column
    if m.softmax is not None:
        return _softmax_text(m.softmax, sup, visible(m.neurons[m.softmax.target]), digits)
    if not m.slope:
        return [f"δ{sup} = ∂E/∂net{sup} (the engine's) =", *beside(block(col(m.delta), digits))]
    source = "from the loss" if m.output else f"= ∂E/∂x{_sup(m.index + 1)}, passed down"
    return [f"δ{sup} = ∂E/∂out{sup} ⊙ f′(net{sup}), entry by entry (∂E/∂out{sup} {source}, "
            f"f′ = {m.activation}′) =",
            *beside(block(col(m.dE_dout), digits), " ⊙ ", block(col(m.slope), digits), " = ",
                    block(col(m.delta), digits)),
            *_verdict(f"δ{sup}", m.agreement()["delta"])]


def _operand_digits(m: LayerMatrices, digits: int) -> tuple[int, int]:
    """Digits for δ and x in δ·xᵀ, and for W and δ in Wᵀ·δ, so that each entry, redone by hand
    from the numbers shown, reads as it is shown (0.1529·0.55 is 0.08410, not ∂E/∂w6's 0.08407)."""
    outer = max((digits_to_redo([dj, xi], product, m.dE_dW[j][i], digits)
                 for j, dj in enumerate(m.delta) for i, xi in enumerate(m.x)), default=digits)
    n = len(m.delta)

    def passed_down(s: list[Expr]) -> Expr:  # Σⱼ Wⱼᵢ·δⱼ, the W's first, then the δ's
        return total([product([s[j], s[n + j]]) for j in range(n)])

    down = max((digits_to_redo([*(row[i] for row in m.W), *m.delta], passed_down, m.dE_dx[i], digits)
                for i in range(len(m.x))), default=digits)
    return outer, down


def _layer_text(m: LayerMatrices, digits: int) -> list[str]:
    """One layer as a learner reads the document: each product, its numbers, and the check."""
    sup, checks = _sup(m.index), m.agreement()
    neurons, inputs = ", ".join(map(visible, m.neurons)), ", ".join(map(visible, m.inputs))
    lines = [f"Layer {m.index} ({m.activation}): W{sup} is {len(m.W)}×{len(m.x)}, a row per neuron "
             f"({neurons}); x{sup} = ({inputs})", *_delta_text(m, sup, digits)]
    outer, down = _operand_digits(m, digits)
    lines += [f"∂E/∂W{sup} = δ{sup} · x{sup}ᵀ =",
              *beside(block(_column(m.delta), outer), " · ", block([m.x], outer), " = ",
                      block(m.dE_dW, digits)),
              *_verdict("each entry ∂E/∂w", checks["dE_dW"]),
              f"∂E/∂b{sup} = δ{sup} =", *beside(block(_column(m.dE_db), digits)),
              *_verdict("each entry ∂E/∂b", checks["dE_db"]),
              f"∂E/∂x{sup} = W{sup}ᵀ · δ{sup} =",
              *beside(block(_transpose(m.W), down), " · ", block(_column(m.delta), down), " = ",
                      block(_column(m.dE_dx), digits))]
    passed = "the inputs' gradient" if m.index == 0 else f"the δ passed down to layer {m.index - 1}"
    return lines + _verdict(f"{_gradients(m.inputs)}, {passed}", checks["dE_dx"])


def _softmax_text(s: SoftmaxShortcut, sup: str, name: str, digits: int) -> list[str]:
    """δ of a softmax output by the chain rule and by p − y, both beside the engine's."""
    checks, col = s.agreement(), _column
    where = ("p = softmax(z), computed here: the loss reads the logits z" if s.from_logits
             else "p = softmax(z), the layer's outputs")
    lines = [f"z = net{sup}, {where}; E = −log pᵧ, y = class {s.target} ({name}):",
             "  ∂E/∂pⱼ = −[j = y]/pⱼ,  ∂pⱼ/∂zₖ = pⱼ([j = k] − pₖ)",
             "∂E/∂zₖ = Σⱼ ∂E/∂pⱼ · ∂pⱼ/∂zₖ, that is ∂E/∂z = (∂p/∂z)ᵀ · ∂E/∂p =",
             *beside(block(_transpose(s.dp_dz), digits), " · ", block(col(s.dE_dp), digits), " = ",
                     block(col(s.chain), digits)),
             *_verdict("∂E/∂p", checks["dE_dp"]),
             "only ∂E/∂pᵧ is not 0, so ∂E/∂zₖ = −(1/pᵧ)·pᵧ([y = k] − pₖ) = pₖ − [k = y]:",
             "∂E/∂z = p − y =",
             *beside(block(col(s.p), digits), " − ", block(col(s.y), digits), " = ",
                     block(col(s.shortcut), digits)),
             f"δ{sup} = ∂E/∂net{sup} (the engine's) =", *beside(block(col(s.delta), digits))]
    why = " (the engine goes through e^(z − m), Σ and ÷)"
    lines += _verdict("Σⱼ ∂E/∂pⱼ · ∂pⱼ/∂zₖ", checks["chain"], why)
    lines += _verdict("p − y", checks["shortcut"], why)
    if s.p[s.target] == 0.0:  # e^(zᵧ − m) underflowed: the shortcut is right where p's chain is not
        lines.append("  pᵧ is 0 in floating point (e^(zᵧ − m) underflows): E = ∞, and the chain rule "
                     "through p gives nan where p − y does not")
    return lines


def text(layers: Sequence[LayerMatrices], digits: int = 4) -> str:
    """The matrix form of every layer as plain text, from the output back (as δ is passed)."""
    digits = check_digits(digits, "matrix_form.text")
    lines = ["The chain rule in matrix form (W: a row per neuron, the document's W transposed):",
             "  ∂E/∂W = δ · xᵀ,  ∂E/∂b = δ,  ∂E/∂x = Wᵀ · δ (the δ passed down)"]
    for m in reversed(layers):
        lines += ["", *_layer_text(m, digits)]
    return "\n".join(lines)


# --- LaTeX --------------------------------------------------------------------------------------


def bmatrix(rows: Sequence[Sequence[float]], digits: int = 4) -> str:
    """A matrix as LaTeX (KaTeX and MathJax read it): ``\\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}``."""
    body = r" \\ ".join(" & ".join(latex_number(v, digits) for v in row) for row in rows)
    return rf"\begin{{bmatrix}} {body} \end{{bmatrix}}"


def _d(of: str) -> str:
    return rf"\frac{{\partial E}}{{\partial {of}}}"


def latex(m: LayerMatrices, digits: int = 4) -> list[str]:
    """One layer's equations in LaTeX, one display each (math mode, without the ``$$``): names
    are the document's symbols, never the file's, so nothing needs escaping for Markdown."""
    digits = check_digits(digits, "matrix_form.latex")
    sup, col = f"^{{({m.index})}}", _column
    outer, down = _operand_digits(m, digits)
    return [*_delta_latex(m, sup, digits),
            rf"{_d('W' + sup)} = \delta{sup} \, x^{{({m.index})\top}} = {bmatrix(col(m.delta), outer)} "
            rf"{bmatrix([m.x], outer)} = {bmatrix(m.dE_dW, digits)}",
            rf"{_d('b' + sup)} = \delta{sup} = {bmatrix(col(m.dE_db), digits)}",
            rf"{_d('x' + sup)} = W^{{({m.index})\top}} \delta{sup} = {bmatrix(_transpose(m.W), down)} "
            rf"{bmatrix(col(m.delta), down)} = {bmatrix(col(m.dE_dx), digits)}"]


def _delta_latex(m: LayerMatrices, sup: str, digits: int) -> list[str]:
    """Where δ comes from, as ``_delta_text`` says it."""
    net, out, col = rf"\mathrm{{net}}{sup}", rf"\mathrm{{out}}{sup}", _column
    if m.softmax is not None:
        return _softmax_latex(m.softmax, sup, digits)
    if not m.slope:
        return [rf"\delta{sup} = {_d(net)} = {bmatrix(col(m.delta), digits)}"]
    return [rf"\delta{sup} = {_d(out)} \odot f'({net}) = "
            rf"{bmatrix(col(m.dE_dout), digits)} \odot {bmatrix(col(m.slope), digits)} "
            rf"= {bmatrix(col(m.delta), digits)}"]


def _softmax_latex(s: SoftmaxShortcut, sup: str, digits: int) -> list[str]:
    col, z = _column, f"z{sup}"
    return [
        rf"{_d('p_j')} = -\frac{{[j = y]}}{{p_j}}, \quad \frac{{\partial p_j}}{{\partial z_k}} "
        r"= p_j([j = k] - p_k)",
        rf"{_d(z)} = \left(\frac{{\partial p}}{{\partial z}}\right)^{{\top}} {_d('p')} "
        rf"= {bmatrix(_transpose(s.dp_dz), digits)} {bmatrix(col(s.dE_dp), digits)} "
        rf"= {bmatrix(col(s.chain), digits)}",
        rf"{_d(z)} = p - y = {bmatrix(col(s.p), digits)} - {bmatrix(col(s.y), digits)} "
        rf"= {bmatrix(col(s.shortcut), digits)}",
        rf"\delta{sup} = {_d(z)} = {bmatrix(col(s.delta), digits)}"]


def markdown(layers: Sequence[LayerMatrices], digits: int = 4) -> str:
    """Every layer's equations as Markdown display maths (``$$ … $$``), from the output back."""
    md = []
    for m in reversed(layers):
        md += [f"Layer {m.index} ({m.activation}):", ""]
        md += [f"$$\n{eq}\n$$\n" for eq in latex(m, digits)]
    return "\n".join(md)


# --- JSON ---------------------------------------------------------------------------------------


def _lists(x: Any) -> Any:
    """Tuples as lists, all the way down: JSON has arrays, and as_json's check walks lists."""
    if isinstance(x, (tuple, list)):
        return [_lists(v) for v in x]
    if isinstance(x, dict):
        return {k: _lists(v) for k, v in x.items()}
    return x


def as_dict(layers: Sequence[LayerMatrices], *, strict: bool = True) -> dict[str, Any]:
    """Every layer's numbers, names and checks as a JSON-able dict, the first layer first.

    ``strict``: as report.json writes numbers (chainrule/as_json.py, by its own function): nan
    and ±inf become null, and ``"non_finite"`` names each by its JSON pointer. With
    ``strict=False`` the floats are left as they are, for a report that makes them strict itself.
    """
    doc: dict[str, Any] = {"layers": [_lists(asdict(m)) | {"agreement": m.agreement()} for m in layers]}
    if not strict:
        return doc
    from .as_json import _finite  # here, not above: the report, which as_json reads, may read us

    non_finite: dict[str, str] = {}
    strict_doc: dict[str, Any] = _finite(doc, "", non_finite)
    strict_doc["non_finite"] = non_finite
    return strict_doc
