"""chainrule's benchmark: every engine on one training step, in one process, interleaved.

    pip install -e . micrograd==0.1.0 && python benchmarks/run.py [--rounds N] [--quick]
        [--json FILE] [--check] [--torch-threads N]

What it measures (every row does the same work, from the same initial weights):
1. micrograd's two-moons training step: MLP(2, [16, 16, 1]), 100 points, hinge loss + 1e-4·L2,
   SGD; micrograd's code over each engine's Value (``moons_step.py``: micrograd 0.1.0, chainrule
   and PyTorch 0-d tensors); chainrule's ``nn.MLP`` eagerly and through tapes; PyTorch and NumPy
   vectorized over the batch; and by hand over floats. Each row trains its own copy of the model.
   The first step of every row is checked against the others (loss and updated weights) before
   anything is timed. Then ``--rounds`` rounds: each runs every row once, in a shuffled order, so
   that all rows see the same machine (its speed drifts 1.6× within minutes). Reported: the min
   and median seconds of each row, and *paired* ratios, the median over rounds of the ratio of two
   rows' times in the same round: the speed-up on micrograd (higher is faster) and the time
   relative to the floor (lower is faster). Automatic garbage collection stays on, and each
   timed step includes the full collection that frees its garbage: micrograd's graph is reference
   cycles that outlive its step, and freeing them is ~45% of its time in a training loop. An
   untimed collection before each step, and freezing the objects made before timing
   (``gc.freeze``), keep a row from paying for the other rows' garbage or objects.
   THE FLOOR is the step written by hand over floats that sends every sample through backward,
   as an engine does (``floats_step``). The hand-written step that skips samples whose hinge
   margin is met and dead ReLU rows is shown as its own row, labelled not comparable: how much it
   skips depends on the data and the weights.
2. build + backward over a 1,000,000-node chain; 3. ``sum()`` of 100,000 products, then backward
   (micrograd's runs are expected to fail with RecursionError; each runs in a subprocess);
4. the tape step split into forward, forward + backward and the whole step, interleaved too;
5. bytes per graph node of the two-moons forward graph (tracemalloc);
6. what compiling costs: trace_rows and the whole-batch tape, and tracing a 2-256-256-1 model
   (``compile_costs.py``).
Rows whose package is not installed print why and are skipped.

Options: ``--rounds N`` (default 11); ``--quick``: 3 rounds, a 100,000-node chain, ``sum()`` of
10,000 (about 20 s with micrograd); ``--check``: only the step-1 agreement; ``--json FILE``: every
figure, each round's seconds too, as strict JSON; ``--torch-threads N`` (default 1: on a busy
2-core machine two threads made the vectorized PyTorch step 60× slower, each parallel op waiting
for its second thread; 0 keeps PyTorch's default). The exit code is 1 when the rows disagree.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import autograd  # noqa: E402
import nn  # noqa: E402
from benchmarks import compile_costs  # noqa: E402
from benchmarks.moons_step import (  # noqa: E402
    MLP,
    CompiledStep,
    FloatMLP,
    RowStep,
    float_weights,
    floats_step,
    floats_step_skipping,
    loss,
    margins_met,
    nn_loss,
    nn_step,
    value_step,
)
from benchmarks.peers import NumpyStep, TorchBatchStep, TorchScalarStep, optional  # noqa: E402
from benchmarks.timing import interleave, paired, summary  # noqa: E402
from nn.data import moons  # noqa: E402

micrograd_engine = optional("micrograd.engine")
MicrogradValue = micrograd_engine.Value if micrograd_engine else None
MICROGRAD = "micrograd 0.1.0, micrograd's code"
FLOOR = "floats by hand, every sample (floor)"
SKIPPING = "floats, skipping met margins (not comparable)"
TOLERANCE = 1e-9  # largest |difference| of step-1 loss or updated weights between two rows


@dataclass
class Engine:
    """One row: a training step on its own model, the model's weights in micrograd's order (to
    check the rows agree), its graph's op nodes where known, the model where it is needed."""

    step: Callable[[], float]
    weights: Callable[[], list[float]]
    nodes: int | None = None
    model: Any = None


def moons_data() -> tuple[list[list[float]], list[int]]:
    """micrograd demo's data: 100 two-moons points, labels in {−1, +1}."""
    X, y = moons(100, noise=0.1, seed=1)
    return X, [2 * t - 1 for t in y]


def graph_size(root: Any, children: Callable[[Any], Any]) -> tuple[int, int]:
    """The nodes of root's graph, and how many of them an op made (the others are leaves)."""
    seen = {id(root)}
    stack, ops = [root], 0
    while stack:
        kids = children(stack.pop())
        ops += bool(kids)
        for c in kids:
            if id(c) not in seen:
                seen.add(id(c))
                stack.append(c)
    return len(seen), ops


def value_engine(value_cls: Any, children: Callable[[Any], Any],
                 X: list[list[float]], y: list[int]) -> Engine:
    """micrograd's code over ``value_cls``."""
    model = MLP(value_cls, 2, [16, 16, 1])
    nodes = graph_size(loss(value_cls, MLP(value_cls, 2, [16, 16, 1]), X, y), children)[1]
    return Engine(lambda: value_step(value_cls, model, X, y),
                  lambda: [p.data for p in model.parameters()], nodes)


def nn_engines(X: list[list[float]], y: list[int], skipped: dict[str, str]) -> dict[str, Engine]:
    """chainrule's nn.MLP: eager, a tape, a compiled tape, a compiled row loop (with NumPy)."""
    def mlp() -> Any:
        return nn.MLP(2, [16, 16, 1], seed=1337)

    def weights(model: Any) -> Callable[[], list[float]]:
        return lambda: [p.data for p in model.parameters()]

    eager = mlp()
    rows: dict[str, Engine] = {
        "chainrule nn.MLP eager": Engine(lambda: nn_step(eager, X, y), weights(eager),
                                         graph_size(nn_loss(mlp(), X, y), chainrule_children)[1]),
    }
    no_numpy = None if optional("numpy") else "NumPy not installed"
    builders: dict[str, tuple[Callable[[Any], Any], str | None]] = {
        "chainrule tape (generic loops)": (lambda m: CompiledStep(m, X, y), None),
        "chainrule compiled tape": (lambda m: CompiledStep(m, X, y, compile=True), None),
        "chainrule row loop (compiled)": (lambda m: RowStep(m, X, y), None),
        "chainrule row loop, NumPy replay": (lambda m: RowStep(m, X, y, numpy=True), no_numpy),
    }
    for name, (build, missing) in builders.items():
        if missing:
            skipped[name] = missing
            continue
        model = mlp()
        step = build(model)
        rows[name] = Engine(step, weights(model), len(step.tape) if hasattr(step, "tape") else None)
    return rows


def peer_engines(X: list[list[float]], y: list[int], skipped: dict[str, str]) -> dict[str, Engine]:
    """PyTorch (0-d tensors running micrograd's code; vectorized) and NumPy, where installed."""
    torch, np = optional("torch"), optional("numpy")
    rows: dict[str, Engine] = {}
    names = ["PyTorch 0-d tensors, micrograd's code", "PyTorch vectorized", "NumPy vectorized by hand"]
    if torch is None:
        skipped.update(dict.fromkeys(names[:2], "not installed"))
    else:
        scalar = TorchScalarStep(torch, X, y)
        rows[names[0]] = Engine(scalar, scalar.weights)
        batch = TorchBatchStep(torch, FloatMLP(2, [16, 16, 1]), X, y)
        rows[names[1]] = Engine(batch, batch.weights)
    if np is None:
        skipped[names[2]] = "not installed"
    else:
        by_hand = NumpyStep(np, FloatMLP(2, [16, 16, 1]), X, y)
        rows[names[2]] = Engine(by_hand, by_hand.weights)
    return rows


def float_engines(X: list[list[float]], y: list[int]) -> dict[str, Engine]:
    """The floor, and the hand-written step that skips zero gradients (for comparison only)."""
    floor, skipping = FloatMLP(2, [16, 16, 1]), FloatMLP(2, [16, 16, 1])
    return {
        FLOOR: Engine(lambda: floats_step(floor, X, y), lambda: float_weights(floor), model=floor),
        SKIPPING: Engine(lambda: floats_step_skipping(skipping, X, y), lambda: float_weights(skipping)),
    }


def build_engines(X: list[list[float]], y: list[int]) -> tuple[dict[str, Engine], dict[str, str]]:
    """Every row that can run here, each on its own model from seed 1337; and why others cannot."""
    skipped: dict[str, str] = {}
    engines: dict[str, Engine] = {}
    if MicrogradValue is None:
        skipped[MICROGRAD] = "not installed (pip install micrograd==0.1.0)"
    else:
        engines[MICROGRAD] = value_engine(MicrogradValue, micrograd_children, X, y)
    engines["chainrule eager, micrograd's code"] = value_engine(autograd.Value, chainrule_children, X, y)
    engines.update(nn_engines(X, y, skipped))
    engines.update(peer_engines(X, y, skipped))
    engines.update(float_engines(X, y))
    return engines, skipped


def agreement(engines: dict[str, Engine]) -> dict[str, Any]:
    """Step 1 of every row (also its warm-up): the largest |difference| from the floor's loss
    and from its updated weights, and which row it was."""
    losses = {name: e.step() for name, e in engines.items()}
    ref_loss, ref_w = losses[FLOOR], engines[FLOOR].weights()
    worst: dict[str, Any] = {"loss": 0.0, "weights": 0.0, "row": None, "floor_loss": ref_loss}
    for name, e in engines.items():
        w = e.weights()
        if len(w) != len(ref_w):
            raise ValueError(f"{name}: {len(w)} weights where the floor has {len(ref_w)}")
        dw = max(abs(a - b) for a, b in zip(w, ref_w))
        for key, d in (("loss", abs(losses[name] - ref_loss)), ("weights", dw)):
            if d > worst[key]:
                worst[key], worst["row"] = d, name
    return worst


def table(times: dict[str, list[float]], freeing: dict[str, list[float]],
          engines: dict[str, Engine]) -> dict[str, dict[str, Any]]:
    """Per row: min and median seconds, paired ratios vs micrograd and vs the floor, op nodes;
    the median seconds of freeing its garbage (included) and every round's seconds."""
    rows = {}
    for name, e in engines.items():
        lo, med = summary(times, name)
        rows[name] = {
            "min_s": lo,
            "median_s": med,
            "paired_vs_micrograd": paired(times, MICROGRAD, name) if MICROGRAD in times else None,
            "paired_vs_floor": paired(times, name, FLOOR),
            "nodes": e.nodes,
            "freeing_garbage_median_s": summary(freeing, name)[1],
            "rounds_s": times[name],
        }
    return rows


def print_table(rows: dict[str, dict[str, Any]]) -> None:
    """The rows, then what the ratios mean and how much of each time is freeing garbage."""
    print(f"   {'engine':<46} {'min ms':>9} {'median ms':>10} {'vs micrograd':>13} {'vs floor':>9}")
    for name, r in rows.items():
        mg = f"{r['paired_vs_micrograd']:.1f}×" if r["paired_vs_micrograd"] is not None else "—"
        print(f"   {name:<46} {r['min_s'] * 1e3:9.2f} {r['median_s'] * 1e3:10.2f} {mg:>13} "
              f"{r['paired_vs_floor']:8.2f}×")
    print("   vs micrograd: paired speed-up, higher is faster; vs floor: paired time ÷ the floor's, "
          "lower is faster")
    freeing = {name: r["freeing_garbage_median_s"] * 1e3 for name, r in rows.items()}
    big = [f"{name} {ms:.0f} ms" for name, ms in freeing.items() if ms >= 1.0]
    rest = max((ms for ms in freeing.values() if ms < 1.0), default=0.0)
    print(f"   included: freeing the step's garbage (a full collection after it), median: "
          f"{'; '.join(big) or 'none over 1 ms'}; every other row ≤ {rest:.2f} ms")


def bench_moons(rounds: int, seed: int) -> tuple[dict[str, Any], bool]:
    """Section 1: build the rows, check they agree, time them interleaved; (figures, agreed)."""
    X, y = moons_data()
    engines, skipped = build_engines(X, y)
    for name, why in skipped.items():
        print(f"   {name}: {why}; row skipped")
    first_met = margins_met(engines[FLOOR].model, X, y)
    worst = agreement(engines)
    agreed = worst["loss"] <= TOLERANCE and worst["weights"] <= TOLERANCE
    print(f"   agreement at step 1 over {len(engines)} rows: loss {worst['floor_loss']:.15f}, max |loss "
          f"difference| {worst['loss']:.1e}, max |weight difference| after the update {worst['weights']:.1e}"
          + ("" if agreed else f"  DISAGREE (worst: {worst['row']})"))
    if rounds == 0:
        return {"skipped": skipped, "agreement": worst}, agreed
    times, freeing = interleave({name: e.step for name, e in engines.items()}, rounds, seed=seed, warm=False)
    rows = table(times, freeing, engines)
    print_table(rows)
    met = [first_met, margins_met(engines[FLOOR].model, X, y)]
    print(f"   hinge margins met: {met[0]} of {len(X)} samples before step 1, {met[1]} after the last "
          "timed step:\n   their gradients are zeros, which the floor and micrograd compute, the "
          "skipping row leaves out, and chainrule's backward loops do not push (`if g:`)")
    return {"engines": rows, "skipped": skipped, "agreement": worst, "margins_met": met}, agreed


def tape_split(rounds: int, seed: int) -> dict[str, Any]:
    """Section 4: the tape step as forward, forward + backward, and the whole step (+ SGD
    update), interleaved, on one model so that all three see the same weights (the tape's
    backward skips nodes whose gradient is 0, so its time depends on them); bytes per node."""
    X, y = moons_data()
    step = CompiledStep(nn.MLP(2, [16, 16, 1], seed=1337), X, y)
    runs: dict[str, Callable[[], object]] = {
        "forward": lambda: step.tape.forward(*step.flat),
        "forward + backward": lambda: step.tape(*step.flat),
        "step (+ SGD update)": step,
    }
    times = interleave(runs, rounds, seed=seed)[0]
    split = {}
    for name in runs:
        lo, med = summary(times, name)
        ratio = paired(times, name, "forward + backward")
        split[name] = {"min_s": lo, "median_s": med, "paired_vs_forward_backward": ratio}
        print(f"   {name:<20} min {lo * 1e3:7.2f} ms  median {med * 1e3:7.2f} ms  "
              f"paired {ratio:.2f}× forward + backward")
    per_node, n = tape_bytes(X, y)
    print(f"   tape of {n:,} nodes: {per_node:.0f} bytes/node (dot nodes hold their operand slots)")
    return {"split": split, "tape_nodes": n, "tape_bytes_per_node": per_node}


def tape_bytes(X: list[list[float]], y: list[int]) -> tuple[float, int]:
    """Memory held by a traced tape, per node (tracemalloc)."""
    model = nn.MLP(2, [16, 16, 1], seed=1337)
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    step = CompiledStep(model, X, y)
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    return held / len(step.tape), len(step.tape)


def bytes_per_node(value_cls: Any, children: Callable[[Any], Any]) -> tuple[float, int]:
    """Memory held by the forward graph of one two-moons step, per node (parameters excluded)."""
    X, y = moons_data()
    model = MLP(value_cls, 2, [16, 16, 1])
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    total = loss(value_cls, model, X, y)
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    nodes = graph_size(total, children)[0] - len(model.parameters())
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


def run_script(template: str, engine: str, n: int) -> dict[str, Any]:
    """Run a workload in a fresh interpreter: {"seconds": its time or None, "outcome": text}."""
    code = template.format(imports=ENGINES[engine], n=n)
    try:
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=600, cwd=ROOT
        )
    except subprocess.TimeoutExpired:
        return {"seconds": None, "outcome": "timed out (600 s)"}
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or [f"exit code {done.returncode}"])[-1]
        return {"seconds": None, "outcome": "fails: " + last[:60]}
    seconds = float(done.stdout.split()[0])
    return {"seconds": seconds, "outcome": f"{seconds:.2f} s"}


def scripts(title: str, template: str, n: int) -> dict[str, Any]:
    """Sections 2 and 3: one workload in a subprocess per engine."""
    print(f"\n{title}")
    result: dict[str, Any] = {"n": n}
    for engine in ENGINES if MicrogradValue else ["chainrule"]:
        result[engine] = run_script(template, engine, n)
        print(f"   {engine:<10} {result[engine]['outcome']}")
    return result


def memory() -> dict[str, Any]:
    """Section 5: bytes per node of the two-moons forward graph."""
    result = {}
    for name, cls, children in [("chainrule", autograd.Value, chainrule_children),
                                ("micrograd", MicrogradValue, micrograd_children)]:
        if cls is None:
            continue
        per, nodes = bytes_per_node(cls, children)
        result[name] = {"bytes_per_node": per, "nodes": nodes}
        print(f"   {name:<10} {per:6.0f} bytes/node ({nodes:,} nodes)")
    return result


def chainrule_children(v: Any) -> Any:
    return v.inputs


def micrograd_children(v: Any) -> Any:
    return v._prev


def machine(rounds: int, torch_threads: int | None) -> dict[str, Any]:
    """What the figures were measured on, printed as the header and kept in the JSON."""
    torch = optional("torch")
    if torch is not None and torch_threads:
        torch.set_num_threads(torch_threads)
    info: dict[str, Any] = {
        "machine": {"processor": platform.processor() or platform.machine(), "cpus": os.cpu_count(),
                    "platform": platform.platform()},
        "python": sys.version.split()[0],
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "rounds": rounds,
        "torch_threads": torch.get_num_threads() if torch is not None else None,
        "floor": "floats_step: by hand over floats, every sample through backward",
    }
    m = info["machine"]
    print(f"chainrule benchmark, {info['date']}: {m['processor']}, {m['cpus']} CPUs, {m['platform']}; "
          f"Python {info['python']}; {rounds} rounds; PyTorch threads: {info['torch_threads'] or '—'}")
    return info


def parse(argv: list[str] | None) -> argparse.Namespace:
    """The command line (see the module's docstring)."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--rounds", type=int,
                        help="interleaved rounds, each running every row once (default 11; --quick: 3)")
    parser.add_argument("--quick", action="store_true", help="3 rounds, smaller chain and sum")
    parser.add_argument("--check", action="store_true", help="only check that the rows agree at step 1")
    parser.add_argument("--json", metavar="FILE", help="also write every figure to FILE as JSON")
    parser.add_argument("--seed", type=int, default=0, help="seed of the per-round order")
    parser.add_argument("--torch-threads", type=int, default=1,
                        help="torch.set_num_threads (default 1: steadier here); 0 keeps torch's default")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    rounds = 0 if args.check else args.rounds if args.rounds is not None else 3 if args.quick else 11
    chain_n, sum_n = (100_000, 10_000) if args.quick else (1_000_000, 100_000)
    report = machine(rounds, args.torch_threads)
    print("\n1. two-moons training step (MLP 2-16-16-1, 100 points), interleaved, each row its own model")
    moons_figures, agreed = bench_moons(rounds, args.seed)
    report.update(moons_figures)
    if not args.check:
        report["chain"] = scripts(f"2. chain of {chain_n:,} nodes, build + backward", CHAIN, chain_n)
        report["sum"] = scripts(f"3. sum() of {sum_n:,} products, build + backward", SUM, sum_n)
        print("\n4. the tape step, split (interleaved)")
        report["tape_split"] = tape_split(max(5 * rounds, 30), args.seed)
        print("\n5. memory of the two-moons forward graph")
        report["memory"] = memory()
        print("\n6. what compiling costs (benchmarks/compile_costs.py)")
        report["compile_seconds"] = compile_costs.costs(args.quick)
        for name, sec in report["compile_seconds"].items():
            print(f"   {name:<45} {sec:7.2f} s")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2, allow_nan=False) + "\n", encoding="utf-8")
    return 0 if agreed else 1


if __name__ == "__main__":
    sys.exit(main())
