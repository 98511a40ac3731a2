"""The 2-3-3-1 network of "Deep Learning - The Mathematics Behind Neural Network - Part 2"
(docs/sources.md), shared by the tests."""

from __future__ import annotations

from autograd import Value
from nn import MLP, losses

# weights[l][j][i]: input i -> neuron j of layer l. net_n3 = w1·x1 + w4·x2 + b1, and so on.
W_2331 = [
    [[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]],  # n3: w1 w4, n4: w2 w5, n5: w3 w6
    [[0.7, 0.1, 0.4], [0.8, 0.2, 0.5], [0.9, 0.3, 0.6]],  # n6: w7 w10 w13, n7: w8 w11 w14, n8: ...
    [[0.7, 0.8, 0.9]],  # n9: w16 w17 w18
]
B_2331 = [[0.1, -0.4, 0.3], [-0.5, 0.5, 0.6], [-0.7]]
NAMES_2331 = {
    "w[0][0,0]": "w1", "w[0][1,0]": "w2", "w[0][2,0]": "w3",
    "w[0][0,1]": "w4", "w[0][1,1]": "w5", "w[0][2,1]": "w6",
    "w[1][0,0]": "w7", "w[1][1,0]": "w8", "w[1][2,0]": "w9",
    "w[1][0,1]": "w10", "w[1][1,1]": "w11", "w[1][2,1]": "w12",
    "w[1][0,2]": "w13", "w[1][1,2]": "w14", "w[1][2,2]": "w15",
    "w[2][0,0]": "w16", "w[2][0,1]": "w17", "w[2][0,2]": "w18",
    "b[0][0]": "b1", "b[0][1]": "b2", "b[0][2]": "b3",
    "b[1][0]": "b4", "b[1][1]": "b5", "b[1][2]": "b6", "b[2][0]": "b7",
}
NEURONS_2331 = [["n3", "n4", "n5"], ["n6", "n7", "n8"], ["n9"]]


def network_2331() -> MLP:
    """The document's network, with its names (w1…w18, b1…b7, n3…n9)."""
    net = MLP.from_weights(W_2331, B_2331, ["relu", "relu", "sigmoid"])
    net.rename(NAMES_2331)
    net.name_neurons(NEURONS_2331)
    return net


def worked_2331() -> tuple[MLP, Value]:
    """The network after the document's forward and backward pass: (net, E), E labelled."""
    net = network_2331()
    E = losses.squared_error(net([0.23, 0.55]), 0.01)
    E.label = "E"
    E.backward()
    return net, E
