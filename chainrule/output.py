"""``--out DIR``: the report as report.md and report.json, and the diagrams as SVG and PNG."""

from __future__ import annotations

import json
from pathlib import Path

from autograd import RenderError, draw, render
from nn.view import draw_network

from .as_json import as_json
from .as_markdown import markdown
from .report import Report
from .walkthrough import Walkthrough


def diagrams(w: Walkthrough, out: Path, highlight_name: str | None) -> list[str]:
    """Render the network view and the expression graph into ``out``; their file names.

    The highlighted parameter's chain-rule paths are drawn in red: by default the first
    weight of the first layer, whose gradient has the most paths.
    """
    by_name = {p.label: p for p in w.params}  # the name was checked before any work
    highlight = by_name[highlight_name] if highlight_name else w.model.layers[0].neurons[0].w[0]
    pictures = {
        "network": draw_network(w.model, highlight=highlight, output=w.E, outputs=w.outputs,
                                input_names=w.spec.names_of_inputs),
        "graph": draw(w.E, highlight=highlight, rankdir="TB", max_nodes=2000),
    }
    return [render(graph, out / name, fmt).name for name, graph in pictures.items() for fmt in ("svg", "png")]


def write(w: Walkthrough, report: Report, out: Path, highlight: str | None) -> tuple[list[Path], str]:
    """Write the report and its diagrams into ``out``: the files written (report.md, report.json,
    the SVGs it links), and why the diagrams are missing ("" when they are not)."""
    out.mkdir(parents=True, exist_ok=True)
    try:
        images, problem = [f for f in diagrams(w, out, highlight) if f.endswith(".svg")], ""
    except RenderError as e:
        images, problem = [], str(e)
    (out / "report.md").write_text(markdown(report, images), encoding="utf-8")
    doc = json.dumps(as_json(report), indent=1, ensure_ascii=False)
    (out / "report.json").write_text(doc, encoding="utf-8")
    return [out / "report.md", out / "report.json", *(out / f for f in images)], problem
