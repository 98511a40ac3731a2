"""Where does my backprop go wrong? A hand-written backpropagation's numbers against chainrule's.

``check_backprop(model, inputs, targets, loss, theirs)`` takes the numbers someone's own
backprop computed for one sample (in plain Python, NumPy, …), by name, and compares each with
the engine's:

    w16, ∂E/∂w16, dE/dw16, w[2][0,0]   ∂E/∂p of a parameter, by its label or its place
    δ_n3, δn3, delta_n3, δ_[0,0]        a neuron's δ = ∂E/∂net (∂E/∂net_n3 too; optional)
    ∂E/∂out_n3, ∂E/∂out[0,0]            ∂E/∂out of a neuron's output (optional)
    net_n3, out_n3, net[0,0], E         the forward pass's numbers (optional)

Two names of the same number with different values, or no numbers at all, are a ValueError.

It reports every disagreement, the forward pass's first (in the order it computes them: a
wrong forward value makes everything computed from it wrong, so the first is where the slip
is), then backpropagation's from the output layer down, each layer's δ before its gradients.
The first disagreement gets the chain-rule derivation of the right value, and the slip that
explains the numbers, found by recomputing the backward pass with each known slip put in and
seeing which reproduces every number given:

- a missing activation derivative: one layer's δ (or every layer's) without f′(net);
- a transposed weight: a square layer's ∂E/∂W written transposed, or δ sent down through W
  where Wᵀ is meant;
- a sign error in ∂E/∂out: target − out for out − target, every δ and gradient negated;
- using updated weights: δ sent down through weights already updated (w − lr·∂E/∂w), or the
  whole pass at the updated weights (``lr``: the learning rate; None tries the usual ones);
- a constant factor: every gradient c times the right one, shown by at least two independent
  numbers (2: E without its ½; n or 1/n: a sum where a mean over the n outputs is meant, or
  the reverse; another c: the output layer's δ is off by that factor).

When none reproduces them, the report says that no single known slip explains them.

Agreement is relative, ``rtol`` 1e-6 by default (with ``atol`` 1e-12 for numbers that should
be 0): a float64 backprop agrees with the engine to about 1e-15, a float32 one to about 1e-7
but a few gradients lose more to cancellation, so pass ``rtol=1e-4`` for float32 code.
"""

from __future__ import annotations

import copy
import difflib
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from autograd import Value, explain
from autograd.graph import local_grads, operands
from autograd.notation import number

from .layers import MLP, bias_label, neuron_labels, weight_label
from .losses import loss_named
from .readout import readout

RTOL, ATOL = 1e-6, 1e-12
COMMON_RATES = (0.5, 0.1, 0.01, 1.0, 0.05, 0.001, 0.2, 0.3, 0.25, 0.02, 0.005)
GRADIENT = re.compile(r"^(?:∂|d)E\s*/\s*(?:∂|d)\s*")  # ∂E/∂w16, dE/dw16
DELTA = re.compile(r"(?:δ|delta)_?(.+)")  # δ_n3, δn3, delta_n3
Loss = str | Callable[[list[Value], Any], Value]
Derive = Callable[[str], str]


@dataclass(frozen=True)
class Disagreement:
    """One number that is not chainrule's: ``name`` as the report writes it (∂E/∂w16, δ_n3,
    net_n3, E), the user's number, the engine's; the first gets a ``derivation`` and a ``slip``."""

    name: str
    theirs: float
    ours: float
    derivation: str = ""
    slip: str = ""


@dataclass(frozen=True)
class BackpropCheck:
    """What ``check_backprop`` found: truthy when every number given agrees; ``str`` is the report."""

    compared: int
    disagreements: list[Disagreement] = field(default_factory=list)
    rtol: float = RTOL

    @property
    def ok(self) -> bool:
        return not self.disagreements

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        if self.ok:
            return f"✓ all {self.compared} numbers agree with chainrule's (rtol {self.rtol:g})"
        wrong = len(self.disagreements)
        lines = [f"✗ {wrong} of {self.compared} numbers disagree with chainrule's "
                 "(forward pass first, then from the output layer down):"]
        lines += ["  {}: yours {}, chainrule's {}".format(d.name, *_apart(d.theirs, d.ours))
                  for d in self.disagreements]
        first = self.disagreements[0]
        lines += ["", f"The first, {first.name} = {_num(first.theirs)} (yours); chainrule derives it as:"]
        lines += ["  " + line for line in first.derivation.splitlines()]
        lines += ["", f"Most likely slip: {first.slip}"]
        return "\n".join(lines)


def _num(x: float) -> str:
    return number(x, 6)


def _apart(a: float, b: float) -> tuple[str, str]:
    """Two numbers to 6 significant digits, or to as many more as it takes to tell them apart."""
    for digits in range(6, 18):
        shown = number(a, digits), number(b, digits)
        if shown[0] != shown[1]:
            break
    return shown


def _term(x: float) -> str:
    """A number as a term of a sum: a negative one in parentheses."""
    return f"({_num(x)})" if x < 0 else _num(x)


@dataclass
class _Layer:
    """One layer's numbers, for the backward pass done by hand: W[j][i], the inputs x, the
    nets, f′(net), and the names its numbers have in the report."""

    W: list[list[float]]
    x: list[float]
    fprime: list[float]
    softmax: bool
    activation: str
    neurons: list[str]
    weight_names: list[list[str]]
    bias_names: list[str]
    out_grad_names: list[str] = field(default_factory=list)


@dataclass
class _Numbers:
    """The engine's worked sample: the layers, the output layer's δ-seed (∂E/∂out, or the
    softmax layer's δ itself), every number by its report name, the nodes to explain."""

    layers: list[_Layer]
    seed: list[float]
    values: dict[str, float]
    order: list[str]
    nodes: dict[str, Value | None]
    aliases: dict[str, str]


def check_backprop(model: MLP, inputs: Sequence[float], targets: Any, loss: Loss,
                   user_gradients: Mapping[str, Any], *, rtol: float = RTOL, atol: float = ATOL,
                   lr: float | None = None, input_names: Sequence[str] | None = None,
                   derive: Derive | None = None) -> BackpropCheck:
    """Compare someone's backprop numbers for one sample with chainrule's (see the module doc).

    ``loss`` is a name of ``nn.losses.LOSSES`` ("squared_error", …) or a function of the
    outputs and the targets; ``lr`` the learning rate the "updated weights" slip is tried with
    (None: the usual ones); ``derive(name)`` the derivation to show for the first disagreement
    (default: ``autograd.explain``). The model is not changed (a copy is worked)."""
    ours = _work(model, inputs, targets, loss, input_names)
    theirs = _theirs(user_gradients, ours)
    if not theirs:
        raise ValueError("check_backprop: no numbers to check: give ∂E/∂p of the parameters (w16, "
                         "w[l][j,i], b[l][j]), and δ_n, ∂E/∂out_n, net_n, out_n or E if you like")
    wrong = [name for name in ours.order if name in theirs
             and not _close(theirs[name], ours.values[name], rtol, atol)]
    if not wrong:
        return BackpropCheck(len(theirs), [], rtol)
    first = wrong[0]
    derivation = (derive or (lambda name: _derivation(ours, name)))(first)
    slip = _diagnose(model, inputs, targets, loss, theirs, ours, rtol=rtol, atol=atol, lr=lr)
    found = [Disagreement(n, theirs[n], ours.values[n]) for n in wrong]
    found[0] = replace(found[0], derivation=derivation, slip=slip)
    return BackpropCheck(len(theirs), found, rtol)


def _close(a: float, b: float, rtol: float, atol: float) -> bool:
    return math.isclose(a, b, rel_tol=rtol, abs_tol=atol)


def _work(model: MLP, inputs: Sequence[float], targets: Any, loss: Loss,
          input_names: Sequence[str] | None) -> _Numbers:
    """One forward and backward pass of a copy of the model through the engine, read back."""
    if not isinstance(model, MLP):
        raise TypeError(f"check_backprop: model must be an nn.MLP, not {type(model).__name__}")
    inputs = list(inputs)
    if len(inputs) != model.nin:
        raise ValueError(f"check_backprop: the model takes {model.nin} inputs, not {len(inputs)}")
    model = copy.deepcopy(model)
    names = list(input_names) if input_names is not None else [f"x{i + 1}" for i in range(model.nin)]
    xs = [x if isinstance(x, Value) else Value(float(x), label=name) for x, name in zip(inputs, names)]
    out = model(xs)
    outs = out if isinstance(out, list) else [out]
    E = _loss(loss, outs, targets, model.layers[-1].activation)
    E.label = E.label or "E"
    model.zero_grad()
    E.backward()
    return _numbers(model, E, outs)


def _loss(loss: Loss, outs: list[Value], targets: Any, activation: str) -> Value:
    if isinstance(loss, str):
        return loss_named(loss, "check_backprop: loss").of_network(outs, targets, activation)
    if not callable(loss):
        raise TypeError(f"check_backprop: loss must be a loss's name or a function, not {loss!r}")
    E = loss(outs, targets)
    if not isinstance(E, Value):
        raise TypeError(f"check_backprop: the loss function returned a {type(E).__name__}, not a Value")
    return E


def _numbers(model: MLP, E: Value, outs: list[Value]) -> _Numbers:
    """Every number of the pass by its report name, in the report's order (module doc)."""
    ro = readout(model, E, *outs)
    nums = _Numbers([], [], {}, [], {}, {})
    forward: list[str] = []
    for k, layer in enumerate(model.layers):
        x = [float(v.data if isinstance(v, Value) else v) for v in (
            ro.inputs if k == 0 else [ro.outs[n] for n in model.layers[k - 1].neurons])]
        nums.layers.append(_layer_numbers(k, layer, ro, x))
        for j, n in enumerate(layer.neurons):
            net, out = ro.nets[n], ro.outs.get(n)
            for name, place, v in ((n.net_label, neuron_labels(f"[{k},{j}]")[0], net),
                                   (_out_label(n.net_label), neuron_labels(f"[{k},{j}]")[1], out)):
                nums.values[name], nums.nodes[name] = (v.data if v is not None else math.nan), v
                nums.aliases[place] = name
                forward.append(name)
    nums.values["E"], nums.nodes["E"] = E.data, E
    last = model.layers[-1]
    nums.seed = ([ro.nets[n].grad for n in last.neurons] if last.activation == "softmax"
                 else [ro.outs[n].grad for n in last.neurons])
    nums.order = [*forward, "E", *_backward_names(nums.layers)]
    _backward_nodes(model, ro, nums)
    return nums


def _out_label(net_label: str) -> str:
    return "out" + net_label.removeprefix("net")


def _layer_numbers(k: int, layer: Any, ro: Any, x: list[float]) -> _Layer:
    fprime = []
    for n in layer.neurons:
        net, out = ro.nets[n], ro.outs.get(n)
        fprime.append(1.0 if out is None or out is net or layer.activation == "softmax"
                      else local_grads(out)[0])
    return _Layer([[w.data for w in n.w] for n in layer.neurons], x, fprime, layer.activation == "softmax",
                  layer.activation, [n.name for n in layer.neurons],
                  [[f"∂E/∂{w.label}" for w in n.w] for n in layer.neurons],
                  [f"∂E/∂{n.b.label}" for n in layer.neurons],
                  [f"∂E/∂{_out_label(n.net_label)}" for n in layer.neurons])


def _backward_names(layers: list[_Layer]) -> list[str]:
    """Backpropagation's numbers from the output layer down: each layer's δ, then ∂E/∂w, ∂E/∂b."""
    names: list[str] = []
    for layer in reversed(layers):
        names += layer.out_grad_names
        names += [f"δ_{n}" for n in layer.neurons]
        names += [w for row in layer.weight_names for w in row]
        names += layer.bias_names
    return names


def _backward_nodes(model: MLP, ro: Any, nums: _Numbers) -> None:
    """Each δ's net node and each gradient's parameter, with their values and place names."""
    for k, layer in enumerate(model.layers):
        for j, n in enumerate(layer.neurons):
            net, out = ro.nets[n], ro.outs.get(n)
            _put(nums, f"∂E/∂{_out_label(n.net_label)}", out.grad if out is not None else math.nan, out,
                 f"∂E/∂{neuron_labels(f'[{k},{j}]')[1]}")
            _put(nums, f"δ_{n.name}", net.grad, net, f"δ_[{k},{j}]")
            for i, w in enumerate(n.w):
                _put(nums, f"∂E/∂{w.label}", w.grad, w, f"∂E/∂{weight_label(k, j, i)}")
            _put(nums, f"∂E/∂{n.b.label}", n.b.grad, n.b, f"∂E/∂{bias_label(k, j)}")


def _put(nums: _Numbers, name: str, value: float, node: Value | None, place: str) -> None:
    nums.values[name], nums.nodes[name] = value, node
    nums.aliases[place] = name


def _canonical(key: str, nums: _Numbers) -> str | None:
    """The report's name for a name as someone wrote it (module doc); None when there is none."""
    q = key.strip()
    if GRADIENT.match(q):
        of = GRADIENT.sub("", q).strip()
        net = nums.aliases.get(of, of)
        is_net = net.startswith("net") and net in nums.values
        q = "δ_" + net.removeprefix("net").lstrip("_") if is_net else "∂E/∂" + of  # ∂E/∂net is δ
    elif DELTA.fullmatch(q) and q not in nums.values:
        q = "δ_" + DELTA.fullmatch(q).group(1).lstrip("_")  # type: ignore[union-attr]
    elif q not in nums.values and q not in nums.aliases and (
            f"∂E/∂{q}" in nums.values or f"∂E/∂{q}" in nums.aliases):
        q = f"∂E/∂{q}"  # a parameter's label stands for its gradient
    q = nums.aliases.get(q, q)
    return q if q in nums.values else None


def _theirs(given: Mapping[str, Any], nums: _Numbers) -> dict[str, float]:
    """The user's numbers by report name; a name that is none, a value that is no number, or
    two names of one number with different values, is a ValueError/TypeError naming them."""
    if not isinstance(given, Mapping):
        raise TypeError(f"check_backprop: the gradients must be a mapping of names to numbers, "
                        f"not {type(given).__name__}")
    theirs: dict[str, float] = {}
    keys: dict[str, Any] = {}
    for key, value in given.items():
        name = _canonical(key, nums) if isinstance(key, str) else None
        if name is None:
            raise ValueError(f"check_backprop: no number is named {key!r}{_hint(key, nums)}")
        number = _number(key, value)
        if name in theirs and not _same(theirs[name], number):
            raise ValueError(f"check_backprop: {keys[name]!r} and {key!r} name the same number ({name}), "
                             f"with different values ({_num(theirs[name])} and {_num(number)})")
        theirs[name], keys[name] = number, key
    return theirs


def _hint(key: Any, nums: _Numbers) -> str:
    """The closest names to one that is none."""
    names = [*nums.values, *nums.aliases]
    names = list(dict.fromkeys([*names, *(n.removeprefix("∂E/∂") for n in names)]))
    close = difflib.get_close_matches(str(key), names, n=3)
    return f"; did you mean {', '.join(close)}?" if close else f"; names are such as {nums.order[-1]}"


def _same(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


def _number(key: str, value: Any) -> float:
    """A number someone computed: any real number, nan and inf too (a bug may make them)."""
    if isinstance(value, (bool, str, bytes)) or not hasattr(value, "__float__"):
        raise TypeError(f"check_backprop: {key!r} is {value!r}, not a number")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise TypeError(f"check_backprop: {key!r} is {value!r}, not a number") from None


def _derivation(nums: _Numbers, name: str) -> str:
    """The right value worked out: the chain rule for a δ or a gradient, the formula otherwise."""
    node, E = nums.nodes[name], nums.nodes["E"]
    if node is None or E is None:
        return f"{name} is not in E's graph"
    if name.startswith("δ_"):
        return f"{name} = ∂E/∂{node.label}:\n{explain(E, node)}"
    if name.startswith("∂E/∂"):
        return str(explain(E, node))
    if node.op == "dot":  # a net input: Σ w·x + b
        ops = operands(node)
        n = len(ops) // 2
        terms = [f"{_name(w)}·{_name(x)}" for w, x in zip(ops[:n], ops[n:2 * n])]
        numbers = [f"{_term(_data(w))}·{_term(_data(x))}" for w, x in zip(ops[:n], ops[n:2 * n])]
        return (f"{name} = {' + '.join([*terms, _name(ops[-1])])} = "
                f"{' + '.join([*numbers, _term(_data(ops[-1]))])} = {_num(node.data)}")
    inner, values = ", ".join(_name(x) for x in node.inputs), ", ".join(_num(x.data) for x in node.inputs)
    return f"{name} = {node.op}({inner}) = {node.op}({values}) = {_num(node.data)}"


def _name(x: object) -> str:
    return (x.label or "·") if isinstance(x, Value) else _num(float(x))  # type: ignore[arg-type]


def _data(x: object) -> float:
    return x.data if isinstance(x, Value) else float(x)  # type: ignore[arg-type]


def named_gradients(weight_grads: Iterable[Any], bias_grads: Iterable[Any],
                    deltas: Iterable[Any] | None = None) -> dict[str, float]:
    """Per-layer arrays (``weight_grads[l][j][i]``, ``bias_grads[l][j]``, ``deltas[l][j]``, e.g.
    NumPy's dW, db, δ) as the names ``check_backprop`` reads: ``w[l][j,i]``, ``b[l][j]``, ``δ_[l,j]``.
    A bias or δ array may be a vector (n,), a column (n, 1) or a row (1, n); anything else (and
    a weight array that is not a matrix) is a ValueError naming the layer and the shape."""
    named: dict[str, float] = {}
    for k, dW in enumerate(weight_grads):
        named |= {f"∂E/∂{weight_label(k, j, i)}": float(g)
                  for j, row in enumerate(_matrix(dW, f"weight_grads[{k}]")) for i, g in enumerate(row)}
    for k, db in enumerate(bias_grads):
        named |= {f"∂E/∂{bias_label(k, j)}": float(g) for j, g in enumerate(_flat(db, f"bias_grads[{k}]"))}
    for k, d in enumerate(deltas or ()):
        named |= {f"δ_[{k},{j}]": float(g) for j, g in enumerate(_flat(d, f"deltas[{k}]"))}
    return named


def _is_seq(x: Any) -> bool:
    try:
        len(x)
    except TypeError:  # a number, or NumPy's 0-d array
        return False
    return not isinstance(x, (str, bytes))


def _shape(x: Any) -> tuple[int, ...]:
    if hasattr(x, "shape"):
        return tuple(x.shape)
    return (len(x), *(_shape(x[0]) if len(x) else ())) if _is_seq(x) else ()


def _flat(xs: Any, what: str) -> list[Any]:
    """A vector (n,), a column (n, 1) or a row (1, n) as a list of numbers (module doc)."""
    shape = _shape(xs)
    rows = list(xs) if _is_seq(xs) else []
    if len(shape) == 1:
        return rows
    if len(shape) == 2 and all(_is_seq(r) and not any(map(_is_seq, r)) for r in rows):
        if all(len(r) == 1 for r in rows):
            return [r[0] for r in rows]  # a column
        if len(rows) == 1:
            return list(rows[0])  # a row
    raise ValueError(f"named_gradients: {what} has shape {shape}: expected (n,), (n, 1) or (1, n), "
                     f"one number per neuron of layer {what.rpartition('[')[2].rstrip(']')}")


def _matrix(dW: Any, what: str) -> list[Any]:
    """A weight array as its rows, ∂E/∂W[j][i]; a ValueError naming it when it is no matrix."""
    rows = list(dW) if _is_seq(dW) else []
    if not rows or not all(_is_seq(r) and not any(map(_is_seq, r)) for r in rows):
        raise ValueError(f"named_gradients: {what} has shape {_shape(dW)}: expected a matrix "
                         "(neurons × inputs), ∂E/∂W[j][i]")
    return rows


# -- the slips: the backward pass by hand, each slip put in, against the user's numbers ----------


@dataclass(frozen=True)
class _Slip:
    """A slip to put into the backward pass: ``sign`` on ∂E/∂out, layers whose δ lacks f′(net),
    layers whose W sends δ down untransposed, layers whose ∂E/∂W is written transposed, and the
    learning rate of weights updated before δ is sent down through them."""

    sign: float = 1.0
    no_fprime: frozenset[int] = frozenset()
    down_through_w: frozenset[int] = frozenset()
    transposed_grad: frozenset[int] = frozenset()
    stale_lr: float | None = None


def _backward(nums: _Numbers, slip: _Slip = _Slip()) -> dict[str, float]:
    """The backward pass in δ form, as a hand-written backprop does it, with ``slip`` put in:
    δᴸ = ∂E/∂out ⊙ f′(net), δˡ = (Wˡ⁺¹)ᵀδˡ⁺¹ ⊙ f′(netˡ), ∂E/∂Wˡ = δˡxᵀ, ∂E/∂bˡ = δˡ."""
    got = {k: v for k, v in nums.values.items() if not k.startswith(("δ_", "∂E/∂"))}
    last = len(nums.layers) - 1
    down: list[float] = []
    for k in range(last, -1, -1):
        seed = [slip.sign * s for s in nums.seed] if k == last else down
        down = _layer_backward(nums.layers[k], k, seed, slip, got)
    return got


def _layer_backward(layer: _Layer, k: int, seed: list[float], slip: _Slip,
                    got: dict[str, float]) -> list[float]:
    """One layer's δ and gradients from the ∂E/∂out sent to it, into ``got``; what it sends down."""
    fp = [1.0] * len(layer.fprime) if k in slip.no_fprime else layer.fprime
    delta = seed if layer.softmax else [s * f for s, f in zip(seed, fp)]
    grads = [[d * x for x in layer.x] for d in delta]
    _record(layer, seed, delta, [list(col) for col in zip(*grads)] if k in slip.transposed_grad else grads,
            got)
    W = layer.W if slip.stale_lr is None else _updated(layer.W, grads, slip.stale_lr)
    if k in slip.down_through_w:
        W = [list(col) for col in zip(*W)]
    return [sum(W[j][i] * d for j, d in enumerate(delta)) for i in range(len(layer.x))]


def _record(layer: _Layer, seed: list[float], delta: list[float], grads: list[list[float]],
            got: dict[str, float]) -> None:
    if not layer.softmax:  # a softmax layer's seed is its δ, not ∂E/∂out
        got |= dict(zip(layer.out_grad_names, seed))
    got |= {f"δ_{n}": d for n, d in zip(layer.neurons, delta)}
    got |= {w: g for names, row in zip(layer.weight_names, grads) for w, g in zip(names, row)}
    got |= dict(zip(layer.bias_names, delta))


def _updated(W: list[list[float]], grads: list[list[float]], lr: float) -> list[list[float]]:
    return [[w - lr * g for w, g in zip(row, grow)] for row, grow in zip(W, grads)]


def _hypotheses(nums: _Numbers, rates: Sequence[float]) -> list[tuple[_Slip, str]]:
    """Every known slip this network can show, with what to call it."""
    layers = nums.layers
    found = [(_Slip(sign=-1.0), "a sign error in ∂E/∂out: target − out where out − target is meant "
                               "(every δ and every gradient has the opposite sign)")]
    for k in reversed(range(len(layers))):
        if not layers[k].softmax and layers[k].activation != "linear":
            act = layers[k].activation
            found.append((_Slip(no_fprime=frozenset({k})), "a missing activation derivative: "
                          f"{', '.join(f'δ_{n}' for n in layers[k].neurons)} without the factor "
                          f"{act}′(net) (layer {k})"))
    found.append((_Slip(no_fprime=frozenset(range(len(layers)))),
                  "a missing activation derivative: every δ without its factor f′(net)"))
    for k in reversed(range(len(layers))):
        if len(layers[k].W) == len(layers[k].x):
            found.append((_Slip(transposed_grad=frozenset({k})), f"a transposed weight: layer {k}'s "
                          "∂E/∂W written transposed, ∂E/∂w[j,i] given as ∂E/∂w[i,j] (∂E/∂W = δxᵀ)"))
            if k > 0:
                found.append((_Slip(down_through_w=frozenset({k})), f"a transposed weight: δ sent down "
                              f"from layer {k} through W where Wᵀ is meant (δˡ⁻¹ = Wᵀδˡ ⊙ f′)"))
    found += [(_Slip(stale_lr=lr), f"using updated weights: δ sent down through weights already "
               f"updated with lr = {lr:g} (update only after every δ is computed)") for lr in rates]
    return found


def _diagnose(model: MLP, inputs: Sequence[float], targets: Any, loss: Loss, theirs: Mapping[str, float],
             nums: _Numbers, *, rtol: float = RTOL, atol: float = ATOL, lr: float | None = None) -> str:
    """The known slip that reproduces every number given (see the module doc), or a sentence
    saying that no single known slip explains them."""
    rates = COMMON_RATES if lr is None else (lr,)
    for slip, name in _hypotheses(nums, rates):
        if _explains(_backward(nums, slip), theirs, rtol, atol):
            return name
    for rate in rates:
        if _explains(_after_step(model, inputs, targets, loss, nums, rate), theirs, rtol, atol):
            return (f"using updated weights: these are the gradients after a step of lr = {rate:g}, "
                    "not before it (compute every gradient, then update)")
    factor = _factor(nums, theirs, rtol, atol)
    return factor or ("no single known slip explains it (checked: a missing activation derivative, a "
                      "transposed weight, a sign error in ∂E/∂out, updated weights, a constant factor)")


def _explains(values: Mapping[str, float], theirs: Mapping[str, float], rtol: float, atol: float) -> bool:
    return all(name in values and _close(v, values[name], rtol, atol) for name, v in theirs.items())


def _after_step(model: MLP, inputs: Sequence[float], targets: Any, loss: Loss, nums: _Numbers,
                lr: float) -> dict[str, float]:
    """Every number of the pass at the weights after one step of ``lr``, by the same names."""
    stepped = copy.deepcopy(model)
    labels = {id(p): f"∂E/∂{p.label}" for p in stepped.parameters()}
    for p in stepped.parameters():
        p.data -= lr * nums.values[labels[id(p)]]
    return _work(stepped, inputs, targets, loss, None).values


def _factor(nums: _Numbers, theirs: Mapping[str, float], rtol: float, atol: float) -> str:
    """"every gradient c times the right one" when one finite c ≠ 0, ±1 fits every δ and gradient
    given, at least two of them independent and nonzero (δ_n, ∂E/∂b_n and ∂E/∂out_n are one)."""
    backward = [n for n in theirs if n.startswith(("δ_", "∂E/∂"))]
    if not all(_close(theirs[n], nums.values[n], rtol, atol) for n in theirs if n not in backward):
        return ""  # a wrong forward value is no factor
    nonzero = [n for n in backward if nums.values[n] != 0 and math.isfinite(nums.values[n])]
    c = theirs[nonzero[0]] / nums.values[nonzero[0]] if _independent(nums, nonzero) else math.nan
    if not math.isfinite(c) or c == 0 or _close(abs(c), 1.0, rtol, 0):
        return ""
    if not all(_close(theirs[n], c * nums.values[n], rtol, atol) for n in backward):
        return ""
    return (f"a constant factor: every δ and gradient is {c:.6g} times the right one: "
            f"{_reading(c, nums, rtol)}")


def _independent(nums: _Numbers, names: list[str]) -> bool:
    """At least two numbers that are not one by definition (δ_n = ∂E/∂b_n, ∂E/∂out_n's δ)."""
    same = {name: f"δ_{n}" for layer in nums.layers
            for n, *names_of in zip(layer.neurons, layer.bias_names, layer.out_grad_names)
            for name in names_of}
    return len({same.get(n, n) for n in names}) >= 2


def _reading(c: float, nums: _Numbers, rtol: float) -> str:
    """What a factor c on every δ and gradient most likely is (n: the network's outputs)."""
    n, a = len(nums.layers[-1].neurons), abs(c)
    readings = []
    if _close(a, 2.0, 2 * rtol, 0):
        readings.append("E without its ½ (Σ(t − out)² differentiates to 2(out − t))")
    if _close(a, 0.5, 2 * rtol, 0):
        readings.append("a ½ too many in ∂E/∂out (E = ½Σ(t − out)² differentiates to out − t)")
    if n > 1 and _close(a, n, 2 * rtol, 0):
        readings.append(f"a sum over the {n} outputs where their mean is meant")
    if n > 1 and _close(a, 1 / n, 2 * rtol, 0):
        readings.append(f"a mean over the {n} outputs where their sum is meant")
    reading = " or ".join(readings) or "the output layer's δ is off by that factor"
    return reading + (" (and of the opposite sign: a sign error in ∂E/∂out too)" if c < 0 else "")
