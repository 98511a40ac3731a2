"""The explorer: an expression graph in the browser, to click and to step backward through.

``explore(E)`` writes the graph that computed ``E`` (``draw``'s picture) into one offline HTML
page (``autograd.page``): click a node and its chain-rule paths to ``E`` light up beside its
derivation (``explain``); step the backward pass in the order ``backward`` runs it, each
node's gradient appearing when it is complete, with the products added into it. It returns an
``Explorer``, which a notebook shows inline and ``save`` writes. ``nn.view.explore`` adds the
network view; ``chainrule walkthrough --html`` the walkthrough's derivations and training.
"""

from __future__ import annotations

import html
import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .draw import _node_ids, draw, forward_order
from .explain import explain_all
from .files import write_atomic
from .graph import GRAPH_LOCK, inputs, local_grads, walk
from .names import Names
from .notation import check_digits, number
from .page import Training, View, inline_svg, page
from .render import picture
from .validate import whole
from .value import Value

# Values in the expression graph, at most: Graphviz lays out ~400 in about a second, and a
# picture that size is already read only by zooming. Above it the graph is left out (the
# network view stays); above EXPLAIN_EACH only leaves and labelled nodes get a derivation each.
MAX_GRAPH_NODES = 400
EXPLAIN_EACH = 150


class Explorer:
    """An explorer page: ``html`` is the whole file; a notebook shows it inline."""

    def __init__(self, page_html: str) -> None:
        self.html = page_html

    def save(self, path: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
        """Write the page to ``path``, all or nothing; an existing file is kept unless ``overwrite``."""
        target = Path(path)
        check_target(target, overwrite)
        try:
            return write_atomic(target, self.html, overwrite=overwrite)
        except FileExistsError:
            raise FileExistsError(f"explore: {target} exists; pass overwrite=True to replace it") from None

    def _repr_html_(self) -> str:
        """The page in a sandboxed iframe: its script runs, its ids clash with nothing else."""
        return (f'<iframe srcdoc="{html.escape(self.html, quote=True)}" sandbox="allow-scripts" '
                'style="width:100%;height:720px;border:1px solid #ccc" title="chainrule explorer"></iframe>')

    def __repr__(self) -> str:
        return f"<Explorer: {len(self.html):,} characters of HTML; .save(path) writes it>"


class Backward:
    """The backward pass of ``output``'s graph, node by node as ``backward`` runs it.

    ``events`` lists each node when its gradient is complete: an op when the loop reaches it
    (every user came before), a leaf after its last user; ``into[v]`` the (user, ∂user/∂v)
    whose products were added into ∂output/∂v; ``grad`` the sums, the same products in the
    same order as ``backward``.
    """

    def __init__(self, output: Value) -> None:
        order, _ = walk(output)
        self.output, self.events = output, [] if order else [output]
        self.into: dict[Value, list[tuple[Value, float]]] = {}
        self.grad: dict[Value, float] = {output: 1.0}
        left: dict[Value, int] = {}
        for u in order:
            for x in inputs(u):
                left[x] = left.get(x, 0) + 1
        for u in reversed(order):
            self.events.append(u)
            for x, d in zip(inputs(u), local_grads(u)):
                self.into.setdefault(x, []).append((u, d))
                self.grad[x] = self.grad.get(x, 0.0) + self.grad.get(u, 0.0) * d
                left[x] -= 1
                if x._op is None and not left[x]:
                    self.events.append(x)

    def lines(self, v: Value, names: Names, digits: int) -> list[str]:
        """What backward adds into ∂output/∂v, one product a line, and the sum when several."""
        E, n = names.atom(self.output), names.atom(v)
        if v is self.output:
            return [f"∂{E}/∂{E} = 1: where backward starts"]
        lines = []
        for u, d in self.into.get(v, []):
            g = self.grad.get(u, 0.0)
            lines.append(f"∂{E}/∂{n} += ∂{E}/∂{names.atom(u)} · ∂{names.atom(u)}/∂{n} = "
                         f"{number(g, digits)} · {number(d, digits)} = {number(g * d, digits)}")
        if len(lines) > 1:
            lines.append(f"∂{E}/∂{n} = {number(self.grad.get(v, 0.0), digits)}")
        return lines


def finite_or_none(x: float) -> float | None:
    """A number for the page's JSON, which has no inf or nan: those become null."""
    return x if math.isfinite(x) else None


def _derivations(output: Value, nodes: Sequence[Value], digits: int) -> dict[Value, str]:
    """Each node's derivation: every node's in a small graph; in a large one only the leaves' and
    the labelled nodes' (one set of sweeps for all, ``explain_all``)."""
    chosen = nodes if len(nodes) <= EXPLAIN_EACH else [v for v in nodes if v._op is None or v.label
                                                        or v is output]
    return {e.wrt: str(e) for e in explain_all(output, chosen, digits=digits)}


def graph_view(output: Value, *, digits: int = 4, max_nodes: int = MAX_GRAPH_NODES) -> View:
    """The expression graph as the explorer shows it, or a note when it has more than ``max_nodes`` values."""
    ids = _node_ids(forward_order(output))
    view = View("graph", "Expression graph")
    if len(ids) > max_nodes:
        view.note = (f"The expression graph is left out: it has {len(ids)} values, more than {max_nodes} "
                     "(a picture that size cannot be read). The network view shows the network.")
        return view
    names, back = Names(output), Backward(output)
    view.svg = inline_svg(picture(_drawn_with(back.grad, output, digits, max_nodes), "svg"),
                          {ids[v]: names[v] for v in ids}, lambda text: text.startswith("grad "))
    derived = _derivations(output, list(ids), digits)
    E = names.atom(output)
    for v, key in ids.items():
        grad = number(back.grad.get(v, 0.0), digits)
        view.nodes[key] = {"label": names[v], "grad": grad,
                           "derivation": derived.get(v, f"∂{E}/∂{names.atom(v)} = {grad}  (left out: "
                                                        "an unlabelled node of a graph this large)")}
        view.up[key] = [[ids[u], [f"{key}->{ids[u]}_op", f"{ids[u]}_op->{ids[u]}", f"{ids[u]}_op"],
                         finite_or_none(d)] for u, d in back.into.get(v, [])]
    view.output = ids[output]
    view.steps = [{"node": ids[v], "lines": back.lines(v, names, digits)} for v in back.events]
    return view


def _drawn_with(grads: dict[Value, float], output: Value, digits: int, max_nodes: int) -> Any:
    """``draw``'s picture with each node's grad row showing ∂output/∂node, whether or not
    ``backward`` was run (the nodes' own ``.grad`` are put back as they were)."""
    with GRAPH_LOCK:
        kept = [(v, v._grad) for v in grads]
        try:
            for v, g in grads.items():
                v._grad = g
            return draw(output, rankdir="TB", digits=digits, max_nodes=max_nodes)
        finally:
            for v, g in kept:
                v._grad = g


def check_path(path: object, where: str, overwrite: bool = False) -> None:
    """Refuse, before any work, a path that is not one, a folder, a file in no folder, or one
    that exists (unless ``overwrite``)."""
    if path is None:
        return
    if not isinstance(path, (str, os.PathLike)) or not str(path):
        raise TypeError(f"{where}: path must be a file name (str or os.PathLike), not {path!r:.40}")
    check_target(Path(path), overwrite, where)


def check_target(target: Path, overwrite: bool, where: str = "explore") -> None:
    """The checks ``save`` makes before writing, named for the caller."""
    if target.is_dir():
        raise IsADirectoryError(f"{where}: {target} is a folder; give a file name, such as "
                                f"{target / 'explorer.html'}")
    if not target.parent.is_dir():
        raise FileNotFoundError(f"{where}: the folder {target.parent} does not exist")
    if os.path.lexists(target) and not overwrite:
        raise FileExistsError(f"{where}: {target} exists; pass overwrite=True to replace it")


def explore(output: Value, path: str | os.PathLike[str] | None = None, *, digits: int = 4,
            max_nodes: int = MAX_GRAPH_NODES, overwrite: bool = False,
            training: Training | None = None) -> Explorer:
    """The explorer of ``output``'s graph (see the module doc), written to ``path`` when given
    (an existing file is kept unless ``overwrite``). The gradients are worked out here: no
    need to run ``backward`` first, and the nodes' ``.grad`` are left as they were."""
    if not isinstance(output, Value):
        raise TypeError(f"explore: output must be a Value, not {type(output).__name__}")
    check_path(path, "explore", overwrite)
    check_digits(digits, "explore")
    whole(max_nodes, "explore: max_nodes", 1)
    view = graph_view(output, digits=digits, max_nodes=max_nodes)
    name = output.label or "the output"
    result = Explorer(page(f"chainrule explorer: {name}", [view], training))
    if path is not None:
        result.save(path, overwrite=overwrite)
    return result
