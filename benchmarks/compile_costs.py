"""What compiling costs: tracing and compiling the two-moons step, and tracing a large model.

    python benchmarks/compile_costs.py [--quick]

A compiled tape pays once for its program: ``trace_rows`` traces one sample and compiles its
loop (goal: 0.3 s at most for the two-moons model, then free for any model of the same
structure); a whole-batch tape compiled is 100 samples' worth of lines (seconds). The last row
traces the two-moons batch through a 2-256-256-1 MLP, whose tape has 236,000 nodes and 13
million operand slots (goal: 10 s at most).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import nn
from autograd import program, trace
from benchmarks.moons_step import ALPHA, CompiledStep, RowStep
from nn import losses
from nn.data import moons


def seconds(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def costs(quick: bool) -> dict[str, float]:
    """Seconds for each way of compiling the two-moons step, and to trace a large model."""
    X, y01 = moons(100, noise=0.1, seed=1)
    y = [2 * t - 1 for t in y01]
    result = {}
    program._compiled.cache_clear()
    result["trace_rows + compile, first"] = seconds(lambda: RowStep(nn.MLP(2, [16, 16, 1], seed=1), X, y)())
    result["trace_rows + compile, same structure again"] = seconds(
        lambda: RowStep(nn.MLP(2, [16, 16, 1], seed=2), X, y)())
    result["NumPy program, first call"] = seconds(lambda: RowStep(nn.MLP(2, [16, 16, 1], seed=3), X, y,
                                                                  numpy=True)())
    result["whole-batch trace + compile"] = seconds(
        lambda: CompiledStep(nn.MLP(2, [16, 16, 1], seed=4), X, y, compile=True))
    width = 64 if quick else 256
    big = nn.MLP(2, [width, width, 1], seed=1)
    params = big.parameters()

    def total(*flat: Any) -> Any:
        scores = [big([flat[k], flat[k + 1]]) for k in range(0, len(flat), 2)]
        return losses.hinge(scores, y) + ALPHA * sum(p * p for p in params)

    flat = [v for row in X for v in row]
    result[f"trace 2-{width}-{width}-1, whole batch"] = seconds(lambda: trace(total, flat))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a 2-64-64-1 model instead of 2-256-256-1")
    for name, sec in costs(parser.parse_args(argv).quick).items():
        print(f"   {name:<45} {sec:7.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
