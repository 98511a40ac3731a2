"""nn.view.draw_network: an MLP drawn as the documents draw it, with every number on it.

The 2-3-3-1 network of "Deep Learning - The Mathematics Behind Neural Network - Part 2"
(docs/sources.md): neurons are ``n<layer>_<j>`` in the DOT source,
inputs ``in<i>``, and the label of the weight from i to neuron ``n<k>_<j>`` is the plaintext
node ``n<k>_<j>_w<i>``. The red paths are checked against ``PathSet``: a neuron is red when
its net input lies on a path from E down to the highlighted parameter.
"""

from __future__ import annotations

import html
import itertools
import math
import re
import shutil

import graphviz
import pytest
from doc_2331 import B_2331, W_2331, worked_2331
from test_draw import dot_statements, rows

from autograd import Value, explain, render
from autograd.draw import HIGHLIGHT
from autograd.notation import number
from autograd.paths import PathSet
from autograd.render import Diagram, DotMissing
from nn import MLP, layout, losses
from nn.readout import readout
from nn.view import draw_network

needs_dot = pytest.mark.skipif(shutil.which("neato") is None, reason="Graphviz is not installed")


@pytest.fixture(scope="module")
def doc():
    net, E = worked_2331()
    return net, {p.label: p for p in net.parameters()}, E


@pytest.fixture(scope="module")
def plain(doc):
    return dot_statements(draw_network(doc[0], output=doc[2]))


def neurons(net):
    """{"n3": (layer k, index j, Neuron), ...}."""
    return {n.name: (k, j, n) for k, layer in enumerate(net.layers) for j, n in enumerate(layer.neurons)}


def weight_label(nodes, k, j, i):
    return nodes[f"n{k}_{j}_w{i}"]["label"].replace("\\n", "\n")


def minus(text):
    """``text`` with its minus signs as ``number`` writes them."""
    return text.replace("-", number(-1.0)[0])


# --- the numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value", "grad"),
    [
        ("w16", "0.7", "0.002468"), ("w17", "0.8", "0.1408"), ("w18", "0.9", "0.1664"),
        ("w7", "0.7", "0.03008"), ("w1", "0.1", "0.0559"), ("w2", "0.2", "0"),
        ("w13", "0.4", "0.0613"), ("w4", "0.4", "0.1337"),
    ],
)
def test_weight_labels_show_value_and_gradient(doc, plain, name, value, grad):
    net, p, _ = doc
    nodes, _ = plain
    w = p[name]
    assert (number(w.data), number(w.grad)) == (value, grad)
    (k, j, i), = [(k, j, i) for k, layer in enumerate(net.layers) for j, n in enumerate(layer.neurons)
                  for i, x in enumerate(n.w) if x is w]
    assert weight_label(nodes, k, j, i) == f"{name} = {value}\n∂E/∂{name} = {grad}"
    assert f"{name} = {value}\n∂E/∂{name} = {grad}" in draw_network(net).source


def test_every_weight_has_one_label_node(doc, plain):
    net, _, _ = doc
    nodes, _ = plain
    labels = {k: a for k, a in nodes.items() if re.fullmatch(r"n\d+_\d+_w\d+", k)}
    assert len(labels) == 6 + 9 + 3
    for k, layer in enumerate(net.layers):
        for j, n in enumerate(layer.neurons):
            for i, w in enumerate(n.w):
                text = weight_label(nodes, k, j, i)
                assert text == f"{w.label} = {number(w.data)}\n∂E/∂{w.label} = {number(w.grad)}"


@pytest.mark.parametrize(
    ("name", "net_", "out", "bias", "bias_grad"),
    [
        ("n3", "0.343", "0.343", "b1 = 0.1", "∂E/∂b1 = 0.2431"),
        ("n4", "-0.079", "0", "b2 = -0.4", "∂E/∂b2 = 0"),  # the dead ReLU
        ("n5", "0.699", "0.699", "b3 = 0.3", "∂E/∂b3 = 0.1529"),
        ("n6", "0.0197", "0.0197", "b4 = -0.5", "∂E/∂b4 = 0.0877"),
        ("n7", "1.124", "1.124", "b5 = 0.5", "∂E/∂b5 = 0.1002"),
        ("n8", "1.328", "1.328", "b6 = 0.6", "∂E/∂b6 = 0.1128"),
        ("n9", "1.408", "0.8035", "b7 = -0.7", "∂E/∂b7 = 0.1253"),
    ],
)
def test_neuron_boxes_show_net_out_and_bias(doc, plain, name, net_, out, bias, bias_grad):
    net, _, E = doc
    nodes, _ = plain
    k, j, n = neurons(net)[name]
    activation = "sigmoid" if name == "n9" else "relu"
    net_, bias = minus(net_), minus(bias)
    assert rows(nodes[f"n{k}_{j}"]["label"]) == [
        f"{name}  {activation}", f"net {net_}   out {out}", bias, bias_grad]
    ro = readout(net, E)
    net_node, out_node = ro.nets[n], ro.outs[n]
    assert (number(net_node.data), number(out_node.data)) == (net_, out)


@pytest.mark.parametrize(("i", "text"), [(0, "x[0] = 0.23"), (1, "x[1] = 0.55")])
def test_inputs_show_their_values(plain, i, text):
    nodes, _ = plain
    assert nodes[f"in{i}"]["label"] == text


def test_input_names(doc):
    nodes, _ = dot_statements(draw_network(doc[0], input_names=["x1", "x2"], output=doc[2]))
    assert (nodes["in0"]["label"], nodes["in1"]["label"]) == ("x1 = 0.23", "x2 = 0.55")


def test_labelled_input_values_name_the_inputs():
    net = MLP.from_weights([[[0.5, -0.5]]], [[0.1]], ["sigmoid"])
    out = net([Value(1.0, label="i1"), Value(2.0, label="i2")])
    nodes, _ = dot_statements(draw_network(net, output=out))
    assert (nodes["in0"]["label"], nodes["in1"]["label"]) == ("i1 = 1", "i2 = 2")


@pytest.mark.parametrize("forward", [False, True])
def test_without_an_output_graph_there_are_no_numbers_to_show(forward):
    """The model keeps no record of its forward passes: the numbers come from output's graph."""
    net = MLP(3, [2, 1], seed=1)
    if forward:
        net([1.0, 2.0, 3.0])
    nodes, edges = dot_statements(draw_network(net))
    assert [nodes[f"in{i}"]["label"] for i in range(3)] == ["x[0]", "x[1]", "x[2]"]
    assert not any("net " in r for r in rows(nodes["n0_0"]["label"]))
    assert len(edges) == 3 * 2 + 2 * 1


def test_digits(doc):
    nodes, _ = dot_statements(draw_network(doc[0], digits=2, output=doc[2]))
    assert rows(nodes["n2_0"]["label"])[1:] == ["net 1.4   out 0.8", minus("b7 = -0.7"), "∂E/∂b7 = 0.13"]
    assert weight_label(nodes, 2, 0, 1) == "w17 = 0.8\n∂E/∂w17 = 0.14"


def _pos(attrs):
    x, y = attrs["pos"].rstrip("!").split(",")
    return float(x), float(y)


def test_layout_is_pinned_in_columns(doc, plain):
    nodes, _ = plain
    assert all(a["pos"].endswith("!") for a in nodes.values())  # every node pinned
    columns = [["in0", "in1"], ["n0_0", "n0_1", "n0_2"], ["n1_0", "n1_1", "n1_2"], ["n2_0"], ["E"]]
    xs = [{_pos(nodes[n])[0] for n in column} for column in columns]
    assert all(len(x) == 1 for x in xs)  # one x per column
    xs = [x.pop() for x in xs]
    assert xs[0] == 0.0 and nodes["in0"]["pos"].startswith("0,")  # "0", not "0.0"
    assert xs == sorted(xs) and min(b - a for a, b in itertools.pairwise(xs[:4])) > layout.GAP + 1.0
    # first neuron on top; rows 1.8 inches apart and 0.1 more for each input past two (3 here)
    assert (layout.ROW, layout.ROW_PER_INPUT) == (1.8, 0.1)
    assert [_pos(nodes[n])[1] for n in columns[1]] == [1.9, 0.0, -1.9]
    assert [_pos(nodes[n])[1] for n in columns[0]] == [0.95, -0.95]
    assert _pos(nodes["E"])[1] == 0.0 == _pos(nodes["n2_0"])[1]


def label_boxes(graph):
    """{label id: (centre, its connection's two node centres, its estimated box)} from the DOT source."""
    nodes, _ = dot_statements(graph)
    found = {}
    for name, a in nodes.items():
        m = re.fullmatch(r"n(\d+)_(\d+)_w(\d+)", name)
        if m:
            k, j, i = map(int, m.groups())
            tail = nodes[f"in{i}" if k == 0 else f"n{k - 1}_{i}"]
            lines = html.unescape(a["label"]).split("\n")
            found[name] = (_pos(a), _pos(tail), _pos(nodes[f"n{k}_{j}"]), layout.lines_size(lines, 9))
    return found


@pytest.mark.parametrize("shape", [(2, [3, 3, 1]), (2, [8, 8, 3]), (8, [8, 1]), (5, [2])])
def test_each_label_sits_on_its_connection_apart_from_the_others(shape):
    """The layout's own geometry (no Graphviz): every label centred on its connection, between
    its two nodes, its box clear of every other label's box by CLEAR."""
    nin, sizes = shape
    net = MLP(nin, sizes, seed=4)
    out = net([0.3] * nin)
    E = losses.squared_error(out if isinstance(out, list) else [out], [0.5] * sizes[-1])
    E.backward()
    labels = label_boxes(draw_network(net, output=E))
    assert len(labels) == sum(a * b for a, b in zip([nin, *sizes], sizes))
    for (x, y), (x0, y0), (x1, y1), _ in labels.values():
        along = ((x - x0) * (x1 - x0) + (y - y0) * (y1 - y0)) / ((x1 - x0) ** 2 + (y1 - y0) ** 2)
        assert 0 < along < 1
        off = abs((x1 - x0) * (y - y0) - (y1 - y0) * (x - x0)) / math.hypot(x1 - x0, y1 - y0)
        assert off < 0.002  # on the line, to the thousandth of an inch positions are written in
    for (a, _, _, (wa, ha)), (b, _, _, (wb, hb)) in itertools.combinations(labels.values(), 2):
        assert (abs(a[0] - b[0]) >= (wa + wb) / 2 + layout.CLEAR - 0.002
                or abs(a[1] - b[1]) >= (ha + hb) / 2 + layout.CLEAR - 0.002)


def test_a_gap_of_more_than_SEARCHED_connections_gets_labels_at_a_fixed_place(doc, monkeypatch):
    """Past legible, no search: each label a third of the way along its connection's visible
    part from the head, which is between half and four fifths of the way from the tail's centre."""
    monkeypatch.setattr(layout, "SEARCHED", 8)  # the 2-3-3-1's first gaps have 6 and 9 connections
    labels = label_boxes(draw_network(doc[0], output=doc[2]))
    fixed = []
    for name, ((x, y), (x0, y0), (x1, y1), _) in labels.items():
        along = ((x - x0) * (x1 - x0) + (y - y0) * (y1 - y0)) / ((x1 - x0) ** 2 + (y1 - y0) ** 2)
        if name.startswith("n1_"):
            fixed.append(along)
    assert len(fixed) == 9 and all(0.5 < a < 0.8 for a in fixed)
    assert max(fixed) - min(fixed) < 0.12  # the same place on each, up to the boxes' shapes


# --- highlight --------------------------------------------------------------------------------


def _colours(graph):
    nodes, edges = dot_statements(graph)
    red_nodes = {k for k, a in nodes.items() if re.fullmatch(r"n\d+_\d+", k) and a["color"] == HIGHLIGHT}
    red_edges = {e for e, attrs in edges.items() for a in attrs if a["color"] == HIGHLIGHT and e[1] != "E"}
    red_labels = {k for k, a in nodes.items()
                  if re.fullmatch(r"n\d+_\d+_w\d+", k) and a["fontcolor"] == HIGHLIGHT}
    return nodes, edges, red_nodes, red_edges, red_labels


def test_highlight_w7_colours_exactly_its_path(doc):
    net, p, E = doc
    g = draw_network(net, highlight=p["w7"], output=E)
    nodes, edges, red_nodes, red_edges, red_labels = _colours(g)
    assert red_nodes == {"n1_0", "n2_0"}  # n6 and n9
    assert red_edges == {("n0_0", "n1_0"), ("n1_0", "n2_0")}  # w7 (n3 -> n6) and n6 -> n9 (w16)
    assert red_labels == {"n1_0_w0", "n2_0_w0"}  # the labels of w7 and w16
    assert edges[("n2_0", "E")] == [{"color": HIGHLIGHT, "penwidth": "2.5"}]  # out_n9 is on the path
    for (tail, head), attrs in edges.items():
        (a,) = attrs
        assert a["penwidth"] == ("2.5" if (tail, head) in {*red_edges, ("n2_0", "E")} else "1")
        assert a["color"] in (HIGHLIGHT, "grey45")
    for k, a in nodes.items():
        if re.fullmatch(r"n\d+_\d+", k):
            assert (a["color"], a["penwidth"]) == ((HIGHLIGHT, "2") if k in red_nodes else ("black", "1"))


def test_highlight_w7_writes_the_derivation_under_the_picture(doc):
    net, p, E = doc
    nodes, _ = dot_statements(draw_network(net, highlight=p["w7"], output=E))
    label = html.unescape(nodes["derivation"]["label"])
    lines = label.split("\\l")
    assert lines[0] == ("∂E/∂w7 = ∂E/∂out_n9 · ∂out_n9/∂net_n9 · ∂net_n9/∂out_n6 · ∂out_n6/∂net_n6 · "
                        "∂net_n6/∂w7")
    assert "       = 0.03008" in lines and lines[-1] == ""
    assert label.replace("\\l", "\n").rstrip("\n") == str(explain(E, p["w7"]))
    derivation, n8 = _pos(nodes["derivation"]), _pos(nodes["n1_2"])
    assert derivation[1] < n8[1] - 1.0  # under the lowest box
    assert nodes["derivation"]["fontname"] == "Courier"


def test_no_derivation_without_output_or_highlight(doc):
    net, p, E = doc
    assert "derivation" not in dot_statements(draw_network(net, highlight=p["w7"]))[0]
    assert "derivation" not in dot_statements(draw_network(net, output=E))[0]
    assert HIGHLIGHT not in draw_network(net, output=E).source


@pytest.mark.parametrize("name", ["w16", "w17", "b7", "w7", "w13", "b4", "w1", "w2", "w6", "b3"])
def test_highlight_agrees_with_the_paths_of_the_graph(doc, name):
    """Red neurons: those whose net input is on a path from E down to the parameter; red
    connections: the parameter's own, and those between two red neurons."""
    net, p, E = doc
    path_nodes = PathSet(E, p[name]).nodes
    _, _, red_nodes, red_edges, red_labels = _colours(draw_network(net, highlight=p[name], output=E))
    expected_nodes, expected_edges, expected_labels = set(), set(), set()
    ro = readout(net, E)
    for k, layer in enumerate(net.layers):
        for j, n in enumerate(layer.neurons):
            net_node = ro.nets[n]
            if net_node in path_nodes:
                expected_nodes.add(f"n{k}_{j}")
            for i, w in enumerate(n.w):
                tail = f"in{i}" if k == 0 else f"n{k - 1}_{i}"
                prev_out = None if k == 0 else ro.outs[net.layers[k - 1].neurons[i]]
                if w is p[name] or (prev_out in path_nodes and net_node in path_nodes):
                    expected_edges.add((tail, f"n{k}_{j}"))
                    expected_labels.add(f"n{k}_{j}_w{i}")
    assert red_nodes == expected_nodes
    assert red_edges == expected_edges
    assert red_labels == expected_labels
    assert "n2_0" in red_nodes  # every path ends at the output neuron


# --- rendering and argument checks ------------------------------------------------------------


@needs_dot
def test_renders_to_png(doc, tmp_path):
    net, p, E = doc
    path = render(draw_network(net, highlight=p["w7"], output=E), tmp_path / "net.png", format="png")
    data = path.read_bytes()
    assert path == tmp_path / "net.png" and data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert width > height > 300  # the columns side by side, wider than tall


@needs_dot
def test_renders_to_svg_with_the_numbers(doc, tmp_path):
    net, p, E = doc
    svg = render(draw_network(net, highlight=p["w7"], output=E), tmp_path / "net.svg").read_text("utf-8")
    shown = html.unescape(svg)
    for text in ["w17 = 0.8", "∂E/∂w17 = 0.1408", "net 1.408", "out 0.8035", minus("b7 = -0.7"), "0.03008",
                 "E = 0.3148", "on each connection: w = its weight, ∂E/∂w = its gradient"]:
        assert text in shown, text


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "message"),
    [
        (("not a model",), {}, TypeError, "draw_network: expected an nn.MLP, not str"),
        ((None,), {}, TypeError, "expected an nn.MLP, not NoneType"),
        ((), {"highlight": Value(0.7, label="w16")}, ValueError, "is not a parameter of this model"),
        ((), {"highlight": 0.7}, ValueError, "highlight 0.7 is not a parameter of this model"),
        ((), {"input_names": ["x1"]}, ValueError, "draw_network: input_names must be a list of 2 names"),
        ((), {"input_names": ["a", "b", "c"]}, ValueError, "must be a list of 2 names"),
        ((), {"output": 0.3}, TypeError, "draw_network: output must be a Value, not float"),
        ((), {"digits": 0}, ValueError, "digits must be an int from 1 to 17, not 0"),
        ((), {"digits": 2.5}, ValueError, "digits must be an int from 1 to 17, not 2.5"),
    ],
)
def test_bad_inputs_raise(doc, args, kwargs, error, message):
    with pytest.raises(error, match=re.escape(message)):
        draw_network(*(args or (doc[0],)), **kwargs)


def test_highlight_of_another_models_parameter_is_refused(doc):
    other = MLP.from_weights(W_2331, B_2331, ["relu", "relu", "sigmoid"])
    with pytest.raises(ValueError, match="not a parameter of this model"):
        draw_network(doc[0], highlight=other.parameters()[0])


def test_a_softmax_network_shows_the_outputs_the_loss_does_not_read():
    net = MLP.from_weights([[[1.0], [2.0], [-1.0]]], [[0.0, 0.0, 0.0]], ["softmax"])
    ps = net([0.5])
    E = losses.cross_entropy(ps, 1, from_logits=False)  # reads p[1] only
    E.backward()
    only_E = dot_statements(draw_network(net, output=E))[0]
    assert [rows(only_E[f"n0_{j}"]["label"])[1] for j in range(3)] == [
        "net 0.5", f"net 1   out {number(ps[1].data)}", minus("net -0.5")]
    both = dot_statements(draw_network(net, output=E, outputs=ps))[0]
    assert [rows(both[f"n0_{j}"]["label"])[1] for j in range(3)] == [
        f"net {n}   out {number(p.data)}" for n, p in zip(("0.5", "1", minus("-0.5")), ps)]
    with pytest.raises(TypeError, match="outputs must be a list"):
        draw_network(net, output=E, outputs=ps[0])


# --- names are shown as written (issue 10) ------------------------------------------------------


def hostile_network():
    """A 2-2-1 network whose every name Graphviz or HTML would read as markup, or a terminal obey."""
    net = MLP.from_weights([[[0.1, 0.2], [0.3, 0.4]], [[0.5, 0.6]]], [[0.1, 0.2], [0.0]],
                           ["sigmoid", "linear"])
    net.rename({"w[0][0,0]": "w\\G", "w[0][0,1]": "w|2", "w[0][1,0]": "w<i>3", "w[0][1,1]": "w\x1b[2J4",
                "b[0][0]": "b&amp;1", "b[0][1]": "b\\l2"})
    net.name_neurons([["<b>h</b>", "h\x07two"], ["o\\N"]])
    xs = [Value(0.5, label="x\\N"), Value(0.25, label='in"put')]
    E = losses.squared_error(net(xs), 0.2)
    E.label = "E"
    E.backward()
    return net, E


def test_hostile_names_are_escaped_in_the_dot_source():
    net, E = hostile_network()
    g = draw_network(net, highlight=net.parameters()[0], output=E)
    nodes, _ = dot_statements(g)
    assert rows(nodes["n0_0"]["label"])[0] == "<b>h</b>  sigmoid"  # the name as text, not bold markup
    assert rows(nodes["n0_1"]["label"])[0] == "h\\\\x07two  sigmoid"  # the HTML text escapes \ as \\
    assert nodes["in0"]["label"] == "x\\\\N = 0.5"  # \N doubled: not the node's name
    assert nodes["in1"]["label"] == "in&quot;put = 0.25"
    assert nodes["n0_1_w1"]["label"].startswith("w\\\\x1b[2J4 = 0.4")
    assert nodes["n0_0_w1"]["label"].startswith("w|2 = 0.2")
    assert "\x07" not in g.source and "\x1b" not in g.source
    derivation = nodes["derivation"]["label"].split("\\l")
    assert derivation[0].startswith("∂E/∂w\\\\G = ∂E/∂net_o\\\\N · ")


@needs_dot
def test_hostile_names_render_as_written(tmp_path):
    net, E = hostile_network()
    svg = render(draw_network(net, highlight=net.parameters()[0], output=E), tmp_path / "net.svg")
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg.read_text(encoding="utf-8"))
    text = html.unescape(" ".join(texts)).replace("\xa0", " ")
    for shown in ["<b>h</b>", "h\\x07two", "x\\N = 0.5", 'in"put = 0.25', "w\\G = 0.1", "w|2 = 0.2",
                  "w<i>3 = 0.3", "w\\x1b[2J4 = 0.4", "b&amp;1 = 0.1", "b\\l2 = 0.2", "o\\N",
                  "∂E/∂w\\G = ∂E/∂net_o\\N · ∂net_o\\N/∂out_<b>h</b>"]:
        assert shown in text, shown


# --- E's box and the legend (issue 11) ----------------------------------------------------------


def test_E_has_a_box_with_the_loss_the_target_and_its_value(doc):
    net, p, E = doc
    nodes, edges = dot_statements(draw_network(net, highlight=p["w7"], output=E, loss="squared_error",
                                               targets=[0.01]))
    assert rows(nodes["E"]["label"]) == ["E  squared_error", "E = ½ Σₖ (targetₖ − outₖ)²", "target = 0.01",
                                         "E = 0.3148"]
    assert round(E.data, 4) == 0.3148 and "<b>E</b>" in nodes["E"]["label"]
    assert list(edges)[-1] == ("n2_0", "E") and [h for _, h in edges].count("E") == 1
    assert nodes["titleE"]["label"] == "error"
    plain = dot_statements(draw_network(net, output=E))[0]
    assert rows(plain["E"]["label"]) == ["E", "E = 0.3148"]  # no loss named, no targets given
    assert "E" not in dot_statements(draw_network(net))[0]  # no error to show


def test_E_names_one_target_per_output_after_its_neuron():
    net = MLP.from_weights([[[0.15, 0.2], [0.25, 0.3]], [[0.4, 0.45], [0.5, 0.55]]],
                           [[0.35, 0.35], [0.6, 0.6]], ["sigmoid", "sigmoid"])
    net.name_neurons([["h1", "h2"], ["o1", "o2"]])
    outs = net([0.05, 0.1])
    E = losses.squared_error(outs, [0.01, 0.99])
    E.backward()
    nodes, edges = dot_statements(draw_network(net, net.layers[0].neurons[0].w[0], output=E,
                                               loss="squared_error", targets=[0.01, 0.99]))
    assert rows(nodes["E"]["label"])[2:] == ["target_o1 = 0.01", "target_o2 = 0.99", "E = 0.2984"]
    assert round(E.data, 4) == 0.2984
    assert [edges[(f"n1_{j}", "E")][0]["color"] for j in range(2)] == [HIGHLIGHT, HIGHLIGHT]


def test_E_of_a_softmax_names_the_class_and_reds_only_the_output_it_reads():
    net = MLP.from_weights([[[1.0], [2.0], [-1.0]]], [[0.0, 0.0, 0.0]], ["softmax"])
    net.name_neurons([["p1", "p2", "p3"]])
    ps = net([0.5])
    E = losses.cross_entropy(ps, 1, from_logits=False)  # −log p2: reads p2 only
    E.backward()
    g = draw_network(net, net.layers[0].neurons[0].w[0], output=E, outputs=ps, loss="cross_entropy",
                     targets=1)
    nodes, edges = dot_statements(g)
    assert rows(nodes["E"]["label"]) == ["E  cross_entropy", "E = −log pᵧ, p = softmax(z)",
                                         "true class 1: p2", f"E = {number(-math.log(ps[1].data))}"]
    assert [edges[(f"n0_{j}", "E")][0]["color"] for j in range(3)] == ["grey45", HIGHLIGHT, "grey45"]


@pytest.mark.parametrize(
    ("targets", "error", "message"),
    [
        ([0.1, 0.2], ValueError, "draw_network: targets must be 1 numbers, one per output, or a class index"),
        (3, ValueError, "draw_network: targets (a class index) must be an int from 0 to 0, not 3"),
        (-1, ValueError, "must be an int from 0 to 0, not -1"),
        ([float("nan")], ValueError, "draw_network: a target must be a finite number"),
        (["0.1"], TypeError, "draw_network: a target must be a real number, not str"),
        (0.5, ValueError, "targets (a class index) must be an int"),
    ],
)
def test_bad_targets_are_refused(doc, targets, error, message):
    with pytest.raises(error, match=re.escape(message)):
        draw_network(doc[0], output=doc[2], targets=targets)


def test_a_loss_must_be_a_name(doc):
    with pytest.raises(TypeError, match="draw_network: loss must be a loss's name, not function"):
        draw_network(doc[0], output=doc[2], loss=losses.squared_error)
    nodes, _ = dot_statements(draw_network(doc[0], output=doc[2], loss="my own loss"))
    assert rows(nodes["E"]["label"]) == ["E  my own loss", "E = 0.3148"]  # no formula to show


def _legend(graph):
    label = dot_statements(graph)[0]["legend"]["label"]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", label)
    return [html.unescape(re.sub(r"<[^>]*>", "", c)) for c in cells], label


def test_the_legend_says_what_the_numbers_and_the_red_mean(doc):
    net, p, E = doc
    shown, label = _legend(draw_network(net, highlight=p["w7"], output=E))
    assert shown == ["on each connection: w = its weight, ∂E/∂w = its gradient",
                     "in each neuron: net input, output, bias b, ∂E/∂b",
                     "red: the chain-rule paths from w7 to E, worked out below"]
    assert f'<font color="{HIGHLIGHT}">red: ' in label
    assert _legend(draw_network(net, highlight=p["w7"]))[0][-1] == "red: the chain-rule paths from w7 to E"
    assert len(_legend(draw_network(net, output=E))[0]) == 2  # nothing is red
    nodes, _ = dot_statements(draw_network(net, output=E))
    legend, title, top_box = _pos(nodes["legend"]), _pos(nodes["title0"]), _pos(nodes["n0_0"])
    assert legend[1] > title[1] > top_box[1]  # over the titles, which are over the boxes
    assert legend[0] < _pos(nodes["n0_0"])[0]  # at the left, from the inputs on


def test_draw_network_returns_a_diagram(doc):
    g = draw_network(doc[0], output=doc[2])
    assert isinstance(g, Diagram) and isinstance(g, graphviz.Digraph)
    assert (g.name, g.engine) == ("network", "neato")


def test_a_network_shown_in_a_notebook_without_dot_says_what_to_install(doc, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))
    with pytest.raises(DotMissing, match=re.escape("brew install graphviz")):
        draw_network(doc[0], output=doc[2])._repr_mimebundle_()
