"""Where does my backprop go wrong? A NumPy backprop of the 2-3-3-1 network of "Deep Learning -
The Mathematics Behind Neural Network - Part 2" (docs/sources.md) with one planted bug, the test
that catches it, and the report that points at it.

    python demos/numpy_backprop.py

The bug is the classic one: the output neuron's δ is written as ∂E/∂out = out − target, the
sigmoid's derivative σ′(net) = out·(1 − out) forgotten. ``nn.check_backprop`` compares every
number the backprop returns with chainrule's, and names the slip. ``backprop(..., fixed=True)``
is the same code with the bug fixed, which passes.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout, uninstalled

from _plots import output_dir

from chainrule import netfile, walkthrough
from nn.backprop_check import BackpropCheck, check_backprop, named_gradients

SPEC = netfile.resolve("doc_2331")  # the document's network, weights, input and target
RELU = (lambda z: np.maximum(z, 0.0), lambda z, a: (z > 0).astype(float))
SIGMOID = (lambda z: 1.0 / (1.0 + np.exp(-z)), lambda z, a: a * (1.0 - a))
ACTIVATIONS = {"relu": RELU, "sigmoid": SIGMOID}


def backprop(Ws: list[np.ndarray], bs: list[np.ndarray], x: np.ndarray, t: np.ndarray,
             acts: list[str], *, fixed: bool = False) -> dict[str, float]:
    """One sample's gradients of E = ½Σ(t − out)², the way a NumPy backprop is written: W[l] is
    nout × nin, so a layer is a = f(W @ a + b); δ goes down as Wᵀδ ⊙ f′(net)."""
    a, nets, outs = x, [], [x]
    for W, b, act in zip(Ws, bs, acts):
        z = W @ a + b
        a = ACTIVATIONS[act][0](z)
        nets.append(z)
        outs.append(a)
    delta = outs[-1] - t  # ∂E/∂out
    if fixed:
        delta = delta * ACTIVATIONS[acts[-1]][1](nets[-1], outs[-1])  # the planted bug: this line missing
    dWs, dbs, deltas = [], [], []
    for layer in reversed(range(len(Ws))):
        dWs.insert(0, np.outer(delta, outs[layer]))
        dbs.insert(0, delta)
        deltas.insert(0, delta)
        if layer > 0:
            delta = (Ws[layer].T @ delta) * ACTIVATIONS[acts[layer - 1]][1](nets[layer - 1], outs[layer])
    return named_gradients(dWs, dbs, deltas)


def run(fixed: bool = False) -> BackpropCheck:
    """The backprop on the document's network, checked against chainrule's numbers."""
    Ws = [np.array(layer.weights) for layer in SPEC.layers]
    bs = [np.array(layer.biases) for layer in SPEC.layers]
    acts = [layer.activation for layer in SPEC.layers]
    mine = backprop(Ws, bs, np.array(SPEC.inputs), np.array(SPEC.target), acts, fixed=fixed)
    model = walkthrough.build(SPEC)  # the same numbers, with the document's names w1…w18, n3…n9
    return check_backprop(model, SPEC.inputs, SPEC.target, SPEC.loss, mine, lr=SPEC.learning_rate)


def test_my_backprop() -> None:
    """The test that catches it, as it would sit in the backprop's test file (pytest shows the
    report as the failure's message)."""
    result = run()
    assert result, str(result)


def main() -> None:
    output_dir(__doc__.split("\n\n")[0])  # the demos' shared --out; this one writes no files
    print("The NumPy backprop as written (one planted bug):\n")
    try:
        test_my_backprop()
        print("passed?! the bug was not caught")
    except AssertionError as e:
        print(e)
    print("\nThe same backprop with the σ′ factor put back:\n")
    print(run(fixed=True))


if __name__ == "__main__":
    main()
