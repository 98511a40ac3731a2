"""chainrule's networks, built on ``autograd`` (which never imports ``nn``).

>>> from nn import MLP, SGD, losses
>>> net = MLP.from_weights([[[0.5, -0.5]]], [[0.1]], ["sigmoid"])
>>> E = losses.squared_error(net([1.0, 2.0]), 1.0); E.backward()
>>> round(net.layers[0].neurons[0].b.grad, 6)
-0.143841
"""

from . import data, functional, losses
from .functional import logsumexp, softmax
from .layers import ACTIVATIONS, MLP, Layer, Neuron
from .module import Module
from .optim import SGD, Adam, Optimizer
from .train import fit

__all__ = [
    "ACTIVATIONS",
    "MLP",
    "SGD",
    "Adam",
    "Layer",
    "Module",
    "Neuron",
    "Optimizer",
    "data",
    "fit",
    "functional",
    "logsumexp",
    "losses",
    "softmax",
]
