"""One report model, three renderers (chainrule/report.py, as_text, as_markdown, as_json): every
section and number of the worked step appears in all three, so they cannot disagree."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

import chainrule
from autograd.notation import latex_number, number, visible
from chainrule import netfile
from chainrule.as_json import as_json
from chainrule.as_markdown import markdown, math_md
from chainrule.as_text import text
from chainrule.report import build_report
from chainrule.walkthrough import work

APP = Path(chainrule.__file__).parent
SECTIONS = ["The network", "Forward pass", "Error", "Backpropagation", "Gradient descent", "After the step"]


@pytest.fixture(scope="module", params=netfile.examples())
def example(request):
    return request.param


@pytest.fixture(scope="module")
def rendered(example):
    report = build_report(work(netfile.resolve(example)))
    return report, text(report), markdown(report), json.loads(json.dumps(as_json(report)))


@pytest.fixture(scope="module")
def with_paths(example):
    """The report with each gradient's chain rule along every path too (``paths=True``)."""
    report = build_report(work(netfile.resolve(example)), paths=True)
    return report, text(report), markdown(report)


def _md(d, digits=4):
    """A derivation as report.md writes it: inline maths."""
    return "$" + math_md(d.latex(visible, digits)) + "$"


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
        # ∂E/∂p = δ·input in every form; the chain rule along every path only with paths=True
        assert "    " + g.line.text(visible) + "\n" in txt and f"- {_md(g.line)}\n" in md
        assert g.line.value == g.grad and g.line.text(visible).endswith("= " + number(g.grad))
        assert (p["delta_form"]["value"], p["new_derivation"]["value"]) == (g.grad, g.new)
        assert g.new_line.value == g.new and g.new_line.quantity == f"new {g.name}"
        assert str(g.explanation) not in txt and g.explanation.markdown() not in md
        assert p["derivation"]["total"] == g.explanation.total == g.grad
        factors = [[f["value"] for f in term["factors"]] for term in p["derivation"]["terms"]]
        assert factors == [[f.value for f in term.factors] for term in g.explanation.terms]
        e = g.explanation
        assert [term["product"] for term in p["derivation"]["terms"]] == [t.value for t in e.terms]
        formulas = {(e.name(f.top), e.name(f.bottom)): formula.text(e.name, report.digits, f.value)
                    for f, formula in e.factor_formulas()}
        for term in p["derivation"]["terms"]:  # each factor with its formula's steps, as shown
            assert all(f["formula"] == formulas.get((f["of"], f["by"]), []) for f in term["factors"])


def test_paths_adds_every_gradient_along_every_path(rendered, with_paths):
    report, txt, _md_text, _ = rendered
    paths, txt_paths, md_paths = with_paths
    assert (report.paths, paths.paths) == (False, True)
    assert "The same gradients by the chain rule along every path:" in md_paths
    assert "The same gradients by the chain rule along every path:" in txt_paths
    assert "The same gradients by the chain rule along every path:" not in txt
    for g, h in zip(report.gradients, paths.gradients, strict=True):
        assert (h.grad, h.explanation.total) == (g.grad, g.grad)
        assert h.explanation.where()  # every example's gradients have formulas to show
        assert str(h.explanation) + "\n" in txt_paths + "\n"  # with its where block
        assert str(h.explanation).endswith("= " + number(g.grad))
        assert math_md(h.explanation.markdown()) in md_paths
        assert "    " + h.line.text(visible) in txt_paths  # the δ·input lines stay
    assert txt_paths.startswith(txt.split("\n5. ")[0])  # the same up to the paths
    assert len(txt_paths.split("\n")) > len(txt.split("\n"))


def test_every_neuron_forward_and_delta(rendered):
    report, txt, md, doc = rendered
    deltas = {d.quantity: d for d in report.deltas}
    for n, f in zip(report.forward, doc["forward"], strict=True):
        assert (f["neuron"], f["net"], f["out"], f["delta"]) == (n.neuron, n.net, n.out, n.delta)
        assert [(p["w"], p["x"]) for p in f["products"]] == [(w.value, x.value) for w, x in n.products]
        assert f["net_derivation"]["value"] == n.net_line.value == n.net
        assert n.out_line is not None and f["out_derivation"]["value"] == n.out_line.value == n.out
        assert deltas[f"δ_{n.neuron}"].value == n.delta
        for form, num in ((txt, number), (md, latex_number)):  # text: the minus −; LaTeX: -
            assert f"= {num(n.net)}" in form and f"= {num(n.out)}" in form and f"= {num(n.delta)}" in form
        assert n.net_line.text(visible) + "\n" in txt and "    " + n.out_line.text(visible) + "\n" in txt
        assert "    " + deltas[f"δ_{n.neuron}"].text(visible) + "\n" in txt
        assert _md(n.net_line) in md and _md(deltas[f"δ_{n.neuron}"]) in md


@pytest.mark.parametrize("name", netfile.examples())
def test_digits_reach_every_derivation(name):
    report = build_report(work(netfile.resolve(name)), digits=9)
    txt, md = text(report), markdown(report)
    assert report.digits == 9
    for n in report.forward:
        assert f"= {number(n.net, 9)}\n" in txt and f"= {number(n.out, 9)}\n" in txt
        assert f"= {latex_number(n.net, 9)}$" in md and f"= {latex_number(n.out, 9)}$" in md
    for d in report.deltas:
        assert "    " + d.text(visible, 9) + "\n" in txt and _md(d, 9) in md
        assert d.text(visible, 9).endswith("= " + number(d.value, 9))
    for g in report.gradients:
        assert f"    {g.line.text(visible, 9)}\n" in txt
    assert report.loss_line.text(visible, 9) in txt and f"E = {number(report.E, 9)} → " in txt


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
    allowed = {"__future__", "typing", "autograd", "autograd.notation", "report", "claims", "as_text",
               "derivations", "matrix_form"}
    assert imported <= allowed

    def names(module):
        return {a.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                and node.module == module for a in node.names}

    # of derivations only the type of the report's lines, never the Deriver that works them out;
    # of matrix_form only its writers of the report's matrices, never matrix_form(walkthrough)
    assert names("derivations") <= {"Derivation"}
    assert names("matrix_form") <= {"text", "markdown", "latex", "as_dict", "block", "bmatrix", "beside"}


@pytest.mark.parametrize("digits", [0, 18, 2.5, "4", True])
def test_digits_out_of_range_are_refused_by_name(digits):
    w = work(netfile.resolve("doc_2331"))
    with pytest.raises((TypeError, ValueError), match="build_report: digits"):
        build_report(w, digits=digits)
