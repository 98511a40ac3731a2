"""chainrule's networks, built on ``autograd`` (which never imports ``nn``).

>>> from nn import MLP, SGD, losses
>>> net = MLP.from_weights([[[0.5, -0.5]]], [[0.1]], ["sigmoid"])
>>> E = losses.squared_error(net([1.0, 2.0]), 1.0); E.backward()
>>> round(net.layers[0].neurons[0].b.grad, 6)
-0.143841
"""

from . import data, functional, losses
from .backprop_check import BackpropCheck, check_backprop, named_gradients
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
    "BackpropCheck",
    "Layer",
    "Module",
    "Neuron",
    "Optimizer",
    "check_backprop",
    "data",
    "fit",
    "functional",
    "logsumexp",
    "losses",
    "named_gradients",
    "softmax",
]
