"""``fit``: the training loop every demo writes, with a loss history and a progress bar."""

from __future__ import annotations

import itertools
import math
import random
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from numbers import Real
from typing import Any, TextIO

from autograd import RowTape, Value, no_grad, trace, trace_rows, vsum
from autograd.ieee import ieee_sum
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

    ``compiled=True``: the same numbers through ``autograd.trace_rows`` (one sample's loss
    traced once, looped over each batch's rows, or with NumPy, when that is faster for the
    batch's size, a layer at a time), ten to a hundred times faster. Each sample's gradient is eager's to the
    last bit; the batch's sums them in another order (agreeing to about 1e-15). Parameters are
    read and written as eagerly, so the two mix. Graphs that branch on values must stay eager.
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

    def penalty() -> Value:
        total: Value = l2 * sum(p * p for p in params)  # type: ignore[assignment]  # params: Values
        return total

    def batch_loss(rows: Sequence[Sequence[Any]], targets: Sequence[Any]) -> Value:
        E = vsum([loss(model(list(x)), t) for x, t in zip(rows, targets)]) * (1.0 / len(rows))
        return E + penalty() if l2 else E

    def eager(rows: _Rows, targets: Sequence[Any], whole_set: bool) -> float:
        E = batch_loss(rows, targets)
        opt.zero_grad()
        E.backward()
        return E.data

    if compiled:
        return _CompiledLoss(model, params, loss, penalty if l2 and params else None, eager)
    return eager


try:
    import numpy  # noqa: F401  (the [fast] extra)

    NUMPY = True
except ImportError:
    NUMPY = False

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


# Losses that read a target only through arithmetic: a target may be an input of their tape.
# Any other loss may branch on it (``t == 1`` is identity on a Value, always False), so its
# target is a constant: one tape per distinct target, up to MAX_TAPES, then eager.
VALUE_TARGETS = (LOSSES["squared_error"].fn, LOSSES["mse"].fn)
MAX_TAPES = 64


class _CompiledLoss:
    """A batch's loss and gradients through ``autograd.trace_rows``: one sample's loss traced
    once, its program looped over the batch's rows, or with NumPy, where ``arrays_faster``
    says so, a layer at a time over all of them.

    A target of a VALUE_TARGETS loss is one more input of the row, so one tape serves every
    target (of one length). Other targets are constants: one tape per distinct target, the
    batch's rows grouped by it; more than MAX_TAPES distinct targets (soft labels) and the
    eager path takes over. Each sample's loss and gradient are the eager engine's to the last
    bit on the loop; the batch's gradient adds them in another order than one eager graph
    does (about 1e-15 apart), and its loss is the same exactly rounded sum. Over NumPy arrays
    they agree to about 1e-15 relative to the terms' sizes, not bit for bit.
    """

    def __init__(self, model: Module, params: list[Value], loss: Loss,
                 penalty: Callable[[], Value] | None, eager: _Gradients) -> None:
        self.model, self.params, self.loss, self.eager = model, params, loss, eager
        self.index = {id(p): i for i, p in enumerate(params)}
        self.penalty = trace(penalty, []).compile() if penalty else None
        self.numbers = loss in VALUE_TARGETS
        self.nin: int | None = None
        self.tapes: dict[Any, tuple[RowTape, list[int]]] | None = {}  # None: eager instead

    def __call__(self, rows: _Rows, targets: Sequence[Any], whole: bool) -> float:
        groups = {} if self.tapes is None else self._groups(rows, targets)
        if self.tapes is None or len(self.tapes.keys() | groups.keys()) > MAX_TAPES:
            self.tapes = None  # too many targets: eager from now on
            return self.eager(rows, targets, whole)
        weight = 1.0 / len(rows)
        grads = [0.0] * len(self.params)
        values: list[float] = []
        for key, (target, group) in groups.items():
            tape, where = self._tape(key, target, group[0])
            _, g = tape(group, weight=weight, numpy=NUMPY and tape.arrays_faster(len(group)))
            values += tape.row_values
            for j, gj in zip(where, g):
                if j >= 0:
                    grads[j] += gj
        return self._finish(ieee_sum(values) * weight if weight != 1.0 else ieee_sum(values), grads)

    def _finish(self, value: float, grads: list[float]) -> float:
        """Add the penalty, set the parameters' gradients; the batch's loss."""
        if self.penalty is not None:
            more, g = self.penalty()
            value = value + more
            for j, gj in zip(self._where(self.penalty.params), g):
                grads[j] += gj
        with no_grad():
            for p, grad in zip(self.params, grads):
                p.grad = grad
        return value

    def _groups(self, rows: _Rows, targets: Sequence[Any]) -> dict[Any, tuple[Any, list[list[float]]]]:
        """The rows by tape, each group with a target to trace at: the rows with their targets'
        numbers, by how many there are; or the rows by target."""
        groups: dict[Any, tuple[Any, list[list[float]]]] = {}
        for k, (x, t) in enumerate(zip(rows, targets)):
            self.nin = self.nin if self.nin is not None else len(x)
            if len(x) != self.nin:
                raise ValueError(f"fit: input {k} of the batch has {len(x)} numbers, the first had "
                                 f"{self.nin}")
            numbers = _numbers_of(t) if self.numbers else []
            if numbers:
                groups.setdefault(("numbers", len(numbers)), (t, []))[1].append([*x, *numbers])
            else:
                groups.setdefault((type(t).__name__, repr(t)), (t, []))[1].append([*x])
        return groups

    def _tape(self, key: Any, target: Any, row: list[float]) -> tuple[RowTape, list[int]]:
        assert self.tapes is not None
        if key not in self.tapes:
            tape = self._traced(row[:self.nin], target, key[0] == "numbers")
            self.tapes[key] = tape, self._where(tape.params)
        return self.tapes[key]

    def _traced(self, x: Sequence[float], target: Any, numbers: bool) -> RowTape:
        """One sample's loss, traced at (x, target): the target's numbers the row's last inputs, or
        the target a constant of the tape."""
        nin, model, loss = len(x), self.model, self.loss
        if not numbers:
            return trace_rows(lambda *v: loss(model(list(v)), target), list(x))
        one = not isinstance(target, Sequence)
        return trace_rows(lambda *v: loss(model(list(v[:nin])), v[nin] if one else list(v[nin:])),
                          [*x, *_numbers_of(target)])

    def _where(self, params: list[Value]) -> list[int]:
        """Where each of a tape's parameters is in the model's list (-1: a leaf of the loss's own)."""
        return [self.index.get(id(p), -1) for p in params]


def _numbers_of(target: Any) -> list[float]:
    """A target's numbers (one, or a list's), or [] for anything else (a string, a list of lists)."""
    if isinstance(target, Real) and not isinstance(target, bool):
        return [float(target)]
    if isinstance(target, Sequence) and not isinstance(target, (str, bytes)) and target and all(
            isinstance(t, Real) and not isinstance(t, bool) for t in target):
        return [float(t) for t in target]
    return []
