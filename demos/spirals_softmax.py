"""The fourth document's classifier: dense ReLU layers, a softmax output and sparse
categorical cross-entropy, learning three interleaved spirals; decision regions plotted.

    python demos/spirals_softmax.py [--out DIR]

It also checks the document's identity for softmax with cross-entropy, ∂E/∂z = p − onehot(y),
on the trained network.
"""

from __future__ import annotations

from _plots import decision_regions, output_dir, pyplot

from autograd import Value
from nn import MLP, Adam, data, fit, losses, softmax


def main() -> None:
    out = output_dir(__doc__.split("\n")[0])
    X, y = data.spirals(40, classes=3, noise=0.1, seed=0)
    net = MLP(2, [16, 16, 3], activations=["relu", "relu", "linear"], seed=0)
    history = fit(net, X, y, losses.cross_entropy, epochs=150, optimizer=Adam(net.parameters(), lr=0.03),
                  progress=False, compiled=True)

    def predict(x: list[float]) -> int:
        scores = net(x)
        return max(range(3), key=lambda k: scores[k].data)  # type: ignore[index]

    accuracy = sum(predict(x) == t for x, t in zip(X, y)) / len(y)
    print(f"cross-entropy {history[0]:.3f} -> {history[-1]:.3f}; training accuracy {accuracy:.0%} "
          f"(chance: 33%)")

    z = [Value(v.data, label=f"z{k}") for k, v in enumerate(net(X[5]))]  # logits as leaves
    losses.cross_entropy(z, y[5]).backward()
    p = [v.data for v in softmax([v.data for v in z])]
    worst = max(abs(zk.grad - (pk - (k == y[5]))) for k, (zk, pk) in enumerate(zip(z, p)))
    print(f"∂E/∂z = p − onehot(y): largest difference {worst:.1e}")
    plt = pyplot()
    if plt:
        path = out / "spirals.png"
        decision_regions(plt, predict, X, y, "spirals, MLP 2-16-16-3, softmax", path)
        print(f"decision regions: {path}")


if __name__ == "__main__":
    main()
