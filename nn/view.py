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

import html
from collections.abc import Sequence

import graphviz

from autograd import Value, explain
from autograd.draw import HIGHLIGHT
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


def _table(rows: list[str]) -> str:
    cells = "".join(f"<tr><td>{r}</td></tr>" for r in rows)
    return f'<<table border="0" cellborder="0" cellspacing="0" cellpadding="1">{cells}</table>>'


def _neuron_label(n: Neuron, activation: str, digits: int, E: str, ro: Readout) -> str:
    rows = [f"<b>{html.escape(n.name)}</b>  <i>{html.escape(activation)}</i>"]
    if n in ro.nets:
        net, out = ro.nets[n], ro.outs[n]
        rows.append(html.escape(f"net {number(net.data, digits)}   out {number(out.data, digits)}"))
    b = n.b.label or "b"
    rows.append(html.escape(f"{b} = {number(n.b.data, digits)}"))
    rows.append(html.escape(f"∂{E}/∂{b} = {number(n.b.grad, digits)}"))
    return _table(rows)


def _column(count: int) -> list[float]:
    """y of each node in a column of ``count``, centred on 0, first on top."""
    return [((count - 1) / 2 - j) * ROW for j in range(count)]


def draw_network(
    model: MLP,
    highlight: Value | None = None,
    *,
    output: Value | None = None,
    input_names: Sequence[str] | None = None,
    digits: int = 4,
) -> graphviz.Digraph:
    """``model`` as a layered diagram (see the module doc).

    Run a forward pass (and a backward, for the gradients) first. ``highlight`` is one of
    the model's weights or biases; ``output`` the Value it was differentiated from (E), whose
    graph gives the inputs and each neuron's net and out (without it, only weights show);
    ``input_names`` the inputs' names (default: their labels, or x[0], x[1], …).
    """
    if not isinstance(model, MLP):
        raise TypeError(f"draw_network: expected an nn.MLP, not {type(model).__name__}")
    check_digits(digits, "draw_network")
    if highlight is not None and not any(highlight is p for p in model.parameters()):
        raise ValueError(f"draw_network: highlight {highlight!r} is not a parameter of this model")
    if output is not None and not isinstance(output, Value):
        raise TypeError(f"draw_network: output must be a Value, not {type(output).__name__}")
    E = output.label if output is not None and output.label else "E"  # the gradients' numerator
    ro = readout(model, output)
    inputs = ro.inputs
    if input_names is None:
        input_names = [x.label if isinstance(x, Value) and x.label else f"x[{i}]"
                       for i, x in enumerate(inputs or [0.0] * model.nin)]
    if isinstance(input_names, (str, bytes)) or len(input_names) != model.nin:
        raise ValueError(f"draw_network: input_names must be a list of {model.nin} names, "
                         f"not {input_names!r}")

    # The highlighted parameter's paths: its neuron, then every neuron of every later layer.
    hot_at = next(((k, j) for k, layer in enumerate(model.layers) for j, n in enumerate(layer.neurons)
                   if any(highlight is p for p in [*n.w, n.b])), None)

    def hot(k: int, j: int) -> bool:
        return hot_at is not None and (k > hot_at[0] or (k, j) == hot_at)

    g = graphviz.Digraph("network", engine="neato",
                         graph_attr={"splines": "line", "fontname": "Helvetica", "outputorder": "edgesfirst"},
                         node_attr={"fontname": "Helvetica", "fontsize": "11"},
                         edge_attr={"arrowsize": "0.7"})
    columns = [len(input_names)] + [len(layer.neurons) for layer in model.layers]
    top = max(columns) * ROW / 2 + 0.2
    titles = ["inputs"] + [f"layer {k}: " + ("output" if k == len(model.layers) - 1 else "hidden")
                           for k in range(len(model.layers))]
    for c, title in enumerate(titles):
        g.node(f"title{c}", title, shape="plaintext", fontsize="13", pos=f"{c * COLUMN},{top}!")

    pos: dict[str, tuple[float, float]] = {}
    for i, (name, y) in enumerate(zip(input_names, _column(len(input_names)))):
        x = inputs[i] if inputs else None
        value = "" if x is None else " = " + number(x.data if isinstance(x, Value) else x, digits)
        pos[f"in{i}"] = (0.0, y)
        g.node(f"in{i}", html.escape(name + value), shape="ellipse", style="filled",
               fillcolor="#eef4fb", pos=f"0,{y}!")
    for k, layer in enumerate(model.layers):
        for j, (n, y) in enumerate(zip(layer.neurons, _column(len(layer.neurons)))):
            node_id = f"n{k}_{j}"
            pos[node_id] = ((k + 1) * COLUMN, y)
            g.node(node_id, _neuron_label(n, layer.activation, digits, E, ro), shape="box", style="rounded",
                   color=HIGHLIGHT if hot(k, j) else "black", penwidth="2" if hot(k, j) else "1",
                   pos=f"{(k + 1) * COLUMN},{y}!")

    for k, layer in enumerate(model.layers):
        for j, n in enumerate(layer.neurons):
            head = f"n{k}_{j}"
            for i, w in enumerate(n.w):
                tail = f"in{i}" if k == 0 else f"n{k - 1}_{i}"
                on_path = w is highlight or (hot(k, j) and k > 0 and hot(k - 1, i))
                color = HIGHLIGHT if on_path else "grey45"
                g.edge(tail, head, color=color, penwidth="2.5" if on_path else "1")
                (x0, y0), (x1, y1) = pos[tail], pos[head]
                x0 += HALF_WIDTH["in" if k == 0 else "n"]
                x1 -= HALF_WIDTH["n"]
                t = _label_at(len(n.w), x1 - x0)
                lx, ly = x1 + t * (x0 - x1), y1 + t * (y0 - y1)
                name = w.label or "w"
                text = f"{name} = {number(w.data, digits)}\n∂{E}/∂{name} = {number(w.grad, digits)}"
                g.node(f"{head}_w{i}", text, shape="plaintext", fontsize="9", fontcolor=color,
                       style="filled", fillcolor="white", pos=f"{lx},{ly}!", margin="0.02",
                       height="0", width="0")
    if highlight is not None and output is not None:
        lines = str(explain(output, highlight, digits=digits)).split("\n")
        lowest = -(max(columns) - 1) * ROW / 2  # the centre of the lowest node
        bottom = lowest - 0.6 - 0.1 * len(lines)  # the centre of the text block, just below
        g.node("derivation", "\\l".join(lines) + "\\l", shape="plaintext", fontname="Courier",
               fontsize="11", pos=f"{len(model.layers) * COLUMN / 2},{bottom}!")
    return g
