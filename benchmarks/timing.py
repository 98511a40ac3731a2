"""Timing engines against each other on a machine whose speed drifts: interleaved rounds.

A shared machine's speed moves by 1.6× within minutes, so engines timed one after another, each
in its own block, are compared across different machines. Here every round runs every engine
once, in a shuffled order, and a ratio is taken within each round (a *paired* ratio): the two
times in a round saw the same machine. The median of those ratios is the figure to quote.
"""

from __future__ import annotations

import gc
import random
import statistics
import time
from collections.abc import Callable, Mapping


def interleave(
    runs: Mapping[str, Callable[[], object]], rounds: int, *, seed: int = 0, warm: bool = True
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Seconds of each run in each of ``rounds`` rounds, and of them the seconds spent freeing
    its garbage; every round calls every run once, in an order shuffled per round (seeded),
    so no run always follows the same one. ``warm`` calls each run once first, untimed.

    Automatic garbage collection stays on. Objects that exist before the rounds (the models,
    PyTorch's modules) are frozen (``gc.freeze``), so each collection scans only what the runs
    make, as in a process that trains one model: unfrozen, the other rows' objects made
    micrograd's step 35% slower than alone.
    """
    if warm:
        for run in runs.values():
            run()
    order = list(runs)
    rng = random.Random(seed)
    times: dict[str, list[float]] = {name: [] for name in order}
    freeing: dict[str, list[float]] = {name: [] for name in order}
    gc.collect()
    gc.freeze()
    try:
        for _ in range(rounds):
            rng.shuffle(order)
            for name in order:
                total, collect = timed(runs[name])
                times[name].append(total)
                freeing[name].append(collect)
    finally:
        gc.unfreeze()
    return times, freeing


def timed(run: Callable[[], object]) -> tuple[float, float]:
    """Seconds of one call plus the full collection that frees what it left; and of the latter.

    A run pays for its own garbage, not the previous run's: micrograd's graph is reference
    cycles that outlive its step, and in a training loop freeing them is ~45% of the step's
    time; timing the step alone would leave that out.
    """
    gc.collect()  # untimed: whatever was left before this run is not its cost
    start = time.perf_counter()
    run()
    end = time.perf_counter()
    gc.collect()
    done = time.perf_counter()
    return done - start, done - end


def paired(times: Mapping[str, list[float]], num: str, den: str) -> float:
    """The median over rounds of time[num] / time[den] in the same round."""
    return statistics.median(a / b for a, b in zip(times[num], times[den]))


def summary(times: Mapping[str, list[float]], name: str) -> tuple[float, float]:
    """(min, median) seconds of one run: the min is its speed on the fastest machine state seen,
    the median its typical speed."""
    return min(times[name]), statistics.median(times[name])
