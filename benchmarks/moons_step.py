"""Micrograd's two-moons training step, written once over any engine's ``Value`` class.

The model code is micrograd 0.1.0's ``nn.py`` and its demo's loss, verbatim in spirit, with the
Value class passed in, so that every engine runs exactly the same operations. ``floats_step``
is the same step written by hand over plain floats: the floor for pure Python.
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


def nn_step(model: Any, X: list[list[float]], y: list[int], lr: float = 0.5) -> float:
    """The same step with chainrule's ``nn``: each neuron's Σwx+b is one fused ``dot`` node."""
    from autograd import no_grad
    from nn import losses

    params = model.parameters()
    total = losses.hinge([model(x) for x in X], y) + ALPHA * sum(p * p for p in params)
    model.zero_grad()
    total.backward()
    with no_grad():
        for p in params:
            p.data -= lr * p.grad
    return float(total.data)


class CompiledStep:
    """The nn.MLP step through a tape: traced once (``autograd.trace``), then replayed."""

    def __init__(self, model: Any, X: list[list[float]], y: list[int]) -> None:
        from autograd import trace
        from nn import losses

        params = model.parameters()

        def total(*flat: Any) -> Any:
            scores = [model([flat[k], flat[k + 1]]) for k in range(0, len(flat), 2)]
            return losses.hinge(scores, y) + ALPHA * sum(p * p for p in params)

        self.flat = [v for row in X for v in row]
        self.tape = trace(total, self.flat)

    def __call__(self, lr: float = 0.5) -> float:
        value, grads = self.tape(*self.flat)
        for p, g in zip(self.tape.params, grads):
            p.data -= lr * g
        return value


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


def floats_step(model: FloatMLP, X: list[list[float]], y: list[int], lr: float = 0.5) -> float:
    """Forward, backward and update by hand over floats: what an engine can at best approach."""
    W, B = model.w, model.b
    nl = len(W)
    gW = [[[0.0] * len(row) for row in Wl] for Wl in W]
    gB = [[0.0] * len(Bl) for Bl in B]
    n = len(X)
    inv_n = 1.0 / n
    data_loss = 0.0
    for xrow, yi in zip(X, y):
        acts = [xrow]  # inputs of each layer
        for k in range(nl):
            a = acts[-1]
            z = []
            for wrow, bj in zip(W[k], B[k]):
                s = bj
                for wi, xi in zip(wrow, a):
                    s += wi * xi
                z.append(s)
            acts.append([v if v > 0.0 else 0.0 for v in z] if k < nl - 1 else z)
        score = acts[-1][0]
        margin = 1.0 - yi * score
        if margin <= 0.0:
            continue
        data_loss += margin
        delta = [-yi * inv_n]  # ∂loss/∂score
        for k in range(nl - 1, -1, -1):
            a = acts[k]
            Wl, gWl, gBl = W[k], gW[k], gB[k]
            back = [0.0] * len(a)
            for j, dj in enumerate(delta):
                if dj == 0.0:
                    continue
                gBl[j] += dj
                grow, wrow = gWl[j], Wl[j]
                for i, ai in enumerate(a):
                    grow[i] += dj * ai
                    back[i] += dj * wrow[i]
            if k:
                delta = [d if v > 0.0 else 0.0 for d, v in zip(back, a)]
    reg = 0.0
    two_alpha = 2.0 * ALPHA
    for k in range(nl):
        for wrow, grow in zip(W[k], gW[k]):
            for i, wi in enumerate(wrow):
                reg += wi * wi
                grow[i] += two_alpha * wi
                wrow[i] = wi - lr * grow[i]
        Bl, gBl = B[k], gB[k]
        for j, bj in enumerate(Bl):
            reg += bj * bj
            Bl[j] = bj - lr * (gBl[j] + two_alpha * bj)
    return data_loss * inv_n + ALPHA * reg
