"""The report as terminal text, sections numbered as a student works them (ANSI colour optional).

Names, titles and claims are the user's text: ``shown`` gives every renderer a copy of the
report with each of them written safely for its format, here with ``visible``, so that no
control character or escape sequence from a file reaches the terminal.
"""

from __future__ import annotations

import collections.abc
import dataclasses

from autograd.notation import exact, number, visible

from .claims import ClaimResult, value_beside
from .matrix_form import text as matrix_text
from .report import Quantity, Report

Writer = collections.abc.Callable[[str], str]


def shown_claims(results: collections.abc.Iterable[ClaimResult], prose: Writer) -> tuple[ClaimResult, ...]:
    """Claims with their quantity, number as written and explanation as ``prose`` writes them."""
    return tuple(dataclasses.replace(r, quantity=prose(r.quantity), claimed=prose(r.claimed),
                                     why="\n".join(map(prose, r.why.split("\n")))) for r in results)


def shown(report: Report, name: Writer, prose: Writer) -> Report:
    """The report to render: every name (inputs, neurons, parameters, in the derivations too) as
    ``name`` writes it, the title, source and claims as ``prose`` does; numbers unchanged."""
    def q(x: Quantity) -> Quantity:
        return dataclasses.replace(x, name=name(x.name))

    return dataclasses.replace(
        report, title=prose(report.title), source=prose(report.source), inputs=tuple(map(q, report.inputs)),
        layers=tuple(dataclasses.replace(layer, neurons=tuple(
            dataclasses.replace(n, neuron=name(n.neuron), parameters=tuple(map(q, n.parameters)))
            for n in layer.neurons)) for layer in report.layers),
        forward=tuple(dataclasses.replace(n, neuron=name(n.neuron), net_label=name(n.net_label),
                                          bias=q(n.bias), products=tuple((q(w), q(x)) for w, x in n.products))
                      for n in report.forward),
        gradients=tuple(dataclasses.replace(g, name=name(g.name), explanation=dataclasses.replace(
            g.explanation, shown=name, digits=report.digits)) for g in report.gradients),
        claims=None if report.claims is None else shown_claims(report.claims, prose))


def claims_table(results: tuple[ClaimResult, ...], mark: tuple[str, str], digits: int = 4) -> list[str]:
    """quantity, claimed, chainrule's value and the verdict, in aligned columns."""
    cells = [(r.quantity, r.claimed, "—" if r.value is None else value_beside(r.value, r.claimed, digits))
             for r in results]
    w = [max(len(c[i]) for c in [("quantity", "claimed", "chainrule"), *cells]) for i in range(3)]
    rows = [f"{'quantity':<{w[0]}}  {'claimed':>{w[1]}}  {'chainrule':>{w[2]}}"]
    for r, (q, claimed, got) in zip(results, cells):
        verdict = mark[0] if r.right else f"{mark[1]} wrong" + (f" ({r.why})" if r.value is None else "")
        rows.append(f"{q:<{w[0]}}  {claimed:>{w[1]}}  {got:>{w[2]}}   {verdict}")
    return rows


def agreement(results: tuple[ClaimResult, ...]) -> str:
    wrong = [r.quantity for r in results if not r.right]
    summary = f"{len(results) - len(wrong)} of {len(results)} agree"
    return summary + (f"; wrong: {', '.join(wrong)}" if wrong else "")


def text(report: Report, color: bool = False) -> str:
    """The worked example as terminal text (ANSI colour when ``color``); the file's own text is
    shown, never obeyed (see ``visible``)."""
    def bold(s: str) -> str:
        return f"\033[1m{s}\033[0m" if color else s

    report = shown(report, visible, visible)
    sections = [_network(report), _forward(report), _error(report), _backprop(report),
                _descent(report), _after(report)]
    titles = ["1. The network", "2. Forward pass", "3. Error", "4. Backpropagation",
              f"5. Gradient descent, learning rate {exact(report.learning_rate)}", "6. After the step"]
    if report.claims is not None:
        marks = ("\033[32m✓\033[0m", "\033[31m✗\033[0m") if color else ("✓", "✗")
        sections.append([*claims_table(report.claims, marks, report.digits), agreement(report.claims)])
        titles.append("7. The document's numbers")
    out = [bold(report.title)] + ([f"source: {report.source}"] if report.source else [])
    for title, lines in zip(titles, sections):
        out += ["", bold(title), *lines]
    return "\n".join(out)


def _network(report: Report) -> list[str]:
    digits = report.digits
    lines = ["inputs: " + ", ".join(f"{x.name} = {number(x.value, digits)}" for x in report.inputs)]
    for layer in report.layers:
        lines.append(f"layer {layer.index} ({layer.activation}, {layer.size}):")
        for n in layer.neurons:
            params = ", ".join(f"{p.name} = {number(p.value, digits)}" for p in n.parameters)
            lines.append(f"    {n.neuron}: {params}")
    return lines


def _forward(report: Report) -> list[str]:
    lines = report.forward_lines()
    return [("    " if is_out else "") + line.text(visible, report.digits) for line, is_out in lines]


def _error(report: Report) -> list[str]:
    return [report.loss_formula + f", {report.target}", report.loss_line.text(visible, report.digits)]


def _backprop(report: Report) -> list[str]:
    lines = ["δ = ∂E/∂net for each neuron, from the output back:"]
    lines += ["    " + d.text(visible, report.digits) for d in report.deltas]
    lines += ["", "∂E/∂w = δ of w's neuron · the input w multiplies; ∂E/∂b = δ:"]
    lines += ["    " + g.line.text(visible, report.digits) for g in report.gradients]
    if report.paths:
        lines += ["", "The same gradients by the chain rule along every path:"]
        for g in report.gradients:
            lines += ["", str(g.explanation)]
    if report.matrices_in_text:
        lines += ["", "The same in matrix form, layer by layer:", ""]
        lines.append(matrix_text(report.matrices, report.digits))
    return lines


def _descent(report: Report) -> list[str]:
    return [str(report.update_table())]


def _after(report: Report) -> list[str]:
    digits = report.digits
    lines = [f"E = {number(report.E, digits)} → {number(report.E_after, digits)}  ({report.change_note})"]
    if report.history:
        lines.append("further steps: " + ", ".join(number(e, digits) for e in report.history))
    return lines
