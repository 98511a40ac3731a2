"""Curvature: the Hessian of one neuron's error with respect to two weights, and what it buys.

A sigmoid neuron out = σ(w1·x1 + w2·x2 + b) learns a rule from a few points (the single neuron
of the second document). Its error E(w1, w2) is a surface; the gradient says which way is
down, the Hessian, ∂²E/∂wᵢ∂wⱼ, how the surface bends. Gradient descent takes small steps
along the gradient; Newton's method jumps to the bottom of the parabola the Hessian
describes, w ← w − H⁻¹·∇E. Both run from the same start; the plot shows their paths on E's
contours, side by side. The Hessian comes from ``autograd.hessian``: the gradient built as a
graph from the op table, differentiated again, and checked against central differences.

    python demos/curvature.py [--out DIR]
"""

from __future__ import annotations

import math
from collections.abc import Callable

from _plots import output_dir, pyplot

from autograd import Value, gradgradcheck, hessian, no_grad, vsum
from autograd.higher import grad

POINTS = [([0.5, 1.0], 0.9), ([1.0, -0.5], 0.2), ([-0.5, 0.4], 0.7), ([0.8, 0.8], 0.8), ([-1.0, -0.6], 0.3)]
BIAS = 0.1
RATE = 20.0  # below 2/λmax ≈ 51 at the start, so descent does not oscillate out
START = [-1.0, 0.5]  # where E curves up both ways (H positive definite)
SADDLE = [-2.0, -1.0]  # where it does not: Newton's parabola has no bottom there


def error(w1: Value, w2: Value) -> Value:
    """E = mean of ½(t − σ(w1·x1 + w2·x2 + b))² over the points."""
    terms = [0.5 * (t - (w1 * x1 + w2 * x2 + BIAS).sigmoid()) ** 2 for (x1, x2), t in POINTS]
    return vsum(terms) * (1.0 / len(POINTS))


def gradient(w: list[float]) -> list[float]:
    ws = [Value(w[0], label="w1"), Value(w[1], label="w2")]
    return [float(g) for g in grad(error(*ws), ws)]


def newton_step(w: list[float]) -> list[float]:
    """w − H⁻¹·∇E, the 2×2 system solved by hand (Cramer's rule)."""
    (a, b), (c, d) = hessian(error, w)
    g1, g2 = gradient(w)
    det = a * d - b * c
    return [w[0] - (d * g1 - b * g2) / det, w[1] - (a * g2 - c * g1) / det]


def path(step: Callable[[list[float]], list[float]], n: int) -> list[list[float]]:
    points = [START]
    for _ in range(n):
        points.append(step(points[-1]))
    return points


def value(w: list[float]) -> float:
    with no_grad():
        return error(Value(w[0]), Value(w[1])).data


def report() -> tuple[list[list[float]], list[list[float]]]:
    print("σ″(z) = σ(z)(1 − σ(z))(1 − 2σ(z)) changes sign at 0: " + ", ".join(
        f"σ″({z:g}) = {hessian(lambda v: v.sigmoid(), [z])[0][0]:+.4f}" for z in (-1.0, 0.0, 1.0)))
    H = hessian(error, START)
    tr, det = H[0][0] + H[1][1], H[0][0] * H[1][1] - H[0][1] * H[1][0]
    root = math.sqrt(max(tr * tr / 4 - det, 0.0))
    print(f"at w = {START}: E = {value(START):.5f}, ∇E = [{', '.join(f'{g:.5f}' for g in gradient(START))}]")
    print(f"H = [[{H[0][0]:.5f}, {H[0][1]:.5f}], [{H[1][0]:.5f}, {H[1][1]:.5f}]], "
          f"curvatures (eigenvalues) {tr / 2 - root:.5f} and {tr / 2 + root:.5f}")
    check = gradgradcheck(error, START, rtol=1e-5)
    print(f"second derivatives against central differences: {'all agree' if check else check}")
    descent = path(lambda w: [wi - RATE * gi for wi, gi in zip(w, gradient(w))], 40)
    newton = path(newton_step, 6)
    best = min(value(newton[-1]), value(descent[-1]))
    for name, p in ((f"gradient descent (rate {RATE:g})", descent), ("Newton's method", newton)):
        steps = next((str(k) for k, q in enumerate(p) if value(q) - best < 1e-7), f"more than {len(p) - 1}")
        print(f"{name:<30} E {value(p[0]):.6f} → {value(p[-1]):.6f} at w = [{p[-1][0]:.4f}, "
              f"{p[-1][1]:.4f}]; within 1e-7 of the minimum after {steps} steps")
    jump = newton_step(SADDLE)
    print(f"from w = {SADDLE}, where H is indefinite, one Newton step takes E from {value(SADDLE):.4f} to "
          f"{value(jump):.4f}: it heads for the saddle's stationary point, not a minimum")
    return descent, newton


def plot(out, descent: list[list[float]], newton: list[list[float]]) -> None:
    plt = pyplot()
    if not plt:
        return
    n = 70
    w1s = [-2.5 + 4.5 * i / (n - 1) for i in range(n)]
    w2s = [-1.0 + 4.0 * j / (n - 1) for j in range(n)]
    E = [[value([a, b]) for a in w1s] for b in w2s]
    low, high = value(newton[-1]), max(max(row) for row in E)
    steps = [low * (high / low) ** (k / 16) for k in range(1, 17)]  # denser where E is small
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.4), sharey=True)
    panels = ((f"gradient descent, rate {RATE:g}: 40 steps", descent, "tab:blue"),
              ("Newton's method, w − H⁻¹∇E: 6 steps", newton, "tab:red"))
    for ax, (title, p, colour) in zip(axes, panels):
        levels = ax.contour(w1s, w2s, E, levels=steps, cmap="viridis", linewidths=0.8)
        ax.clabel(levels, fontsize=7, fmt="%.4f")
        ax.plot([q[0] for q in p], [q[1] for q in p], "o-", color=colour, markersize=3, linewidth=1.2)
        ax.plot(*START, "ks", markersize=6, label="start")
        ax.plot(*newton[-1], "*", color="black", markersize=10, label="minimum")
        ax.set_title(title)
        ax.set_xlabel("w1")
        ax.legend(loc="upper left", fontsize=8)
    axes[0].set_ylabel("w2")
    fig.suptitle("E(w1, w2) of one sigmoid neuron: the same start, two ways down", fontsize=11)
    path_ = out / "curvature.png"
    fig.savefig(path_, dpi=110, bbox_inches="tight")
    print(f"contours and paths: {path_}")


def main() -> None:
    out = output_dir(__doc__.split("\n")[0])
    descent, newton = report()
    plot(out, descent, newton)


if __name__ == "__main__":
    main()
