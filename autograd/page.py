"""The explorer's page: one self-contained HTML file that any browser opens offline.

Each picture is Graphviz's SVG, inlined: its XML declaration, DOCTYPE, comments and ``xmlns``
attributes go (an ``<svg>`` inside HTML5 is SVG without them), so the file names no URL at
all and nothing is fetched when it is opened. Each Graphviz node and edge is tagged with the
DOT name it came from (``data-el``), and each node that can be clicked gets ``data-node``,
``tabindex``, ``role="button"`` and its name as ``aria-label``, so the script finds it and a
keyboard reaches it. Everything the script needs is one JSON blob
(``<script type="application/json" id="explorer-data">``, every ``<`` escaped so no text in
it can end the script); the script and the style sheet are package data
(``autograd/explorer/``), inlined.
"""

from __future__ import annotations

import html
import json
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

GRAD_CLASS = "grad"  # the text of a gradient: hidden while the backward pass is stepped through


@dataclass
class View:
    """One picture of the explorer and what its script needs to know about it.

    ``nodes[key]`` holds a clickable node's ``label``, ``derivation`` and ``grad`` (text);
    ``up[key]`` lists its users, one ``[user key, [DOT names to light], factor or None]`` per
    edge toward the output (``factor``: the local derivative, for the product along a path);
    ``steps`` is the backward pass as it runs: ``{"node": key, "lines": [text, ...]}``.
    """

    name: str  # "network" or "graph": the element ids #network-view, #show-network
    title: str
    svg: str = ""  # inlined by ``inline_svg``; empty when the picture is left out
    output: str = ""
    nodes: dict[str, dict[str, str]] = field(default_factory=dict)
    up: dict[str, list[list[Any]]] = field(default_factory=dict)
    steps: list[dict[str, Any]] = field(default_factory=list)
    note: str = ""  # why the picture is left out, or what it shows
    selected: str = ""  # the node selected when the page opens (``--highlight``), if any

    def data(self) -> dict[str, Any]:
        """What the script reads of this view (the picture is in the page itself)."""
        return {"title": self.title, "output": self.output, "nodes": self.nodes, "up": self.up,
                "steps": self.steps, "note": self.note, "selected": self.selected}


@dataclass
class Training:
    """The training steps the slider walks: E, and every parameter's value and gradient, at each.

    ``steps[f]`` is the step number of frame f (a long run is sampled), ``keys[p]`` the network
    view's node of parameter p (its weight label), or "" when it has none (a bias).
    """

    steps: list[int]
    losses: list[float]  # E after every step, all of them: the curve
    names: list[str]
    keys: list[str]
    values: list[list[str]]  # [frame][parameter], as written
    grads: list[list[str]]
    loss_text: list[str]  # E at each frame, as written


def _local(name: str) -> str:
    """A tag or attribute name without its namespace: ``{http://…}svg`` → ``svg``."""
    return name.rsplit("}", 1)[-1]


# How much larger than Graphviz drew it a picture may be shown, filling the page.
UPSCALE = 1.5


def inline_svg(svg: bytes | str, clickable: dict[str, str], is_grad: Callable[[str], bool]) -> str:
    """Graphviz's SVG as an element for an HTML page: no declaration, DOCTYPE, comment, title or
    namespace (so no URL), scaled by its viewBox, every node and edge tagged (see the module doc).

    ``clickable`` maps a DOT node's name to its aria-label; ``is_grad`` says which of a
    clickable node's texts are gradients (they get the class ``grad``).
    """
    root = ET.fromstring(svg)  # expat reads the DOCTYPE, fetches nothing, and drops comments
    for el in root.iter():
        el.tag = _local(el.tag)
        for key in [k for k in el.attrib if "}" in k]:
            el.attrib[_local(key)] = el.attrib.pop(key)
    natural = root.attrib.pop("width", "")
    root.attrib.pop("height", None)
    if natural.endswith("pt"):  # it fills the page, but a small graph is not blown up past 1.5×
        root.set("style", f"max-width: {float(natural[:-2]) * UPSCALE:.0f}pt")
    root.set("role", "group")
    for g in root.iter("g"):
        title = g.find("title")
        if title is None:
            continue
        g.remove(title)
        if g.get("class") in ("node", "edge"):
            _tag(g, title.text or "", clickable, is_grad)
    return ET.tostring(root, encoding="unicode")


def _tag(g: ET.Element, dot_name: str, clickable: dict[str, str], is_grad: Callable[[str], bool]) -> None:
    """Mark one Graphviz node or edge: its DOT name, and for a clickable node what the script
    and the keyboard need."""
    g.attrib.pop("id", None)
    g.set("data-el", dot_name)
    label = clickable.get(dot_name)
    if label is None:
        return
    g.attrib.update({"data-node": dot_name, "tabindex": "0", "role": "button", "aria-label": label})
    name = ET.SubElement(g, "title")
    name.text = label
    for text in g.iter("text"):
        if is_grad(text.text or ""):
            text.set("class", GRAD_CLASS)


def loss_curve(losses: Sequence[float], steps: Sequence[int], width: int = 360, height: int = 150) -> str:
    """E over the training steps as a small inline SVG polyline (no plotting library), with a
    marker (``#loss-marker``) that the slider moves to its frame's point (``data-points``)."""
    finite = [x for x in losses if math.isfinite(x)] or [0.0]
    lo, hi = min(finite), max(finite)
    span, last = (hi - lo) or 1.0, max(len(losses) - 1, 1)
    pad = 28

    def point(i: int) -> tuple[float, float]:
        x = losses[i] if math.isfinite(losses[i]) else hi  # nan, inf: drawn at the top
        return (round(pad + (width - pad - 8) * i / last, 1),
                round(8 + (height - pad - 8) * (hi - x) / span, 1))

    line = " ".join(f"{x},{y}" for x, y in map(point, range(len(losses))))
    marks = [point(s) for s in steps]
    x0, y0 = marks[0]
    return (f'<svg id="loss-curve" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="E at each training step" data-points="{html.escape(json.dumps(marks))}">'
            f'<line x1="{pad}" y1="{height - pad}" x2="{width - 8}" y2="{height - pad}" class="axis"/>'
            f'<line x1="{pad}" y1="8" x2="{pad}" y2="{height - pad}" class="axis"/>'
            f'<text x="2" y="14">{_short(hi)}</text><text x="2" y="{height - pad}">{_short(lo)}</text>'
            f'<text x="{pad}" y="{height - 8}">step 0</text>'
            f'<text x="{width - 8}" y="{height - 8}" text-anchor="end">step {len(losses) - 1}</text>'
            f'<polyline points="{line}"/><circle id="loss-marker" cx="{x0}" cy="{y0}" r="4"/></svg>')


def _short(x: float) -> str:
    """An axis label: three significant digits."""
    return f"{x:.3g}"


def _asset(name: str) -> str:
    """A file of the page's template (package data), read whole."""
    return resources.files("autograd").joinpath("explorer").joinpath(name).read_text(encoding="utf-8")


def json_blob(data: object) -> str:
    """``data`` as JSON to sit inside a ``<script>``: every ``<``, ``>`` and ``&`` escaped, so no
    text in it (a label ``</script>``) can end the script early; ``JSON.parse`` reads it back."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _views_html(views: Sequence[View]) -> tuple[str, str]:
    """The buttons that switch the pictures, and the pictures."""
    buttons = "".join(f'<button type="button" id="show-{v.name}" aria-pressed="false">{html.escape(v.title)}'
                      "</button>" for v in views)
    panes = "".join(f'<section id="{v.name}-view" class="view" hidden aria-label="{html.escape(v.title)}">'
                    + (f'<p class="note">{html.escape(v.note)}</p>' if v.note else "")
                    + (f'<div class="picture">{v.svg}</div>' if v.svg else "") + "</section>"
                    for v in views)
    return f'<div class="switch" role="group" aria-label="picture">{buttons}</div>', panes


def _training_html(training: Training | None) -> str:
    """The slider over the training steps, the loss curve and the table it fills."""
    if training is None:
        return ""
    last = len(training.steps) - 1
    every = "" if training.steps == list(range(len(training.steps))) else \
        f" (one step in {training.steps[1] - training.steps[0]} shown)"
    return ('<section id="training" class="panel" aria-label="training"><h3>Training</h3>'
            f'<label for="training-step">step <output id="training-label">0</output>{every}</label>'
            f'<input type="range" id="training-step" min="0" max="{last}" value="0" step="1">'
            f'{loss_curve(training.losses, training.steps)}'
            '<table id="training-table"><thead><tr><th>parameter</th><th>value</th><th>∂E/∂p</th></tr>'
            "</thead><tbody></tbody></table></section>")


def page(title: str, views: Sequence[View], training: Training | None = None,
         notes: Sequence[str] = ()) -> str:
    """The whole HTML file: the pictures, the side panel, the controls, the data, the script."""
    switch, panes = _views_html(views)
    data: dict[str, Any] = {"views": {v.name: v.data() for v in views}, "first": views[0].name}
    if training is not None:
        data["training"] = {k: v for k, v in training.__dict__.items() if k != "losses"}  # the curve has them
    template = _asset("page.html")
    parts = {"title": html.escape(title), "css": _asset("explorer.css"), "js": _asset("explorer.js"),
             "switch": switch, "views": panes, "training": _training_html(training),
             "notes": "".join(f'<p class="note">{html.escape(n)}</p>' for n in notes),
             "data": json_blob(data)}
    return re.sub(r"\{\{(\w+)\}\}", lambda m: parts[m.group(1)], template)
