"""The first document's 2-2-2 network: ReLU hidden neurons h1, h2, sigmoid outputs o1, o2,
total error ½Σ(target − out)²; every weight's gradient written out by the chain rule, and
all of them checked against central differences.

    python demos/network_222.py

The document names the weights w1, w2 (from i1 to h1, h2), w3, w4 (from i2), v11, v12 (the
bias weights) and w5…w8 (hidden to output); its numbers are in images it does not include,
so the numbers are ours (the built-in example doc_000_relu_sigmoid).
"""

from __future__ import annotations

from autograd import Value, explain, gradcheck

I1, I2, T1, T2 = 0.05, 0.10, 0.01, 0.99
START = {"w1": 0.15, "w2": 0.20, "w3": 0.25, "w4": 0.30, "v11": 0.35, "v12": 0.35,
         "w5": 0.40, "w6": 0.45, "w7": 0.50, "w8": 0.55, "v21": 0.60, "v22": 0.60}


def total_error(w1, w2, w3, w4, v11, v12, w5, w6, w7, w8, v21, v22):  # type: ignore[no-untyped-def]
    """The document's network, written out: every intermediate labelled as it names them."""
    h1 = (w1 * I1 + w3 * I2 + v11).relu()
    h2 = (w2 * I1 + w4 * I2 + v12).relu()
    h1.label, h2.label = "h1", "h2"
    o1 = (w5 * h1 + w7 * h2 + v21).sigmoid()
    o2 = (w6 * h1 + w8 * h2 + v22).sigmoid()
    o1.label, o2.label = "sig(o1)", "sig(o2)"
    E = 0.5 * (T1 - o1) ** 2 + 0.5 * (T2 - o2) ** 2
    E.label = "E"
    return E


def main() -> None:
    params = [Value(v, label=name) for name, v in START.items()]
    E = total_error(*params)
    E.backward()
    print(f"E = {E.data:.6f}\n")
    for p in params:
        print(explain(E, p), end="\n\n")
    print(gradcheck(total_error, params))


if __name__ == "__main__":
    main()
