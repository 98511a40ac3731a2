"""demos/tour.ipynb, run headless as a reader runs it: every cell runs without an error or a
warning, and its outputs hold the numbers, tables, maths and pictures its text promises. The
notebook is committed without outputs (they are generated, never committed).

It runs in a kernel of the interpreter running the tests (ipykernel's spec, written to a
temporary folder, so that no other installed "python3" kernel is picked up), in demos/.
Needs the notebook extra (`pip install -e ".[notebook]"`) and Graphviz's dot; under CI=true a
missing one fails the tests (tests/conftest.py).
"""

from __future__ import annotations

import ast
import json
import math
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOUR = ROOT / "demos" / "tour.ipynb"

# The tour's graph: e = tanh(a·b + exp(a)) at a = 2, b = −3.
DTANH = 1 - math.tanh(2.0 * -3.0 + math.exp(2.0)) ** 2
GRAD_A, GRAD_B = DTANH * (-3.0 + math.exp(2.0)), DTANH * 2.0


def test_the_committed_notebook_has_no_outputs():
    nb = json.loads(TOUR.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert len(code) >= 10
    assert [c["id"] for c in code if c["outputs"] or c["execution_count"] is not None] == []
    assert nb["metadata"]["kernelspec"]["name"] == "python3"


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict]]:
    """The tour executed: each code cell's outputs, by cell id."""
    reason = 'the notebook extra is not installed: pip install -e ".[notebook]"'
    nbclient = pytest.importorskip("nbclient", reason=reason)
    nbformat = pytest.importorskip("nbformat", reason=reason)
    kernelspec = pytest.importorskip("ipykernel.kernelspec", reason=reason)
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    if shutil.which("dot") is None:
        pytest.skip("Graphviz's dot is not installed (apt-get install graphviz): the tour draws")
    kernels = tmp_path_factory.mktemp("kernels")
    kernelspec.write_kernel_spec(kernels / "python3")  # argv: this interpreter -m ipykernel_launcher
    specs = KernelSpecManager(kernel_dirs=[str(kernels)])
    nb = nbformat.read(TOUR, as_version=4)
    client = nbclient.NotebookClient(nb, km=KernelManager(kernel_name="python3", kernel_spec_manager=specs),
                                     timeout=120, resources={"metadata": {"path": str(TOUR.parent)}})
    client.execute()  # raises CellExecutionError, naming the cell, if one fails
    return {cell.id: cell.outputs for cell in nb.cells if cell.cell_type == "code"}


def value(outputs: list[dict], mime: str = "text/plain") -> str:
    """The cell's value (its execute_result) as ``mime``."""
    (result,) = [o for o in outputs if o["output_type"] == "execute_result"]
    return result["data"][mime]


def printed(outputs: list[dict]) -> str:
    return "".join(o["text"] for o in outputs if o["output_type"] == "stream" and o["name"] == "stdout")


def test_no_cell_writes_to_stderr(outputs):
    assert {cid: [o["text"] for o in out if o.get("name") == "stderr"] for cid, out in outputs.items()
            if any(o.get("name") == "stderr" for o in out)} == {}


def test_backward_gives_the_gradients(outputs):
    grads = ast.literal_eval(value(outputs["backward"]))
    assert grads == pytest.approx((GRAD_A, GRAD_B), rel=1e-12)
    assert (round(grads[0], 4), round(grads[1], 4)) == (0.9672, 0.4408)


def test_explain_prints_the_chain_rule(outputs):
    assert printed(outputs["explain-text"]).splitlines() == [  # each factor's formula, then the numbers
        "∂e/∂b = ∂e/∂h · ∂h/∂b", "  where ∂e/∂h = tanh′(h) = 1 − e² = 1 − 0.88296² = 0.2204",
        "        ∂h/∂b = a = 2", "      = 0.2204 · 2", "      = 0.4408"]


def test_explain_as_a_cells_value_is_typeset(outputs):
    md = value(outputs["explain-math"], "text/markdown")
    assert md.startswith("$$") and md.rstrip().endswith("$$")
    assert r"\frac{\partial e}{\partial h} \cdot \frac{\partial h}{\partial a}" in md
    assert "0.220376 \\cdot 4.38906" in md and "0.9672" in md


def svg(outputs: list[dict]) -> str:
    (pictures,) = [o["data"]["image/svg+xml"] for o in outputs if "image/svg+xml" in o.get("data", {})]
    assert pictures.lstrip().startswith(("<?xml", "<svg")) and "</svg>" in pictures
    return pictures


def test_draw_shows_the_graph_as_a_picture(outputs):
    picture = svg(outputs["draw"])
    assert all(text in picture for text in ("tanh", "0.4408", "0.9672"))  # b's and a's gradients


def test_gradcheck_shows_a_table_of_both_gradients(outputs):
    md = value(outputs["gradcheck"], "text/markdown")
    assert "): all gradients agree" in md.split("\n")[0]
    assert "| input | analytic (backward) | numeric (central difference) |" in md
    assert "| $a$ | 0.9672437436 | 0.9672437436 |" in md and "| $b$ | 0.4407525089 | 0.4407525089 |" in md
    assert (round(GRAD_A, 10), round(GRAD_B, 10)) == (0.9672437436, 0.4407525089)
    assert value(outputs["gradcheck"]) == "<GradcheckResult: all 2 gradients agree>"


def test_gradcheck_shows_the_wrong_gradient(outputs):
    md = value(outputs["gradcheck-bad"], "text/markdown")
    assert md.split("\n")[0].endswith("): 1 of 1 disagree")
    (row,) = [line for line in md.split("\n") if line.startswith("| $x$")]
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[:3] == ["$x$", "3", "6"] and cells[-1] == "FAIL"


def test_the_network_step_is_worked(outputs):
    assert [line.strip() for line in printed(outputs["mlp-explain"]).splitlines()] == [
        "∂E/∂w[2][0,0] = ∂E/∂out[2,0] · ∂out[2,0]/∂net[2,0] · ∂net[2,0]/∂w[2][0,0]",
        "where ∂E/∂out[2,0] = out[2,0] − 0.01 = 0.8035 − 0.01 = 0.7935",
        "∂out[2,0]/∂net[2,0] = σ′(net[2,0]) = out[2,0]·(1 − out[2,0]) = 0.8035·(1 − 0.8035) = 0.1579",
        "∂net[2,0]/∂w[2][0,0] = out[1,0] = 0.0197",
        "= 0.7935 · 0.1579 · 0.0197", "= 0.002468"]
    md = value(outputs["update"], "text/markdown")
    assert md.split("\n")[0] == "| parameter | value | ∂E/∂p | after p − 0.01·∂E/∂p |"
    assert "| $w^{[2]}_{0,0}$ | 0.7 | 0.00246821 | 0.699975 |" in md  # the document's w16
    assert "| $w^{[2]}_{0,1}$ | 0.8 | 0.140813 | 0.798592 |" in md  # w17 (the document misprints ∂E/∂w17)
    assert len(md.split("\n")) == 2 + 25
    assert all(text in svg(outputs["network"]) for text in ("0.002468", "0.7935"))


def test_the_step_lowers_the_error(outputs):
    after, before = ast.literal_eval(value(outputs["step"]))
    assert round(before, 6) == 0.314807 and after < before  # ½(0.8035 − 0.01)²: ∂E/∂out = 0.7935


def test_the_command_engine_uses_the_documents_names(outputs):
    assert printed(outputs["walkthrough"]).splitlines() == [
        "∂E/∂w16 = ∂E/∂out_n9 · ∂out_n9/∂net_n9 · ∂net_n9/∂w16",
        "  where ∂E/∂out_n9 = out_n9 − target = 0.8035 − 0.01 = 0.7935",
        "        ∂out_n9/∂net_n9 = σ′(net_n9) = out_n9·(1 − out_n9) = 0.8035·(1 − 0.8035) = 0.1579",
        "        ∂net_n9/∂w16 = out_n6 = 0.0197",
        "        = 0.7935 · 0.1579 · 0.0197",
        "        = 0.002468",
    ]
