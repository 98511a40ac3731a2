"""The expression graph as a picture: every value, every op, every local derivative.

``draw(E)`` returns a ``graphviz.Digraph``, which shows inline in Jupyter and renders with
``render(graph, "e.svg")`` (see ``render``). Legend:

- a box per Value: its label, ``data`` and ``grad``;
- an ellipse per op between its inputs and its result, with plain-number operands (the 2 in
  ``x * 2``) as small grey numbers;
- on each edge from an input to an op, the local derivative ∂result/∂input, the number the
  chain rule multiplies;
- with ``highlight=w``, every path from the output down to ``w`` in red, each Value on the
  way showing ∂output/∂value: the product of the local derivatives above it.
"""

from __future__ import annotations

import html

import graphviz

from .graph import constants, inputs, local_grads, topological_order
from .notation import check_digits, number
from .paths import PathSet
from .validate import whole
from .value import Value

RANKDIRS = ("LR", "TB", "RL", "BT")
HIGHLIGHT = "#d62728"


def _value_label(v: Value, digits: int, delta: float | None, out: str) -> str:
    rows = []
    if v.label:
        rows.append(f"<b>{html.escape(v.label)}</b>")
    rows.append(f"data {html.escape(number(v.data, digits))}")
    rows.append(f"grad {html.escape(number(v.grad, digits))}")
    if delta is not None:
        text = html.escape(f"∂{out}/∂{v.label or '·'} = {number(delta, digits)}")
        rows.append(f'<font color="{HIGHLIGHT}">{text}</font>')
    cells = "".join(f"<tr><td>{r}</td></tr>" for r in rows)
    return f'<<table border="0" cellborder="0" cellspacing="0" cellpadding="1">{cells}</table>>'


def draw(
    output: Value,
    highlight: Value | None = None,
    *,
    rankdir: str = "LR",
    digits: int = 4,
    show_constants: bool = True,
    max_nodes: int = 500,
) -> graphviz.Digraph:
    """The graph that computed ``output``, as a ``graphviz.Digraph`` (see the module doc).

    ``rankdir`` is "LR" (inputs on the left) or "TB" (top down), ``digits`` the significant
    digits shown, ``show_constants=False`` hides plain-number operands. A graph of more than
    ``max_nodes`` Values is refused with a ValueError: such a picture is unreadable (draw a
    smaller expression, or a network with ``nn.view``).
    """
    if not isinstance(output, Value):
        raise TypeError(f"draw: output must be a Value, not {type(output).__name__}")
    if highlight is not None and not isinstance(highlight, Value):
        raise TypeError(f"draw: highlight must be a Value, not {type(highlight).__name__}")
    if rankdir not in RANKDIRS:
        raise ValueError(f"draw: rankdir must be one of {', '.join(RANKDIRS)}, not {rankdir!r}")
    check_digits(digits, "draw")
    whole(max_nodes, "draw: max_nodes", 1)
    order = topological_order(output)
    values: dict[Value, str] = {}
    for node in order:
        for x in inputs(node):
            values.setdefault(x, f"v{len(values)}")
    for node in order or [output]:
        values.setdefault(node, f"v{len(values)}")
    if len(values) > max_nodes:
        raise ValueError(
            f"draw: the graph has {len(values)} values, more than max_nodes={max_nodes}; a picture "
            "that size is unreadable. Draw a smaller expression, pass a larger max_nodes, or "
            "draw a network with nn.view.draw_network"
        )
    on_path: set[Value] = set()
    delta: dict[Value, float] = {}
    if highlight is not None:
        paths = PathSet(output, highlight)
        on_path, delta = paths.nodes, paths.delta

    g = graphviz.Digraph("chainrule", graph_attr={"rankdir": rankdir, "fontname": "Helvetica"},
                         node_attr={"fontname": "Helvetica", "fontsize": "11"},
                         edge_attr={"fontname": "Helvetica", "fontsize": "10"})
    for v, name in values.items():
        hot = v in on_path
        label = _value_label(v, digits, delta.get(v) if hot else None, output.label or "out")
        g.node(name, label, shape="box", style="rounded", color=HIGHLIGHT if hot else "black",
               penwidth="2" if hot else "1")
    for node in order:
        op_id = values[node] + "_op"
        hot = node in on_path and node is not highlight  # the target's own op lies below it
        color = HIGHLIGHT if hot else "black"
        g.node(op_id, node.op, shape="ellipse", color=color, fontcolor=color)
        g.edge(op_id, values[node], color=color)
        for x, d in zip(inputs(node), local_grads(node)):
            edge_hot = hot and x in on_path
            edge_color = HIGHLIGHT if edge_hot else "black"
            g.edge(values[x], op_id, label=number(d, digits), color=edge_color, fontcolor=edge_color,
                   penwidth="2" if edge_hot else "1")
        if show_constants:
            for k, c in enumerate(constants(node)):
                const_id = f"{op_id}_c{k}"
                g.node(const_id, number(c, digits), shape="plaintext", fontcolor="grey40")
                g.edge(const_id, op_id, color="grey60", arrowsize="0.5")
    return g
