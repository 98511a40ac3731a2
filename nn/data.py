"""Small deterministic data sets for demos, tests and benchmarks (no scikit-learn needed)."""

from __future__ import annotations

import math
import random

from autograd.validate import positive, random_seed, whole


def moons(n: int = 100, noise: float = 0.1, seed: int = 0) -> tuple[list[list[float]], list[int]]:
    """Two interleaving half circles, as scikit-learn's ``make_moons``: points and 0/1 labels.

    The first ``n - n // 2`` points are the upper moon (label 0), the rest the lower one
    (label 1); each coordinate gets Gaussian noise of standard deviation ``noise``.
    The same ``seed`` gives the same points on every machine. Counts are whole numbers and
    ``noise`` a real number (NumPy scalars and Fraction too; never bool).
    """
    n, noise = _checked(n, 2, noise, "moons")
    rng = random.Random(random_seed(seed, "moons: seed"))
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


def spirals(
    n_per_class: int = 100, classes: int = 3, noise: float = 0.2, seed: int = 0
) -> tuple[list[list[float]], list[int]]:
    """``classes`` interleaved spiral arms (the CS231n data set): points and labels 0..classes-1.

    Arm k's i-th point is at radius r = i/(n−1) and angle 4r + 2πk/classes (plus Gaussian
    noise of standard deviation ``noise`` on the angle), so no straight line separates them.
    """
    n_per_class, noise = _checked(n_per_class, 2, noise, "spirals")
    classes = whole(classes, "spirals: classes", least=2)
    rng = random.Random(random_seed(seed, "spirals: seed"))
    points: list[list[float]] = []
    labels: list[int] = []
    for k in range(classes):
        for i in range(n_per_class):
            r = i / (n_per_class - 1)
            t = 4.0 * r + 2.0 * math.pi * k / classes + rng.gauss(0.0, noise)
            points.append([r * math.sin(t), r * math.cos(t)])
            labels.append(k)
    return points, labels


def _checked(n: object, least: int, noise: object, where: str) -> tuple[int, float]:
    """The count as an int and the noise as a float, so NumPy or Fraction arguments give plain lists."""
    count = whole(n, f"{where}: the number of points", least=least)
    return count, positive(noise, f"{where}: noise", allow_zero=True)
