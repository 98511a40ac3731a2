"""The network view: an MLP drawn as the documents draw it.

Inputs, hidden layers and outputs in columns, first neuron on top, and the error E in a box of
its own (its loss, the targets and its value), fed by the outputs. Each neuron shows its net
input and output as ``output``'s graph recorded them (``readout``), and its bias; each
connection shows its weight's label, value and ∂E/∂w from the latest backward, written on the
connection. A legend says what the numbers and the red mean: ``highlight=w`` draws in red the
chain-rule paths from ``w`` to E, and with ``output=E`` writes the derivation
(``autograd.explain``) under the picture.

The layout is fixed (Graphviz's neato with pinned positions), not searched by Graphviz: the
picture of a given network always looks the same, like the figure in a textbook. Where each
label goes is worked out here from the size its text will have: on its own connection, as near
the neuron it feeds as it can be while covering no other text, box or arrowhead and as few other
connections as it can; columns move apart until every label has such a place. (A gap of more
than ``SEARCHED`` connections, far past legible, gets labels at a fixed place instead.)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from autograd import Explanation, Value, explain
from autograd.draw import HIGHLIGHT, label_text, table_label
from autograd.notation import check_digits, number
from autograd.paths import PathSet
from autograd.render import Diagram
from autograd.validate import finite, whole

from .layers import MLP, Neuron
from .losses import LOSSES
from .readout import Readout, readout

Point = tuple[float, float]

FONT, LABEL_FONT, TITLE_FONT, LEGEND_FONT = 11, 9, 13, 10  # points
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


def _table_size(rows: Sequence[str], size: float) -> tuple[float, float]:
    """(width, height) in inches of a box whose label is a ``table_label`` of these rows (the
    first in bold): the text, a point of padding around each cell, Graphviz's margins."""
    width = max(text_width(r, size) * (1.1 if k == 0 else 1.0) for k, r in enumerate(rows))
    return max(0.75, width + 20 / 72), max(0.5, len(rows) * (1.2 * size + 2) / 72 + 10 / 72)


def _lines_size(lines: Sequence[str], size: float, margin: float = 0.02) -> tuple[float, float]:
    """(width, height) in inches of plain text in lines, with ``margin`` around it."""
    width = max(text_width(line, size) for line in lines)
    return width + 2 * margin + 0.03, len(lines) * 1.2 * size / 72 + 2 * margin + 0.03


# --- plane geometry, in inches, y up as in Graphviz ---------------------------------------------


@dataclass(frozen=True)
class _Rect:
    """A box by its centre and its full width and height."""

    x: float
    y: float
    w: float
    h: float

    def hits(self, other: _Rect, clear: float = 0.0) -> bool:
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

    def crosses(self, r: _Rect) -> bool:
        """Whether the segment passes through the box: their bounding boxes overlap and the box's
        corners lie on both sides of the line (separating axes: x, y and the normal)."""
        return (self.left < r.x + r.w / 2 and self.right > r.x - r.w / 2
                and self.bottom < r.y + r.h / 2 and self.top > r.y - r.h / 2
                and abs(self.nx * r.x + self.ny * r.y - self.c)
                < (abs(self.nx) * r.w + abs(self.ny) * r.h) / 2)


def _border(node: _Rect, oval: bool, toward: Point) -> Point:
    """Where the line from the node's centre toward ``toward`` leaves its outline: a box's, or
    with ``oval`` the ellipse's inside it."""
    dx, dy = toward[0] - node.x, toward[1] - node.y
    if oval:
        t = 1 / math.hypot(2 * dx / node.w, 2 * dy / node.h)
    else:
        t = min(node.w / 2 / abs(dx) if dx else math.inf, node.h / 2 / abs(dy) if dy else math.inf)
    return node.x + t * dx, node.y + t * dy


def _arrowhead(a: Point, b: Point) -> _Rect:
    """The square an arrowhead at b, on a line from a, fits in."""
    length = math.dist(a, b)
    ux, uy = (b[0] - a[0]) / length, (b[1] - a[1]) / length
    return _Rect(b[0] - ux * ARROW / 2, b[1] - uy * ARROW / 2, ARROW, ARROW)


# --- the drawing's contents ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Picture:
    """What every part of the drawing needs, worked out once: the numbers, names and red paths.

    Column 0 holds the inputs, column k + 1 the neurons of layer k.
    """

    model: MLP
    ro: Readout
    names: Sequence[str]
    highlight: Value | None
    hot_at: tuple[int, int] | None
    digits: int
    E: str  # the gradients' numerator
    output: Value | None = None
    loss: str | None = None
    targets: Sequence[float] | int | None = None
    on_paths: set[Value] = field(default_factory=set)  # the graph's nodes on the red paths

    def hot(self, k: int, j: int) -> bool:
        """Whether neuron j of layer k is on the highlighted paths: the parameter's own neuron,
        then every neuron of every later layer."""
        return self.hot_at is not None and (k > self.hot_at[0] or (k, j) == self.hot_at)

    def on_path(self, k: int, j: int, i: int) -> bool:
        """Whether the connection from i into neuron j of layer k is red: the highlighted weight
        itself, or a link between two red neurons."""
        w = self.model.layers[k].neurons[j].w[i]
        return w is self.highlight or (self.hot(k, j) and k > 0 and self.hot(k - 1, i))

    def feeds_E(self, n: Neuron) -> bool:
        """Whether the output neuron n's connection to E is red: its output is on a red path."""
        out = self.ro.outs.get(n)
        return out is not None and out in self.on_paths

    def input_text(self, i: int) -> str:
        """An input's name, and its value when the graph recorded one."""
        inputs = self.ro.inputs
        if not inputs:
            return self.names[i]
        x = inputs[i]
        return f"{self.names[i]} = {number(x.data if isinstance(x, Value) else x, self.digits)}"

    def neuron_rows(self, k: int, j: int) -> list[str]:
        """A neuron box's lines: name and activation, net and out when the graph has them, bias
        and ∂E/∂b."""
        layer = self.model.layers[k]
        n = layer.neurons[j]
        rows = [f"{n.name}  {layer.activation}"]
        if n in self.ro.nets:
            out = f"   out {number(self.ro.outs[n].data, self.digits)}" if n in self.ro.outs else ""
            rows.append(f"net {number(self.ro.nets[n].data, self.digits)}{out}")
        b = n.b.label or "b"
        return [*rows, f"{b} = {number(n.b.data, self.digits)}",
                f"∂{self.E}/∂{b} = {number(n.b.grad, self.digits)}"]

    def weight_lines(self, k: int, j: int, i: int) -> tuple[str, str]:
        """A connection's label: the weight's name and value, and ∂E/∂w."""
        w = self.model.layers[k].neurons[j].w[i]
        name = w.label or "w"
        return f"{name} = {number(w.data, self.digits)}", f"∂{self.E}/∂{name} = {number(w.grad, self.digits)}"

    def E_rows(self) -> list[str]:
        """E's box: its name and loss, the loss's formula, the targets (or the class), its value."""
        rows = [f"{self.E}  {self.loss}" if self.loss else self.E]
        if self.loss in LOSSES:
            rows.append(LOSSES[self.loss].formula)
        outs = self.model.layers[-1].neurons
        if isinstance(self.targets, int):
            rows.append(f"true class {self.targets}: {outs[self.targets].name}")
        elif self.targets is not None:
            single = len(outs) == 1
            rows += [f"target{'' if single else '_' + n.name} = {number(t, self.digits)}"
                     for n, t in zip(outs, self.targets)]
        if self.output is not None:
            rows.append(f"{self.E} = {number(self.output.data, self.digits)}")
        return rows

    def legend(self) -> list[str]:
        """What the numbers mean, and what the red does."""
        rows = [f"on each connection: w = its weight, ∂{self.E}/∂w = its gradient",
                f"in each neuron: net input, output, bias b, ∂{self.E}/∂b"]
        if self.highlight is not None:
            worked = ", worked out below" if self.output is not None else ""
            rows.append(f"red: the chain-rule paths from {self.highlight.label or 'w'} to {self.E}{worked}")
        return rows


def draw_network(
    model: MLP,
    highlight: Value | None = None,
    *,
    output: Value | None = None,
    outputs: Sequence[Value] = (),
    input_names: Sequence[str] | None = None,
    digits: int = 4,
    loss: str | None = None,
    targets: Sequence[float] | int | None = None,
) -> Diagram:
    """``model`` as a layered diagram (see the module doc), a ``graphviz.Digraph``.

    Run a forward pass (and a backward, for the gradients) first. ``highlight`` is one of
    the model's weights or biases; ``output`` the Value it was differentiated from (E), whose
    graph gives the inputs and each neuron's net and out (without it, only weights show);
    ``outputs`` the model's outputs, for those ``output`` does not read (a softmax's other
    classes); ``input_names`` the inputs' names (default: their labels, or x[0], x[1], …).
    With ``output`` (or ``loss``) E gets a box: ``loss`` names the loss (a name of
    ``nn.losses.LOSSES`` also shows its formula), ``targets`` are one number per output, or
    the true class's index.
    """
    _check_arguments(model, highlight, output, digits)
    if isinstance(outputs, Value) or not all(isinstance(v, Value) for v in outputs):
        raise TypeError("draw_network: outputs must be a list of the model's output Values")
    if loss is not None and not isinstance(loss, str):
        raise TypeError(f"draw_network: loss must be a loss's name, not {type(loss).__name__}")
    ro = readout(model, output, *outputs)
    picture = _Picture(
        model=model, ro=ro, names=_input_names(model, ro.inputs, input_names), highlight=highlight,
        hot_at=_hot_neuron(model, highlight), digits=digits,
        E=output.label if output is not None and output.label else "E", output=output, loss=loss,
        targets=_checked_targets(model, targets),
        on_paths=PathSet(output, highlight).nodes if output is not None and highlight is not None else set(),
    )
    g = Diagram("network", engine="neato",
                graph_attr={"splines": "line", "fontname": "Helvetica", "outputorder": "edgesfirst"},
                node_attr={"fontname": "Helvetica", "fontsize": str(FONT)},
                edge_attr={"arrowsize": "0.7"})
    layout = _layout(picture)
    _add_inputs(g, picture, layout)
    _add_neurons(g, picture, layout)
    _add_connections(g, picture, layout)
    if output is not None or loss is not None:
        _add_E(g, picture, layout)
    _add_titles(g, picture, layout)
    _add_legend(g, picture, layout)
    if highlight is not None and output is not None:
        _add_derivation(g, picture, layout, explain(output, highlight, digits=digits))
    return g


def _check_arguments(model: MLP, highlight: Value | None, output: Value | None, digits: int) -> None:
    """Refuse bad arguments before any drawing, in a fixed order, with ``draw_network``'s name."""
    if not isinstance(model, MLP):
        raise TypeError(f"draw_network: expected an nn.MLP, not {type(model).__name__}")
    check_digits(digits, "draw_network")
    if highlight is not None and not any(highlight is p for p in model.parameters()):
        raise ValueError(f"draw_network: highlight {highlight!r} is not a parameter of this model")
    if output is not None and not isinstance(output, Value):
        raise TypeError(f"draw_network: output must be a Value, not {type(output).__name__}")


def _checked_targets(model: MLP, targets: object) -> list[float] | int | None:
    """The targets as given, checked: a class index of the output layer, or one number per output."""
    nout = len(model.layers[-1].neurons)
    if targets is None:
        return None
    if isinstance(targets, (str, bytes)) or not isinstance(targets, Sequence):
        return whole(targets, "draw_network: targets (a class index)", 0, nout - 1)
    if len(targets) != nout:
        raise ValueError(f"draw_network: targets must be {nout} numbers, one per output, or a class "
                         f"index, not {targets!r}")
    return [finite(t, "draw_network: a target") for t in targets]


def _input_names(model: MLP, inputs: Sequence[Value | float], names: Sequence[str] | None) -> Sequence[str]:
    """The given names, checked; by default the inputs' labels, falling back to x[i]."""
    if names is None:
        names = [x.label if isinstance(x, Value) and x.label else f"x[{i}]"
                 for i, x in enumerate(inputs or [0.0] * model.nin)]
    if isinstance(names, (str, bytes)) or len(names) != model.nin:
        raise ValueError(f"draw_network: input_names must be a list of {model.nin} names, "
                         f"not {names!r}")
    return names


def _hot_neuron(model: MLP, highlight: Value | None) -> tuple[int, int] | None:
    """(layer, index) of the neuron owning ``highlight``: where its red paths start."""
    return next(((k, j) for k, layer in enumerate(model.layers) for j, n in enumerate(layer.neurons)
                 if any(highlight is p for p in [*n.w, n.b])), None)


def _node_id(c: int, r: int) -> str:
    """The DOT id of the node in row r of column c: ``in<r>`` for inputs, ``n<layer>_<r>`` for neurons."""
    return f"in{r}" if c == 0 else f"n{c - 1}_{r}"


# --- the layout ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Layout:
    """Where everything goes, in inches: each column's boxes, top first; each weight label's box
    by its DOT id (``n<layer>_<j>_w<i>``); E's box, right of the outputs."""

    columns: list[list[_Rect]]
    labels: dict[str, _Rect]
    E: _Rect | None

    def extent(self) -> tuple[float, float, float, float]:
        """(left, right, bottom, top) of the boxes and labels."""
        boxes = [r for column in self.columns for r in column] + list(self.labels.values())
        boxes += [self.E] if self.E else []
        return (min(r.x - r.w / 2 for r in boxes), max(r.x + r.w / 2 for r in boxes),
                min(r.y - r.h / 2 for r in boxes), max(r.y + r.h / 2 for r in boxes))


def _sizes(picture: _Picture) -> list[list[tuple[float, float]]]:
    """Each node's (width, height), column by column."""
    inputs = [text_width(picture.input_text(i), FONT) for i in range(len(picture.names))]
    columns = [[(max(0.75, (w + 16 / 72) * 1.42), 0.5) for w in inputs]]
    for k, layer in enumerate(picture.model.layers):
        columns.append([_table_size(picture.neuron_rows(k, j), FONT) for j in range(len(layer.neurons))])
    return columns


def _layout(picture: _Picture) -> _Layout:
    """The columns left to right, each as close to the one before as its connections' labels
    allow (see ``_place_labels``); E's box right of the outputs, level with their middle."""
    sizes = _sizes(picture)
    fan_in = max(len(sizes[c - 1]) for c in range(1, len(sizes)))
    pitch = max(ROW + ROW_PER_INPUT * max(0, fan_in - 2),
                max(h for column in sizes for _, h in column) + ROW_GAP)
    columns = [_stacked(sizes[0], 0.0, pitch)]
    labels: dict[str, _Rect] = {}
    placed: dict[str, _Rect] = {}
    for c in range(1, len(sizes)):
        searched = c > 1 and len(sizes[c - 2]) * len(sizes[c - 1]) <= SEARCHED
        column, placed = _next_column(picture, c, columns[-1], sizes[c], pitch,
                                      list(placed.values()) if searched else [])
        columns.append(column)
        labels.update(placed)
    E = None
    if picture.output is not None or picture.loss is not None:
        w, h = _table_size(picture.E_rows(), FONT)
        E = _Rect(max(r.x + r.w / 2 for r in columns[-1]) + E_GAP + w / 2, 0.0, w, h)
    return _Layout(columns, labels, E)


def _stacked(sizes: list[tuple[float, float]], x: float, pitch: float) -> list[_Rect]:
    """A column of boxes at x, ``pitch`` apart, centred on y = 0, the first on top."""
    n = len(sizes)
    return [_Rect(x, ((n - 1) / 2 - r) * pitch, w, h) for r, (w, h) in enumerate(sizes)]


def _next_column(picture: _Picture, c: int, before: list[_Rect], sizes: list[tuple[float, float]],
                 pitch: float, labels: list[_Rect]) -> tuple[list[_Rect], dict[str, _Rect]]:
    """Column c, as near the one before as lets every label of their connections find a place
    that covers nothing, ``labels`` of the gap before included (the first of ``least``, ``least``
    + ``GAP_STEP``, … that does, found by bisection), and those places; at ``MAX_GAP`` the least
    bad places."""
    right = max(r.x + r.w / 2 for r in before)
    half = max(w for w, _ in sizes) / 2
    band = min(r.x - r.w / 2 for r in before)
    labels = [r for r in labels if r.x + r.w / 2 > band]  # those reaching between column c − 1's boxes

    def attempt(gap: float, strict: bool = True) -> tuple[list[_Rect], dict[str, _Rect] | None]:
        column = _stacked(sizes, right + gap + half, pitch)
        return column, _place_labels(picture, c, before, column, labels, strict)

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


def _place_labels(picture: _Picture, c: int, tails: list[_Rect], heads: list[_Rect], labels: list[_Rect],
                  strict: bool) -> dict[str, _Rect] | None:
    """Each label of the connections from column c − 1 to column c, on its connection (see
    ``_best_spot``), one after the other, head by head, clear of the boxes, the arrowheads and
    ``labels`` (the gap before's, which may reach between the boxes of column c − 1); None when
    ``strict`` and one has no place that covers nothing."""
    ends = {(j, i): (_border(t, c == 1, (h.x, h.y)), _border(h, False, (t.x, t.y)))
            for j, h in enumerate(heads) for i, t in enumerate(tails)}
    segments = {key: _Segment.of(a, b) for key, (a, b) in ends.items()}
    blocked = [*tails, *heads, *labels, *(_arrowhead(a, b) for a, b in ends.values())]
    placed: dict[str, _Rect] = {}
    for (j, i), (a, b) in ends.items():
        size = _lines_size(picture.weight_lines(c - 1, j, i), LABEL_FONT)
        if len(ends) > SEARCHED:  # far past legible: a fixed place, a third of the way from the head
            placed[f"n{c - 1}_{j}_w{i}"] = _Rect(b[0] + (a[0] - b[0]) / 3, b[1] + (a[1] - b[1]) / 3, *size)
            continue
        near = _Rect((a[0] + b[0]) / 2, (a[1] + b[1]) / 2, abs(a[0] - b[0]) + size[0],
                     abs(a[1] - b[1]) + size[1])  # where the label can be, wherever on a → b
        spot = _best_spot(a, b, size, [r for r in blocked if near.hits(r, CLEAR)],
                          [e for key, e in segments.items() if key != (j, i) and e.crosses(near)], strict)
        if spot is None:
            return None
        blocked.append(spot)
        placed[f"n{c - 1}_{j}_w{i}"] = spot
    return placed


def _best_spot(a: Point, b: Point, size: tuple[float, float], blocked: list[_Rect],
               others: list[_Segment], strict: bool) -> _Rect | None:
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
        spot = _Rect(b[0] + f * (a[0] - b[0]), b[1] + f * (a[1] - b[1]), *size)
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


# --- the nodes and edges ------------------------------------------------------------------------


def _pos(r: _Rect) -> str:
    """A pinned position in inches, as neato reads it."""
    return f"{_inches(r.x)},{_inches(r.y)}!"


def _inches(x: float) -> str:
    """A coordinate to a thousandth of an inch, without trailing zeros: "0", "5.5"."""
    return f"{round(x, 3) + 0.0:g}"


def _add_inputs(g: Diagram, picture: _Picture, layout: _Layout) -> None:
    """The input column: each input's name, and its value when the graph recorded one."""
    for i, r in enumerate(layout.columns[0]):
        g.node(_node_id(0, i), label_text(picture.input_text(i)), shape="ellipse", style="filled",
               fillcolor="#eef4fb", pos=_pos(r))


def _bold_first(rows: list[str]) -> str:
    """A box's table label: the first row's first word in bold, the rest of it in italics."""
    name, _, rest = rows[0].partition("  ")
    first = f"<b>{label_text(name)}</b>" + (f"  <i>{label_text(rest)}</i>" if rest else "")
    return table_label([first, *map(label_text, rows[1:])])


def _add_neurons(g: Diagram, picture: _Picture, layout: _Layout) -> None:
    """One box per neuron, drawn thick and red when it is on the highlighted paths."""
    for k, layer in enumerate(picture.model.layers):
        for j in range(len(layer.neurons)):
            hot = picture.hot(k, j)
            g.node(_node_id(k + 1, j), _bold_first(picture.neuron_rows(k, j)), shape="box", style="rounded",
                   color=HIGHLIGHT if hot else "black", penwidth="2" if hot else "1",
                   pos=_pos(layout.columns[k + 1][j]))


def _add_connections(g: Diagram, picture: _Picture, layout: _Layout) -> None:
    """Every weight's edge, each followed by its label node (the DOT source keeps that order)."""
    for k, layer in enumerate(picture.model.layers):
        for j in range(len(layer.neurons)):
            head = _node_id(k + 1, j)
            for i in range(len(layer.neurons[j].w)):
                color = HIGHLIGHT if picture.on_path(k, j, i) else "grey45"
                g.edge(_node_id(k, i), head, color=color, penwidth="2.5" if color == HIGHLIGHT else "1")
                text = "\n".join(map(label_text, picture.weight_lines(k, j, i)))
                g.node(f"{head}_w{i}", text, shape="plaintext", fontsize=str(LABEL_FONT), fontcolor=color,
                       style="filled", fillcolor="white", pos=_pos(layout.labels[f"{head}_w{i}"]),
                       margin="0.02", height="0", width="0")


def _add_E(g: Diagram, picture: _Picture, layout: _Layout) -> None:
    """E's box, and an arrow into it from each output, red when that output is on a red path."""
    assert layout.E is not None
    hot = bool(picture.on_paths)
    g.node("E", _bold_first(picture.E_rows()), shape="box", style="rounded,filled", fillcolor="#fdf3e7",
           color=HIGHLIGHT if hot else "black", penwidth="2" if hot else "1", pos=_pos(layout.E))
    last = len(picture.model.layers)
    for j, n in enumerate(picture.model.layers[-1].neurons):
        red = picture.feeds_E(n)
        g.edge(_node_id(last, j), "E", color=HIGHLIGHT if red else "grey45", penwidth="2.5" if red else "1")


def _add_titles(g: Diagram, picture: _Picture, layout: _Layout) -> None:
    """A title over each column, just above the highest box or label."""
    layers = picture.model.layers
    top = layout.extent()[3] + 0.35
    titles = ["inputs"] + [f"layer {k}: " + ("output" if k == len(layers) - 1 else "hidden")
                           for k in range(len(layers))]
    for c, title in enumerate(titles):
        g.node(f"title{c}", title, shape="plaintext", fontsize=str(TITLE_FONT),
               pos=f"{_inches(layout.columns[c][0].x)},{_inches(top)}!")
    if layout.E is not None:
        g.node("titleE", "error", shape="plaintext", fontsize=str(TITLE_FONT),
               pos=f"{_inches(layout.E.x)},{_inches(top)}!")


def _add_legend(g: Diagram, picture: _Picture, layout: _Layout) -> None:
    """What the numbers and the red mean, over the titles, flush with the inputs' left side."""
    lines = picture.legend()
    w, h = _lines_size(lines, LEGEND_FONT, margin=0.06)
    left, _, _, top = layout.extent()
    cells = [label_text(line) for line in lines]
    if picture.highlight is not None:
        cells[-1] = f'<font color="{HIGHLIGHT}">{cells[-1]}</font>'
    rows = "".join(f'<tr><td align="left">{c}</td></tr>' for c in cells)
    g.node("legend", f'<<table border="0" cellborder="0" cellspacing="0" cellpadding="1">{rows}</table>>',
           shape="plaintext", fontsize=str(LEGEND_FONT), fontcolor="grey20",
           pos=f"{_inches(left + w / 2)},{_inches(top + 0.75 + h / 2)}!")


def _add_derivation(g: Diagram, picture: _Picture, layout: _Layout, derivation: Explanation) -> None:
    """The chain-rule derivation, left-aligned in a block centred under the picture."""
    lines = str(derivation).split("\n")
    left, right, bottom, _ = layout.extent()
    height = len(lines) * 1.2 * FONT / 72
    g.node("derivation", "\\l".join(map(label_text, lines)) + "\\l", shape="plaintext", fontname="Courier",
           fontsize=str(FONT), pos=f"{_inches((left + right) / 2)},{_inches(bottom - 0.35 - height / 2)}!")
