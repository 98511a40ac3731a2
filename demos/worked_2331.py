"""The 2-3-3-1 network of "Deep Learning - The Mathematics Behind Neural Network - Part 2",
worked by chainrule, number by number, and checked against the numbers the document prints.

    python demos/worked_2331.py [--out DIR]

ReLU hidden layers, a sigmoid output, E = ½(target − out)², one step of gradient descent.
Where the document's arithmetic is wrong, the right number is printed and the line says so.
With --out, the network view and the expression graph are rendered into DIR (SVG and PNG).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from autograd import RenderError, draw, explain, render, update_table
from nn import MLP, SGD, losses
from nn.view import draw_network

X, TARGET, LR = [0.23, 0.55], 0.01, 0.01
# weights[l][j][i]: from input i to neuron j of layer l (net_n3 = w1·x1 + w4·x2 + b1, ...)
WEIGHTS = [
    [[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]],
    [[0.7, 0.1, 0.4], [0.8, 0.2, 0.5], [0.9, 0.3, 0.6]],
    [[0.7, 0.8, 0.9]],
]
BIASES = [[0.1, -0.4, 0.3], [-0.5, 0.5, 0.6], [-0.7]]
# The document's names: w1 is x1 -> n3, w2 is x1 -> n4, ... w16, w17, w18 go into n9.
NAMES = {f"w[{layer}][{j},{i}]": f"w{first + i * rows + j}"
         for layer, first, rows, cols in ((0, 1, 3, 2), (1, 7, 3, 3), (2, 16, 1, 3))
         for j in range(rows) for i in range(cols)}
NAMES |= {f"b[{layer}][{j}]": f"b{first + j}" for layer, first, n in ((0, 1, 3), (1, 4, 3), (2, 7, 1))
          for j in range(n)}
NEURONS = [["n3", "n4", "n5"], ["n6", "n7", "n8"], ["n9"]]

# (quantity, what the document prints, the decimals it prints)
DOCUMENT = [
    ("out_n3", 0.343, 3), ("out_n4", 0.0, 3), ("out_n5", 0.699, 3),
    ("out_n6", 0.0197, 4), ("out_n7", 1.1239, 4), ("out_n8", 1.3281, 4),
    ("net_n9", 1.4082, 4), ("out_n9", 0.8035, 4), ("E", 0.315, 3),
    ("∂E/∂w16", 0.0025, 4), ("∂E/∂w17", 0.0850, 4), ("∂E/∂w18", 0.1003, 4),
    ("∂E/∂b7", 0.1253, 4), ("∂E/∂w7", 0.03008, 5),
    ("new w16", 0.699975, 6), ("new w17", 0.798592, 6), ("new w18", 0.898336, 6),
    ("new b7", -0.701253, 6), ("new w7", 0.699, 3),
]


def build() -> tuple[MLP, object]:
    net = MLP.from_weights(WEIGHTS, BIASES, ["relu", "relu", "sigmoid"])
    net.rename(NAMES)
    net.name_neurons(NEURONS)
    E = losses.squared_error(net(X), TARGET)
    E.label = "E"
    E.backward()
    return net, E


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="render the diagrams into this directory")
    args = parser.parse_args(argv)

    net, E = build()
    p = {q.label: q for q in net.parameters()}
    ours = {f"{kind}_{n.name}": v.data for layer in net.layers for n in layer.neurons
            for kind, v in zip(("net", "out"), n._last or ())}
    ours["E"] = E.data
    for name in ("w16", "w17", "w18", "b7", "w7"):
        ours[f"∂E/∂{name}"] = p[name].grad
        ours[f"new {name}"] = p[name].data - LR * p[name].grad

    print("The 2-3-3-1 network: x = (0.23, 0.55), target 0.01, learning rate 0.01\n")
    for name in ("w16", "w17", "w7", "w1"):
        print(explain(E, p[name]), end="\n\n")
    print(update_table([p[n] for n in ("w16", "w17", "w18", "b7", "w7")], LR), end="\n\n")

    print(f"{'quantity':<10} {'chainrule':>14} {'document':>11}")
    wrong = 0
    for name, printed, places in DOCUMENT:
        agrees = round(ours[name], places) == round(printed, places)
        wrong += not agrees
        verdict = "" if agrees else f"   ✗ the document's {printed} is wrong"
        print(f"{name:<10} {ours[name]:>14.8f} {printed:>11}{verdict}")
    print(f"\n{len(DOCUMENT) - wrong} of {len(DOCUMENT)} printed numbers agree with the engine.")
    print("∂E/∂w17 = 0.7935·0.1579·out_n7 and ∂E/∂w18 = 0.7935·0.1579·out_n8; the document's own")
    print("updated w17 and w18 use these right values. Its new w7 (0.699) is 0.6997 rounded down.")

    SGD(net.parameters(), lr=LR).step()
    after = losses.squared_error(net(X), TARGET).data
    print(f"\nAfter one step of gradient descent E goes from {E.data:.6f} to {after:.6f}.")

    if args.out:
        try:
            net, E = build()  # the diagrams show the numbers before the step
            p = {q.label: q for q in net.parameters()}
            view = draw_network(net, highlight=p["w7"], output=E, input_names=["x1", "x2"])
            for fmt in ("svg", "png"):
                print("wrote", render(view, args.out / "network", fmt))
                print("wrote", render(draw(E, highlight=p["w7"], rankdir="TB"), args.out / "graph", fmt))
        except RenderError as e:
            print(e, file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
