"""The report as Markdown with LaTeX maths (report.md), the same sections as the text.

The user's text is written for Markdown: names go into maths through ``latex_name`` (control
characters made visible first), with the characters that Markdown itself would read there,
``|`` (a table cell's end), ``<`` and ``>`` (raw HTML) and the backtick (code), written as
LaTeX commands, and ``](`` (a link) split by ``{}``; titles, sources and claims are text,
their Markdown characters escaped.
"""

from __future__ import annotations

import re

from autograd.notation import markdown_name, math_md, number, visible

from .as_text import agreement, shown
from .claims import value_beside
from .derivations import Derivation
from .matrix_form import markdown as matrix_markdown
from .report import Report

# Backslash escapes: every character Markdown may read as markup inside a line, and an
# underscore unless it sits between two letters or digits (out_n3 is not emphasis).
_MARKUP = re.compile(r"[\\`*\[\]<>|$&~#]|_(?![^\W_])|(?<![^\W_])_")


def text_md(text: str) -> str:
    """Any text as Markdown shows it literally: control characters visible, markup escaped."""
    return _MARKUP.sub(lambda m: "\\" + m[0], visible(text))


def _tex(name: str) -> str:
    """A name in maths, safe in Markdown (``notation.markdown_name``)."""
    return markdown_name(name)


def _line(d: Derivation, digits: int) -> str:
    """A derivation as inline maths, names made visible and safe for Markdown."""
    return "$" + math_md(d.latex(visible, digits)) + "$"


def markdown(report: Report, images: list[str] | None = None, notes: list[str] | None = None) -> str:
    """The worked example as a Markdown report with LaTeX maths (and the diagrams' images, and
    ``notes`` on what is missing from them). The file's own text is shown, never obeyed."""
    report = shown(report, visible, text_md)
    md = [f"# {report.title}", ""] + ([f"Source: {report.source}", ""] if report.source else [])
    for image in images or []:
        md += [f"![{image}]({image})", ""]
    for note in notes or []:
        md += [f"*{text_md(note)}*", ""]
    md += _network(report) + _forward(report) + _backprop(report)
    md += [f"## Gradient descent (learning rate {number(report.learning_rate)})", "",
           report.update_table().markdown(tex=_tex), "", "## After the step", "",
           f"After the step E = {number(report.E_after, report.digits)} "
           f"(was {number(report.E, report.digits)}): "
           f"{report.change_note}.", ""]
    if report.history:
        md += ["Further steps: " + ", ".join(number(e, report.digits) for e in report.history), ""]
    return "\n".join(md + _claims(report)) + "\n"


def _network(report: Report) -> list[str]:
    digits = report.digits
    md = ["## The network", "", "Inputs: " + ", ".join(f"${_tex(x.name)} = {number(x.value, digits)}$"
                                                       for x in report.inputs), ""]
    for layer in report.layers:
        md.append(f"- layer {layer.index} ({layer.activation}, {layer.size}):")
        md += [f"  - {text_md(n.neuron)}: " + ", ".join(f"${_tex(p.name)} = {number(p.value, digits)}$"
                                                         for p in n.parameters) for n in layer.neurons]
    return md


def _forward(report: Report) -> list[str]:
    md = ["", "## Forward pass", ""]
    lines = report.forward_lines()
    md += [("  - " if is_out else "- ") + _line(line, report.digits) for line, is_out in lines]
    loss = math_md(report.loss_line.latex(visible, report.digits))
    target = text_md(report.target)
    return [*md, "", "## Error", "", f"$${report.loss_latex}$$ with {target}:", "", f"$${loss}$$"]


def _backprop(report: Report) -> list[str]:
    digits = report.digits
    md = ["", "## Backpropagation", "", "δ = ∂E/∂net for each neuron, from the output back:", ""]
    md += [f"- {_line(d, digits)}" for d in report.deltas]
    md += ["", "∂E/∂w = δ of w's neuron · the input w multiplies; ∂E/∂b = δ:", ""]
    md += [f"- {_line(g.line, digits)}" for g in report.gradients] + [""]
    if report.paths:
        md += ["The same gradients by the chain rule along every path:", ""]
        for g in report.gradients:
            md += [math_md(g.explanation.markdown()), ""]
    matrices = math_md(matrix_markdown(report.matrices, digits)).strip()
    return [*md, "### The same in matrix form", "", matrices, ""]


def _claims(report: Report) -> list[str]:
    if report.claims is None:
        return []
    md = ["## The document's numbers", "", "| quantity | claimed | chainrule | |", "|---|---:|---:|---|"]
    for r in report.claims:
        got = "—" if r.value is None else value_beside(r.value, r.claimed, report.digits)
        md.append(f"| {r.quantity} | {r.claimed} | {got} | {'✓' if r.right else '✗ wrong'} |")
    return [*md, "", agreement(report.claims)]
