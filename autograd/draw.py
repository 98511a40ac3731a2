"""The expression graph as a picture: every value, every op, every local derivative.

``draw(E)`` returns a ``graphviz.Digraph`` (a ``render.Diagram``), which shows inline in
Jupyter and renders with ``render(graph, "e.svg")`` (see ``render``). Legend:

- a box per Value: its label (or, in italics, the name ``names.Names`` gives it), ``data``
  and ``grad``;
- an ellipse per op between its inputs and its result, with plain-number operands (the 2 in
  ``x * 2``) as small grey numbers;
- on each edge from an input to an op, the local derivative ∂result/∂input, the number the
  chain rule multiplies; into an op whose operands do not commute (sub, div, pow), the
  operand's place too: "x: 1", "y: −1" for x − y;
- with ``highlight=w``, every path from the output down to ``w`` in red, each Value on the
  way showing ∂output/∂value: the product of the local derivatives above it.

The same graph gives the same picture: nodes are written in the order a forward pass computes
them (a walk from the output, operands left to right, inputs before users), so leaves come
in the order the computation first reads them, and each op's operands in their order
(``ordering=in``). A sum that cancels below the last digit shown of its terms is written 0:
round-off, not a number (``1e-17``).
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field

from .graph import inputs, local_grads, operands
from .names import INFIX, Names
from .notation import check_digits, number, visible
from .op import BINARY
from .ops import BY_NAME
from .paths import PathSet
from .render import Diagram
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


def _value_label(v: Value, name: str, data: str, grad: str, delta: str | None, derivative: str) -> str:
    """A Value's box as an HTML table: its label (or its made-up name, in italics), data, grad
    and, on a highlighted path, ``derivative`` (∂out/∂v) = ``delta``."""
    rows = [f"<b>{label_text(v.label)}</b>" if v.label else f"<i>{label_text(name)}</i>",
            f"data {label_text(data)}", f"grad {label_text(grad)}"]
    if delta is not None:
        text = label_text(f"{derivative} = {delta}")
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


def forward_order(output: Value) -> list[Value]:
    """The nodes ``output`` was computed from, ops in the order a forward pass computes them:
    a walk from the output, operands left to right, each node after its inputs (no recursion)."""
    if output._op is None:
        return [output]
    seen, order = {output}, []
    stack = [(output, iter(inputs(output)))]
    while stack:
        node, rest = stack[-1]
        for x in rest:
            if x not in seen and x._op is not None:
                seen.add(x)
                stack.append((x, iter(inputs(x))))
                break
        else:
            stack.pop()
            order.append(node)
    return order


def _node_ids(order: list[Value]) -> dict[Value, str]:
    """A DOT id for every Value in the picture, leaves and ops alike: ``v0, v1, …`` for each
    op's inputs and then the op, in ``forward_order``."""
    ids: dict[Value, str] = {}
    for node in order:
        for x in inputs(node):
            ids.setdefault(x, f"v{len(ids)}")
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


def shown(x: float, scale: float, digits: int) -> str:
    """``x`` as ``number`` writes it, or 0 when it is below half the last digit that ``number``
    shows of ``scale``, the size of what it was summed from: round-off, 0 at these digits."""
    if not (x and math.isfinite(scale) and scale > 0):
        return number(x, digits)
    last = 10.0 ** (math.floor(math.log10(scale)) - digits + 1)  # the last digit shown of scale
    return "0" if abs(x) < last / 2 else number(x, digits)


def _data_scales(order: list[Value]) -> dict[Value, float]:
    """For each op node, the size of the terms its value adds up: Σ |∂v/∂x · x| over its inputs,
    at least |v| (for a sum, its terms; for a product, twice itself: nothing cancels)."""
    return {node: max(abs(node.data), sum(abs(d * x.data) for x, d in zip(inputs(node), local_grads(node))))
            for node in order}


def _grad_scales(edges: list[tuple[Value, list[tuple[Value, float]]]], grad: dict[Value, float],
                 output: Value) -> dict[Value, float]:
    """For each node, the size of the terms backward added into its gradient: Σ |∂out/∂user ·
    ∂user/∂v| over its users (``edges``: each user with its inputs and local derivatives)."""
    scale = {output: abs(grad.get(output, 0.0))}
    for user, into in edges:
        for x, d in into:
            scale[x] = scale.get(x, 0.0) + abs(grad.get(user, 0.0) * d)
    return scale


@dataclass
class _Numbers:
    """Every number of the picture as written, with round-off to 0 (``shown``)."""

    digits: int
    data: dict[Value, str] = field(default_factory=dict)
    grad: dict[Value, str] = field(default_factory=dict)
    delta: dict[Value, str] = field(default_factory=dict)  # ∂out/∂v on the highlighted paths
    on_path: set[Value] = field(default_factory=set)


def _numbers(output: Value, order: list[Value], ids: dict[Value, str], highlight: Value | None,
             digits: int) -> _Numbers:
    """The data and grad of every Value, and ∂output/∂v of those on a highlighted path."""
    found = _Numbers(digits)
    scales = _data_scales(order)
    edges = [(node, list(zip(inputs(node), local_grads(node)))) for node in order]
    grads = _grad_scales(edges, {v: v.grad for v in ids}, output)
    for v in ids:
        found.data[v] = shown(v.data, scales.get(v, abs(v.data)), digits)
        found.grad[v] = shown(v.grad, grads.get(v, abs(v.grad)), digits)
    if highlight is not None:
        paths = PathSet(output, highlight)
        found.on_path = paths.nodes
        deltas = _grad_scales(list(paths.edges.items()), paths.delta, output)
        found.delta = {v: shown(paths.delta[v], deltas.get(v, 0.0), digits) for v in found.on_path}
    return found


def _add_value(g: Diagram, v: Value, ids: dict[Value, str], names: Names, numbers: _Numbers,
               out: str) -> None:
    """A Value's box, in red with ∂out/∂v when it lies on a highlighted path (compound made-up
    names in parentheses: ∂E/∂(a·b))."""
    hot = v in numbers.on_path
    label = _value_label(v, names[v], numbers.data[v], numbers.grad[v], numbers.delta.get(v) if hot else None,
                         f"∂{out}/∂{names.atom(v)}")
    g.node(ids[v], label, shape="box", style="rounded", color=_color(hot), penwidth=_penwidth(hot))


def _roles(node: Value) -> tuple[str, str] | None:
    """The operands' places, ("x", "y"), for an op whose operands do not commute (x − y), else None."""
    base = BY_NAME.get(node.op)  # the table's row, whatever the form (x − y, x − 2, 2 − x)
    if base is None or base.kind != BINARY:
        return None
    return ("x", "y") if base.fn(0.3, 1.7) != base.fn(1.7, 0.3) else None


def _op_label(node: Value, roles: tuple[str, str] | None) -> str:
    """The op's name, and for operands that do not commute what it does with them: "sub (x − y)"."""
    if roles is None:
        return label_text(node.op)
    return label_text(f"{node.op} (x{INFIX[node.op]}y)" if node.op in INFIX else f"{node.op}(x, y)")


def _add_op(g: Diagram, node: Value, ids: dict[Value, str], hot: bool, numbers: _Numbers,
            show_constants: bool) -> None:
    """An op's ellipse, its edge to its result and an edge from each operand in order: from an
    input Value with the local derivative (red when the op is and the input is on a path), from
    a plain number (when ``show_constants``) small and grey; "x: " and "y: " where order matters."""
    op_id = ids[node] + "_op"
    color, roles = _color(hot), _roles(node)
    g.node(op_id, _op_label(node, roles), shape="ellipse", color=color, fontcolor=color)
    g.edge(op_id, ids[node], color=color)
    grads, n_constants = iter(local_grads(node)), 0
    for k, x in enumerate(operands(node)):
        role = f"{roles[k]}: " if roles else ""
        if isinstance(x, Value):
            edge_color = _color(hot and x in numbers.on_path)
            g.edge(ids[x], op_id, label=label_text(role + number(next(grads), numbers.digits)),
                   color=edge_color, fontcolor=edge_color, penwidth=_penwidth(edge_color == HIGHLIGHT))
            continue
        const_id, n_constants = f"{op_id}_c{n_constants}", n_constants + 1
        if show_constants:
            g.node(const_id, label_text(number(x, numbers.digits)), shape="plaintext", fontcolor="grey40")
            g.edge(const_id, op_id, color="grey60", arrowsize="0.5", **({"label": roles[k]} if roles else {}))


def draw(
    output: Value,
    highlight: Value | None = None,
    *,
    rankdir: str = "LR",
    digits: int = 4,
    show_constants: bool = True,
    max_nodes: int = 500,
) -> Diagram:
    """The graph that computed ``output``, as a ``graphviz.Digraph`` (see the module doc).

    ``rankdir`` is "LR" (inputs on the left) or "TB" (top down), ``digits`` the significant
    digits shown, ``show_constants=False`` hides plain-number operands. A graph of more than
    ``max_nodes`` Values is refused with a ValueError: such a picture is unreadable (draw a
    smaller expression, or a network with ``nn.view``).
    """
    _check_arguments(output, highlight, rankdir, digits, max_nodes)
    order = forward_order(output)
    ops = [node for node in order if node._op is not None]
    ids = _node_ids(order)
    _check_size(len(ids), max_nodes)
    numbers = _numbers(output, ops, ids, highlight, digits)
    names = Names(output)

    g = Diagram("chainrule", graph_attr={"rankdir": rankdir, "fontname": "Helvetica", "ordering": "in"},
                node_attr={"fontname": "Helvetica", "fontsize": "11"},
                edge_attr={"fontname": "Helvetica", "fontsize": "10"})
    out = names.atom(output)
    for v in ids:
        _add_value(g, v, ids, names, numbers, out)
    for node in ops:
        hot = node in numbers.on_path and node is not highlight  # the target's own op lies below it
        _add_op(g, node, ids, hot, numbers, show_constants)
    return g
