"""The explorer page without a browser (tests/test_explorer_browser.py opens it in one): one
offline file naming no URL, its data blob, the size cutoff, the notebook display, the API's and
the CLI's errors, and the backward order and training frames it is built from."""

from __future__ import annotations

import json
import re
import time

import pytest
from doc_2331 import worked_2331

from autograd import Value
from autograd.explore import Backward, Explorer, explore
from autograd.graph import inputs, walk
from autograd.page import json_blob
from chainrule import explorer as chainrule_explorer
from chainrule import netfile
from chainrule.cli import main
from chainrule.walkthrough import work
from nn import MLP, losses
from nn.view import explore as explore_network


def blob(page: str) -> dict:
    found = re.search(r'<script type="application/json" id="explorer-data">(.*?)</script>', page, re.S)
    assert found is not None
    return json.loads(found.group(1))


@pytest.fixture(scope="module")
def pages():
    net, E = worked_2331()
    return {"graph": explore(E).html, "network": explore_network(net, E).html}


@pytest.mark.parametrize("kind", ["graph", "network"])
def test_the_page_names_no_url_and_holds_its_script_and_style(pages, kind):
    page = pages[kind]
    assert "http://" not in page and "https://" not in page
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"<(script|link|img|iframe)[^>]*\b(src|href)=", page)  # nothing fetched
    assert "<style>" in page and "JSON.parse" in page and "xmlns" not in page and "<!--" not in page


def test_the_data_blob_describes_every_clickable_node(pages):
    page = pages["network"]
    data = blob(page)
    assert set(data["views"]) == {"network", "graph"} and data["first"] == "network"
    net = data["views"]["network"]
    assert net["nodes"]["n0_0_w0"]["label"] == "w1" and net["nodes"]["n0_0_w0"]["grad"] == "0.0559"
    assert "0.0559" in net["nodes"]["n0_0_w0"]["derivation"]
    for key in net["nodes"]:
        assert len(re.findall(rf'<g[^>]*data-node="{key}"', page)) == 1
    assert re.search(r'<g[^>]*data-node="n0_0_w0"[^>]*tabindex="0"[^>]*role="button"[^>]*aria-label="w1"',
                     page)
    graph = data["views"]["graph"]
    assert graph["steps"][0]["node"] == graph["output"] and len(graph["steps"]) == len(graph["nodes"])


def test_backward_completes_each_node_after_all_its_users():
    _, E = worked_2331()
    back = Backward(E)
    order, leaves = walk(E)
    assert back.events[0] is E and len(back.events) == len(order) + len(leaves)
    place = {v: t for t, v in enumerate(back.events)}
    for u in order:
        assert all(place[x] > place[u] for x in inputs(u))
    assert all(back.grad[v] == pytest.approx(v.grad, rel=1e-12, abs=1e-15) for v in back.events)


def test_no_label_can_end_the_script():
    x = Value(2.0, label="</script><script>alert(1)</script>")
    page = explore(x * x).html
    assert page.count("</script>") == 2  # the data's and the code's own
    assert any(n["label"] == x.label for n in blob(page)["views"]["graph"]["nodes"].values())
    assert json.loads(json_blob({"a": "</script>&<!--"})) == {"a": "</script>&<!--"}


def test_a_large_graph_is_left_out_with_a_note_and_the_network_stays():
    model = MLP(20, [20, 1], seed=1)
    E = losses.squared_error(model([0.1 * i for i in range(20)]), 1.0)
    start = time.perf_counter()
    page = explore_network(model, E).html
    assert time.perf_counter() - start < 10
    data = blob(page)
    assert "left out" in data["views"]["graph"]["note"] and 'id="graph-view"' in page
    assert page.count("<svg") == 1 and data["views"]["network"]["nodes"]
    small = blob(explore(E * 1.0, max_nodes=5).html)["views"]["graph"]
    assert "more than 5" in small["note"] and small["nodes"] == {}


def test_a_notebook_shows_it_in_a_sandboxed_frame(pages):
    _, E = worked_2331()
    shown = explore(E)._repr_html_()
    assert shown.startswith("<iframe srcdoc=") and 'sandbox="allow-scripts"' in shown
    assert "<script" not in shown  # all of it escaped inside srcdoc


def test_save_keeps_an_existing_file_and_refuses_a_folder(tmp_path):
    _, E = worked_2331()
    page = explore(E, tmp_path / "e.html")
    assert isinstance(page, Explorer) and (tmp_path / "e.html").read_text(encoding="utf-8") == page.html
    with pytest.raises(FileExistsError, match="overwrite=True"):
        page.save(tmp_path / "e.html")
    assert page.save(tmp_path / "e.html", overwrite=True).exists()
    with pytest.raises(IsADirectoryError, match="is a folder"):
        page.save(tmp_path)


def test_bad_arguments_are_refused_by_name():
    net, E = worked_2331()
    with pytest.raises(TypeError, match="explore: output must be a Value"):
        explore(3.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="path must be a file name"):
        explore(E, 3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"expected an nn\.MLP"):
        explore_network(E, E)
    with pytest.raises(TypeError, match="output must be a Value"):
        explore_network(net, [E])


def run(capsys, *argv):
    rc = main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


def test_the_cli_writes_the_page_and_never_overwrites_without_force(capsys, tmp_path):
    path = tmp_path / "x.html"
    rc, _, err = run(capsys, "walkthrough", "doc_2331", "--html", str(path))
    assert rc == 0 and f"wrote {path}" in err
    page = path.read_text(encoding="utf-8")
    assert "http" not in page and "training" not in blob(page)
    w1 = blob(page)["views"]["network"]["nodes"]["n0_0_w0"]["derivation"]
    assert w1.startswith("∂E/∂w1 = δ_n3·x1 = 0.24306·0.23 = 0.0559") and "δ_n9 =" in w1
    path.write_text("mine")
    rc, _, err = run(capsys, "walkthrough", "doc_2331", "--html", str(path))
    assert rc == 2 and "already exists" in err and "--force" in err and err.count("\n") == 1
    assert path.read_text() == "mine"
    assert run(capsys, "walkthrough", "doc_2331", "--html", str(path), "--force")[0] == 0
    assert path.read_text(encoding="utf-8") != "mine"


@pytest.mark.parametrize(("where", "said"), [("", "is a folder"), ("no/such/x.html", "does not exist")])
def test_the_cli_refuses_a_folder_or_a_missing_folder(capsys, tmp_path, where, said):
    rc, out, err = run(capsys, "walkthrough", "--html", str(tmp_path / where))
    assert rc == 2 and said in err and err.count("\n") == 1 and out == ""  # refused before any work


def test_the_slider_replays_the_walkthrough_training():
    spec = netfile.resolve("doc_2331")
    spec.steps = 500
    w = work(spec)
    t = chainrule_explorer.training(w, 4)
    assert t is not None
    assert t.losses == [w.E.data, w.loss_after, *w.history]
    assert len(t.steps) <= chainrule_explorer.MAX_FRAMES and t.steps[0] == 0 and t.steps[-1] == 501
    assert len(t.values) == len(t.grads) == len(t.loss_text) == len(t.steps)
    assert t.names[:3] == ["w1", "w4", "b1"] and t.keys[:3] == ["n0_0_w0", "n0_0_w1", ""]
    assert t.values[0][:2] == ["0.1", "0.4"] and t.grads[0][0] == "0.0559"


def test_explore_is_autograds_and_nn_views():
    import autograd
    import nn.view
    from autograd.explore import explore as engine_explore

    assert autograd.explore is engine_explore and callable(nn.view.explore)
    assert "explore" in autograd.__all__ and "Explorer" in autograd.__all__


def test_the_pictures_grad_rows_are_worked_out_without_backward():
    from autograd import Value, explore

    x = Value(2.0, label="x")
    y = (x * x).tanh()
    y.label = "y"
    page = explore(y).html
    assert "grad 0.005364" in page and "grad 0.001341" in page  # ∂y/∂x and ∂y/∂(x·x)
    assert x.grad == 0.0 and y.grad == 0.0  # the Values are left as they were


def test_a_small_graph_is_not_blown_up_to_the_pages_width():
    from autograd import Value, explore

    x = Value(2.0, label="x")
    assert re.search(r'<svg[^>]* style="max-width: \d+pt"', explore(x * 3.0).html)


def test_every_output_of_a_softmax_reaches_E_in_the_network_view(tmp_path):
    page = tmp_path / "s.html"
    assert main(["walkthrough", "doc_003_softmax", "--html", str(page)]) == 0
    net = blob(page.read_text(encoding="utf-8"))["views"]["network"]
    outputs = [k for k, v in net["nodes"].items() if v["label"] in ("p1", "p2", "p3")]
    assert len(outputs) == 3
    assert all([u[0] for u in net["up"][k]] == ["E"] for k in outputs)  # cross-entropy reads p2 alone


def test_a_neuron_is_headed_by_its_delta_and_derived_once(tmp_path):
    page = tmp_path / "a.html"
    assert main(["walkthrough", "all_sigmoid_222", "--html", str(page)]) == 0
    net = blob(page.read_text(encoding="utf-8"))["views"]["network"]
    (o1,) = [v for v in net["nodes"].values() if v["label"] == "o1"]
    assert o1["heading"] == "δ_o1 = ∂E/∂net_o1 = 0.1385"
    lines = o1["derivation"].splitlines()
    assert sum(line.startswith("δ_o1 =") for line in lines) == 1
    assert sum(line.startswith("∂E/∂b2 = δ_o1") for line in lines) == 1


def test_paths_are_checked_before_the_page_is_built(tmp_path):
    _, E = worked_2331()
    with pytest.raises(FileNotFoundError, match=r"explore: the folder .* does not exist"):
        explore(E, tmp_path / "missing" / "e.html")
    with pytest.raises(TypeError, match="path must be a file name"):
        explore(E, "")
    with pytest.raises(ValueError, match="does not depend on the model's parameters"):
        explore_network(MLP(2, [1], seed=0), E)
    with pytest.raises(ValueError, match="max_nodes"):
        explore_network(*worked_2331(), max_nodes=0)


def test_an_empty_html_name_is_refused(capsys):
    rc, _, err = run(capsys, "walkthrough", "--html", "")
    assert rc == 2 and err.strip() == "chainrule: --html needs a file name, such as net.html"


def test_highlight_selects_a_parameter_when_the_page_opens(tmp_path):
    page = tmp_path / "h.html"
    assert main(["walkthrough", "doc_2331", "--html", str(page), "--highlight", "w1"]) == 0
    net = blob(page.read_text(encoding="utf-8"))["views"]["network"]
    assert net["nodes"][net["selected"]]["label"] == "w1"
    plain = tmp_path / "p.html"
    assert main(["walkthrough", "doc_2331", "--html", str(plain)]) == 0
    assert blob(plain.read_text(encoding="utf-8"))["views"]["network"]["selected"] == ""
    net_model, E = worked_2331()
    with pytest.raises(ValueError, match="highlight must be one of the model's parameters"):
        explore_network(net_model, E, highlight=Value(1.0))
