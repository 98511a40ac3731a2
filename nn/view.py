"""The network view: an MLP drawn as the documents draw it.

Inputs, hidden layers and outputs in columns, first neuron on top, and the error E in a box of
its own (its loss, the targets and its value), fed by the outputs. Each neuron shows its net
input and output as ``output``'s graph recorded them (``readout``), and its bias; each
connection shows its weight's label, value and ∂E/∂w from the latest backward, written on the
connection. A legend says what the numbers and the red mean: ``highlight=w`` draws in red the
chain-rule paths from ``w`` to E, and with ``output=E`` writes the derivation
(``autograd.explain``) under the picture.

Where each box and label goes is worked out by ``nn.layout`` (a fixed layout, pinned for
Graphviz's neato: the same picture for a given network, each label clear of the others); this
module draws it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from autograd import Explanation, Value, explain
from autograd.draw import HIGHLIGHT, label_text, table_label
from autograd.notation import check_digits, number
from autograd.paths import PathSet
from autograd.render import Diagram
from autograd.validate import finite, whole

from .layers import MLP, Neuron
from .layout import FONT, LABEL_FONT, Layout, Rect, Texts, lay_out, lines_size
from .losses import LOSSES
from .readout import Readout, readout

if TYPE_CHECKING:
    from autograd.explore import Explorer

TITLE_FONT, LEGEND_FONT = 13, 10  # points: the columns' titles, the legend


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

    def texts(self) -> Texts:
        """Every text whose size decides where things go (``nn.layout``): the inputs', the
        neurons', the connections' labels, and E's when E has a box."""
        layers = list(enumerate(self.model.layers))
        return Texts(
            inputs=[self.input_text(i) for i in range(len(self.names))],
            neurons=[[self.neuron_rows(k, j) for j in range(len(layer.neurons))] for k, layer in layers],
            weights=[[[self.weight_lines(k, j, i) for i in range(len(n.w))]
                      for j, n in enumerate(layer.neurons)] for k, layer in layers],
            E=self.E_rows() if self.output is not None or self.loss is not None else None,
        )


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
    layout = lay_out(picture.texts())
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


# --- the nodes and edges ------------------------------------------------------------------------


def _pos(r: Rect) -> str:
    """A pinned position in inches, as neato reads it."""
    return f"{_inches(r.x)},{_inches(r.y)}!"


def _inches(x: float) -> str:
    """A coordinate to a thousandth of an inch, without trailing zeros: "0", "5.5"."""
    return f"{round(x, 3) + 0.0:g}"


def _add_inputs(g: Diagram, picture: _Picture, layout: Layout) -> None:
    """The input column: each input's name, and its value when the graph recorded one."""
    for i, r in enumerate(layout.columns[0]):
        g.node(_node_id(0, i), label_text(picture.input_text(i)), shape="ellipse", style="filled",
               fillcolor="#eef4fb", pos=_pos(r))


def _bold_first(rows: list[str]) -> str:
    """A box's table label: the first row's first word in bold, the rest of it in italics."""
    name, _, rest = rows[0].partition("  ")
    first = f"<b>{label_text(name)}</b>" + (f"  <i>{label_text(rest)}</i>" if rest else "")
    return table_label([first, *map(label_text, rows[1:])])


def _add_neurons(g: Diagram, picture: _Picture, layout: Layout) -> None:
    """One box per neuron, drawn thick and red when it is on the highlighted paths."""
    for k, layer in enumerate(picture.model.layers):
        for j in range(len(layer.neurons)):
            hot = picture.hot(k, j)
            g.node(_node_id(k + 1, j), _bold_first(picture.neuron_rows(k, j)), shape="box", style="rounded",
                   color=HIGHLIGHT if hot else "black", penwidth="2" if hot else "1",
                   pos=_pos(layout.columns[k + 1][j]))


def _add_connections(g: Diagram, picture: _Picture, layout: Layout) -> None:
    """Every weight's edge, each followed by its label node (the DOT source keeps that order)."""
    for k, layer in enumerate(picture.model.layers):
        for j in range(len(layer.neurons)):
            head = _node_id(k + 1, j)
            for i in range(len(layer.neurons[j].w)):
                color = HIGHLIGHT if picture.on_path(k, j, i) else "grey45"
                g.edge(_node_id(k, i), head, color=color, penwidth="2.5" if color == HIGHLIGHT else "1")
                text = "\n".join(map(label_text, picture.weight_lines(k, j, i)))
                g.node(f"{head}_w{i}", text, shape="plaintext", fontsize=str(LABEL_FONT), fontcolor=color,
                       style="filled", fillcolor="white", pos=_pos(layout.labels[k, j, i]),
                       margin="0.02", height="0", width="0")


def _add_E(g: Diagram, picture: _Picture, layout: Layout) -> None:
    """E's box, and an arrow into it from each output, red when that output is on a red path."""
    assert layout.E is not None
    hot = bool(picture.on_paths)
    g.node("E", _bold_first(picture.E_rows()), shape="box", style="rounded,filled", fillcolor="#fdf3e7",
           color=HIGHLIGHT if hot else "black", penwidth="2" if hot else "1", pos=_pos(layout.E))
    last = len(picture.model.layers)
    for j, n in enumerate(picture.model.layers[-1].neurons):
        red = picture.feeds_E(n)
        g.edge(_node_id(last, j), "E", color=HIGHLIGHT if red else "grey45", penwidth="2.5" if red else "1")


def _add_titles(g: Diagram, picture: _Picture, layout: Layout) -> None:
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


def _add_legend(g: Diagram, picture: _Picture, layout: Layout) -> None:
    """What the numbers and the red mean, over the titles, flush with the inputs' left side."""
    lines = picture.legend()
    w, h = lines_size(lines, LEGEND_FONT, margin=0.06)
    left, _, _, top = layout.extent()
    cells = [label_text(line) for line in lines]
    if picture.highlight is not None:
        cells[-1] = f'<font color="{HIGHLIGHT}">{cells[-1]}</font>'
    rows = "".join(f'<tr><td align="left">{c}</td></tr>' for c in cells)
    g.node("legend", f'<<table border="0" cellborder="0" cellspacing="0" cellpadding="1">{rows}</table>>',
           shape="plaintext", fontsize=str(LEGEND_FONT), fontcolor="grey20",
           pos=f"{_inches(left + w / 2)},{_inches(top + 0.75 + h / 2)}!")


def _add_derivation(g: Diagram, picture: _Picture, layout: Layout, derivation: Explanation) -> None:
    """The chain-rule derivation, left-aligned in a block centred under the picture."""
    lines = str(derivation).split("\n")
    left, right, bottom, _ = layout.extent()
    height = len(lines) * 1.2 * FONT / 72
    g.node("derivation", "\\l".join(map(label_text, lines)) + "\\l", shape="plaintext", fontname="Courier",
           fontsize=str(FONT), pos=f"{_inches((left + right) / 2)},{_inches(bottom - 0.35 - height / 2)}!")


def explore(model: MLP, output: Value, path: str | os.PathLike[str] | None = None,
            **options: Any) -> Explorer:
    """The network and its expression graph in one offline HTML page, to click and step
    through (``nn.explorer.explore``, whose options it takes), written to ``path`` when given."""
    from .explorer import explore as explore_network  # nn.explorer draws with this module

    return explore_network(model, output, path, **options)
