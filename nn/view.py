"""The network view: an MLP drawn as the documents draw it.

Inputs, hidden layers and outputs in columns, first neuron on top; each neuron shows its net
input and output as ``output``'s graph recorded them (``readout``), and its bias; each connection shows its
weight's label, value and ∂E/∂w from the latest backward, written near the neuron it feeds.
``highlight=w`` draws in red the chain-rule paths from ``w`` to the outputs, and with
``output=E`` writes the derivation (``autograd.explain``) under the picture.

The layout is fixed (Graphviz's neato with pinned positions), not searched: the picture of a
given network always looks the same, like the figure in a textbook.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import graphviz

from autograd import Explanation, Value, explain
from autograd.draw import HIGHLIGHT, label_text, table_label
from autograd.notation import check_digits, number

from .layers import MLP, Neuron
from .readout import Readout, readout

COLUMN = 5.5  # inches between columns
ROW = 1.8  # inches between neurons in a column
HALF_WIDTH = {"in": 0.6, "n": 0.85}  # about half a node's width, where its edges start and end
LABEL_HALF_WIDTH = 0.75  # about half a weight label's width


def _label_at(n_inputs: int, visible: float) -> float:
    """Where a weight's label sits: this fraction of its edge's visible length from the head.

    Labels at one neuron are then s·ROW apart, and those of neighbouring neurons at least
    (1 − s·(n − 1))·ROW for n inputs; s = 0.8 / (n + 1) keeps both apart for the documents'
    small layers, and the label must not cover the box it points to.
    """
    return min(0.3, max(LABEL_HALF_WIDTH / visible, 0.8 / (n_inputs + 1)))


def _neuron_label(n: Neuron, activation: str, digits: int, E: str, ro: Readout) -> str:
    """The box's text: name and activation, net and out when the graph has them, bias and ∂E/∂b."""
    rows = [f"<b>{label_text(n.name)}</b>  <i>{label_text(activation)}</i>"]
    if n in ro.nets:
        out = f"   out {number(ro.outs[n].data, digits)}" if n in ro.outs else ""
        rows.append(label_text(f"net {number(ro.nets[n].data, digits)}{out}"))
    b = n.b.label or "b"
    rows.append(label_text(f"{b} = {number(n.b.data, digits)}"))
    rows.append(label_text(f"∂{E}/∂{b} = {number(n.b.grad, digits)}"))
    return table_label(rows)


def _column(count: int) -> list[float]:
    """y of each node in a column of ``count``, centred on 0, first on top."""
    return [((count - 1) / 2 - j) * ROW for j in range(count)]


def draw_network(
    model: MLP,
    highlight: Value | None = None,
    *,
    output: Value | None = None,
    outputs: Sequence[Value] = (),
    input_names: Sequence[str] | None = None,
    digits: int = 4,
) -> graphviz.Digraph:
    """``model`` as a layered diagram (see the module doc).

    Run a forward pass (and a backward, for the gradients) first. ``highlight`` is one of
    the model's weights or biases; ``output`` the Value it was differentiated from (E), whose
    graph gives the inputs and each neuron's net and out (without it, only weights show);
    ``outputs`` the model's outputs, for those ``output`` does not read (a softmax's other
    classes); ``input_names`` the inputs' names (default: their labels, or x[0], x[1], …).
    """
    _check_arguments(model, highlight, output, digits)
    if isinstance(outputs, Value) or not all(isinstance(v, Value) for v in outputs):
        raise TypeError("draw_network: outputs must be a list of the model's output Values")
    ro = readout(model, output, *outputs)
    picture = _Picture(
        model=model, ro=ro, names=_input_names(model, ro.inputs, input_names), highlight=highlight,
        hot_at=_hot_neuron(model, highlight), digits=digits,
        E=output.label if output is not None and output.label else "E",  # the gradients' numerator
    )
    g = graphviz.Digraph("network", engine="neato",
                         graph_attr={"splines": "line", "fontname": "Helvetica", "outputorder": "edgesfirst"},
                         node_attr={"fontname": "Helvetica", "fontsize": "11"},
                         edge_attr={"arrowsize": "0.7"})
    _add_titles(g, picture)
    _add_inputs(g, picture)
    _add_neurons(g, picture)
    _add_connections(g, picture)
    if highlight is not None and output is not None:
        _add_derivation(g, picture, explain(output, highlight, digits=digits))
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
    E: str

    @property
    def columns(self) -> list[int]:
        """How many nodes each column holds."""
        return [len(self.names)] + [len(layer.neurons) for layer in self.model.layers]

    def position(self, c: int, r: int) -> tuple[float, float]:
        """Where the node in row r of column c is pinned: first row on top, columns centred on y = 0."""
        return c * COLUMN, _column(self.columns[c])[r]

    def hot(self, k: int, j: int) -> bool:
        """Whether neuron j of layer k is on the highlighted paths: the parameter's own neuron,
        then every neuron of every later layer."""
        return self.hot_at is not None and (k > self.hot_at[0] or (k, j) == self.hot_at)

    def on_path(self, k: int, j: int, i: int) -> bool:
        """Whether the connection from i into neuron j of layer k is red: the highlighted weight
        itself, or a link between two red neurons."""
        w = self.model.layers[k].neurons[j].w[i]
        return w is self.highlight or (self.hot(k, j) and k > 0 and self.hot(k - 1, i))


def _add_titles(g: graphviz.Digraph, picture: _Picture) -> None:
    """A title over each column, just above the tallest one."""
    layers = picture.model.layers
    top = max(picture.columns) * ROW / 2 + 0.2
    titles = ["inputs"] + [f"layer {k}: " + ("output" if k == len(layers) - 1 else "hidden")
                           for k in range(len(layers))]
    for c, title in enumerate(titles):
        g.node(f"title{c}", title, shape="plaintext", fontsize="13", pos=f"{c * COLUMN},{top}!")


def _add_inputs(g: graphviz.Digraph, picture: _Picture) -> None:
    """The input column: each input's name, and its value when the graph recorded one."""
    inputs = picture.ro.inputs
    for i, name in enumerate(picture.names):
        x = inputs[i] if inputs else None
        value = "" if x is None else " = " + number(x.data if isinstance(x, Value) else x, picture.digits)
        y = picture.position(0, i)[1]
        g.node(_node_id(0, i), label_text(name + value), shape="ellipse", style="filled",
               fillcolor="#eef4fb", pos=f"0,{y}!")  # "0", not the "0.0" of position's x


def _add_neurons(g: graphviz.Digraph, picture: _Picture) -> None:
    """One box per neuron, drawn thick and red when it is on the highlighted paths."""
    for k, layer in enumerate(picture.model.layers):
        for j, n in enumerate(layer.neurons):
            hot = picture.hot(k, j)
            x, y = picture.position(k + 1, j)
            label = _neuron_label(n, layer.activation, picture.digits, picture.E, picture.ro)
            g.node(_node_id(k + 1, j), label, shape="box", style="rounded",
                   color=HIGHLIGHT if hot else "black", penwidth="2" if hot else "1", pos=f"{x},{y}!")


def _add_connections(g: graphviz.Digraph, picture: _Picture) -> None:
    """Every weight's edge, each followed by its label node (the DOT source keeps that order)."""
    for k, layer in enumerate(picture.model.layers):
        for j, n in enumerate(layer.neurons):
            head = _node_id(k + 1, j)
            for i, w in enumerate(n.w):
                tail = _node_id(k, i)
                color = HIGHLIGHT if picture.on_path(k, j, i) else "grey45"
                g.edge(tail, head, color=color, penwidth="2.5" if color == HIGHLIGHT else "1")
                lx, ly = _weight_label_position(picture, k, j, i)
                name = w.label or "w"
                text = (label_text(f"{name} = {number(w.data, picture.digits)}") + "\n"
                        + label_text(f"∂{picture.E}/∂{name} = {number(w.grad, picture.digits)}"))
                g.node(f"{head}_w{i}", text, shape="plaintext", fontsize="9", fontcolor=color,
                       style="filled", fillcolor="white", pos=f"{lx},{ly}!", margin="0.02",
                       height="0", width="0")


def _weight_label_position(picture: _Picture, k: int, j: int, i: int) -> tuple[float, float]:
    """Where the label of the edge from i into neuron j of layer k sits: on the edge's visible
    part (between the two nodes' borders), near its head."""
    (x0, y0), (x1, y1) = picture.position(k, i), picture.position(k + 1, j)
    x0 += HALF_WIDTH["in" if k == 0 else "n"]
    x1 -= HALF_WIDTH["n"]
    t = _label_at(len(picture.model.layers[k].neurons[j].w), x1 - x0)
    return x1 + t * (x0 - x1), y1 + t * (y0 - y1)


def _add_derivation(g: graphviz.Digraph, picture: _Picture, derivation: Explanation) -> None:
    """The chain-rule derivation, left-aligned in a block centred under the picture."""
    lines = str(derivation).split("\n")
    lowest = -(max(picture.columns) - 1) * ROW / 2  # the centre of the lowest node
    bottom = lowest - 0.6 - 0.1 * len(lines)  # the centre of the text block, just below
    g.node("derivation", "\\l".join(map(label_text, lines)) + "\\l", shape="plaintext", fontname="Courier",
           fontsize="11", pos=f"{len(picture.model.layers) * COLUMN / 2},{bottom}!")
