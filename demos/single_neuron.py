"""The second document's neuron: z = Σ wᵢxᵢ + b, a loss, and gradient descent with a
learning rate, repeated until the neuron has learned a linear rule; the loss curve plotted.

    python demos/single_neuron.py [--out DIR]
"""

from __future__ import annotations

import random

from _plots import output_dir, pyplot

from nn import MLP, fit, losses


def main() -> None:
    out = output_dir(__doc__.split("\n")[0])
    rng = random.Random(0)
    X = [[rng.uniform(-1, 1) for _ in range(4)] for _ in range(40)]
    rule = ([1.5, -2.0, 0.5, 3.0], 0.7)  # y = 1.5·x1 − 2·x2 + 0.5·x3 + 3·x4 + 0.7
    y = [sum(w * x for w, x in zip(rule[0], xs)) + rule[1] for xs in X]
    neuron = MLP(4, [1], activations=["linear"], seed=0)
    history = fit(neuron, X, y, losses.mse, epochs=150, lr=0.3, progress=False)
    (n,) = neuron.layers[0].neurons
    learned = ", ".join(f"{w.data:.3f}" for w in n.w)
    print(f"learned w = [{learned}], b = {n.b.data:.3f}; the rule: w = {rule[0]}, b = {rule[1]}")
    print(f"mean squared error {history[0]:.3f} -> {history[-1]:.2e} in {len(history)} steps")
    plt = pyplot()
    if plt:
        fig, ax = plt.subplots(figsize=(5, 3.2))
        ax.semilogy(range(1, len(history) + 1), history)
        ax.set_xlabel("step (full batch, learning rate 0.3)")
        ax.set_ylabel("mean squared error")
        ax.set_title("one neuron learning a linear rule")
        path = out / "single_neuron_loss.png"
        fig.savefig(path, dpi=110, bbox_inches="tight")
        print(f"loss curve: {path}")


if __name__ == "__main__":
    main()
