"""One report model, three renderers (chainrule/report.py, as_text, as_markdown, as_json): every
section and number of the worked step appears in all three, so they cannot disagree."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

import chainrule
from autograd.notation import number
from chainrule import netfile
from chainrule.as_json import as_json
from chainrule.as_markdown import markdown
from chainrule.as_text import text
from chainrule.report import build_report
from chainrule.walkthrough import work

APP = Path(chainrule.__file__).parent
SECTIONS = ["The network", "Forward pass", "Error", "Backpropagation", "Gradient descent", "After the step"]


@pytest.fixture(scope="module", params=netfile.examples())
def rendered(request):
    report = build_report(work(netfile.resolve(request.param)))
    return report, text(report), markdown(report), json.loads(json.dumps(as_json(report)))


def test_every_section_in_every_form(rendered):
    _, txt, md, doc = rendered
    for k, title in enumerate(SECTIONS, 1):
        assert f"\n{k}. {title}" in txt
        assert f"\n## {title}" in md
    assert ("7. The document's numbers" in txt) == ("## The document's numbers" in md) == ("claims" in doc)
    keys = {"network", "forward", "E", "parameters", "E_after", "change", "history", "loss_formula"}
    assert keys <= set(doc)


def test_every_parameter_with_value_gradient_update_and_derivation(rendered):
    report, txt, md, doc = rendered
    table = report.update_table()
    for g, row, p in zip(report.gradients, table._cells(), doc["parameters"], strict=True):
        name, value, grad, new = row
        assert f"{name} " in txt and f" {value} " in txt and f" {grad} " in txt and f" {new}" in txt
        assert f"| {value} | {grad} | {new} |" in md
        assert (p["name"], p["value"], p["grad"], p["new"]) == (g.name, g.value, g.grad, g.new)
        assert str(g.explanation) in txt and g.explanation.markdown() in md
        assert p["derivation"]["total"] == g.explanation.total == g.grad
        factors = [[f["value"] for f in term] for term in p["derivation"]["terms"]]
        assert factors == [[f.value for f in term.factors] for term in g.explanation.terms]


def test_every_neuron_forward_and_delta(rendered):
    report, txt, md, doc = rendered
    for n, f in zip(report.forward, doc["forward"], strict=True):
        assert (f["neuron"], f["net"], f["out"], f["delta"]) == (n.neuron, n.net, n.out, n.delta)
        assert [(p["w"], p["x"]) for p in f["products"]] == [(w.value, x.value) for w, x in n.products]
        for form in (txt, md):
            assert f"= {number(n.net)}" in form and number(n.out) in form and number(n.delta) in form


def test_error_after_and_history(rendered):
    report, txt, md, doc = rendered
    assert (doc["E"], doc["E_after"], doc["history"]) == (report.E, report.E_after, list(report.history))
    assert doc["change"] == report.change
    for form in (txt, md):
        assert number(report.E) in form and number(report.E_after) in form and report.change_note in form
        assert all(number(e) in form for e in report.history)
    assert report.loss_formula in txt and report.loss_latex in md
    assert doc["loss_formula"] == report.loss_formula


def test_every_claim_with_its_verdict(rendered):
    report, txt, md, doc = rendered
    for r, c in zip(report.claims or (), doc.get("claims", []), strict=True):
        assert (c["quantity"], c["claimed"], c["value"], c["right"], c["why"]) == (
            r.quantity, r.claimed, r.value, r.right, r.why)
        assert f"| {r.quantity} | {r.claimed} |" in md
        assert any(line.startswith(r.quantity) and r.claimed in line for line in txt.splitlines())


@pytest.mark.parametrize("renderer", ["as_text.py", "as_markdown.py", "as_json.py"])
def test_renderers_read_the_report_only(renderer):
    """A renderer that reached past the report into the walkthrough could show a number the
    others do not."""
    tree = ast.parse((APP / renderer).read_text(encoding="utf-8"))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    allowed = {"__future__", "typing", "autograd", "autograd.notation", "report", "claims", "as_text"}
    assert imported <= allowed
