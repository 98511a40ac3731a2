"""chainrule's benchmark: the engine against micrograd and hand-written floats, in one process.

    pip install -e . micrograd==0.1.0 && python benchmarks/run.py [--steps N] [--quick]

What it measures (each engine runs the very same operations):
1. micrograd's two-moons training step: MLP(2, [16, 16, 1]), 100 points, hinge loss +
   1e-4·L2, SGD, written once over each engine's Value (``moons_step.py``); also the same
   network as ``nn.MLP`` (each neuron's Σwx+b one fused node), eagerly and through a tape
   (``autograd.trace``: recorded once, replayed over floats), and by hand over floats (the
   pure-Python floor).
   Each engine trains for several consecutive steps, with the garbage collector running as it
   would in a real training loop (micrograd's graphs are reference cycles: freeing them is
   part of its cost); between engines a full collection, untimed, clears the table.
2. build + backward over a 1,000,000-node chain;
3. ``sum()`` of 100,000 products, then backward;
4. bytes per graph node of the two-moons forward graph (tracemalloc).
micrograd's runs of 2 and 3 go in a subprocess: they are expected to fail (RecursionError).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import autograd  # noqa: E402
import nn  # noqa: E402
from benchmarks.moons_step import (  # noqa: E402
    MLP,
    CompiledStep,
    FloatMLP,
    floats_step,
    loss,
    nn_step,
    value_step,
)
from nn.data import moons  # noqa: E402

try:
    from micrograd.engine import Value as MicrogradValue
except ImportError:  # the benchmark still runs, without the comparison
    MicrogradValue = None


def moons_data() -> tuple[list[list[float]], list[int]]:
    X, y = moons(100, noise=0.1, seed=1)
    return X, [2 * t - 1 for t in y]


def bench_moons(steps: int) -> dict[str, float]:
    """Median seconds per training step for each engine, in steady state."""
    X, y = moons_data()
    runs: dict[str, Callable[[], Any]] = {}
    cr = MLP(autograd.Value, 2, [16, 16, 1])
    runs["chainrule"] = lambda: value_step(autograd.Value, cr, X, y)
    fused = nn.MLP(2, [16, 16, 1], seed=1337)
    runs["chainrule nn.MLP"] = lambda: nn_step(fused, X, y)
    runs["nn.MLP compiled"] = CompiledStep(nn.MLP(2, [16, 16, 1], seed=1337), X, y)
    if MicrogradValue is not None:
        mg = MLP(MicrogradValue, 2, [16, 16, 1])
        runs["micrograd"] = lambda: value_step(MicrogradValue, mg, X, y)
    fl = FloatMLP(2, [16, 16, 1])
    runs["floats"] = lambda: floats_step(fl, X, y)
    return medians(runs, steps)


def medians(runs: dict[str, Callable[[], Any]], steps: int) -> dict[str, float]:
    """Median seconds of each run over ``steps`` calls in a row, after a warm-up and a
    full garbage collection (so no run pays for the previous one's garbage)."""
    result = {}
    for name, run in runs.items():
        run()
        gc.collect()
        times = []
        for _ in range(steps):
            start = time.perf_counter()
            run()
            times.append(time.perf_counter() - start)
        result[name] = statistics.median(times)
    return result


def tape_split(steps: int) -> tuple[dict[str, float], float, int]:
    """The compiled nn.MLP step, split into forward, forward + backward, update; and the
    tape's bytes per node (tracemalloc, while it is traced)."""
    X, y = moons_data()
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    step = CompiledStep(nn.MLP(2, [16, 16, 1], seed=1337), X, y)
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    tape = step.tape
    runs = {
        "forward": lambda: tape.forward(*step.flat),
        "forward + backward": lambda: tape(*step.flat),
        "step (+ SGD update)": step,
    }
    return medians(runs, steps), held / len(tape), len(tape)


def count_nodes(root: Any, children: Callable[[Any], Any]) -> int:
    seen = {id(root)}
    stack = [root]
    while stack:
        for c in children(stack.pop()):
            if id(c) not in seen:
                seen.add(id(c))
                stack.append(c)
    return len(seen)


def bytes_per_node(value_cls: Any, children: Callable[[Any], Any]) -> tuple[float, int]:
    """Memory held by the forward graph of one two-moons step, per node (parameters excluded)."""
    X, y = moons_data()
    model = MLP(value_cls, 2, [16, 16, 1])
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    total = loss(value_cls, model, X, y)
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    nodes = count_nodes(total, children) - len(model.parameters())
    return held / nodes, nodes


CHAIN = """
import sys, time
sys.setrecursionlimit(10_000)
{imports}
start = time.perf_counter()
x = Value(0.5)
y = x
for i in range({n}):
    y = y * 0.9999999 if i % 2 else y + 1e-7
y.backward()
print(time.perf_counter() - start, x.grad)
"""

SUM = """
import sys, time
sys.setrecursionlimit(10_000)
{imports}
start = time.perf_counter()
a = [Value(i * 1e-5) for i in range({n})]
b = [Value(1.0 - i * 1e-5) for i in range({n})]
s = sum(ai * bi for ai, bi in zip(a, b))
s.backward()
print(time.perf_counter() - start, a[7].grad)
"""

ENGINES = {
    "chainrule": "from autograd import Value",
    "micrograd": "from micrograd.engine import Value",
}


def run_script(template: str, engine: str, n: int) -> str:
    """Run a workload in a fresh interpreter; the seconds it took, or how it failed."""
    code = template.format(imports=ENGINES[engine], n=n)
    try:
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=600, cwd=ROOT
        )
    except subprocess.TimeoutExpired:
        return "timed out (600 s)"
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or [f"exit code {done.returncode}"])[-1]
        return "fails: " + last[:60]
    return f"{float(done.stdout.split()[0]):.2f} s"


def chainrule_children(v: Any) -> Any:
    return v.inputs


def micrograd_children(v: Any) -> Any:
    return v._prev


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=7, help="timed training steps per engine")
    parser.add_argument("--quick", action="store_true", help="3 steps, smaller chain and sum")
    args = parser.parse_args(argv)
    steps = 3 if args.quick else args.steps
    chain_n, sum_n = (100_000, 10_000) if args.quick else (1_000_000, 100_000)
    print(f"Python {sys.version.split()[0]}; micrograd: {'yes' if MicrogradValue else 'not installed'}")

    print("\n1. two-moons training step (MLP 2-16-16-1, 100 points), median of", steps)
    med = bench_moons(steps)
    base = med.get("micrograd")
    for name, sec in med.items():
        vs_mg = f"{base / sec:6.1f}× faster than micrograd" if base else ""
        vs_fl = f"{sec / med['floats']:6.1f}× the floats floor"
        print(f"   {name:<17} {sec * 1e3:9.1f} ms  {vs_mg}  {vs_fl}")

    print(f"\n2. chain of {chain_n:,} nodes, build + backward")
    for engine in ENGINES if MicrogradValue else ["chainrule"]:
        print(f"   {engine:<10} {run_script(CHAIN, engine, chain_n)}")
    print(f"\n3. sum() of {sum_n:,} products, build + backward")
    for engine in ENGINES if MicrogradValue else ["chainrule"]:
        print(f"   {engine:<10} {run_script(SUM, engine, sum_n)}")

    print("\n4. the compiled (tape) step, split")
    split, per_tape_node, n_tape = tape_split(steps)
    for name, sec in split.items():
        print(f"   {name:<20} {sec * 1e3:7.2f} ms")
    print(f"   tape of {n_tape:,} nodes: {per_tape_node:.0f} bytes/node (dot nodes hold their operand slots)")

    print("\n5. memory of the two-moons forward graph")
    per, nodes = bytes_per_node(autograd.Value, chainrule_children)
    print(f"   chainrule  {per:6.0f} bytes/node ({nodes:,} nodes)")
    if MicrogradValue:
        per, nodes = bytes_per_node(MicrogradValue, micrograd_children)
        print(f"   micrograd  {per:6.0f} bytes/node ({nodes:,} nodes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
