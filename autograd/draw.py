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
from .notation import check_digits, number, visible
from .paths import PathSet
from .validate import whole
from .value import Value

RANKDIRS = ("LR", "TB", "RL", "BT")
HIGHLIGHT = "#d62728"

def label_text(text: str) -> str:
    """Any text for a Graphviz label, plain or HTML-like, shown as written: ``&<>"'`` as entities
    (Graphviz reads entities in both), and backslashes doubled, since both expand ``\\N`` (the
    node's name) and ``\\G`` (the graph's), and plain labels ``\\l``, ``\\n``, ``\\r`` too."""
    return html.escape(visible(text)).replace("\\", "\\\\")


def _color(hot: bool) -> str:
    """Red for what lies on a highlighted path, black for the rest."""
    return HIGHLIGHT if hot else "black"


def _penwidth(hot: bool) -> str:
    """Highlighted boxes and edges are drawn thicker, to stand out in print too."""
    return "2" if hot else "1"


def _value_label(v: Value, digits: int, delta: float | None, out: str) -> str:
    """A Value's box as an HTML table: label, data, grad and, on a highlighted path, ∂out/∂v."""
    rows = []
    if v.label:
        rows.append(f"<b>{label_text(v.label)}</b>")
    rows.append(f"data {label_text(number(v.data, digits))}")
    rows.append(f"grad {label_text(number(v.grad, digits))}")
    if delta is not None:
        text = label_text(f"∂{out}/∂{v.label or '·'} = {number(delta, digits)}")
        rows.append(f'<font color="{HIGHLIGHT}">{text}</font>')
    return table_label(rows)


def table_label(rows: list[str]) -> str:
    """An HTML-like label of one cell per row (HTML already escaped): Graphviz then lays out
    the rows without borders."""
    cells = "".join(f"<tr><td>{r}</td></tr>" for r in rows)
    return f'<<table border="0" cellborder="0" cellspacing="0" cellpadding="1">{cells}</table>>'


def _check_arguments(output: object, highlight: object, rankdir: str, digits: int, max_nodes: int) -> None:
    """Refuse bad arguments before walking the graph, with messages that name the argument."""
    if not isinstance(output, Value):
        raise TypeError(f"draw: output must be a Value, not {type(output).__name__}")
    if highlight is not None and not isinstance(highlight, Value):
        raise TypeError(f"draw: highlight must be a Value, not {type(highlight).__name__}")
    if rankdir not in RANKDIRS:
        raise ValueError(f"draw: rankdir must be one of {', '.join(RANKDIRS)}, not {rankdir!r}")
    check_digits(digits, "draw")
    whole(max_nodes, "draw: max_nodes", 1)


def _node_ids(output: Value, order: list[Value]) -> dict[Value, str]:
    """A DOT id for every Value in the picture, leaves and ops alike, numbered inputs first."""
    ids: dict[Value, str] = {}
    for node in order:
        for x in inputs(node):
            ids.setdefault(x, f"v{len(ids)}")
    for node in order or [output]:  # a leaf output has no op, so no inputs named it
        ids.setdefault(node, f"v{len(ids)}")
    return ids


class GraphTooLarge(ValueError):
    """``draw`` refused a graph of more than ``max_nodes`` values: ``n_values`` says how many."""

    def __init__(self, n_values: int, max_nodes: int) -> None:
        self.n_values, self.max_nodes = n_values, max_nodes
        super().__init__(
            f"draw: the graph has {n_values} values, more than max_nodes={max_nodes}; a picture "
            "that size is unreadable. Draw a smaller expression, pass a larger max_nodes, or "
            "draw a network with nn.view.draw_network"
        )


def _check_size(n_values: int, max_nodes: int) -> None:
    """Refuse a picture too big to read, pointing to the alternatives."""
    if n_values > max_nodes:
        raise GraphTooLarge(n_values, max_nodes)


def _highlighted(output: Value, highlight: Value | None) -> tuple[set[Value], dict[Value, float]]:
    """(the Values on a path from output down to highlight, ∂output/∂value for each): none without one."""
    if highlight is None:
        return set(), {}
    paths = PathSet(output, highlight)
    return paths.nodes, paths.delta


def _add_value(g: graphviz.Digraph, name: str, v: Value, hot: bool, delta: float | None, digits: int,
               out: str) -> None:
    """A Value's box, in red with ∂out/∂v when it lies on a highlighted path."""
    label = _value_label(v, digits, delta if hot else None, out)
    g.node(name, label, shape="box", style="rounded", color=_color(hot), penwidth=_penwidth(hot))


def _add_op(g: graphviz.Digraph, node: Value, ids: dict[Value, str], hot: bool, on_path: set[Value],
            digits: int) -> str:
    """An op's ellipse, its edge to its result and, on each input edge, the local derivative.

    Returns the ellipse's id. An input edge is red when the op is and the input is on a path.
    """
    op_id = ids[node] + "_op"
    color = _color(hot)
    g.node(op_id, label_text(node.op), shape="ellipse", color=color, fontcolor=color)
    g.edge(op_id, ids[node], color=color)
    for x, d in zip(inputs(node), local_grads(node)):
        edge_hot = hot and x in on_path
        edge_color = _color(edge_hot)
        g.edge(ids[x], op_id, label=number(d, digits), color=edge_color, fontcolor=edge_color,
               penwidth=_penwidth(edge_hot))
    return op_id


def _add_constants(g: graphviz.Digraph, node: Value, op_id: str, digits: int) -> None:
    """An op's plain-number operands (the 2 in x * 2), small and grey: they get no gradient."""
    for k, c in enumerate(constants(node)):
        const_id = f"{op_id}_c{k}"
        g.node(const_id, number(c, digits), shape="plaintext", fontcolor="grey40")
        g.edge(const_id, op_id, color="grey60", arrowsize="0.5")


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
    _check_arguments(output, highlight, rankdir, digits, max_nodes)
    order = topological_order(output)
    ids = _node_ids(output, order)
    _check_size(len(ids), max_nodes)
    on_path, delta = _highlighted(output, highlight)

    g = graphviz.Digraph("chainrule", graph_attr={"rankdir": rankdir, "fontname": "Helvetica"},
                         node_attr={"fontname": "Helvetica", "fontsize": "11"},
                         edge_attr={"fontname": "Helvetica", "fontsize": "10"})
    out = output.label or "out"
    for v, name in ids.items():
        _add_value(g, name, v, v in on_path, delta.get(v), digits, out)
    for node in order:
        hot = node in on_path and node is not highlight  # the target's own op lies below it
        op_id = _add_op(g, node, ids, hot, on_path, digits)
        if show_constants:
            _add_constants(g, node, op_id, digits)
    return g
