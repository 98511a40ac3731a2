"""Optimizers: they read ``p.grad`` and change ``p.data``, under ``no_grad``.

    opt = SGD(net.parameters(), lr=0.01)
    net.zero_grad(); loss.backward(); opt.step()
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from autograd import Value, no_grad
from autograd.validate import positive


class Optimizer:
    """Holds the parameters; ``step`` updates them, ``zero_grad`` clears their gradients."""

    lr: float

    def __init__(self, params: Iterable[Value]) -> None:
        if callable(params):
            raise TypeError(f"{self.__class__.__name__}: pass the parameters, net.parameters(), "
                            "not the method net.parameters")
        try:
            self.params = list(params)
        except TypeError:
            raise TypeError(f"{self.__class__.__name__}: params must be a list of Values, "
                            f"not {type(params).__name__}") from None
        if not self.params:
            raise ValueError(f"{self.__class__.__name__}: no parameters to optimize")
        for i, p in enumerate(self.params):
            if not isinstance(p, Value):
                raise TypeError(f"{self.__class__.__name__}: parameter {i} is a "
                                f"{p.__class__.__name__}, not a Value")
            if not p.is_leaf:
                raise ValueError(f"{self.__class__.__name__}: parameter {i} ({p!r}) is computed by "
                                 f"op '{p.op}'; only leaves can be optimized")
        if len({id(p) for p in self.params}) != len(self.params):
            raise ValueError(f"{self.__class__.__name__}: a parameter appears twice in the list; "
                             "it would be updated twice per step")

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:  # pragma: no cover - every optimizer defines it
        raise NotImplementedError


class SGD(Optimizer):
    """p ← p − lr·v with v ← momentum·v + ∂E/∂p (plain gradient descent when momentum = 0)."""

    def __init__(self, params: Iterable[Value], lr: float, momentum: float = 0.0) -> None:
        super().__init__(params)
        self.lr = positive(lr, "SGD: lr")
        self.momentum = positive(momentum, "SGD: momentum", allow_zero=True)
        self._velocity = [0.0] * len(self.params)

    def step(self) -> None:
        with no_grad():
            for i, p in enumerate(self.params):
                v = self.momentum * self._velocity[i] + p.grad if self.momentum else p.grad
                self._velocity[i] = v
                p.data -= self.lr * v


class Adam(Optimizer):
    """Adam (Kingma & Ba): per-parameter steps from running means of g and g², bias-corrected."""

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 0.001,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
    ) -> None:
        super().__init__(params)
        self.lr = positive(lr, "Adam: lr")
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"Adam: betas must be a pair (beta1, beta2), not {betas!r}")
        b1, b2 = (_beta(b, f"Adam: betas[{k}]") for k, b in enumerate(betas))
        self.betas = (b1, b2)
        self.eps = positive(eps, "Adam: eps")
        self._m = [0.0] * len(self.params)
        self._v = [0.0] * len(self.params)
        self._t = 0

    def step(self) -> None:
        self._t += 1
        b1, b2 = self.betas
        c1, c2 = 1 - b1**self._t, 1 - b2**self._t
        with no_grad():
            for i, p in enumerate(self.params):
                g = p.grad
                self._m[i] = m = b1 * self._m[i] + (1 - b1) * g
                self._v[i] = v = b2 * self._v[i] + (1 - b2) * g * g
                p.data -= self.lr * (m / c1) / (math.sqrt(v / c2) + self.eps)


def _beta(b: object, what: str) -> float:
    """A decay rate: in [0, 1), or the running means would never forget (or would grow)."""
    value = positive(b, what, allow_zero=True)
    if value >= 1:
        raise ValueError(f"{what} must be in [0, 1), not {b!r}")
    return value
