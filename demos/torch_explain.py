"""Explain the gradient of your PyTorch model: a small torch network imported with
``nn.bridge.from_torch``, one weight's ∂E/∂w written out by the chain rule, and checked
against ``torch.autograd``, with every other gradient.

    python demos/torch_explain.py [--out DIR]

Needs PyTorch (``pip install torch==2.13.0``). The network computes in float64, as chainrule
does, so the two engines agree to 1e-12 (the demo exits with status 1 if they do not);
``--out`` gets the derivation as Markdown with LaTeX, torch_explain.md.
"""

from __future__ import annotations

import sys
from typing import Any

from _plots import output_dir

from autograd import Value, explain
from nn import losses
from nn.bridge import from_torch

TOL = 1e-12


def agree(a: float, b: float) -> bool:
    return abs(a - b) <= TOL * max(1.0, abs(b))


def main() -> int:
    out = output_dir(__doc__.split("\n")[0])
    try:
        import torch
    except ImportError:
        print("this demo needs PyTorch: pip install torch==2.13.0", file=sys.stderr)
        return 1
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Tanh(),
                              torch.nn.Linear(3, 1), torch.nn.Sigmoid()).double()
    x, target = [0.5, -1.0], 0.2
    E_torch = 0.5 * (net(torch.tensor(x, dtype=torch.float64))[0] - target) ** 2
    E_torch.backward()  # torch.autograd's gradients, in each parameter's .grad

    model = from_torch(net)  # the same numbers: w[l][j,i] is net's Linear l weight[j, i]
    inputs = [Value(v, label=f"x{i}") for i, v in enumerate(x)]  # named, so the derivation names them
    E = losses.squared_error(model(inputs), target)
    E.label = "E"
    E.backward()
    print(f"{net}\nimported: {model}\nx = {x}, target = {target}: "
          f"E = {E.data:.6f} (chainrule), {E_torch.item():.6f} (PyTorch)\n")

    w = model.layers[0].neurons[1].w[0]  # first layer, from input 0 to hidden neuron 1
    explanation = explain(E, w)
    print(explanation, end="\n\n")
    (out / "torch_explain.md").write_text(explanation.markdown() + "\n", encoding="utf-8")
    theirs = net[0].weight.grad[1, 0].item()
    print(f"∂E/∂{w.label}: chainrule {w.grad!r}, explain {explanation.total!r}, "
          f"torch.autograd (net[0].weight.grad[1, 0]) {theirs!r}")
    return check(model, net, w.grad, explanation.total, theirs)


def check(model: Any, net: Any, ours: float, explained: float, theirs: float) -> int:
    """Every parameter's gradient against PyTorch's; 0 if all agree to 1e-12, else 1."""
    linears = [m for m in net if hasattr(m, "weight")]
    rows = [(n.w[i].grad, linear.weight.grad[j, i].item())
            for layer, linear in zip(model.layers, linears)
            for j, n in enumerate(layer.neurons) for i in range(len(n.w))]
    rows += [(n.b.grad, linear.bias.grad[j].item())
             for layer, linear in zip(model.layers, linears) for j, n in enumerate(layer.neurons)]
    worst = max(abs(a - b) for a, b in rows)
    ok = agree(ours, theirs) and agree(explained, theirs) and all(agree(a, b) for a, b in rows)
    print(f"all {len(rows)} gradients against torch.autograd: largest difference {worst:.1e} "
          f"({'agree' if ok else 'DISAGREE'} to {TOL:g})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
