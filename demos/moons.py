"""micrograd's demo: an MLP(2, [16, 16, 1]) learns two moons; the decision boundary plotted.

    python demos/moons.py [--out DIR]

Hinge loss + 1e-4·L2, full-batch SGD with a decaying rate, 100 steps, as micrograd's demo;
trained through a tape (``fit(..., compiled=True)``), which gives the eager numbers exactly.
"""

from __future__ import annotations

import time

from _plots import decision_regions, output_dir, pyplot

from nn import MLP, data, fit, losses


def main() -> None:
    out = output_dir(__doc__.split("\n")[0])
    X, labels = data.moons(100, noise=0.1, seed=1)
    y = [2 * t - 1 for t in labels]  # ±1 for the hinge loss
    net = MLP(2, [16, 16, 1], seed=1337)
    start = time.perf_counter()
    history = fit(net, X, y, losses.hinge, epochs=100, lr=lambda k: 1.0 - 0.9 * k / 100, l2=1e-4,
                  progress=False, compiled=True)  # micrograd's schedule: the rate falls from 1.0
    accuracy = sum((net(x).data > 0) == (t > 0) for x, t in zip(X, y)) / len(X)
    print(f"100 steps in {time.perf_counter() - start:.1f} s: loss {history[0]:.4f} -> {history[-1]:.4f}, "
          f"training accuracy {accuracy:.0%}")
    plt = pyplot()
    if plt:
        path = out / "moons.png"
        decision_regions(plt, lambda p: float(net(p).data > 0), X, labels, "two moons, MLP 2-16-16-1", path)
        print(f"decision boundary: {path}")


if __name__ == "__main__":
    main()
