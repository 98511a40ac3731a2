"""How the ``chainrule`` walkthrough's time grows with the network: it should grow linearly.

    python benchmarks/walkthrough_scale.py [--sizes 2-3-1,10-10-1,50-50-1] [--rounds N]

For each size a network file is written (random weights to all their digits, seeded;
sigmoid layers, squared error), read back with ``netfile.load`` as the command reads it, and
then timed: ``work`` (forward, backward, every parameter's chain-rule derivation, the step)
and the rendering (``build_report``, the text, the JSON and report.md: what ``--format json``
and ``--out`` write, diagrams apart). The table gives the parameters, the file's size, the seconds of each
part (the minimum over rounds), the microseconds per parameter, which stay about level when
the time is linear in the network's size, and the growth exponent k of time ∝ parametersᵏ from
the row above of the same depth (1 is linear, 2 quadratic).
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chainrule import netfile  # noqa: E402
from chainrule.as_json import as_json  # noqa: E402
from chainrule.as_markdown import markdown  # noqa: E402
from chainrule.as_text import text  # noqa: E402
from chainrule.report import build_report  # noqa: E402
from chainrule.walkthrough import work  # noqa: E402

SIZES = "2-3-1,5-5-1,10-10-1,20-20-1,30-30-1,50-50-1,70-70-1,100-100-1,10-10-10-10-1"


def network_file(sizes: list[int], seed: int = 0) -> str:
    """A network file of the given layer sizes (inputs first): sigmoid layers, squared error."""
    rng = random.Random(seed)
    lines = [f'title = "{"-".join(map(str, sizes))}, random weights"',
             f"inputs = {[round(rng.uniform(-1, 1), 6) for _ in range(sizes[0])]}",
             f"targets = {[round(rng.uniform(0, 1), 6) for _ in range(sizes[-1])]}",
             'loss = "squared_error"', "learning_rate = 0.5"]
    for nin, nout in itertools.pairwise(sizes):
        scale = 1 / math.sqrt(nin)
        weights = [[rng.uniform(-scale, scale) for _ in range(nin)] for _ in range(nout)]  # all 17 digits
        lines += ["", "[[layers]]", 'activation = "sigmoid"', f"weights = {weights}",
                  f"biases = {[rng.uniform(-0.1, 0.1) for _ in range(nout)]}"]
    return "\n".join(lines) + "\n"


def best_of(rounds: int, fn: Callable[[], object]) -> float:
    """The fastest of ``rounds`` runs, in seconds (the least disturbed by a noisy machine)."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def render_all(w: object) -> None:
    """Everything the command writes from a walkthrough but the diagrams."""
    report = build_report(w)  # type: ignore[arg-type]
    text(report)
    json.dumps(as_json(report), indent=1, ensure_ascii=False)
    markdown(report, [])


def measure(sizes: list[int], folder: Path, rounds: int) -> tuple[int, int, float, float]:
    """(parameters, file bytes, seconds of work, seconds of rendering) for one size."""
    path = folder / ("net_" + "_".join(map(str, sizes)) + ".toml")
    path.write_text(network_file(sizes), encoding="utf-8")
    spec = netfile.load(path)
    w = work(spec)
    n_params = len(w.params)
    t_work = best_of(rounds, lambda: work(netfile.load(path)))
    t_render = best_of(rounds, lambda: render_all(w))
    return n_params, path.stat().st_size, t_work, t_render


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default=SIZES, help=f"comma-separated layer sizes (default {SIZES})")
    ap.add_argument("--rounds", type=int, default=3, help="runs per size; the fastest is shown")
    args = ap.parse_args()
    print(f"{'network':>16} {'params':>7} {'file KB':>8} {'work s':>8} {'render s':>9} "
          f"{'total s':>8} {'µs/param':>9} {'growth':>7}")
    above: dict[int, tuple[int, float]] = {}  # depth: (parameters, seconds) of the row above
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.sizes.split(","):
            sizes = [int(k) for k in name.split("-")]
            n, size, t_work, t_render = measure(sizes, Path(tmp), args.rounds)
            total = t_work + t_render
            n0, t0 = above.get(len(sizes), (n, total))
            growth = f"{math.log(total / t0) / math.log(n / n0):.2f}" if n != n0 else ""
            above[len(sizes)] = (n, total)
            print(f"{name:>16} {n:>7} {size / 1024:>8.1f} {t_work:>8.3f} {t_render:>9.3f} "
                  f"{total:>8.3f} {1e6 * total / n:>9.1f} {growth:>7}", flush=True)


if __name__ == "__main__":
    main()
