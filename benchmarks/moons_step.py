"""Micrograd's two-moons training step, written once over any engine's ``Value`` class.

The model code is micrograd 0.1.0's ``nn.py`` and its demo's loss, verbatim in spirit, with the
Value class passed in, so that every engine runs exactly the same operations; then the same
step through chainrule's ``nn`` (eager, a tape, compiled tapes). ``floats_step`` is the step
written by hand over plain floats, every sample through backward: the floor for pure Python.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

ALPHA = 1e-4  # L2 weight, as in micrograd's demo


class Neuron:
    def __init__(self, value_cls: Any, nin: int, nonlin: bool, rng: random.Random) -> None:
        self.w = [value_cls(rng.uniform(-1, 1)) for _ in range(nin)]
        self.b = value_cls(0)
        self.nonlin = nonlin

    def __call__(self, x: Sequence[Any]) -> Any:
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return act.relu() if self.nonlin else act

    def parameters(self) -> list[Any]:
        return [*self.w, self.b]


class Layer:
    def __init__(self, value_cls: Any, nin: int, nout: int, nonlin: bool, rng: random.Random) -> None:
        self.neurons = [Neuron(value_cls, nin, nonlin, rng) for _ in range(nout)]

    def __call__(self, x: Sequence[Any]) -> Any:
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self) -> list[Any]:
        return [p for n in self.neurons for p in n.parameters()]


class MLP:
    """micrograd's MLP: ReLU hidden layers, linear output."""

    def __init__(self, value_cls: Any, nin: int, nouts: list[int], seed: int = 1337) -> None:
        rng = random.Random(seed)
        sz = [nin, *nouts]
        self.layers = [
            Layer(value_cls, sz[i], sz[i + 1], i != len(nouts) - 1, rng) for i in range(len(nouts))
        ]

    def __call__(self, x: Sequence[Any]) -> Any:
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self) -> list[Any]:
        return [p for layer in self.layers for p in layer.parameters()]

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.grad = 0


def loss(value_cls: Any, model: Any, X: list[list[float]], y: list[int]) -> Any:
    """micrograd demo's loss: mean hinge loss + ALPHA · Σ p²; y in {-1, +1}."""
    inputs = [list(map(value_cls, xrow)) for xrow in X]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = ALPHA * sum(p * p for p in model.parameters())
    return data_loss + reg_loss


def value_step(value_cls: Any, model: Any, X: list[list[float]], y: list[int], lr: float = 0.5) -> float:
    """One SGD step of micrograd's demo on ``model`` (an engine's Value graph)."""
    total = loss(value_cls, model, X, y)
    model.zero_grad()
    total.backward()
    for p in model.parameters():
        p.data -= lr * p.grad
    return float(total.data)


def nn_loss(model: Any, X: list[list[float]], y: list[int]) -> Any:
    """The demo's loss with chainrule's ``nn``: each neuron's Σwx+b is one fused ``dot`` node."""
    from nn import losses

    return losses.hinge([model(x) for x in X], y) + ALPHA * sum(p * p for p in model.parameters())


def nn_step(model: Any, X: list[list[float]], y: list[int], lr: float = 0.5) -> float:
    """One SGD step of the demo on an ``nn.MLP``, eagerly."""
    from autograd import no_grad

    total = nn_loss(model, X, y)
    model.zero_grad()
    total.backward()
    with no_grad():
        for p in model.parameters():
            p.data -= lr * p.grad
    return float(total.data)


def sgd(params: Sequence[Any], grads: Sequence[float], lr: float) -> None:
    """p ← p − lr·g on each parameter Value (leaves: no graph is recorded)."""
    for p, g in zip(params, grads):
        p.data -= lr * g


class CompiledStep:
    """The nn.MLP step through a tape: traced once (``autograd.trace``), then replayed by the
    generic loops; ``compile=True`` replays it as straight-line Python (``tape.compile()``)."""

    def __init__(self, model: Any, X: list[list[float]], y: list[int], compile: bool = False) -> None:
        from autograd import trace
        from nn import losses

        params = model.parameters()

        def total(*flat: Any) -> Any:
            scores = [model([flat[k], flat[k + 1]]) for k in range(0, len(flat), 2)]
            return losses.hinge(scores, y) + ALPHA * sum(p * p for p in params)

        self.flat = [v for row in X for v in row]
        self.tape = trace(total, self.flat)
        self.run: Any = self.tape.compile() if compile else self.tape

    def __call__(self, lr: float = 0.5) -> float:
        value, grads = self.run(*self.flat)
        sgd(self.tape.params, grads, lr)
        return float(value)


class RowStep:
    """The nn.MLP step as one sample's loss traced once (``autograd.trace_rows``) and replayed
    over the rows by a compiled loop, or by NumPy over all rows at once (``numpy=True``)."""

    def __init__(self, model: Any, X: list[list[float]], y: list[int], numpy: bool = False) -> None:
        from autograd import trace_rows

        params = model.parameters()

        def sample(x0: Any, x1: Any, t: Any) -> Any:
            return (1 + -t * model([x0, x1])).relu()

        def extra() -> Any:
            return ALPHA * sum(p * p for p in params)

        self.rows = [[*x, float(t)] for x, t in zip(X, y)]
        self.rt = trace_rows(sample, self.rows[0], extra=extra, mean=True)
        self.numpy = numpy

    def __call__(self, lr: float = 0.5) -> float:
        value, grads = self.rt(self.rows, numpy=True) if self.numpy else self.rt(self.rows)
        sgd(self.rt.params, grads, lr)
        return float(value)


class FloatMLP:
    """The same MLP as lists of floats: weights[k][j][i], biases[k][j]."""

    def __init__(self, nin: int, nouts: list[int], seed: int = 1337) -> None:
        rng = random.Random(seed)
        sz = [nin, *nouts]
        self.w: list[list[list[float]]] = []
        self.b: list[list[float]] = []
        for i in range(len(nouts)):  # same draw order as Neuron: weights, then b = 0
            rows = []
            for _ in range(sz[i + 1]):
                rows.append([rng.uniform(-1, 1) for _ in range(sz[i])])
            self.w.append(rows)
            self.b.append([0.0] * sz[i + 1])


def floats_step(model: FloatMLP, X: list[list[float]], y: list[int], lr: float = 0.5,
                skip: bool = False) -> float:
    """Forward, backward and update by hand over floats: what an engine can at best approach.

    Every sample goes through backward, as through an engine that does not look at the
    numbers: a met margin (relu' = 0) or a dead ReLU row sends zeros back, computed.
    ``skip=True`` leaves those out, as a person writing by hand would; it is faster by an
    amount that depends on the data and the weights, so it is no floor to compare with.
    """
    W, B = model.w, model.b
    gW = [[[0.0] * len(row) for row in Wl] for Wl in W]
    gB = [[0.0] * len(Bl) for Bl in B]
    inv_n = 1.0 / len(X)
    data_loss = 0.0
    for xrow, yi in zip(X, y):
        acts = _float_forward(W, B, xrow)
        margin = 1.0 - yi * acts[-1][0]
        if margin > 0.0:
            data_loss += margin
            delta = [-yi * inv_n]  # ∂loss/∂score
        elif skip:
            continue
        else:
            delta = [0.0]
        _float_backward(W, gW, gB, acts, delta, skip)
    return data_loss * inv_n + ALPHA * _l2_update(model, gW, gB, lr)


def floats_step_skipping(model: FloatMLP, X: list[list[float]], y: list[int], lr: float = 0.5) -> float:
    """The hand-written step that skips met margins and dead ReLU rows (the old floor)."""
    return floats_step(model, X, y, lr, skip=True)


def margins_met(model: FloatMLP, X: list[list[float]], y: list[int]) -> int:
    """How many samples' hinge margin is met (1 − y·s ≤ 0): their backward sends back zeros."""
    return sum(1.0 - yi * _float_forward(model.w, model.b, x)[-1][0] <= 0.0 for x, yi in zip(X, y))


def _float_forward(W: list[list[list[float]]], B: list[list[float]], xrow: list[float]) -> list[list[float]]:
    """The inputs of each layer, then the output: ReLU hidden layers, linear output."""
    nl = len(W)
    acts = [xrow]
    for k in range(nl):
        a = acts[-1]
        z = []
        for wrow, bj in zip(W[k], B[k]):
            s = bj
            for wi, xi in zip(wrow, a):
                s += wi * xi
            z.append(s)
        acts.append([v if v > 0.0 else 0.0 for v in z] if k < nl - 1 else z)
    return acts


def _float_backward(W: list[list[list[float]]], gW: list[list[list[float]]], gB: list[list[float]],
                    acts: list[list[float]], delta: list[float], skip: bool) -> None:
    """Add one sample's gradients (``delta`` = ∂loss/∂output) to gW and gB."""
    for k in range(len(W) - 1, -1, -1):
        a = acts[k]
        Wl, gWl, gBl = W[k], gW[k], gB[k]
        back = [0.0] * len(a)
        rows = [(j, dj) for j, dj in enumerate(delta) if dj != 0.0] if skip else enumerate(delta)
        for j, dj in rows:
            gBl[j] += dj
            grow, wrow = gWl[j], Wl[j]
            for i, ai in enumerate(a):
                grow[i] += dj * ai
                back[i] += dj * wrow[i]
        if k:
            delta = [d if v > 0.0 else 0.0 for d, v in zip(back, a)]


def _l2_update(model: FloatMLP, gW: list[list[list[float]]], gB: list[list[float]], lr: float) -> float:
    """Add the L2 term's gradient, take the SGD step; Σp² before the step."""
    reg = 0.0
    two_alpha = 2.0 * ALPHA
    for Wl, gWl, Bl, gBl in zip(model.w, gW, model.b, gB):
        for wrow, grow in zip(Wl, gWl):
            for i, wi in enumerate(wrow):
                reg += wi * wi
                grow[i] += two_alpha * wi
                wrow[i] = wi - lr * grow[i]
        for j, bj in enumerate(Bl):
            reg += bj * bj
            Bl[j] = bj - lr * (gBl[j] + two_alpha * bj)
    return reg


def float_weights(model: FloatMLP) -> list[float]:
    """The weights in micrograd's parameter order: per neuron, its weights then its bias."""
    return [x for Wl, Bl in zip(model.w, model.b) for wrow, bj in zip(Wl, Bl) for x in (*wrow, bj)]
