"""The 2-3-3-1 network of "Deep Learning - The Mathematics Behind Neural Network - Part 2",
worked by the engine, number by number, and checked against the numbers the document prints.

    python demos/worked_2331.py

ReLU hidden layers, a sigmoid output, E = ½(target − out)², one step of gradient descent.
Where the document's arithmetic is wrong, the right number is printed and the line says so.
"""

from __future__ import annotations

from autograd import Value, dot

X = {"x1": 0.23, "x2": 0.55}
W = {f"w{i}": v for i, v in enumerate([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9] * 2, start=1)}
B = {"b1": 0.1, "b2": -0.4, "b3": 0.3, "b4": -0.5, "b5": 0.5, "b6": 0.6, "b7": -0.7}
TARGET, LR = 0.01, 0.01

# Which weights feed each neuron, in the document's numbering (net_n3 = w1·x1 + w4·x2 + b1).
NEURONS = {
    "n3": (["w1", "w4"], ["x1", "x2"], "b1", "relu"),
    "n4": (["w2", "w5"], ["x1", "x2"], "b2", "relu"),
    "n5": (["w3", "w6"], ["x1", "x2"], "b3", "relu"),
    "n6": (["w7", "w10", "w13"], ["n3", "n4", "n5"], "b4", "relu"),
    "n7": (["w8", "w11", "w14"], ["n3", "n4", "n5"], "b5", "relu"),
    "n8": (["w9", "w12", "w15"], ["n3", "n4", "n5"], "b6", "relu"),
    "n9": (["w16", "w17", "w18"], ["n6", "n7", "n8"], "b7", "sigmoid"),
}

# (quantity, what the document prints, decimals it prints to)
DOCUMENT = [
    ("out n3", 0.343, 3), ("out n4", 0.0, 3), ("out n5", 0.699, 3),
    ("out n6", 0.0197, 4), ("out n7", 1.1239, 4), ("out n8", 1.3281, 4),
    ("net n9", 1.4082, 4), ("out n9", 0.8035, 4), ("E", 0.315, 3),
    ("∂E/∂w16", 0.0025, 4), ("∂E/∂w17", 0.0850, 4), ("∂E/∂w18", 0.1003, 4),
    ("∂E/∂b7", 0.1253, 4), ("∂E/∂w7", 0.03008, 5),
    ("new w16", 0.699975, 6), ("new w17", 0.798592, 6), ("new w18", 0.898336, 6),
    ("new b7", -0.701253, 6), ("new w7", 0.699, 3),
]


def main() -> None:
    params = {name: Value(v, label=name) for name, v in {**W, **B}.items()}
    outs: dict[str, Value | float] = dict(X)
    nets: dict[str, Value] = {}
    for n, (ws, ins, b, act) in NEURONS.items():
        nets[n] = dot([params[w] for w in ws], [outs[i] for i in ins], params[b])
        nets[n].label = f"net_{n}"
        outs[n] = nets[n].relu() if act == "relu" else nets[n].sigmoid()
        outs[n].label = f"out_{n}"  # type: ignore[union-attr]
    E = 0.5 * (TARGET - outs["n9"]) ** 2
    E.label = "E"
    E.backward()

    ours = {f"out {n}": outs[n].data for n in NEURONS}  # type: ignore[union-attr]
    ours |= {"net n9": nets["n9"].data, "E": E.data}
    for name in ("w16", "w17", "w18", "b7", "w7"):
        ours[f"∂E/∂{name}"] = params[name].grad
        ours[f"new {name}"] = params[name].data - LR * params[name].grad

    print("2-3-3-1 network, x = (0.23, 0.55), target 0.01, learning rate 0.01\n")
    print(f"{'quantity':<10} {'chainrule':>14} {'document':>11}")
    wrong = 0
    for name, printed, places in DOCUMENT:
        agrees = round(ours[name], places) == round(printed, places)
        wrong += not agrees
        verdict = "" if agrees else f"   ✗ the document's {printed} is wrong"
        print(f"{name:<10} {ours[name]:>14.8f} {printed:>11}{verdict}")
    print(f"\n{len(DOCUMENT) - wrong} of {len(DOCUMENT)} printed numbers agree with the engine.")
    if wrong:
        print("∂E/∂w17 = 0.7935·0.1579·out_n7 and ∂E/∂w18 = 0.7935·0.1579·out_n8; the document's own")
        print("updated w17 and w18 use these right values. Its new w7 (0.699) is 0.6997 rounded down.")


if __name__ == "__main__":
    main()
