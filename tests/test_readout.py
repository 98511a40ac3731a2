"""nn.readout: a network's inputs, nets and outputs read back from a graph, not kept by the model."""


from test_draw import dot_statements, rows

from autograd import Value, vsum
from nn import MLP, losses
from nn.readout import readout
from nn.view import draw_network


def test_each_neuron_net_and_out_of_one_pass():
    weights, biases = [[[0.5, -0.5], [1.0, 2.0]], [[1.0, -1.0]]], [[0.1, 0.0], [0.0]]
    net = MLP.from_weights(weights, biases, ["relu", "linear"])
    x = Value(1.0, label="x1")
    y = net([x, 2.0])
    ro = readout(net, y)
    (a, b), (c,) = (layer.neurons for layer in net.layers)
    assert ro.inputs == [x, 2.0]
    assert [ro.nets[n].data for n in (a, b, c)] == [-0.4, 5.0, -5.0]  # 0.5 − 1 + 0.1; 1 + 4; 0 − 5
    assert [ro.outs[n].data for n in (a, b)] == [0.0, 5.0]  # relu
    assert ro.outs[c] is ro.nets[c] is y  # a linear neuron's output is its net node


def test_softmax_outputs_the_loss_does_not_read_come_from_the_outputs_passed():
    net = MLP.from_weights([[[1.0], [2.0], [-1.0]]], [[0.0, 0.0, 0.0]], ["softmax"])
    ps = net([0.5])
    E = losses.cross_entropy(ps, 1, from_logits=False)  # −log p₁ reads p₁ only
    only_E = readout(net, E)
    assert list(only_E.outs.values()) == [ps[1]]
    with_outputs = readout(net, E, *ps)
    assert [with_outputs.outs[n] for n in net.layers[0].neurons] == ps


def test_no_graph_no_numbers():
    net = MLP(2, [2, 1], seed=0)
    net([1.0, 2.0])  # the model keeps nothing of it
    ro = readout(net)
    assert (ro.inputs, ro.nets, ro.outs) == ([], {}, {})


def test_a_graph_of_several_passes_gives_no_numbers_not_a_guess():
    net = MLP(2, [2, 1], seed=0)
    batch = vsum([net([1.0, 2.0]), net([3.0, 4.0])])
    ro = readout(net, batch)
    assert (ro.passes, ro.inputs, ro.nets, ro.outs) == (2, [], {}, {})
    batch.backward()
    nodes = dot_statements(draw_network(net, highlight=net.parameters()[0], output=batch))[0]
    assert not any("net " in row for row in rows(nodes["n0_0"]["label"]))  # weights and gradients only


def test_outputs_are_found_by_structure_not_by_label():
    """Two models of one shape share the labels out[0,0], ...; a user may relabel an output."""
    a = MLP(2, [2, 1], activations=["sigmoid", "sigmoid"], seed=0)
    b = MLP(2, [2, 1], activations=["sigmoid", "sigmoid"], seed=1)
    ya, yb = a([0.5, -1.0]), b([0.5, -1.0])
    yb.label = "y"
    E = ya * yb
    for model, y in ((a, ya), (b, yb)):
        ro = readout(model, E)
        last = model.layers[-1].neurons[0]
        assert ro.outs[last] is y
        assert all(ro.outs[n].inputs == (ro.nets[n],) for n in ro.nets)
