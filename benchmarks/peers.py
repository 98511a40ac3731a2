"""The two-moons step on other engines, for scale: PyTorch and NumPy, where installed.

- ``TorchScalarStep``: micrograd's own model and loss (``moons_step``) over 0-d float64 tensors,
  the same ~65,000 scalar operations an engine of Values does, each one dispatched by PyTorch.
- ``TorchBatchStep``: the network as float64 matrices, the batch in one tensor (what PyTorch is for).
- ``NumpyStep``: the same, forward, backward and update written by hand in NumPy.
Each starts from the weights of ``moons_step`` (seed 1337), so all rows compute the same numbers.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

from benchmarks.moons_step import ALPHA, MLP, FloatMLP, loss


def optional(name: str) -> ModuleType | None:
    """The module, or None when it is not installed (its rows are then skipped)."""
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


class TorchScalarStep:
    """micrograd's code over 0-d tensors; its own step, since ``p.grad = 0`` is refused by torch."""

    def __init__(self, torch: Any, X: list[list[float]], y: list[int], seed: int = 1337) -> None:
        def value(x: float) -> Any:
            return torch.tensor(float(x), dtype=torch.float64, requires_grad=True)

        self.torch, self.value, self.X, self.y = torch, value, X, y
        self.model = MLP(value, 2, [16, 16, 1], seed)
        self.params = self.model.parameters()

    def __call__(self, lr: float = 0.5) -> float:
        total = loss(self.value, self.model, self.X, self.y)
        for p in self.params:
            p.grad = None
        total.backward()
        with self.torch.no_grad():
            for p in self.params:
                p -= lr * p.grad
        return float(total.item())

    def weights(self) -> list[float]:
        return [float(p.item()) for p in self.params]


def _neuron_order(Ws: list[Any], Bs: list[Any]) -> list[float]:
    """Matrix weights in micrograd's parameter order: per neuron, its weights then its bias."""
    return [float(x) for W, B in zip(Ws, Bs) for wrow, bj in zip(W.tolist(), B.tolist()) for x in (*wrow, bj)]


class TorchBatchStep:
    """The network as float64 tensors (W: out × in), the 100 points as one batch."""

    def __init__(self, torch: Any, floats: FloatMLP, X: list[list[float]], y: list[int]) -> None:
        def tensor(a: Any) -> Any:
            return torch.tensor(a, dtype=torch.float64)

        self.torch = torch
        self.W = [tensor(Wl).requires_grad_() for Wl in floats.w]
        self.B = [tensor(Bl).requires_grad_() for Bl in floats.b]
        self.X, self.y = tensor(X), tensor(y)

    def __call__(self, lr: float = 0.5) -> float:
        h, last = self.X, len(self.W) - 1
        for k, (W, b) in enumerate(zip(self.W, self.B)):
            h = h @ W.T + b
            h = h.relu() if k < last else h
        params = [*self.W, *self.B]
        total = (1.0 - self.y * h[:, 0]).relu().mean() + ALPHA * sum((p * p).sum() for p in params)
        for p in params:
            p.grad = None
        total.backward()
        with self.torch.no_grad():
            for p in params:
                p -= lr * p.grad
        return float(total.item())

    def weights(self) -> list[float]:
        return _neuron_order([W.detach() for W in self.W], [B.detach() for B in self.B])


class NumpyStep:
    """Forward, backward and SGD update by hand in NumPy, float64, the batch at once."""

    def __init__(self, np: Any, floats: FloatMLP, X: list[list[float]], y: list[int]) -> None:
        self.np = np
        self.W = [np.array(Wl, dtype=np.float64) for Wl in floats.w]
        self.B = [np.array(Bl, dtype=np.float64) for Bl in floats.b]
        self.X, self.y = np.array(X, dtype=np.float64), np.array(y, dtype=np.float64)

    def __call__(self, lr: float = 0.5) -> float:
        np, W, B, y = self.np, self.W, self.B, self.y
        acts = [self.X]  # the inputs of each layer, then the scores
        for k in range(len(W)):
            z = acts[-1] @ W[k].T + B[k]
            acts.append(np.maximum(z, 0.0) if k < len(W) - 1 else z)
        margin = 1.0 - y * acts[-1][:, 0]
        reg = sum(float((Wl * Wl).sum() + (Bl * Bl).sum()) for Wl, Bl in zip(W, B))
        total = float(np.maximum(margin, 0.0).sum()) / len(y) + ALPHA * reg
        delta = np.where(margin > 0.0, -y / len(y), 0.0)[:, None]  # ∂loss/∂scores
        for k in range(len(W) - 1, -1, -1):
            gW, gB = delta.T @ acts[k], delta.sum(axis=0)
            if k:
                delta = (delta @ W[k]) * (acts[k] > 0.0)
            W[k] -= lr * (gW + 2.0 * ALPHA * W[k])
            B[k] -= lr * (gB + 2.0 * ALPHA * B[k])
        return total

    def weights(self) -> list[float]:
        return _neuron_order(self.W, self.B)
