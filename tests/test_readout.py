"""nn.readout: a network's inputs, nets and outputs read back from a graph, not kept by the model."""

import pytest

from autograd import Value, vsum
from nn import MLP, losses
from nn.readout import readout


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


def test_a_graph_of_several_passes_is_refused():
    net = MLP(2, [2, 1], seed=0)
    batch = vsum([net([1.0, 2.0]), net([3.0, 4.0])])
    with pytest.raises(ValueError, match=r"more than one forward pass of net\[\d,\d\].*one sample"):
        readout(net, batch)
