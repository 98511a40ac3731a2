"""Small deterministic data sets for demos, tests and benchmarks (no scikit-learn needed)."""

from __future__ import annotations

import math
import random


def moons(n: int = 100, noise: float = 0.1, seed: int = 0) -> tuple[list[list[float]], list[int]]:
    """Two interleaving half circles, as scikit-learn's ``make_moons``: points and 0/1 labels.

    The first ``n - n // 2`` points are the upper moon (label 0), the rest the lower one
    (label 1); each coordinate gets Gaussian noise of standard deviation ``noise``.
    The same ``seed`` gives the same points on every machine.
    """
    if not isinstance(n, int) or isinstance(n, bool) or n < 2:
        raise ValueError(f"moons: n must be an int >= 2, not {n!r}")
    if not isinstance(noise, (int, float)) or isinstance(noise, bool) or not noise >= 0:
        raise ValueError(f"moons: noise must be a number >= 0, not {noise!r}")
    rng = random.Random(seed)
    n_upper = n - n // 2
    points: list[list[float]] = []
    labels: list[int] = []
    for label, count in ((0, n_upper), (1, n // 2)):
        for i in range(count):
            t = math.pi * i / max(count - 1, 1)
            x, y = (math.cos(t), math.sin(t)) if label == 0 else (1 - math.cos(t), 0.5 - math.sin(t))
            points.append([x + rng.gauss(0.0, noise), y + rng.gauss(0.0, noise)])
            labels.append(label)
    return points, labels
