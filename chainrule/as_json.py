"""The report as JSON (``--format json``, report.json): every number, machine-readable."""

from __future__ import annotations

from typing import Any

from autograd import Explanation

from .report import Report


def _derivation(e: Explanation) -> dict[str, Any]:
    """An explanation's terms: each a product of factors ∂top/∂bottom with their values."""
    return {"form": e.form, "n_terms": e.n_terms, "total": e.total,
            "terms": [[{"of": f.top.label, "by": f.bottom.label, "value": f.value} for f in t.factors]
                      for t in e.terms]}


def as_json(report: Report) -> dict[str, Any]:
    """Every number of the worked example, with the formulas the text shows."""
    doc: dict[str, Any] = {
        "title": report.title,
        "source": report.source,
        "inputs": [x.value for x in report.inputs],
        "input_names": [x.name for x in report.inputs],
        "network": [{"layer": layer.index, "activation": layer.activation,
                     "parameters": [{"name": p.name, "value": p.value} for p in layer.parameters]}
                    for layer in report.layers],
        "loss": report.loss,
        "loss_formula": report.loss_formula,
        "learning_rate": report.learning_rate,
        "forward": [{"neuron": n.neuron, "net": n.net, "out": n.out, "delta": n.delta,
                     "activation": n.activation, "net_label": n.net_label,
                     "products": [{"weight": w.name, "w": w.value, "input": x.name, "x": x.value}
                                  for w, x in n.products],
                     "bias": {"name": n.bias.name, "value": n.bias.value}}
                    for n in report.forward],
        "E": report.E,
        "parameters": [{"name": g.name, "value": g.value, "grad": g.grad, "new": g.new,
                        "derivation": _derivation(g.explanation)} for g in report.gradients],
        "E_after": report.E_after,
        "change": report.change,
        "history": list(report.history),
    }
    if report.claims is not None:
        doc["claims"] = [{"quantity": r.quantity, "claimed": r.claimed, "value": r.value, "right": r.right,
                          "why": r.why} for r in report.claims]
    return doc
