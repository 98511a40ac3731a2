"""The report as Markdown with LaTeX maths (report.md), the same sections as the text."""

from __future__ import annotations

from autograd.notation import latex_name, number, plus, signed

from .as_text import agreement
from .report import NeuronForward, Report


def _math(text: str) -> str:
    """Plain-text arithmetic as LaTeX: · and − as \\cdot and -."""
    return text.replace("·", r" \cdot ").replace("−", "-")


def net_formula(n: NeuronForward) -> str:
    names = [rf"{latex_name(w.name)} \cdot {latex_name(x.name)}" for w, x in n.products]
    numbers = [f"{signed(w.value)}·{signed(x.value)}" for w, x in n.products] + [number(n.bias.value)]
    return (f"{latex_name(n.net_label)} = {' + '.join([*names, latex_name(n.bias.name)])} "
            f"= {_math(plus(numbers))} = {number(n.net)}")


def markdown(report: Report, images: list[str] | None = None) -> str:
    """The worked example as a Markdown report with LaTeX maths (and the diagrams' images)."""
    md = [f"# {report.title}", ""] + ([f"Source: {report.source}", ""] if report.source else [])
    for image in images or []:
        md += [f"![{image}]({image})", ""]
    md += ["## The network", "", "Inputs: " + ", ".join(f"${latex_name(x.name)} = {number(x.value)}$"
                                                          for x in report.inputs), ""]
    for layer in report.layers:
        params = ", ".join(f"${latex_name(p.name)} = {number(p.value)}$" for p in layer.parameters)
        md.append(f"- layer {layer.index} ({layer.activation}, {layer.size}): {params}")
    md += ["", "## Forward pass", ""]
    for n in report.forward:
        act = n.activation if n.activation != "linear" else "identity"
        md.append(f"- ${net_formula(n)}$, out = {act}(net) = ${number(n.out)}$")
    md += ["", "## Error", "", f"$${report.loss_latex} = {number(report.E)}$$", "", "## Backpropagation", "",
           "δ = ∂E/∂net for each neuron:", ""]
    md += [f"- $\\delta_{{{latex_name(n.neuron)}}} = {number(n.delta)}$" for n in report.forward] + [""]
    for g in report.gradients:
        md += [g.explanation.markdown(), ""]
    md += [f"## Gradient descent (learning rate {number(report.learning_rate)})", "",
           report.update_table().markdown(), "", "## After the step", "",
           f"After the step E = {number(report.E_after)} (was {number(report.E)}): {report.change_note}.", ""]
    if report.history:
        md += ["Further steps: " + ", ".join(number(e) for e in report.history), ""]
    return "\n".join(md + _claims(report)) + "\n"


def _claims(report: Report) -> list[str]:
    if report.claims is None:
        return []
    md = ["## The document's numbers", "", "| quantity | claimed | chainrule | |", "|---|---:|---:|---|"]
    for r in report.claims:
        got = "—" if r.value is None else number(r.value, 8)
        md.append(f"| {r.quantity} | {r.claimed} | {got} | {'✓' if r.right else '✗ wrong'} |")
    return [*md, "", agreement(report.claims)]
