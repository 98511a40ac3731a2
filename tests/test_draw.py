"""autograd.draw: the expression graph as a Graphviz picture, and rendering it with ``dot``.

The DOT source is parsed statement by statement (``graph.body``), so that each assertion is
about one node or edge: its label, its colour. Value boxes are named ``v0, v1, …`` in the
order a forward pass computes them (a walk from the output, operands left to right, each op
after its inputs; each op's inputs, then the op), an op is ``<value id>_op`` and its k-th
constant operand ``<value id>_op_c<k>``; ``value_ids`` rebuilds that naming.
"""

from __future__ import annotations

import html
import math
import re
import shutil

import graphviz
import pytest
from doc_2331 import worked_2331

import autograd
from autograd import RenderError, Value, draw, render
from autograd.draw import HIGHLIGHT, label_text, shown, visible
from autograd.graph import constants, inputs, local_grads, operands, topological_order
from autograd.names import Names
from autograd.notation import number
from autograd.paths import PathSet
from autograd.render import Diagram, DotMissing

HAS_DOT = shutil.which("dot") is not None
needs_dot = pytest.mark.skipif(not HAS_DOT, reason="Graphviz's dot is not installed")


# --- reading DOT ------------------------------------------------------------------------------

_STATEMENT = re.compile(r"\t(\S+?)(?: -> (\S+?))? \[(.*)\]\n?", re.DOTALL)


def _split_label(attrs: str) -> tuple[str | None, str]:
    """(the label's text, the other attributes): labels are <html>, "quoted" or bare."""
    if not attrs.startswith("label="):
        return None, attrs
    rest = attrs[len("label="):]
    if rest.startswith("<"):
        depth = 0
        for k, ch in enumerate(rest):
            depth += ch == "<"
            depth -= ch == ">"
            if depth == 0:
                return rest[1:k], rest[k + 1:]
        raise AssertionError(f"unbalanced HTML label in {attrs!r}")
    if rest.startswith('"'):
        m = re.match(r'"((?:[^"\\]|\\.)*)"', rest, re.DOTALL)
        assert m, attrs
        return m.group(1), rest[m.end():]
    value, _, other = rest.partition(" ")
    return value, " " + other


def _attributes(attrs: str) -> dict[str, str]:
    label, rest = _split_label(attrs)
    found = {k: v.strip('"') for k, v in re.findall(r'(\w+)=("[^"]*"|\S+)', rest)}
    if label is not None:
        found["label"] = label
    return found


def dot_statements(graph: graphviz.Digraph) -> tuple[dict[str, dict], dict[tuple[str, str], list[dict]]]:
    """({node id: attributes}, {(tail, head): [attributes of each such edge]}) of a graph."""
    nodes: dict[str, dict] = {}
    edges: dict[tuple[str, str], list[dict]] = {}
    for stmt in graph.body:
        m = _STATEMENT.fullmatch(stmt)
        assert m, f"unexpected DOT statement {stmt!r}"
        tail, head, attrs = m.groups()
        if head is None:
            nodes[tail] = _attributes(attrs)
        else:
            edges.setdefault((tail, head), []).append(_attributes(attrs))
    return nodes, edges


def forward(output: Value) -> list[Value]:
    """The ops in the order a forward pass computes them (see the module doc), by recursion."""
    order: list[Value] = []
    seen = {output}

    def visit(v: Value) -> None:
        for x in v.inputs:
            if x not in seen and not x.is_leaf:
                seen.add(x)
                visit(x)
        order.append(v)

    visit(output)
    return order


def value_ids(output: Value) -> dict[Value, str]:
    """The id ``draw`` gives each Value (see the module doc)."""
    ids: dict[Value, str] = {}
    for node in forward(output):
        for x in node.inputs:
            ids.setdefault(x, f"v{len(ids)}")
        ids.setdefault(node, f"v{len(ids)}")
    return ids


def minus(text: str) -> str:
    """``text`` with its minus signs as ``number`` writes them."""
    return text.replace("-", number(-1.0)[0])


def rows(label: str) -> list[str]:
    """The text rows of a Value box's HTML label, unescaped."""
    return [html.unescape(re.sub(r"<[^>]*>", "", r)) for r in re.findall(r"<td>(.*?)</td>", label)]


# --- the 2-3-3-1 network ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def doc():
    net, E = worked_2331()
    values = list(value_ids(E))
    p = {q.label: q for q in net.parameters()}
    labelled = {v.label: v for v in values if v.label}
    return net, p, labelled, E


@pytest.fixture(scope="module")
def plain(doc):
    _, _, _, E = doc
    return dot_statements(draw(E))


def test_ids_rebuilt_here_are_the_ones_draw_uses(doc, plain):
    _, _, labelled, E = doc
    nodes, _ = plain
    ids = value_ids(E)
    assert len(labelled) == 25 + 2 * 7 + 1  # parameters, net/out of n3…n9, E
    for v, name in ids.items():
        r = rows(nodes[name]["label"])
        assert r[0] == (v.label or r[0])
        assert r[-2:] == [f"data {number(v.data)}", f"grad {number(v.grad)}"]


@pytest.mark.parametrize(
    ("label", "data", "grad"),
    [
        ("E", "0.3148", "1"), ("out_n9", "0.8035", "0.7935"), ("net_n9", "1.408", "0.1253"),
        ("w16", "0.7", "0.002468"), ("w17", "0.8", "0.1408"), ("w18", "0.9", "0.1664"),
        ("b7", "-0.7", "0.1253"), ("w7", "0.7", "0.03008"), ("out_n6", "0.0197", "0.0877"),
        ("net_n4", "-0.079", "0"), ("out_n4", "0", "0.06264"), ("w2", "0.2", "0"),
        ("w1", "0.1", "0.0559"), ("net_n3", "0.343", "0.2431"),
    ],
)
def test_each_labelled_value_shows_label_data_and_grad(doc, plain, label, data, grad):
    _, _, labelled, E = doc
    nodes, _ = plain
    v = labelled[label]
    data = minus(data)
    assert (number(v.data), number(v.grad)) == (data, grad)
    attrs = nodes[value_ids(E)[v]]
    assert rows(attrs["label"]) == [label, f"data {data}", f"grad {grad}"]
    assert f"<b>{label}</b>" in attrs["label"]
    assert (attrs["shape"], attrs["color"]) == ("box", "black")


def test_every_labelled_value_is_in_the_source(doc):
    _, _, labelled, E = doc
    source = draw(E).source
    for label, v in labelled.items():
        assert f"<b>{label}</b></td></tr><tr><td>data {number(v.data)}</td></tr>" \
               f"<tr><td>grad {number(v.grad)}</td></tr>" in source


def test_each_edge_carries_its_local_derivative(doc, plain):
    _, _, _, E = doc
    _, edges = plain
    ids = value_ids(E)
    n_edges = 0
    for node in topological_order(E):
        op_id = ids[node] + "_op"
        assert [a.get("label") for a in edges[(op_id, ids[node])]] == [None]  # op -> result
        expected: dict[str, list[str]] = {}
        ordered = node.op in ("sub", "pow")  # E's out_n9 − 0.01 and (…)²: "x: " and "y: " say which is which
        places = [role for role, x in zip("xy" if ordered else [""] * 9, operands(node))
                  if isinstance(x, Value)]
        for x, d, role in zip(inputs(node), local_grads(node), places or [""] * len(inputs(node))):
            expected.setdefault(ids[x], []).append(f"{role}: {number(d)}" if role else number(d))
        for tail, labels in expected.items():
            assert [a["label"] for a in edges[(tail, op_id)]] == labels
            n_edges += len(labels)
    assert n_edges == sum(len(inputs(n)) for n in topological_order(E))


@pytest.mark.parametrize(
    ("tail", "head", "derivative"),
    [
        ("w16", "net_n9", "0.0197"),  # ∂net_n9/∂w16 = out_n6
        ("out_n6", "net_n9", "0.7"),  # = w16
        ("b7", "net_n9", "1"),
        ("net_n9", "out_n9", "0.1579"),  # sigmoid'
        ("net_n4", "out_n4", "0"),  # the dead ReLU
        ("net_n6", "out_n6", "1"),
        ("w1", "net_n3", "0.23"),
        ("w4", "net_n3", "0.55"),
    ],
)
def test_document_local_derivatives_on_edges(doc, plain, tail, head, derivative):
    _, _, labelled, E = doc
    _, edges = plain
    ids = value_ids(E)
    (attrs,) = edges[(ids[labelled[tail]], ids[labelled[head]] + "_op")]
    assert attrs["label"] == derivative
    assert attrs["color"] == "black"


def test_op_nodes_one_per_non_leaf(doc, plain):
    _, _, _, E = doc
    nodes, _ = plain
    order = topological_order(E)
    ops = {k: a for k, a in nodes.items() if a.get("shape") == "ellipse"}
    assert len(ops) == len(order) == 4 + 2 * 7  # E's mul, sum, pow, sub; net/out of n3…n9
    ids = value_ids(E)
    shown = {"sub": "sub (x − y)", "pow": "pow (x^y)"}  # the ops whose operands do not commute
    assert {ids[n] + "_op": shown.get(n.op, n.op) for n in order} == {k: a["label"] for k, a in ops.items()}
    boxes = [k for k, a in nodes.items() if a.get("shape") == "box"]
    assert len(boxes) == len(ids) == len(order) + 25  # every leaf is a parameter


def test_constants_shown_and_hidden(doc, plain):
    _, _, _, E = doc
    nodes, edges = plain
    order = topological_order(E)
    consts = {k: a for k, a in nodes.items() if a.get("shape") == "plaintext"}
    expected = {f"{value_ids(E)[n]}_op_c{k}": number(c) for n in order for k, c in enumerate(constants(n))}
    assert {k: a["label"] for k, a in consts.items()} == expected
    assert sorted(expected.values()) == sorted(["0.23", "0.55"] * 3 + ["0.01", "2", "0.5"])
    assert all(edges[(k, k.rsplit("_c", 1)[0])][0]["color"] == "grey60" for k in consts)
    hidden_nodes, hidden_edges = dot_statements(draw(E, show_constants=False))
    assert not [k for k, a in hidden_nodes.items() if a.get("shape") == "plaintext"]
    assert not [e for e, a in hidden_edges.items() if a[0].get("color") == "grey60"]
    assert len(hidden_nodes) == len(nodes) - len(consts)


@pytest.mark.parametrize("rankdir", ["LR", "TB", "RL", "BT"])
def test_rankdir(doc, rankdir):
    _, _, _, E = doc
    g = draw(E, rankdir=rankdir)
    assert g.graph_attr["rankdir"] == rankdir
    assert f"rankdir={rankdir}" in g.source


def test_default_rankdir_is_left_to_right(doc):
    assert "rankdir=LR" in draw(doc[3]).source


def test_digits(doc):
    _, _, labelled, E = doc
    nodes, edges = dot_statements(draw(E, digits=2))
    ids = value_ids(E)
    assert rows(nodes[ids[labelled["out_n9"]]]["label"]) == ["out_n9", "data 0.8", "grad 0.79"]
    (edge,) = edges[(ids[labelled["net_n9"]], ids[labelled["out_n9"]] + "_op")]
    assert edge["label"] == "0.16"


# --- highlight: the paths from the output down to one value -----------------------------------


def _on_paths(output: Value, wrt: Value) -> set[Value]:
    """Brute force: the Values reachable from output that reach wrt."""
    reaches: dict[Value, bool] = {}

    def reach(v: Value) -> bool:
        if v not in reaches:
            reaches[v] = v is wrt or any([reach(x) for x in v.inputs])
        return reaches[v]

    reach(output)
    return {v for v, r in reaches.items() if r}


@pytest.mark.parametrize(
    ("wrt", "n_on_path"),
    [("w16", 7), ("b7", 7), ("w7", 9), ("w1", 15), ("w2", 15), ("out_n6", 7), ("E", 1)],
)
def test_highlight_marks_exactly_the_nodes_on_paths(doc, wrt, n_on_path):
    _, _, labelled, E = doc
    w = labelled[wrt]
    paths = PathSet(E, w)
    on_path = paths.nodes
    assert on_path == _on_paths(E, w)
    assert len(on_path) == n_on_path
    nodes, edges = dot_statements(draw(E, highlight=w))
    ids = value_ids(E)
    red = {v for v, name in ids.items() if nodes[name]["color"] == HIGHLIGHT}
    assert red == on_path
    for v, name in ids.items():
        assert nodes[name]["penwidth"] == ("2" if v in on_path else "1")
        r = rows(nodes[name]["label"])
        if v in on_path:  # ∂E/∂v, the product of the local derivatives above it
            assert r[-1] == f"∂E/∂{Names(E).atom(v)} = {number(v.grad)}"
            assert paths.delta[v] == v.grad
        else:
            assert not r[-1].startswith("∂")
    n_red_inputs = 0
    for node in topological_order(E):
        op_id = ids[node] + "_op"
        hot = node in on_path and node is not w  # the op that made w is below the paths
        if node is not w:
            assert nodes[op_id]["color"] == nodes[op_id]["fontcolor"] == (HIGHLIGHT if hot else "black")
            assert edges[(op_id, ids[node])][0]["color"] == (HIGHLIGHT if hot else "black")
        for x in set(inputs(node)):
            for attrs in edges[(ids[x], op_id)]:
                assert attrs["color"] == (HIGHLIGHT if hot and x in on_path else "black")
                assert attrs["penwidth"] == ("2" if hot and x in on_path else "1")
                n_red_inputs += attrs["color"] == HIGHLIGHT
    assert n_red_inputs == sum(len(e) for e in paths.edges.values())  # one per path edge


@pytest.mark.parametrize("wrt", ["out_n6", "net_n9", "E"])
def test_highlight_leaves_the_op_that_made_wrt_black(doc, wrt):
    _, _, labelled, E = doc
    w = labelled[wrt]
    nodes, edges = dot_statements(draw(E, highlight=w))
    op_id = value_ids(E)[w] + "_op"
    assert nodes[op_id]["color"] == "black"
    assert edges[(op_id, value_ids(E)[w])][0]["color"] == "black"


def test_highlight_of_a_value_outside_the_graph_marks_nothing(doc):
    _, _, _, E = doc
    source = draw(E, highlight=Value(1.0, label="stranger")).source
    assert HIGHLIGHT not in source
    assert "stranger" not in source


# --- argument checks --------------------------------------------------------------------------


def test_max_nodes_refusal(doc):
    _, _, _, E = doc
    n = len(value_ids(E))
    assert n == 43
    with pytest.raises(ValueError, match=rf"the graph has {n} values, more than max_nodes=10;") as info:
        draw(E, max_nodes=10)
    assert "nn.view.draw_network" in str(info.value)
    assert draw(E, max_nodes=n).source  # exactly at the limit is fine
    with pytest.raises(ValueError, match=f"more than max_nodes={n - 1}"):
        draw(E, max_nodes=n - 1)


def test_a_leaf_alone_is_drawn():
    x = Value(2.5, label="x")
    nodes, edges = dot_statements(draw(x))
    assert list(nodes) == ["v0"] and edges == {}
    assert rows(nodes["v0"]["label"]) == ["x", "data 2.5", "grad 0"]


def test_an_unlabelled_value_shows_the_name_it_is_given_in_italics():
    a = Value(1.5)
    y = a * 2
    y.backward()
    nodes, edges = dot_statements(draw(y))
    assert rows(nodes["v0"]["label"]) == ["v₁", "data 1.5", "grad 2"]
    assert rows(nodes["v1"]["label"]) == ["v₁·2", "data 3", "grad 1"]
    assert "<i>v₁·2</i>" in nodes["v1"]["label"]  # made up, not a label: in italics
    assert nodes["v1_op_c0"]["label"] == "2"
    assert edges[("v0", "v1_op")][0]["label"] == "2"
    h = (Value(2.0, label="x") * 3).tanh()
    h.backward()
    ids = value_ids(h)
    nodes = dot_statements(draw(h, highlight=h.inputs[0]))[0]
    assert rows(nodes[ids[h]]["label"]) == ["tanh(x·3)", f"data {number(math.tanh(6))}", "grad 1",
                                            "∂tanh(x·3)/∂tanh(x·3) = 1"]
    inner = rows(nodes[ids[h.inputs[0]]]["label"])[-1]
    assert inner == f"∂tanh(x·3)/∂(x·3) = {number(1 - math.tanh(6) ** 2)}"


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"rankdir": "XY"}, ValueError, "rankdir must be one of LR, TB, RL, BT, not 'XY'"),
        ({"rankdir": "lr"}, ValueError, "rankdir must be one of"),
        ({"digits": 0}, ValueError, "digits must be an int from 1 to 17, not 0"),
        ({"digits": 18}, ValueError, "digits must be an int from 1 to 17, not 18"),
        ({"digits": 3.0}, ValueError, "digits must be an int from 1 to 17, not 3.0"),
        ({"digits": True}, ValueError, "not True"),
        ({"highlight": 0.5}, TypeError, "highlight must be a Value, not float"),
    ],
)
def test_bad_arguments(doc, kwargs, error, message):
    with pytest.raises(error, match=re.escape(message)):
        draw(doc[3], **kwargs)


def test_output_must_be_a_value():
    with pytest.raises(TypeError, match="draw: output must be a Value, not list"):
        draw([Value(1.0)])


# --- order, operand places, zeros (issue 11) ----------------------------------------------------


def test_leaves_come_in_the_order_the_network_made_them(doc, plain):
    """Each neuron's weights then its bias, neuron by neuron, layer by layer: the order the
    forward pass reads them, which is the order the model made them."""
    net, _, _, E = doc
    ids = value_ids(E)
    leaves = sorted((v for v in ids if v.is_leaf), key=lambda v: int(ids[v][1:]))
    assert [v.label for v in leaves] == [p.label for p in net.parameters()]
    assert [v.label for v in leaves][:7] == ["w1", "w4", "b1", "w2", "w5", "b2", "w3"]
    assert "<b>w1</b>" in plain[0]["v0"]["label"]
    assert dot_statements(draw(E))[0].keys() == plain[0].keys()


def test_the_same_graph_gives_the_same_picture(doc):
    """Built twice, its Values at other addresses: the same DOT source, statement by statement."""
    first, second = worked_2331()[1], worked_2331()[1]
    assert first is not second
    assert draw(first, highlight=first.inputs[0]).source == draw(second, highlight=second.inputs[0]).source


def test_operands_keep_their_order_in_the_source():
    """Edges into an op in operand order (``ordering=in`` keeps it left to right), a plain
    number's where it stands: 2 − a has the 2 first."""
    a = Value(5.0, label="a")
    y = 2 - a
    g = draw(y)
    assert g.graph_attr["ordering"] == "in"
    into = [line.split(" -> ")[0].strip() for line in g.body if " -> v1_op " in line]
    assert into == ["v1_op_c0", "v0"]


@pytest.mark.parametrize(
    ("make", "op_label", "places"),
    [
        (lambda a, b: a - b, "sub (x − y)", {"a": "x: 1", "b": "y: −1"}),
        (lambda a, b: b - a, "sub (x − y)", {"b": "x: 1", "a": "y: −1"}),
        (lambda a, b: a / b, "div (x/y)", {"a": "x: 0.5", "b": "y: −1.25"}),
        (lambda a, b: a ** b, "pow (x^y)", {"a": "x: 10", "b": f"y: {number(25 * math.log(5))}"}),
        (lambda a, b: a + b, "add", {"a": "1", "b": "1"}),
        (lambda a, b: a * b, "mul", {"a": "2", "b": "5"}),
    ],
)
def test_the_places_of_operands_that_do_not_commute_are_written(make, op_label, places):
    a, b = Value(5.0, label="a"), Value(2.0, label="b")
    y = make(a, b)
    nodes, edges = dot_statements(draw(y))
    ids = value_ids(y)
    assert nodes[ids[y] + "_op"]["label"] == op_label
    assert {x.label: edges[(ids[x], ids[y] + "_op")][0]["label"] for x in (a, b)} == {
        k: minus(v) for k, v in places.items()}


@pytest.mark.parametrize(
    ("make", "places"),
    [(lambda a: 2 - a, ("x", "y: −1")), (lambda a: a - 2, ("y", "x: 1")),
     (lambda a: 2 / a, ("x", "y: −0.08")), (lambda a: a ** 2, ("y", "x: 10")),
     (lambda a: a * 2, (None, "2"))],
)
def test_a_plain_number_operand_has_its_place_too(make, places):
    a = Value(5.0, label="a")
    y = make(a)
    _, edges = dot_statements(draw(y))
    constant, value = places
    assert edges[("v1_op_c0", "v1_op")][0].get("label") == constant
    assert edges[("v0", "v1_op")][0]["label"] == minus(value)


def test_round_off_is_written_0_and_small_numbers_are_not():
    x = Value(0.1, label="x")
    y = x + 0.2 - 0.3  # 5.55e-17: 0.1 + 0.2 is not 0.3 in binary
    assert y.data == pytest.approx(5.55e-17, rel=1e-2)
    z = x * 0.1 + x * 0.2 - x * 0.3  # ∂z/∂x = 0.1 + 0.2 − 0.3: the same round-off in a gradient
    z.backward()
    assert x.grad == pytest.approx(5.55e-17, rel=1e-2)
    tiny = Value(1e-10, label="t") * Value(-1e-10, label="u")  # a product: nothing cancels
    cases = ((y, ["data 0", "grad 0"]), (z, ["data 0", "grad 1"]), (tiny, [f"data {number(-1e-20)}"]))
    for out, expected in cases:
        out.label = "out"
        nodes, _ = dot_statements(draw(out))
        assert rows(nodes[value_ids(out)[out]]["label"])[1:1 + len(expected)] == expected
    nodes, _ = dot_statements(draw(z))
    assert rows(nodes[value_ids(z)[x]]["label"]) == ["x", "data 0.1", "grad 0"]
    assert rows(dot_statements(draw(Value(-0.0, label="n")))[0]["v0"]["label"]) == ["n", "data 0", "grad 0"]


@pytest.mark.parametrize(
    ("x", "scale", "digits", "text"),
    [(5.55e-17, 0.3, 4, "0"), (-4e-5, 0.9, 4, "0"), (-6e-5, 0.9, 4, number(-6e-5)), (4e-5, 0.9, 6, "4e-05"),
     (0.0015, 0.0015, 4, "0.0015"), (-0.0, 0.0, 4, "0"), (float("nan"), 1.0, 4, "nan"),
     (3.0, float("inf"), 4, "3")],
)
def test_shown_is_0_below_the_last_digit_of_the_terms(x, scale, digits, text):
    assert shown(x, scale, digits) == text


# --- rendering --------------------------------------------------------------------------------


@needs_dot
def test_render_svg_with_dot(doc, tmp_path):
    _, p, _, E = doc
    path = render(draw(E, highlight=p["w16"]), tmp_path / "e.svg")
    assert path == tmp_path / "e.svg" and path.is_file()
    svg = path.read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg and svg.rstrip().endswith("</svg>")
    for text in ["w16", "net_n9", "out_n9", "data 1.408", "grad 0.002468", "0.0197", "sigmoid"]:
        assert text in svg, text
    assert HIGHLIGHT in svg
    assert not (tmp_path / "e.gv").exists()  # the DOT source is cleaned up after success


@needs_dot
@pytest.mark.parametrize(("format", "magic"), [("png", b"\x89PNG\r\n\x1a\n"), ("pdf", b"%PDF")])
def test_render_png_and_pdf(doc, tmp_path, format, magic):
    path = render(draw(doc[3]), tmp_path / "sub" / "graph", format=format)
    assert path == tmp_path / "sub" / f"graph.{format}"
    assert path.read_bytes().startswith(magic)
    assert path.stat().st_size > 1000


@needs_dot
def test_render_replaces_the_suffix_with_the_format(tmp_path):
    x = Value(1.0, label="x")
    path = render(draw(x * 2), tmp_path / "e.svg", format="png")
    assert path == tmp_path / "e.png" and path.read_bytes()[:4] == b"\x89PNG"
    assert not (tmp_path / "e.svg").exists()


@pytest.mark.parametrize("format", ["gif", "SVG", "jpg", ""])
def test_render_refuses_other_formats(tmp_path, format):
    with pytest.raises(ValueError, match=f"render: format must be one of svg, png, pdf, not '{format}'"):
        render(draw(Value(1.0)), tmp_path / "e", format=format)
    assert list(tmp_path.iterdir()) == []


def test_render_wants_a_digraph(tmp_path):
    with pytest.raises(TypeError, match=r"expected a graphviz\.Digraph"):
        render("digraph { a -> b }", tmp_path / "e.svg")


def test_render_without_dot_saves_the_source_and_says_what_to_install(doc, tmp_path, monkeypatch):
    _, p, _, E = doc
    empty = tmp_path / "no-programs-here"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    g = draw(E, highlight=p["w7"])
    target = tmp_path / "out" / "e.svg"
    with pytest.raises(RenderError) as info:
        render(g, target)
    assert autograd.RenderError is RenderError and isinstance(info.value, RuntimeError)
    message = str(info.value)
    for advice in ["apt-get install graphviz", "brew install graphviz", "conda install graphviz"]:
        assert advice in message
    source = tmp_path / "out" / "e.gv"
    assert str(source) in message
    assert f"dot -Tsvg {source} -o {target}" in message
    assert source.read_text(encoding="utf-8") == g.source
    assert not target.exists()


@needs_dot
def test_render_reports_graphviz_errors(tmp_path):
    g = draw(Value(1.0, label="x"))
    g.body.append("\tbroken [label=<<b>unclosed>]\n")  # invalid HTML label: dot fails
    with pytest.raises(RenderError, match="Graphviz failed to draw") as info:
        render(g, tmp_path / "e.svg")
    # dot's own words, on one line; the DOT source is kept only when dot is missing (issue 10)
    message = str(info.value)
    assert str(tmp_path / "e.svg") in message and "broken" in message and "\n" not in message
    assert list(tmp_path.iterdir()) == []


# --- in a notebook (issue 11) --------------------------------------------------------------------


def test_a_notebook_without_dot_is_told_what_to_install(tmp_path, monkeypatch):
    """Jupyter shows a graph through ``_repr_mimebundle_``: without dot, chainrule's DotMissing
    naming apt, brew and conda, not graphviz's ExecutableNotFound, which names nothing to install."""
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))
    g = draw(Value(1.0, label="x") * 2)
    assert isinstance(g, Diagram) and isinstance(g, graphviz.Digraph)
    with pytest.raises(DotMissing) as info:
        g._repr_mimebundle_()
    message = str(info.value)
    assert isinstance(info.value, RenderError) and "cannot draw the diagram" in message
    for advice in ["apt-get install graphviz", "brew install graphviz", "conda install graphviz"]:
        assert advice in message
    with pytest.raises(DotMissing):
        g._repr_mimebundle_(include=["image/png"])
    assert g._repr_mimebundle_(include=[]) == {}  # nothing asked for, nothing to draw
    plain = graphviz.Digraph(body=g.body)
    with pytest.raises(graphviz.ExecutableNotFound):  # what a plain Digraph raises
        plain._repr_mimebundle_()


@needs_dot
def test_a_notebook_with_dot_shows_the_picture():
    g = draw(Value(1.0, label="x") * 2)
    bundle = g._repr_mimebundle_()
    svg = bundle["image/svg+xml"]
    assert list(bundle) == ["image/svg+xml"] and "<svg" in svg and ">x<" in svg
    png = g._repr_mimebundle_(include=["image/png"])["image/png"]
    assert png.startswith(b"\x89PNG\r\n\x1a\n")


@needs_dot
def test_a_notebook_is_told_dots_own_words_when_it_fails():
    g = draw(Value(1.0, label="x"))
    g.body.append("\tbroken [label=<<b>unclosed>]\n")
    with pytest.raises(RenderError, match=r"Graphviz failed to draw the diagram: .*broken") as info:
        g._repr_mimebundle_()
    assert not isinstance(info.value, DotMissing)


# --- render never loses a file (issue 10) ------------------------------------------------------


@needs_dot
def test_render_leaves_a_dot_source_of_that_name_alone(tmp_path):
    mine = tmp_path / "e.gv"
    mine.write_text("my own notes", encoding="utf-8")
    path = render(draw(Value(1.0, label="x")), tmp_path / "e.svg")
    assert mine.read_text(encoding="utf-8") == "my own notes"  # Graphviz's cleanup deleted it
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e.gv", "e.svg"]  # no temporaries
    assert "<svg" in path.read_text(encoding="utf-8")


@needs_dot
def test_render_replaces_a_link_instead_of_writing_through_it(tmp_path):
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me", encoding="utf-8")
    (tmp_path / "e.svg").symlink_to(precious)
    path = render(draw(Value(1.0, label="x")), tmp_path / "e.svg")
    assert not path.is_symlink() and "<svg" in path.read_text(encoding="utf-8")
    assert precious.read_text(encoding="utf-8") == "keep me"


def test_render_without_dot_never_overwrites_a_dot_source(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))
    mine = tmp_path / "e.gv"
    mine.write_text("my own notes", encoding="utf-8")
    with pytest.raises(RenderError) as info:
        render(draw(Value(1.0, label="x")), tmp_path / "e.svg")
    assert mine.read_text(encoding="utf-8") == "my own notes"
    message = str(info.value)
    assert f"The DOT source is not saved: {mine} exists" in message
    assert "apt-get install graphviz" in message and "dot -T" not in message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e.gv"]


# --- labels are shown as written (issue 10) -----------------------------------------------------

HOSTILE = ["x\\N", "\\G", "a\\l b\\n", "t\\", "<b>bold</b>", 'q"uote', "a & b", "&amp;",
           "bell\x07", "esc\x1b[31m", "line\nbreak", "\u202eevil", "nul\x00"]


@pytest.mark.parametrize("label", HOSTILE)
def test_label_text_escapes_for_graphviz(label):
    text = label_text(label)
    assert not re.search(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e]", text)
    assert "<" not in text and ">" not in text and '"' not in text
    assert re.fullmatch(r"(?:[^\\]|\\\\)*", text)  # every backslash doubled
    assert html.unescape(text.replace("\\\\", "\\")) == visible(label)


def test_visible_writes_control_characters_as_escapes():
    assert visible("a\x07b\x1b[2J\n\u202e\ud800 ∂E/∂w é") == "a\\x07b\\x1b[2J\\x0a\\u202e\\ud800 ∂E/∂w é"


@needs_dot
def test_hostile_labels_render_as_written(tmp_path):
    values = [Value(float(k), label=label) for k, label in enumerate(HOSTILE)]
    out = values[0]
    for v in values[1:]:
        out = out + v
    out.label = "E\\N"
    out.backward()
    g = draw(out, highlight=values[0])
    svg = render(g, tmp_path / "e.svg").read_text(encoding="utf-8")  # dot accepted every label
    shown = html.unescape(" ".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg)))
    for label in [*HOSTILE, "E\\N"]:
        assert visible(label) in shown, label
    assert "\x07" not in svg and "\x1b" not in svg and "\u202e" not in svg
    assert "chainrule" not in shown  # \G was not expanded to the graph's name
