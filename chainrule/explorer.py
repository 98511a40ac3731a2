"""``--html FILE``: the worked step as an explorer page (``nn.explorer``), offline, one file.

The page shows the walkthrough's own derivations (the δ form: ∂E/∂w1 = δ_n3·x1 = …, with the
δs it is made of), the numbers the text prints, and with ``--steps N`` a slider over the
training: every parameter's value and gradient, and E, at each step. Like ``--out`` it never
overwrites a file unless ``--force``: a name that exists is refused before any work, and the
file is written whole or not at all (``write_atomic``).
"""

from __future__ import annotations

import math
import os
from pathlib import Path

from autograd import Value
from autograd.files import write_atomic
from autograd.notation import number, visible
from autograd.page import Training
from nn import SGD
from nn.explorer import explore

from .output import OutputError
from .report import Report
from .walkthrough import Walkthrough, build, forward

MAX_FRAMES = 201  # slider positions at most: a long run is sampled evenly, its last step kept
MAX_WHERE = 12  # δ lines under a derivation at most: the own neuron's always, the layers above if they fit


def check(path: Path, force: bool) -> None:
    """Refuse, before any work, a FILE that is a folder, is in no folder, or exists (unless ``force``)."""
    if path.is_dir():
        raise OutputError(f"--html {path}: is a folder; give a file name, such as {path / 'explorer.html'}")
    if os.path.lexists(path) and not force:
        raise OutputError(f"--html {path} already exists; chainrule does not overwrite files: pass --force "
                          "to replace it, or choose another name")
    parent = path.parent
    if not parent.is_dir():
        raise OutputError(f"--html {path}: the folder {parent} does not exist")


def _derivations(w: Walkthrough, report: Report) -> dict[Value, str]:
    """Each parameter's and neuron's derivation as the text walkthrough writes it, with the δs
    it rests on: its own neuron's, then the layers' above (when there are few enough)."""
    lines = report.derivations()

    def text(quantity: str) -> str:
        return lines[quantity].text(visible, report.digits) if quantity in lines else ""

    given: dict[Value, str] = {}
    for k, row in enumerate(w.neurons):
        above = [text(f"δ_{m.name}") for later in w.neurons[k + 1:] for m in later]
        for n in row:
            deltas = [text(f"δ_{n.name}"), *above]
            where = "\n".join(d for d in (deltas if len(deltas) <= MAX_WHERE else deltas[:1]) if d)
            for p in (*n.weights, n.bias):
                given[p] = f"{text(f'∂E/∂{p.label}')}\n\nwhere\n{where}"
            if n.net_node is not None:
                given[n.net_node] = "\n".join([where, text(f"∂E/∂{n.bias.label}")])
    return given


def _frames(total: int) -> list[int]:
    """The steps the slider shows: every one of a short run, evenly sampled in a long one."""
    if total <= MAX_FRAMES:
        return list(range(total))
    stride = math.ceil((total - 1) / (MAX_FRAMES - 1))
    return sorted({*range(0, total, stride), total - 1})


def training(w: Walkthrough, digits: int) -> Training | None:
    """The walkthrough's step and ``--steps`` more, replayed on a copy as ``work`` trains: the
    parameters, their gradients and E at each step (None without ``--steps``)."""
    spec = w.spec
    if not spec.steps:
        return None
    frames = set(_frames(spec.steps + 2))
    params = w.model.parameters()
    values, grads = [[p.data for p in params]], [[p.grad for p in params]]
    losses = [w.E.data]
    trained = build(spec)
    new_of = {id(p): new for p, new in zip(w.params, w.new_values)}
    for p, q in zip(params, trained.parameters()):
        q.data = new_of[id(p)]
    opt = SGD(trained.parameters(), lr=spec.learning_rate)
    for step in range(1, spec.steps + 2):
        E = forward(spec, trained)[1]
        trained.zero_grad()
        E.backward()
        losses.append(E.data)
        if step in frames:
            values.append([q.data for q in trained.parameters()])
            grads.append([q.grad for q in trained.parameters()])
        opt.step()
    return _training(w, sorted(frames), losses, values, grads, digits)


def _training(w: Walkthrough, steps: list[int], losses: list[float], values: list[list[float]],
              grads: list[list[float]], digits: int) -> Training:
    """The frames written as the page shows them, each parameter with its weight's label node."""
    keys = {}
    for k, layer in enumerate(w.model.layers):
        for j, n in enumerate(layer.neurons):
            keys.update({id(p): f"n{k}_{j}_w{i}" for i, p in enumerate(n.w)})
    params = w.model.parameters()
    return Training(steps=steps, losses=[x if math.isfinite(x) else float("nan") for x in losses],
                    names=[visible(p.label) for p in params], keys=[keys.get(id(p), "") for p in params],
                    values=[[number(x, digits) for x in row] for row in values],
                    grads=[[number(x, digits) for x in row] for row in grads],
                    loss_text=[number(losses[s], digits) for s in steps])


def page(w: Walkthrough, report: Report, highlight: str | None = None) -> str:
    """The explorer page of the worked step: the network, the graph, the derivations, the
    training; the parameter named ``highlight`` selected when it opens."""
    spec = w.spec
    chosen = next((p for p in w.params if p.label == highlight), None) if highlight else None
    return explore(w.model, w.E, outputs=w.outputs, input_names=spec.names_of_inputs, loss=spec.loss,
                   targets=spec.target, digits=report.digits, derivations=_derivations(w, report),
                   training=training(w, report.digits), title=visible(spec.title), highlight=chosen).html


def write(text: str, path: Path, force: bool) -> Path:
    """Write the page whole; an existing file only with ``force`` (one may appear while we work)."""
    try:
        return write_atomic(path, text, overwrite=force)
    except FileExistsError:
        raise OutputError(f"{path} appeared while chainrule worked; it is left as it is "
                          "(--force replaces it)") from None
    except OSError as e:
        raise OutputError(f"cannot write {path}: {e.strerror or e}") from None
