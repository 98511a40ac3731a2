"""The report as JSON (``--format json``, report.json): every number, machine-readable.

The output is strict JSON (RFC 8259), which jq, JavaScript and Go read: a number that is not
finite (a step that diverged: nan, inf) is written as ``null``, and the top-level object
``"non_finite"`` says which and what it was, keyed by the value's JSON pointer (RFC 6901):
``{"/parameters/3/grad": "nan", "/E_after": "inf", "/history/2": "-inf"}``. It is always
there, ``{}`` when every number is finite, so a reader never confuses a null it explains
with a null that means "none" (a claim's value about an unknown quantity).
"""

from __future__ import annotations

import json
import math
from typing import Any

from autograd import Explanation
from autograd.notation import UNSHOWN

from .derivations import Derivation
from .matrix_form import as_dict
from .report import Report


def _derivation(e: Explanation, digits: int) -> dict[str, Any]:
    """An explanation's terms: each a product of factors ∂top/∂bottom with their values, each
    path's product, and each factor's formula with its numbers (as the text shows them)."""
    formulas = {(f.top, f.bottom): formula.text(e.name, digits, f.value)
                for f, formula in e.factor_formulas()}
    return {"form": e.form, "n_terms": e.n_terms, "total": e.total,
            "terms": [{"product": t.value,
                       "factors": [{"of": e.name(f.top), "by": e.name(f.bottom), "value": f.value,
                                    "formula": formulas.get((f.top, f.bottom), [])} for f in t.factors]}
                      for t in e.terms]}


def _line(d: Derivation, digits: int) -> dict[str, Any]:
    """A derivation: its quantity, value, and the text and LaTeX a reader sees (all digits)."""
    return {"quantity": d.quantity, "value": d.value, "text": d.text(digits=digits),
            "latex": d.latex(digits=digits)}


def as_json(report: Report) -> dict[str, Any]:
    """Every number of the worked example, with the formulas the text shows (see the module doc
    for the numbers that are not finite)."""
    doc: dict[str, Any] = {
        "title": report.title,
        "source": report.source,
        "inputs": [x.value for x in report.inputs],
        "input_names": [x.name for x in report.inputs],
        "network": [{"layer": layer.index, "activation": layer.activation,
                     "parameters": [{"name": p.name, "value": p.value} for p in layer.parameters],
                     "neurons": [{"neuron": n.neuron, "parameters": [p.name for p in n.parameters]}
                                 for n in layer.neurons]}
                    for layer in report.layers],
        "loss": report.loss,
        "loss_formula": report.loss_formula,
        "learning_rate": report.learning_rate,
        "forward": [{"neuron": n.neuron, "net": n.net, "out": n.out, "delta": n.delta,
                     "activation": n.activation, "net_label": n.net_label,
                     "net_derivation": _line(n.net_line, report.digits),
                     "out_derivation": _line(n.out_line, report.digits) if n.out_line else None,
                     "products": [{"weight": w.name, "w": w.value, "input": x.name, "x": x.value}
                                  for w, x in n.products],
                     "bias": {"name": n.bias.name, "value": n.bias.value}}
                    for n in report.forward],
        "E": report.E,
        "target": report.target,
        "E_derivation": _line(report.loss_line, report.digits),
        "deltas": [_line(d, report.digits) for d in report.deltas],
        "parameters": [{"name": g.name, "value": g.value, "grad": g.grad, "new": g.new,
                        "delta_form": _line(g.line, report.digits),
                        "new_derivation": _line(g.new_line, report.digits),
                        "derivation": _derivation(g.explanation, report.digits)} for g in report.gradients],
        "matrix_form": as_dict(report.matrices, strict=False),
        "E_after": report.E_after,
        "change": report.change,
        "history": list(report.history),
    }
    if report.claims is not None:
        doc["claims"] = [{"quantity": r.quantity, "claimed": r.claimed, "value": r.value, "right": r.right,
                          "why": r.why} for r in report.claims]
    non_finite: dict[str, str] = {}
    strict = _finite(doc, "", non_finite)
    strict["non_finite"] = non_finite
    return strict


def _finite(x: Any, pointer: str, found: dict[str, str]) -> Any:
    """``x`` with each float that is not finite replaced by None and recorded in ``found``
    under its JSON pointer ("nan", "inf" or "-inf")."""
    if isinstance(x, float) and not math.isfinite(x):
        found[pointer] = repr(x)
        return None
    if isinstance(x, dict):
        return {k: _finite(v, f"{pointer}/{_token(k)}", found) for k, v in x.items()}
    if isinstance(x, list):
        return [_finite(v, f"{pointer}/{i}", found) for i, v in enumerate(x)]
    return x


def _token(key: str) -> str:
    """A key as a JSON pointer writes it: ~ as ~0, / as ~1."""
    return key.replace("~", "~0").replace("/", "~1")


def json_text(report: Report) -> str:
    """``as_json`` written out: strict JSON (``allow_nan=False`` would raise rather than write
    NaN), as readable UTF-8 but for the characters a terminal would obey or that are not text
    (``UNSHOWN``: C1 controls, bidi controls, lone surrogates), written as ``\\uXXXX`` escapes,
    which decode to the same strings. (``dumps`` escapes C0 controls itself: a raw newline is
    the indentation's.)"""
    text = json.dumps(as_json(report), indent=1, ensure_ascii=False, allow_nan=False)
    return UNSHOWN.sub(lambda m: m[0] if m[0] == "\n" else f"\\u{ord(m[0]):04x}", text)
