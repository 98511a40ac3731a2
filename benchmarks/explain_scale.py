"""How ``explain``'s time grows with a wide graph: it should grow linearly.

    python benchmarks/explain_scale.py [--sizes 1000,4000,16000] [--rounds N]

The graph is ``sum()`` of n labelled terms tanh(w·k), each reading one weight w: Python's
``sum`` makes a chain of n unlabelled additions, the shape that once cost n²/2 (each addition
copied the labelled nodes below it). For each n: the seconds of ``explain(S, w)`` (the minimum
over rounds), the microseconds per term, and the growth exponent k of time ∝ nᵏ from the row
above (1 is linear, 2 quadratic).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from autograd import Value, explain


def wide_sum(n: int) -> tuple[Value, Value]:
    """S = Σₖ tanh(w·(k mod 7 + 1)), every term labelled, and w."""
    w = Value(0.5, label="w")
    terms = []
    for k in range(n):
        t = (w * (k % 7 + 1)).tanh()
        t.label = f"t{k}"
        terms.append(t)
    S = sum(terms)
    assert isinstance(S, Value)
    S.label = "S"
    return S, w


def seconds(n: int, rounds: int) -> float:
    S, w = wide_sum(n)
    best = math.inf
    for _ in range(rounds):
        start = time.perf_counter()
        explain(S, w)
        best = min(best, time.perf_counter() - start)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,4000,16000", help="terms of each graph, comma-separated")
    parser.add_argument("--rounds", type=int, default=3, help="timed runs per size (the minimum is shown)")
    args = parser.parse_args(argv)
    print(f"{'terms':>8} {'seconds':>9} {'µs/term':>8} {'k':>5}")
    previous = None
    for n in (int(s) for s in args.sizes.split(",")):
        sec = seconds(n, args.rounds)
        k = f"{math.log(sec / previous[1]) / math.log(n / previous[0]):5.2f}" if previous else "    —"
        print(f"{n:>8} {sec:9.3f} {sec / n * 1e6:8.1f} {k}")
        previous = (n, sec)
    return 0


if __name__ == "__main__":
    sys.exit(main())
