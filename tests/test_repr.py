"""What a notebook shows as a cell's value: gradcheck's and the update table's Markdown (and
LaTeX) tables with their numbers, and a one-line repr() instead of a dump of every float."""

from __future__ import annotations

import math
import re

import pytest

from autograd import GradcheckResult, GradcheckRow, Value, gradcheck, update_table
from autograd.check import STEP_TOO_SMALL
from autograd.update import markdown_name

# The README's graph: e = tanh(a·b + exp(a)) at a = 2, b = −3.
A, B = 2.0, -3.0
DTANH = 1 - math.tanh(A * B + math.exp(A)) ** 2
GRAD_A, GRAD_B = DTANH * (B + math.exp(A)), DTANH * A  # 0.9672437436, 0.4407525089


def tour_check() -> GradcheckResult:
    return gradcheck(lambda a, b: (a * b + a.exp()).tanh(), [Value(A, label="a"), Value(B, label="b")])


def cells(row: str) -> list[str]:
    """A Markdown table row's cells, split at the | that end cells (not at an escaped \\|)."""
    return [c.strip() for c in re.split(r"(?<!\\)\|", row.strip())[1:-1]]


def test_gradcheck_markdown_is_a_table_of_analytic_and_numeric_gradients():
    md = tour_check()._repr_markdown_()
    lines = md.split("\n")
    assert lines[0] == "**gradcheck** (eps=1e-06, atol=1e-05, rtol=0.001): all gradients agree"
    assert cells(lines[2]) == ["input", "analytic (backward)", "numeric (central difference)",
                               "abs err", "rel err", "verdict"]
    assert cells(lines[3]) == ["---", "---:", "---:", "---:", "---:", "---"]
    a_row, b_row = (cells(line) for line in lines[4:])
    assert len(lines) == 6
    assert a_row[:3] == ["$a$", "0.9672437436", "0.9672437436"] and a_row[5] == "ok"
    assert b_row[:3] == ["$b$", "0.4407525089", "0.4407525089"] and b_row[5] == "ok"
    assert (round(GRAD_A, 10), round(GRAD_B, 10)) == (0.9672437436, 0.4407525089)
    assert float(a_row[3]) < 1e-9 and float(b_row[4]) < 1e-9  # abs and rel error, 3 digits
    assert md == tour_check().markdown()


def test_gradcheck_markdown_shows_a_failure_and_its_numbers():
    # x · x.data is x² in value, but the graph sees one factor: analytic 3, numeric 6.
    md = gradcheck(lambda x: x * x.data, [Value(3.0, label="w")])._repr_markdown_()
    lines = md.split("\n")
    assert lines[0].endswith("): 1 of 1 disagree")
    assert cells(lines[4])[:2] == ["$w$", "3"] and cells(lines[4])[5] == "FAIL"
    assert float(cells(lines[4])[2]) == pytest.approx(6.0, rel=1e-8)
    assert float(cells(lines[4])[3]) == pytest.approx(3.0, rel=1e-8)


def test_a_note_with_a_bar_stays_in_its_cell():
    # x = 1e20, h = 1e-20 · 1e20 = 1: x ± 1 rounds back to x, the note says |x|.
    md = gradcheck(lambda x: x * 2, [Value(1e20, label="big")], eps=1e-20).markdown()
    row = md.split("\n")[4]
    assert len(cells(row)) == 6
    assert cells(row)[5] == "FAIL (" + STEP_TOO_SMALL.replace("|", "\\|") + ")"


def test_a_kink_is_named_in_the_verdict():
    row = cells(gradcheck(lambda x: x.relu(), [Value(0.0, label="z")]).markdown().split("\n")[4])
    assert [row[i] for i in (0, 1, 2, 5)] == ["$z$", "0", "0.5", "ok (kink)"]  # relu'(0) = 0; slopes 0, 1


@pytest.mark.parametrize(("label", "tex"), [
    ("w16", "w_{16}"),
    ("w[2][0,0]", "w^{[2]}_{0,0}"),
    ("a|b<c>", r"\mathrm{a\vert{}b\lt{}c\gt{}}"),  # | would end the table cell, <c> be HTML
    ("`x`", r"\mathrm{\grave{}x\grave{}}"),  # a backtick would open a code span
    ("[t](u)", r"\mathrm{[t]{}(u)}"),  # ]( would make a link
    ("a&b", r"\mathrm{a\&{}b}"),  # &amp; would be an HTML entity
    ("e\x1b[31m", r"\mathrm{e\backslash{}x1b[31m}"),  # a control character shown, not sent
])
def test_markdown_names_are_maths_that_markdown_does_not_read(label, tex):
    assert markdown_name(label) == tex


def test_a_label_with_markup_keeps_the_gradcheck_table_whole():
    md = gradcheck(lambda x: x * x, [Value(3.0, label="a|b<c>")]).markdown()
    row = cells(md.split("\n")[4])
    assert row[:3] == [r"$\mathrm{a\vert{}b\lt{}c\gt{}}$", "6", "6"] and len(row) == 6


def test_gradcheck_repr_is_one_short_line():
    assert repr(tour_check()) == "<GradcheckResult: all 2 gradients agree>"
    bad = gradcheck(lambda x, y: x * y + y * y.data, [Value(2.0, label="x"), Value(5.0, label="y")])
    assert repr(bad) == "<GradcheckResult: 1 of 2 disagree: y>"
    many = GradcheckResult(tuple(GradcheckRow(f"w{i}", 1.0, 2.0, 1.0, 0.5, False) for i in range(1000)),
                           1e-6, 1e-5, 1e-3)
    assert repr(many) == "<GradcheckResult: 1000 of 1000 disagree: w0, w1, w2, … 997 more>"
    assert "\x1b" not in repr(GradcheckResult((GradcheckRow("\x1b[2J", 1.0, 2.0, 1.0, 0.5, False),), 1, 1, 1))


def _stepped() -> list[Value]:
    """E = ½(2w + c − 1)² at w = 0.5, c = 0.25, after backward: 2w + c − 1 = 0.25, so
    ∂E/∂w = 0.25·2 = 0.5 and ∂E/∂c = 0.25."""
    w, c = Value(0.5, label="w1"), Value(0.25, label="b1")
    E = 0.5 * (w * 2.0 + c - 1.0) ** 2
    E.backward()
    return [w, c]


def test_update_table_markdown_is_what_a_notebook_shows():
    md = update_table(_stepped(), 0.1)._repr_markdown_()
    lines = md.split("\n")
    assert cells(lines[0]) == ["parameter", "value", "∂E/∂p", "after p − 0.1·∂E/∂p"]
    assert [cells(line) for line in lines[2:]] == [["$w_{1}$", "0.5", "0.5", "0.45"],
                                                   ["$b_{1}$", "0.25", "0.25", "0.225"]]


def test_update_table_latex_is_display_maths():
    tex = update_table(_stepped(), 0.1)._repr_latex_()
    assert tex.startswith(r"$$\begin{array}{lrrr}") and tex.endswith(r"\end{array}$$")
    assert r"p - 0.1\,\partial E/\partial p" in tex
    assert "w_{1} & 0.5 & 0.5 & 0.45 \\\\\nb_{1} & 0.25 & 0.25 & 0.225" in tex


def test_update_table_latex_writes_minus_and_small_numbers_as_latex():
    w = Value(-0.5, label="w")
    (w * 2e-6).backward()
    body = update_table([w], 1.0).latex().split("\n")[1]
    assert body == r"w & -0.5 & 2 \times 10^{-6} & -0.500002\end{array}"


def test_update_table_repr_is_one_short_line():
    assert repr(update_table(_stepped(), 0.1)) == "<UpdateTable: 2 parameters (w1, b1), lr=0.1>"
    params = [Value(1.0, label=f"w{i}") for i in range(500)]
    assert repr(update_table(params, 0.01)) == "<UpdateTable: 500 parameters (w0 … w499), lr=0.01>"
