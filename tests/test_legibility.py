"""Network pictures stay legible: no text covers another text or an arrowhead (issue 11).

Each built-in example (chainrule/examples) is drawn as ``chainrule walkthrough --out`` draws it,
and random networks with layers of up to 8 neurons as ``draw_network`` draws them. Graphviz
lays each out itself (``-Tjson``: its xdot drawing operations, in points, y up) and what it
would draw is checked:

- a line of text (a ``T`` op of any ``_*draw_`` list) occupies its width as Graphviz measured
  it, aligned as the op says (l, c, r) at its baseline point, and one em of its font size (the
  last ``F`` op before it) in height, from 0.2 em under the baseline to 0.8 em over it: where
  the glyphs of a line are;
- an arrowhead is the polygon (``P`` or ``p`` op) of an edge's ``_hdraw_`` or ``_tdraw_``;
- no line of text overlaps a line of another node's or edge's text, or any arrowhead: boxes
  against boxes, and boxes against the convex polygons by separating axes. (The lines of one
  label are Graphviz's own business, and text may lie over a connection's line: labels have
  a white ground.)
"""

from __future__ import annotations

import itertools
import json
import shutil
from dataclasses import dataclass

import graphviz
import pytest

from autograd.notation import number
from chainrule.netfile import examples, resolve
from chainrule.output import _pictures
from chainrule.walkthrough import work
from nn import MLP, losses
from nn.view import draw_network

needs_dot = pytest.mark.skipif(shutil.which("neato") is None, reason="Graphviz is not installed")
pytestmark = needs_dot


@dataclass(frozen=True)
class Text:
    owner: str  # the node's or edge's name in Graphviz's output
    text: str
    left: float
    right: float
    bottom: float
    top: float


@dataclass(frozen=True)
class Arrowhead:
    owner: str
    points: list[tuple[float, float]]


def laid_out(graph: graphviz.Digraph) -> dict:
    """Graphviz's layout of ``graph`` as JSON, by the graph's own engine (neato)."""
    return json.loads(graph.pipe(format="json").decode("utf-8"))


def drawn(layout: dict) -> tuple[list[Text], list[Arrowhead]]:
    """Every line of text and every arrowhead in the layout (see the module doc)."""
    names = {o["_gvid"]: o["name"] for o in layout.get("objects", [])}
    owners = [(o["name"], o) for o in layout.get("objects", [])]
    owners += [(f"{names[e['tail']]}->{names[e['head']]}#{e['_gvid']}", e) for e in layout.get("edges", [])]
    texts, arrows = [], []
    for owner, o in owners:
        for key, ops in o.items():
            if not (key.startswith("_") and key.endswith("draw_")):
                continue
            size = 14.0  # Graphviz's default font size
            for op in ops:
                if op["op"] == "F":
                    size = op["size"]
                elif op["op"] == "T":
                    texts.append(_text_box(owner, op, size))
                elif op["op"] in "Pp" and key in ("_hdraw_", "_tdraw_"):
                    arrows.append(Arrowhead(owner, [tuple(p) for p in op["points"]]))
    return texts, arrows


def _text_box(owner: str, op: dict, size: float) -> Text:
    (x, y), width = op["pt"], op["width"]
    left = {"l": x, "c": x - width / 2, "r": x - width}[op["align"]]
    return Text(owner, op["text"], left, left + width, y - 0.2 * size, y + 0.8 * size)


def overlap(a: Text, b: Text) -> bool:
    return a.left < b.right and b.left < a.right and a.bottom < b.top and b.bottom < a.top


def covers(t: Text, arrow: Arrowhead) -> bool:
    """Whether the text box and the convex polygon overlap: no separating axis among the box's
    two and the polygon's edge normals."""
    corners = [(t.left, t.bottom), (t.right, t.bottom), (t.right, t.top), (t.left, t.top)]
    pts = arrow.points
    axes = [(1.0, 0.0), (0.0, 1.0)] + [(q[1] - p[1], p[0] - q[0]) for p, q in zip(pts, pts[1:] + pts[:1])]
    for ax, ay in axes:
        box = [ax * x + ay * y for x, y in corners]
        poly = [ax * x + ay * y for x, y in pts]
        if max(box) <= min(poly) or max(poly) <= min(box):
            return False
    return True


def collisions(graph: graphviz.Digraph) -> list[str]:
    """Every overlap of two texts, or of a text and an arrowhead, said in words."""
    texts, arrows = drawn(laid_out(graph))
    found = [f"{a.owner} {a.text!r} overlaps {b.owner} {b.text!r}"
             for a, b in itertools.combinations(texts, 2) if a.owner != b.owner and overlap(a, b)]
    found += [f"{t.owner} {t.text!r} covers the arrowhead of {arrow.owner}"
              for t in texts for arrow in arrows if covers(t, arrow)]
    return found


# --- the checker itself finds what it should --------------------------------------------------


def _small():
    net = MLP.from_weights([[[0.1, 0.2], [0.3, 0.4]], [[0.5, 0.6]]], [[0.1, 0.2], [0.0]],
                           ["sigmoid", "linear"])
    E = losses.squared_error(net([0.5, 0.25]), 0.2)
    E.backward()
    return net, E


def test_the_checker_counts_every_label_and_arrowhead():
    net, E = _small()
    texts, arrows = drawn(laid_out(draw_network(net, output=E, loss="squared_error", targets=[0.2])))
    weights = [t for t in texts if "_w" in t.owner]
    assert len(weights) == 2 * 6  # two lines for each of the six weights
    w = net.layers[1].neurons[0].w[1]
    assert {t.text for t in weights} >= {"w[0][0,0] = 0.1", f"∂E/∂w[1][0,1] = {number(w.grad)}"}
    assert len(arrows) == 6 + 1  # one per connection, and the output's into E
    assert all(t.right - t.left > 10 and t.top - t.bottom == pytest.approx(9.0) for t in weights)


def pinned(graph: graphviz.Digraph, node: str) -> tuple[int, str]:
    """(the line of ``graph.body`` that makes ``node``, its pos attribute)."""
    (k,) = [k for k, line in enumerate(graph.body) if line.startswith(f"\t{node} [")]
    return k, graph.body[k][graph.body[k].index("pos="):].split()[0]


def moved(graph: graphviz.Digraph, node: str, point: tuple[float, float], layout: dict) -> graphviz.Digraph:
    """A copy of ``graph`` with ``node`` pinned at ``point`` of ``layout`` (in points: neato
    moves the drawing, so n0_0's place in both gives the shift)."""
    (n0_0,) = [o for o in layout["objects"] if o["name"] == "n0_0"]
    x0, y0 = (float(v) for v in n0_0["pos"].split(","))
    x1, y1 = (float(v) for v in pinned(graph, "n0_0")[1].strip('pos="!').split(","))
    g = graph.copy()
    k, pos = pinned(g, node)
    x, y = point[0] / 72 - x0 / 72 + x1, point[1] / 72 - y0 / 72 + y1
    g.body[k] = g.body[k].replace(pos, f'pos="{x:.4f},{y:.4f}!"')
    return g


def test_the_checker_sees_a_label_moved_onto_another_and_onto_an_arrowhead():
    net, E = _small()
    g = draw_network(net, output=E)
    assert collisions(g) == []
    layout = laid_out(g)
    texts, arrows = drawn(layout)
    (target,) = [t for t in texts if t.owner == "n0_0_w0" and t.text.startswith("w")]
    onto_label = collisions(moved(g, "n0_1_w0", ((target.left + target.right) / 2, target.bottom), layout))
    assert any(f.startswith("n0_0_w0 'w[0][0,0] = 0.1' overlaps n0_1_w0") for f in onto_label), onto_label
    (arrow,) = [a for a in arrows if a.owner.startswith("n0_0->n1_0#")]
    centre = tuple(sum(c) / 3 for c in zip(*arrow.points))
    onto_arrow = collisions(moved(g, "n1_0_w1", centre, layout))
    assert any(f.startswith("n1_0_w1") and "covers the arrowhead of n0_0->n1_0" in f
               for f in onto_arrow), onto_arrow


def test_the_overlap_tests_are_exact():
    a = Text("a", "", 0, 10, 0, 10)
    assert overlap(a, Text("b", "", 9.9, 20, 9.9, 20)) and not overlap(a, Text("b", "", 10, 20, 0, 10))
    triangle = Arrowhead("e", [(11.0, 0.0), (20.0, 0.0), (11.0, 9.0)])
    assert not covers(a, triangle)
    assert covers(Text("t", "", 0, 11.5, 0, 1), triangle)
    assert not covers(Text("t", "", 16, 20, 5, 9), triangle)  # inside the bounding box, off the triangle
    assert covers(Text("t", "", 14, 20, 0, 4), triangle)


# --- the pictures ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", examples())
def test_each_example_network_is_legible(name):
    w = work(resolve(name))
    g = _pictures(w, None)[0]["network"]  # as chainrule walkthrough --out draws it
    texts, _ = drawn(laid_out(g))
    n_weights = sum(len(n.w) for layer in w.model.layers for n in layer.neurons)
    assert len([t for t in texts if "_w" in t.owner]) == 2 * n_weights
    assert collisions(g) == []


def random_network(sizes, activations, seed, nin=2):
    net = MLP(nin, sizes, activations, seed=seed)
    outs = net([0.5 * (i + 1) * (-1) ** i for i in range(nin)])
    outs = outs if isinstance(outs, list) else [outs]
    targets = [0.1 * (j + 1) for j in range(len(outs))]
    E = losses.squared_error(outs, targets)
    E.label = "E"
    E.backward()
    alive = max((w for n in net.layers[0].neurons for w in n.w), key=lambda w: abs(w.grad))  # red paths
    return draw_network(net, highlight=alive, output=E, outputs=outs, loss="squared_error", targets=targets)


@pytest.mark.parametrize(
    ("nin", "sizes", "activations", "seed"),
    [
        (2, [8, 8, 3], ["relu", "relu", "linear"], 11),
        (2, [8, 8, 3], ["tanh", "sigmoid", "linear"], 4),
        (8, [8, 1], ["tanh", "sigmoid"], 11),
        (3, [8, 2], ["sigmoid", "sigmoid"], 11),
        (8, [1], ["sigmoid"], 11),
    ],
    ids=["2-8-8-3", "2-8-8-3-tanh", "8-8-1", "3-8-2", "8-1"],
)
def test_random_networks_with_layers_of_eight_are_legible(nin, sizes, activations, seed):
    g = random_network(sizes, activations, seed=seed, nin=nin)
    texts, _ = drawn(laid_out(g))
    assert len([t for t in texts if "_w" in t.owner]) == 2 * sum(a * b for a, b in zip([nin, *sizes], sizes))
    assert collisions(g) == []
