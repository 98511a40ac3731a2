"""``fit``: the training loop every demo writes, with a loss history and a progress bar."""

from __future__ import annotations

import itertools
import math
import random
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from autograd import Tape, Value, no_grad, trace, vsum
from autograd.notation import number
from autograd.validate import positive, random_seed, whole

from .losses import LOSSES, loss_named
from .module import Module
from .optim import SGD, Optimizer

Loss = Callable[[Any, Any], Value]
_Rows = Sequence[Sequence[float]]
# A batch's mean loss, its gradients left in the parameters' .grad: (rows, targets, whether the
# batch is the whole data set in order) -> loss.
_Gradients = Callable[[_Rows, Sequence[Any], bool], float]


def fit(
    model: Module,
    X: Sequence[Sequence[float]],
    y: Sequence[Any],
    loss: Loss | str,
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

    ``loss`` is a function ``loss(output, target)`` or the name of a loss in ``nn.losses.LOSSES``
    ("mse", "hinge", "cross_entropy", ...): that entry's ``fn`` with its default arguments (so
    "cross_entropy" reads logits). An unknown name is a ValueError listing the names.

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
    epochs, size = _checked_sizes(X, y, epochs, batch_size)
    params, l2 = model.parameters(), positive(l2, "fit: l2", allow_zero=True)
    opt = optimizer or SGD(params, lr=lr(0) if callable(lr) else lr)
    gradients = _watched(_batch_gradients(model, params, _loss_function(loss), l2, opt, compiled),
                         -(-len(X) // size))
    next_batches = _batch_orders(len(X), size, seed)
    bar = _Progress(stream or sys.stderr, epochs, progress)
    history: list[float] = []
    for epoch in range(epochs):
        if callable(lr):
            opt.lr = lr(epoch)
        history.append(_epoch(gradients, opt, X, y, next_batches()))
        bar.update(epoch + 1, history[-1])
    bar.close()
    return history


def _checked_sizes(
    X: Sequence[Sequence[float]], y: Sequence[Any], epochs: object, batch_size: object
) -> tuple[int, int]:
    """Refuse bad sizes before anything is trained; return (epochs, batch size) as ints."""
    if len(X) != len(y) or len(X) == 0:
        raise ValueError(f"fit: {len(X)} inputs and {len(y)} targets; give as many, at least one")
    epochs = whole(epochs, "fit: epochs", least=1)
    if batch_size is None:
        return epochs, len(X)
    try:
        return epochs, whole(batch_size, "fit: batch_size", least=1)
    except ValueError:  # the same rule, but the message also offers None
        raise ValueError(f"fit: batch_size must be a positive int or None, not {batch_size!r}") from None


def _loss_function(loss: object) -> Loss:
    """A loss given by name is the registry's function, so demos and network files agree."""
    if isinstance(loss, str):
        return loss_named(loss, "fit").fn
    if not callable(loss):
        raise TypeError(f"fit: loss must be a function loss(output, target) or the name of one of "
                        f"{', '.join(LOSSES)}, not {type(loss).__name__} {loss!r}")
    return loss


def _batch_gradients(model: Module, params: list[Value], loss: Loss, l2: float, opt: Optimizer,
                     compiled: bool) -> _Gradients:
    """The batch's loss and gradients, eager or through tapes, so the epoch loop need not know which."""

    def batch_loss(rows: Sequence[Sequence[Any]], targets: Sequence[Any]) -> Value:
        E = vsum([loss(model(list(x)), t) for x, t in zip(rows, targets)]) * (1.0 / len(rows))
        return E + l2 * sum(p * p for p in params) if l2 else E

    if compiled:
        return _CompiledLoss(params, batch_loss)

    def eager(rows: _Rows, targets: Sequence[Any], whole_set: bool) -> float:
        E = batch_loss(rows, targets)
        opt.zero_grad()
        E.backward()
        return E.data

    return eager


# A loss this many times its first value has diverged (a learning rate too large, say).
DIVERGED = 1e6


def _watched(gradients: _Gradients, per_epoch: int) -> _Gradients:
    """The batch gradients, checked before the optimizer steps: a loss that is no longer finite
    stops training (the parameters stay as before that step); an epoch's mean loss grown a
    millionfold over the first epoch's is warned about, once (a single batch may be far above
    the mean without anything going wrong). Both say where, so a diverging run is found."""
    means: list[float] = []  # the first epoch's mean loss, then the one warned about
    steps = itertools.count()
    epoch = [0.0, 0]  # this epoch's loss sum and sample count so far

    def watched(rows: _Rows, targets: Sequence[Any], whole_set: bool) -> float:
        value = gradients(rows, targets, whole_set)
        k = next(steps)
        if not math.isfinite(value):
            raise FloatingPointError(f"fit: the loss is {value} at step {k + 1} (epoch {k // per_epoch + 1});"
                                     " training stopped with the parameters as they were before it (a "
                                     "smaller learning rate?)")
        epoch[0] += value * len(rows)
        epoch[1] += len(rows)
        if k % per_epoch == per_epoch - 1:
            _check_growth(means, epoch[0] / epoch[1], k // per_epoch + 1)
            epoch[:] = [0.0, 0]
        return value

    return watched


def _check_growth(means: list[float], mean: float, epoch: int) -> None:
    """Warn, once, when an epoch's mean loss is DIVERGED times the first epoch's."""
    if not means:
        means.append(abs(mean))
    elif len(means) == 1 and means[0] > 0 and abs(mean) > DIVERGED * means[0]:
        means.append(abs(mean))
        warnings.warn(f"fit: the mean loss grew from {number(means[0])} in epoch 1 to {number(mean)} in "
                      f"epoch {epoch}: training is diverging (a smaller learning rate?)",
                      RuntimeWarning, stacklevel=5)


def _batch_orders(n: int, size: int, seed: int) -> Callable[[], list[list[int]]]:
    """Each call gives one epoch's batches of indices, reshuffled (seeded) unless a batch is all."""
    rng = random.Random(random_seed(seed, "fit: seed"))
    order = list(range(n))

    def batches() -> list[list[int]]:
        if size < n:
            rng.shuffle(order)
        return [order[first:first + size] for first in range(0, n, size)]

    return batches


def _epoch(gradients: _Gradients, opt: Optimizer, X: Sequence[Sequence[float]], y: Sequence[Any],
           batches: list[list[int]]) -> float:
    """One optimizer step per batch: the epoch's mean loss, weighting each batch by its size."""
    total = 0.0
    for batch in batches:
        value = gradients([X[i] for i in batch], [y[i] for i in batch], len(batch) == len(X))  # sets p.grad
        opt.step()
        total += value * len(batch)
    return total / len(X)


class _Progress:
    """The progress bar only on a terminal or when asked, so logs and tests stay clean."""

    def __init__(self, stream: TextIO, total: int, progress: bool | None) -> None:
        self.stream, self.total = stream, total
        self.show = progress if progress is not None else stream.isatty()
        self.start = time.perf_counter()

    def update(self, done: int, loss: float) -> None:
        """Redraw the bar after epoch ``done``, with its loss and the time left."""
        if self.show:
            _bar(self.stream, done, self.total, loss, time.perf_counter() - self.start)

    def close(self) -> None:
        """End the bar's line, so what is printed next starts on a fresh one."""
        if self.show:
            self.stream.write("\n")


def _bar(stream: TextIO, done: int, total: int, loss: float, elapsed: float) -> None:
    """One line redrawn in place (``\\r``), so a long run shows its progress without scrolling."""
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
        value = (self._whole_batch if whole else self._per_sample)(rows, targets, grads)
        with no_grad():
            for p, grad in zip(self.params, grads):
                p.grad = grad
        return value

    def _whole_batch(self, rows: _Rows, targets: Sequence[Any], grads: list[float]) -> float:
        """The data set in a fixed order is one tape, so full-batch training is bit-identical to eager."""
        nin = len(rows[0])
        flat = [v for row in rows for v in row]
        if self.whole is None:
            self.whole = self._traced(
                lambda *xs: self.batch_loss([xs[k:k + nin] for k in range(0, len(xs), nin)], targets), flat
            )
        return self._run(self.whole, flat, grads)

    def _per_sample(self, rows: _Rows, targets: Sequence[Any], grads: list[float]) -> float:
        """Shuffled batches change each epoch, so a tape per distinct target, averaged into ``grads``."""
        total = 0.0
        for x, t in zip(rows, targets):
            key = (type(t).__name__, repr(t))
            if key not in self.per_target:
                self.per_target[key] = self._traced(lambda *xs, t=t: self.batch_loss([xs], [t]), list(x))
            total += self._run(self.per_target[key], x, grads)
        for j, g in enumerate(grads):
            grads[j] = g / len(rows)
        return total / len(rows)

    @staticmethod
    def _run(traced: tuple[Tape, list[int]], xs: Sequence[float], grads: list[float]) -> float:
        """Replay a tape; add its parameter gradients into ``grads``; return its value."""
        tape, where = traced
        value, g = tape(*xs)
        for j, gj in zip(where, g):
            if j >= 0:
                grads[j] += gj
        return value
