"""Where the network view puts each box and label, in inches, worked out from the texts it writes.

The layout is fixed (Graphviz's neato with pinned positions), not searched by Graphviz: the
picture of a given network always looks the same, like the figure in a textbook. Where each
label goes is worked out here from the size its text will have: on its own connection, as near
the neuron it feeds as it can be while covering no other text, box or arrowhead and as few other
connections as it can; columns move apart until every label has such a place. (A gap of more
than ``SEARCHED`` connections, far past legible, gets labels at a fixed place instead.)

``lay_out`` takes the texts (``Texts``) and gives a ``Layout``; ``nn.view`` draws it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

Point = tuple[float, float]
Connection = tuple[int, int, int]  # (k, j, i): the connection from i into neuron j of layer k

FONT, LABEL_FONT = 11, 9  # points: the boxes' text, the connections' labels
ROW = 1.8  # inches between the centres of neighbouring neurons, at least
ROW_GAP = 0.8  # inches between the boxes of a column, at least
ROW_PER_INPUT = 0.1  # inches more between rows for each input of a neuron past two: room for labels
GAP = 3.4  # inches between the widest boxes of two columns, at least: more when the labels need it
GAP_PER_EDGE = 0.08  # inches more for each connection between them past six: room to read
GAP_STEP, MAX_GAP = 0.4, 12.0
E_GAP = 1.2  # inches between the output column and E's box
STEP = 0.05  # inches between the places tried for a label along its connection
PLACES = 120  # places tried along one connection at most
CLEAR = 0.05  # inches kept free around each label
ARROW = 0.16  # inches: an arrowhead fits in a square this wide at the end of its connection
NEAR = 1.5  # what moving a label from its neuron to the far end costs, in connections covered
SEARCHED = 100  # connections in one gap at most whose labels' places are searched


# --- how big Graphviz will draw a text ----------------------------------------------------------

# Widths in em of DejaVu Sans, the widest font Graphviz is likely to find for Helvetica, rounded
# up: a text measured here is never narrower than the one drawn, so what is kept apart here is
# apart in the picture too.
_EM = {ch: em for em, chars in ((0.3, "ijl.,:;'|!·"), (0.34, " "), (0.42, "()[]{}/\\frt-`\""),
                                (0.66, "0123456789abcdeghknopqsuvxyz_?$#*"),
                                (0.8, "ABCDEFGHIJKLNOPQRSTUVXYZ=+<>~^−∂"), (1.0, "mwMW%@&"))
       for ch in chars}


def text_width(text: str, size: float, mono: bool = False) -> float:
    """About how wide, in inches, Graphviz draws ``text`` at ``size`` points: never narrower
    (2 points more, for its rounding up)."""
    em = 0.63 * len(text) if mono else sum(_EM.get(ch, 0.8) for ch in text)
    return (em * size + 2) / 72


def table_size(rows: Sequence[str], size: float) -> tuple[float, float]:
    """(width, height) in inches of a box whose label is a ``table_label`` of these rows (the
    first in bold): the text, a point of padding around each cell, Graphviz's margins."""
    width = max(text_width(r, size) * (1.1 if k == 0 else 1.0) for k, r in enumerate(rows))
    return max(0.75, width + 20 / 72), max(0.5, len(rows) * (1.2 * size + 2) / 72 + 10 / 72)


def lines_size(lines: Sequence[str], size: float, margin: float = 0.02) -> tuple[float, float]:
    """(width, height) in inches of plain text in lines, with ``margin`` around it."""
    width = max(text_width(line, size) for line in lines)
    return width + 2 * margin + 0.03, len(lines) * 1.2 * size / 72 + 2 * margin + 0.03


# --- plane geometry, in inches, y up as in Graphviz ---------------------------------------------


@dataclass(frozen=True)
class Rect:
    """A box by its centre and its full width and height."""

    x: float
    y: float
    w: float
    h: float

    def hits(self, other: Rect, clear: float = 0.0) -> bool:
        """Whether the two overlap, or come closer than ``clear``."""
        return (2 * abs(self.x - other.x) < self.w + other.w + 2 * clear
                and 2 * abs(self.y - other.y) < self.h + other.h + 2 * clear)


@dataclass(frozen=True)
class _Segment:
    """A straight connection: its bounding box, and its line as n·p = c (n a unit normal)."""

    left: float
    right: float
    bottom: float
    top: float
    nx: float
    ny: float
    c: float

    @classmethod
    def of(cls, a: Point, b: Point) -> _Segment:
        """The segment from a to b."""
        length = math.dist(a, b) or 1.0
        nx, ny = (a[1] - b[1]) / length, (b[0] - a[0]) / length
        return cls(min(a[0], b[0]), max(a[0], b[0]), min(a[1], b[1]), max(a[1], b[1]), nx, ny,
                   nx * a[0] + ny * a[1])

    def crosses(self, r: Rect) -> bool:
        """Whether the segment passes through the box: their bounding boxes overlap and the box's
        corners lie on both sides of the line (separating axes: x, y and the normal)."""
        return (self.left < r.x + r.w / 2 and self.right > r.x - r.w / 2
                and self.bottom < r.y + r.h / 2 and self.top > r.y - r.h / 2
                and abs(self.nx * r.x + self.ny * r.y - self.c)
                < (abs(self.nx) * r.w + abs(self.ny) * r.h) / 2)


def _border(node: Rect, oval: bool, toward: Point) -> Point:
    """Where the line from the node's centre toward ``toward`` leaves its outline: a box's, or
    with ``oval`` the ellipse's inside it."""
    dx, dy = toward[0] - node.x, toward[1] - node.y
    if oval:
        t = 1 / math.hypot(2 * dx / node.w, 2 * dy / node.h)
    else:
        t = min(node.w / 2 / abs(dx) if dx else math.inf, node.h / 2 / abs(dy) if dy else math.inf)
    return node.x + t * dx, node.y + t * dy


def _arrowhead(a: Point, b: Point) -> Rect:
    """The square an arrowhead at b, on a line from a, fits in."""
    length = math.dist(a, b)
    ux, uy = (b[0] - a[0]) / length, (b[1] - a[1]) / length
    return Rect(b[0] - ux * ARROW / 2, b[1] - uy * ARROW / 2, ARROW, ARROW)


# --- the layout ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Texts:
    """What the picture writes, as far as where things go depends on it: the size of each text.

    ``weights[k][j][i]`` is the label of the connection from i into neuron j of layer k.
    """

    inputs: Sequence[str]  # each input's text, in its ellipse
    neurons: Sequence[Sequence[Sequence[str]]]  # each neuron's rows, layer by layer, in its box
    weights: Sequence[Sequence[Sequence[tuple[str, str]]]]  # each connection's two lines
    E: Sequence[str] | None = None  # E's box's rows, when E has a box


@dataclass(frozen=True)
class Layout:
    """Where everything goes, in inches: each column's boxes, top first (column 0 the inputs,
    column k + 1 layer k); each weight label's box by (layer k, neuron j, input i); E's box,
    right of the outputs."""

    columns: list[list[Rect]]
    labels: dict[Connection, Rect]
    E: Rect | None

    def extent(self) -> tuple[float, float, float, float]:
        """(left, right, bottom, top) of the boxes and labels."""
        boxes = [r for column in self.columns for r in column] + list(self.labels.values())
        boxes += [self.E] if self.E else []
        return (min(r.x - r.w / 2 for r in boxes), max(r.x + r.w / 2 for r in boxes),
                min(r.y - r.h / 2 for r in boxes), max(r.y + r.h / 2 for r in boxes))


def _sizes(texts: Texts) -> list[list[tuple[float, float]]]:
    """Each node's (width, height), column by column."""
    inputs = [text_width(text, FONT) for text in texts.inputs]
    columns = [[(max(0.75, (w + 16 / 72) * 1.42), 0.5) for w in inputs]]
    for layer in texts.neurons:
        columns.append([table_size(rows, FONT) for rows in layer])
    return columns


def lay_out(texts: Texts) -> Layout:
    """The columns left to right, each as close to the one before as its connections' labels
    allow (see ``_place_labels``); E's box right of the outputs, level with their middle."""
    sizes = _sizes(texts)
    fan_in = max(len(sizes[c - 1]) for c in range(1, len(sizes)))
    pitch = max(ROW + ROW_PER_INPUT * max(0, fan_in - 2),
                max(h for column in sizes for _, h in column) + ROW_GAP)
    columns = [_stacked(sizes[0], 0.0, pitch)]
    labels: dict[Connection, Rect] = {}
    placed: dict[Connection, Rect] = {}
    for c in range(1, len(sizes)):
        searched = c > 1 and len(sizes[c - 2]) * len(sizes[c - 1]) <= SEARCHED
        column, placed = _next_column(texts, c, columns[-1], sizes[c], pitch,
                                      list(placed.values()) if searched else [])
        columns.append(column)
        labels.update(placed)
    E = None
    if texts.E is not None:
        w, h = table_size(texts.E, FONT)
        E = Rect(max(r.x + r.w / 2 for r in columns[-1]) + E_GAP + w / 2, 0.0, w, h)
    return Layout(columns, labels, E)


def _stacked(sizes: list[tuple[float, float]], x: float, pitch: float) -> list[Rect]:
    """A column of boxes at x, ``pitch`` apart, centred on y = 0, the first on top."""
    n = len(sizes)
    return [Rect(x, ((n - 1) / 2 - r) * pitch, w, h) for r, (w, h) in enumerate(sizes)]


def _next_column(texts: Texts, c: int, before: list[Rect], sizes: list[tuple[float, float]],
                 pitch: float, labels: list[Rect]) -> tuple[list[Rect], dict[Connection, Rect]]:
    """Column c, as near the one before as lets every label of their connections find a place
    that covers nothing, ``labels`` of the gap before included (the first of ``least``, ``least``
    + ``GAP_STEP``, … that does, found by bisection), and those places; at ``MAX_GAP`` the least
    bad places."""
    right = max(r.x + r.w / 2 for r in before)
    half = max(w for w, _ in sizes) / 2
    band = min(r.x - r.w / 2 for r in before)
    labels = [r for r in labels if r.x + r.w / 2 > band]  # those reaching between column c − 1's boxes

    def attempt(gap: float, strict: bool = True) -> tuple[list[Rect], dict[Connection, Rect] | None]:
        column = _stacked(sizes, right + gap + half, pitch)
        return column, _place_labels(texts, c, before, column, labels, strict)

    edges = len(before) * len(sizes)
    least = GAP if edges > SEARCHED else min(MAX_GAP, GAP + GAP_PER_EDGE * max(0, edges - 6))
    gaps = [least + s * GAP_STEP for s in range(max(0, round((MAX_GAP - least) / GAP_STEP)))]
    lo, hi, fit = 0, len(gaps), None
    while lo < hi:
        mid = (lo + hi) // 2
        column, placed = attempt(gaps[mid])
        if placed is None:
            lo = mid + 1
        else:
            hi, fit = mid, (column, placed)
    if fit is None:
        column, placed = attempt(MAX_GAP, strict=False)
        fit = column, placed or {}
    return fit


def _place_labels(texts: Texts, c: int, tails: list[Rect], heads: list[Rect], labels: list[Rect],
                  strict: bool) -> dict[Connection, Rect] | None:
    """Each label of the connections from column c − 1 to column c, on its connection (see
    ``_best_spot``), one after the other, head by head, clear of the boxes, the arrowheads and
    ``labels`` (the gap before's, which may reach between the boxes of column c − 1); None when
    ``strict`` and one has no place that covers nothing."""
    ends = {(j, i): (_border(t, c == 1, (h.x, h.y)), _border(h, False, (t.x, t.y)))
            for j, h in enumerate(heads) for i, t in enumerate(tails)}
    segments = {key: _Segment.of(a, b) for key, (a, b) in ends.items()}
    blocked = [*tails, *heads, *labels, *(_arrowhead(a, b) for a, b in ends.values())]
    placed: dict[Connection, Rect] = {}
    for (j, i), (a, b) in ends.items():
        size = lines_size(texts.weights[c - 1][j][i], LABEL_FONT)
        if len(ends) > SEARCHED:  # far past legible: a fixed place, a third of the way from the head
            placed[c - 1, j, i] = Rect(b[0] + (a[0] - b[0]) / 3, b[1] + (a[1] - b[1]) / 3, *size)
            continue
        near = Rect((a[0] + b[0]) / 2, (a[1] + b[1]) / 2, abs(a[0] - b[0]) + size[0],
                    abs(a[1] - b[1]) + size[1])  # where the label can be, wherever on a → b
        spot = _best_spot(a, b, size, [r for r in blocked if near.hits(r, CLEAR)],
                          [e for key, e in segments.items() if key != (j, i) and e.crosses(near)], strict)
        if spot is None:
            return None
        blocked.append(spot)
        placed[c - 1, j, i] = spot
    return placed


def _best_spot(a: Point, b: Point, size: tuple[float, float], blocked: list[Rect],
               others: list[_Segment], strict: bool) -> Rect | None:
    """The place for a label on the connection a → b, tried from the head b back every ``STEP``
    (``PLACES`` places at most): the one covering the fewest ``others`` (connections), nearer
    the head on a tie (``NEAR``), among those that come near nothing ``blocked`` (anywhere,
    heavily penalised, unless ``strict``; None when there is no such place)."""
    length = math.dist(a, b)
    step = max(STEP, length / PLACES)
    best, best_cost = None, math.inf
    for m in range(int(length / step) + 1):
        f = m * step / length
        if NEAR * f >= best_cost:  # every later place costs more
            break
        spot = Rect(b[0] + f * (a[0] - b[0]), b[1] + f * (a[1] - b[1]), *size)
        if strict:
            if any(spot.hits(r, CLEAR) for r in blocked):
                continue
            cost = NEAR * f
        else:
            cost = 1000 * sum(spot.hits(r, CLEAR) for r in blocked) + NEAR * f
        cost += sum(e.crosses(spot) for e in others)
        if cost < best_cost:
            best, best_cost = spot, cost
    return best
