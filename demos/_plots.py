"""What the demos share: where their output goes, and matplotlib if it is installed."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def output_dir(description: str) -> Path:
    """Parse ``--out DIR`` (default demo_output/) and create it."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", type=Path, default=Path("demo_output"), help="where plots go")
    out: Path = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    return out


def pyplot() -> Any:
    """matplotlib.pyplot without a display, or None (the demo still runs, without its plot)."""
    try:
        import matplotlib
    except ImportError:
        print("(matplotlib is not installed, so no plot: pip install -e '.[demos]')")
        return None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def decision_regions(
    plt: Any, predict: Any, X: list[list[float]], y: list[int], title: str, path: Path
) -> None:
    """Colour the plane by the predicted class and scatter the data on top."""
    xs = [p[0] for p in X]
    ys = [p[1] for p in X]
    x0, x1 = min(xs) - 0.5, max(xs) + 0.5
    y0, y1 = min(ys) - 0.5, max(ys) + 0.5
    n = 60
    grid = [[predict([x0 + (x1 - x0) * i / n, y0 + (y1 - y0) * j / n]) for i in range(n + 1)]
            for j in range(n + 1)]
    fig, ax = plt.subplots(figsize=(5, 5))
    ax.imshow(grid, origin="lower", extent=(x0, x1, y0, y1), cmap="Pastel1", aspect="auto", alpha=0.9)
    ax.scatter(xs, ys, c=y, cmap="Set1", s=18, edgecolors="k", linewidths=0.4)
    ax.set_title(title)
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
