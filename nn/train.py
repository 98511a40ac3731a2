"""``fit``: the training loop every demo writes, with a loss history and a progress bar."""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from autograd import Value, vsum

from .module import Module
from .optim import SGD, Optimizer

Loss = Callable[[Any, Any], Value]


def fit(
    model: Module,
    X: Sequence[Sequence[float]],
    y: Sequence[Any],
    loss: Loss,
    *,
    epochs: int = 100,
    optimizer: Optimizer | None = None,
    lr: float = 0.1,
    batch_size: int | None = None,
    l2: float = 0.0,
    seed: int = 0,
    progress: bool | None = None,
    stream: TextIO | None = None,
) -> list[float]:
    """Train ``model`` on (X, y) and return the mean loss of each epoch.

    Each step: the batch's mean of ``loss(model(x), target)`` per sample (+ ``l2``·Σp²), zero
    the gradients, backward, ``optimizer.step()`` (SGD with ``lr`` by default). ``batch_size``
    None means the full batch; mini-batches are drawn in a seeded shuffled order. The
    progress bar goes to ``stream`` (stderr) when it is a terminal, or when ``progress=True``.
    """
    if len(X) != len(y) or not X:
        raise ValueError(f"fit: {len(X)} inputs and {len(y)} targets; give as many, at least one")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"fit: epochs must be a positive int, not {epochs!r}")
    size = len(X) if batch_size is None else batch_size
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ValueError(f"fit: batch_size must be a positive int or None, not {batch_size!r}")
    params = model.parameters()
    opt = optimizer or SGD(params, lr=lr)
    stream = stream or sys.stderr
    show = progress if progress is not None else stream.isatty()
    rng = random.Random(seed)
    order = list(range(len(X)))
    history: list[float] = []
    start = time.perf_counter()
    for epoch in range(epochs):
        if size < len(X):
            rng.shuffle(order)
        total = 0.0
        for first in range(0, len(X), size):
            batch = order[first:first + size]
            E = vsum([loss(model(X[i]), y[i]) for i in batch]) * (1.0 / len(batch))
            if l2:
                E = E + l2 * sum(p * p for p in params)
            opt.zero_grad()
            E.backward()
            opt.step()
            total += E.data * len(batch)
        history.append(total / len(X))
        if show:
            _bar(stream, epoch + 1, epochs, history[-1], time.perf_counter() - start)
    if show:
        stream.write("\n")
    return history


def _bar(stream: TextIO, done: int, total: int, loss: float, elapsed: float) -> None:
    width = 30
    filled = width * done // total
    eta = elapsed / done * (total - done)
    stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] epoch {done}/{total}  "
                 f"loss {loss:.4g}  {elapsed:.1f}s elapsed, ~{eta:.1f}s left ")
    stream.flush()
