"""``trace_rows``: one sample's loss traced once, replayed over every row of a batch.

A batch's loss is nearly always the mean of one function of each row (the inputs and the
target) plus a term of the parameters alone (an L2 penalty). Traced whole, a 100-row batch is
a tape of 100 copies of the same graph; traced per sample it is one copy, and the batch is a
loop over the rows around its straight-line program (``program.rows_program``): compiled in a
fraction of the time, and as fast to run. Each row's value and gradient are the eager
engine's to the last bit; the batch's gradient sums them row by row, so it agrees with an
eager graph of the whole batch up to the order of those sums (a few units in the last place).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from . import program
from .ieee import ieee_sum
from .tape import CompiledTape, cut, trace
from .validate import Number, real
from .value import Value

# Seconds an operation of the row loop takes, and a line of the array program (whose NumPy
# calls cost about the same for 1 row as for 100): measured on 2-4-1 to 2-64-64-1 MLPs, where
# this estimate put the crossing between 3 rows (2-64-64-1) and 60 (2-4-1) within 20%.
SCALAR_OP = 13e-9
ARRAY_LINE = 1.6e-6


class RowTape:
    """``loss, grads = rt(rows)``: mean (or sum) of ``sample(*row)`` over the rows, plus ``extra()``,
    and its gradient with respect to ``rt.params``; ``rt.row_values`` then holds each row's value."""

    def __init__(self, sample: Callable[..., Value], example_row: Sequence[Number],
                 extra: Callable[[], Value] | None = None, mean: bool = True) -> None:
        self.sample = trace(sample, example_row)
        self.extra = CompiledTape(trace(extra, [])) if extra is not None else None
        self.mean = mean
        seen = {id(p) for p in self.sample.params}
        more = [p for p in self.extra.params if id(p) not in seen] if self.extra else []
        self.params: list[Value] = [*self.sample.params, *more]
        where = {id(p): k for k, p in enumerate(self.params)}
        self._extra_at = [where[id(p)] for p in self.extra.params] if self.extra else []
        self.source = program.rows_program(self.sample)
        self._rows: Callable[..., Any] | None = None  # compiled at first use
        self._arrays: Callable[..., Any] | None = None
        self.array_source = ""
        self._crossing: float | None = None  # rows from which arrays are faster (arrays_faster)
        self.width = len(self.sample.inputs)

    def __call__(self, rows: Sequence[Sequence[Number]], *, numpy: bool = False, accumulate: bool = False,
                 weight: float | None = None) -> tuple[float, list[float]]:
        """The batch's loss and its gradient; ``numpy=True`` computes them over NumPy arrays,
        a layer at a time (``arrays``: agrees to about 1e-15, not bit for bit). ``weight``:
        what each row's loss is multiplied by (default 1/len(rows) for a mean, else 1), for a
        batch split over several calls."""
        rows = self._checked(rows)
        if weight is not None:
            weight = real(weight, "trace_rows: weight")
        scale = weight if weight is not None else 1.0 / len(rows) if self.mean else 1.0
        values, grads = (self._over_arrays if numpy else self._over_rows)(rows, scale)
        self.row_values: list[float] = values
        value = ieee_sum(values) * scale if scale != 1.0 else ieee_sum(values)
        grads += [0.0] * (len(self.params) - len(grads))
        if self.extra is not None:
            more, extra_grads = self.extra()
            value = value + more
            for k, g in zip(self._extra_at, extra_grads):
                grads[k] += g
        if accumulate:
            for p, g in zip(self.params, grads):
                p._grad += g
        return value, grads

    def _over_rows(self, rows: Sequence[Sequence[float]], seed: float) -> tuple[list[float], list[float]]:
        if self._rows is None:
            self._rows = program.build(self.source, "rows")
        values, grads = self._rows(rows, [p._data for p in self.sample.params], seed)
        return values, grads

    def arrays_faster(self, n: int) -> bool:
        """Whether ``n`` rows run faster over NumPy arrays than looped: an estimate from the two
        programs' sizes (``SCALAR_OP``, ``ARRAY_LINE``; benchmarks/run.py measures both)."""
        if self._crossing is None:
            self._array_program()
            loop = self.source.split("in rows:", 1)[1]
            operations = sum(map(loop.count, (" * ", " + ", " - ", "(")))
            lines = self.array_source.split("def rows", 1)[1].count("\n")
            self._crossing = lines * ARRAY_LINE / max(operations * SCALAR_OP, 1e-300)
        return n > self._crossing

    def _array_program(self) -> str:
        """The array program's text, written once; ``arrays`` is imported only by those who use it."""
        if not self.array_source:
            from . import arrays

            self.array_source = arrays.rows_program(self.sample)
        return self.array_source

    def _over_arrays(self, rows: Sequence[Sequence[float]], seed: float) -> tuple[list[float], list[float]]:
        from . import arrays

        np = arrays.numpy_or_explain()
        if self._arrays is None:
            self._arrays = program.build(self._array_program(), "rows", arrays.namespace)
        n = len(rows)
        with np.errstate(all="ignore"):
            values = np.array([p._data for p in self.sample.params])
            out, grads = self._arrays(np.array(rows, dtype=float).T, values, seed, n)
        return np.broadcast_to(out, (n,)).tolist(), grads.tolist()

    def _checked(self, rows: Sequence[Sequence[Number]]) -> Sequence[Sequence[float]]:
        """The rows as floats, each as wide as the traced example; a TypeError or ValueError
        naming the first bad row otherwise (the common case, lists of floats, is one scan)."""
        if not _listlike(rows) or not len(rows):
            raise TypeError(f"trace_rows: rows must be a non-empty list of rows, not {rows!r:.60}")
        width = self.width
        if all(type(r) in (list, tuple) and len(r) == width and all(type(v) is float for v in r)
               for r in rows):
            return rows  # type: ignore[return-value]  # just checked: floats
        checked = []
        for k, r in enumerate(rows):
            if not _listlike(r) or len(r) != width:
                size = f"{len(r)} numbers" if _listlike(r) else type(r).__name__
                raise ValueError(f"trace_rows: row {k} must be a list of {width} numbers (as the traced "
                                 f"example), not {size}: {r!r:.60}")
            checked.append([real(v, f"trace_rows: row {k}, item {i}") for i, v in enumerate(r)])
        return checked

    def listing(self, limit: int | None = 200) -> str:
        """The loop that runs, ``limit`` lines at most (None: all of it)."""
        return cut(self.source, limit)


def _listlike(x: object) -> bool:
    """A list, a tuple, a NumPy array: anything with a length and items, but not text or a Value."""
    return not isinstance(x, (str, bytes, Value)) and hasattr(x, "__len__") and hasattr(x, "__getitem__")


def trace_rows(sample: Callable[..., Value], example_row: Sequence[Number], *,
               extra: Callable[[], Value] | None = None, mean: bool = True) -> RowTape:
    """Trace ``sample(*row)`` (one row's loss, its target among the row's numbers) once at
    ``example_row``; the result computes mean (``mean=False``: sum) over rows + ``extra()``."""
    return RowTape(sample, example_row, extra, mean)
