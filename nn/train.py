"""``fit``: the training loop every demo writes, with a loss history and a progress bar."""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from autograd import Tape, Value, no_grad, trace, vsum

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
    lr: float | Callable[[int], float] = 0.1,
    batch_size: int | None = None,
    l2: float = 0.0,
    seed: int = 0,
    progress: bool | None = None,
    stream: TextIO | None = None,
    compiled: bool = False,
) -> list[float]:
    """Train ``model`` on (X, y) and return the mean loss of each epoch.

    Each step: the batch's mean of ``loss(model(x), target)`` per sample (+ ``l2``·Σp²), zero
    the gradients, backward, ``optimizer.step()`` (SGD with ``lr`` by default; ``lr`` may be
    a function of the epoch, a schedule, which then sets the optimizer's rate). ``batch_size``
    None means the full batch; mini-batches are drawn in a seeded shuffled order. The
    progress bar goes to ``stream`` (stderr) when it is a terminal, or when ``progress=True``.

    ``compiled=True`` computes the same numbers through ``autograd.trace`` tapes, traced on
    first use and replayed over plain floats, several times faster for a fixed network:
    full-batch training is one tape (bit-identical to eager); mini-batches use one tape per
    distinct target (a sample's graph depends on its target only through the loss).
    The model's parameters are read and written as in the eager path, so the two can be
    mixed. A model whose forward pass branches on values must stay eager.
    """
    if len(X) != len(y) or len(X) == 0:
        raise ValueError(f"fit: {len(X)} inputs and {len(y)} targets; give as many, at least one")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"fit: epochs must be a positive int, not {epochs!r}")
    size = len(X) if batch_size is None else batch_size
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ValueError(f"fit: batch_size must be a positive int or None, not {batch_size!r}")
    params = model.parameters()
    schedule = lr if callable(lr) else None
    opt = optimizer or SGD(params, lr=lr(0) if callable(lr) else lr)
    stream = stream or sys.stderr
    show = progress if progress is not None else stream.isatty()
    rng = random.Random(seed)

    def batch_loss(rows: Sequence[Sequence[Any]], targets: Sequence[Any]) -> Value:
        E = vsum([loss(model(list(x)), t) for x, t in zip(rows, targets)]) * (1.0 / len(rows))
        return E + l2 * sum(p * p for p in params) if l2 else E

    compiled_loss = _CompiledLoss(params, batch_loss) if compiled else None
    order = list(range(len(X)))
    history: list[float] = []
    start = time.perf_counter()
    for epoch in range(epochs):
        if schedule is not None:
            opt.lr = schedule(epoch)
        if size < len(X):
            rng.shuffle(order)
        total = 0.0
        for first in range(0, len(X), size):
            batch = order[first:first + size]
            rows, targets = [X[i] for i in batch], [y[i] for i in batch]
            if compiled_loss is not None:
                value = compiled_loss(rows, targets, whole=len(batch) == len(X))  # sets p.grad
            else:
                E = batch_loss(rows, targets)
                opt.zero_grad()
                E.backward()
                value = E.data
            opt.step()
            total += value * len(batch)
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


class _CompiledLoss:
    """A batch's loss and gradients through tapes (``autograd.trace``) instead of a graph.

    The whole data set in a fixed order (full-batch training) is one tape of exactly the
    eager path's operations, so the two give the same numbers to the last bit. Shuffled
    mini-batches change every epoch, so there each sample has a tape, one per distinct
    target (the graph depends on the target only through the loss), and the batch's mean
    is summed from them: the same values up to rounding.
    """

    def __init__(self, params: list[Value], batch_loss: Callable[..., Value]) -> None:
        self.params, self.batch_loss = params, batch_loss
        self.index = {id(p): i for i, p in enumerate(params)}
        self.whole: tuple[Tape, list[int]] | None = None
        self.per_target: dict[tuple[str, str], tuple[Tape, list[int]]] = {}

    def _traced(self, fn: Callable[..., Value], example: list[float]) -> tuple[Tape, list[int]]:
        tape = trace(fn, example)
        return tape, [self.index.get(id(p), -1) for p in tape.params]  # -1: not a parameter

    def __call__(self, rows: Sequence[Sequence[float]], targets: Sequence[Any], whole: bool) -> float:
        grads = [0.0] * len(self.params)
        if whole:
            nin = len(rows[0])
            if self.whole is None:
                self.whole = self._traced(
                    lambda *xs: self.batch_loss([xs[k:k + nin] for k in range(0, len(xs), nin)], targets),
                    [v for row in rows for v in row],
                )
            value = self._run(self.whole, [v for row in rows for v in row], grads)
        else:
            total = 0.0
            for x, t in zip(rows, targets):
                key = (type(t).__name__, repr(t))
                if key not in self.per_target:
                    self.per_target[key] = self._traced(lambda *xs, t=t: self.batch_loss([xs], [t]), list(x))
                total += self._run(self.per_target[key], x, grads)
            value = total / len(rows)
            grads = [g / len(rows) for g in grads]
        with no_grad():
            for p, grad in zip(self.params, grads):
                p.grad = grad
        return value

    @staticmethod
    def _run(traced: tuple[Tape, list[int]], xs: Sequence[float], grads: list[float]) -> float:
        """Replay a tape; add its parameter gradients into ``grads``; return its value."""
        tape, where = traced
        value, g = tape(*xs)
        for j, gj in zip(where, g):
            if j >= 0:
                grads[j] += gj
        return value
