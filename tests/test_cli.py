"""The ``chainrule`` command (chainrule/cli.py): the worked training step of a network file, its
JSON and Markdown reports, and ``check`` grading hand-computed numbers.

The default network is the 2-3-3-1 network of "Deep Learning - The Mathematics Behind Neural
Network - Part 2" (docs/sources.md); the numbers below are the ones that document prints.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import math
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib

import chainrule
from chainrule import netfile, walkthrough
from chainrule.claims import check_claims, value_of
from chainrule.cli import main
from chainrule.report import build_report
from nn import MLP, SGD, losses

EXAMPLES_DIR = Path(chainrule.__file__).parent / "examples"
EXAMPLE_NAMES = sorted(p.stem for p in EXAMPLES_DIR.glob("*.toml"))
REPO = Path(chainrule.__file__).resolve().parent.parent
_spec = netfile.resolve


def console_script() -> str:
    """The installed ``chainrule`` script, beside this Python (the venv's bin need not be on PATH)."""
    for folder in (Path(sys.executable).parent, *map(Path, os.get_exec_path())):
        script = folder / ("chainrule.exe" if os.name == "nt" else "chainrule")
        if script.is_file():
            return str(script)
    pytest.fail("no chainrule console script beside Python: pip install -e '.[test]' installs it")



def run(capsys, *argv: str) -> tuple[int, str, str]:
    rc = main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


def json_of(capsys, *argv: str) -> dict:
    rc, out, err = run(capsys, *argv, "--format", "json")
    assert rc == 0, err
    return json.loads(out)


def write(tmp_path: Path, text: str, name: str = "claims.toml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


# --- an independent reference: the eager engine on the same numbers --------------------------


def reference(spec: netfile.NetSpec, steps: int = 0) -> dict:
    """Forward, backward and plain SGD with nn.MLP.from_weights, not walkthrough: the gradients
    (in walkthrough's order: output layer first, each neuron's weights then its bias), E after
    one step of every parameter, and the losses of ``steps`` more steps."""
    model = MLP.from_weights(
        [layer.weights for layer in spec.layers],
        [layer.biases for layer in spec.layers],
        [layer.activation for layer in spec.layers],
    )

    def loss():
        out = model(spec.inputs)
        outs = out if isinstance(out, list) else [out]
        if spec.loss == "cross_entropy":
            return losses.cross_entropy(
                outs, spec.target, from_logits=spec.layers[-1].activation != "softmax"
            )
        assert spec.loss in ("squared_error", "mse"), "the reference knows the examples' losses only"
        return getattr(losses, spec.loss)(outs, spec.target)

    E = loss()
    model.zero_grad()
    E.backward()
    ordered = [p for layer in reversed(model.layers) for n in layer.neurons for p in (*n.w, n.b)]
    grads = [p.grad for p in ordered]
    values = [p.data for p in ordered]
    for p in model.parameters():
        p.data -= spec.learning_rate * p.grad
    after = loss().data
    opt = SGD(model.parameters(), lr=spec.learning_rate)
    history = []
    for _ in range(steps):
        E_k = loss()
        model.zero_grad()
        E_k.backward()
        opt.step()
        history.append(loss().data)
    return {"E": E.data, "values": values, "grads": grads, "after": after, "history": history}


# --- 1. the default walkthrough: the document's numbers -----------------------------------------


@pytest.fixture(scope="module", params=["main()", "chainrule", "python3 -m chainrule"])
def default_output(request, tmp_path_factory) -> str:
    """The default walkthrough's stdout, from main([]) in-process and from two subprocesses."""
    if request.param == "main()":
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert main([]) == 0
        return out.getvalue()
    cmd = (
        [console_script()]
        if request.param == "chainrule"
        else [sys.executable, "-m", "chainrule"]
    )
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"} | {"PYTHONIOENCODING": "utf-8"}
    proc = subprocess.run(
        cmd, capture_output=True, encoding="utf-8", cwd=tmp_path_factory.mktemp("cwd"), env=env, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert "\033[" not in proc.stdout  # not a terminal: no colour
    return proc.stdout


def line_starting(text: str, prefix: str) -> str:
    lines = [line for line in text.splitlines() if line.startswith(prefix)]
    assert len(lines) == 1, (prefix, lines)
    return lines[0]


@pytest.mark.parametrize(
    "neuron, net, out",
    [
        ("n3", "0.343", "relu(net_n3) = relu(0.343) = 0.343"),
        ("n4", "−0.079", "relu(net_n4) = relu(−0.079) = 0"),
        ("n5", "0.699", "relu(net_n5) = relu(0.699) = 0.699"),
        ("n6", "0.0197", "relu(net_n6) = relu(0.0197) = 0.0197"),
        ("n7", "1.124", "relu(net_n7) = relu(1.124) = 1.124"),
        ("n8", "1.328", "relu(net_n8) = relu(1.328) = 1.328"),
        ("n9", "1.408", "σ(net_n9) = σ(1.408) = 0.8035"),
    ],
)
def test_default_forward_pass(default_output, neuron, net, out):
    lines = default_output.splitlines()
    line = line_starting(default_output, f"net_{neuron} = ")
    assert line.endswith(f" = {net}")
    assert lines[lines.index(line) + 1] == f"    out_{neuron} = {out}"


def test_default_forward_formula_and_error(default_output):
    assert "net_n3 = w1·x1 + w4·x2 + b1 = 0.1·0.23 + 0.4·0.55 + 0.1 = 0.343\n" in default_output
    assert (
        "net_n9 = w16·out_n6 + w17·out_n7 + w18·out_n8 + b7 = 0.7·0.0197 + 0.8·1.124 + 0.9·1.328 + (−0.7)"
        " = 1.408\n"
    ) in default_output
    assert ("E = ½ Σₖ (targetₖ − outₖ)², target = 0.01\n"
            "E = 0.5·(target − out_n9)² = 0.5·(0.01 − 0.8035)² = 0.3148\n") in default_output


@pytest.mark.parametrize(
    "block",
    [
        "    δ_n9 = ∂E/∂out_n9·σ′(net_n9) = (out_n9 − target)·out_n9·(1 − out_n9) = (0.8035 − 0.01)·0.8035·"
        "(1 − 0.8035) = 0.7935·0.1579 = 0.1253\n",
        "    δ_n6 = δ_n9·w16·relu′(net_n6) = 0.12529·0.7·1 = 0.0877\n",
        "    ∂E/∂w16 = δ_n9·out_n6 = 0.1253·0.0197 = 0.002468\n",
        "    ∂E/∂w17 = δ_n9·out_n7 = 0.1253·1.124 = 0.1408\n",
        "    ∂E/∂w7 = δ_n6·out_n3 = 0.0877·0.343 = 0.03008\n",
    ],
    ids=["δ_n9", "δ_n6", "w16", "w17", "w7"],
)
def test_default_derivations(default_output, block):
    assert "\n" + block in default_output


@pytest.mark.parametrize(
    "param, value, grad, new",
    [
        ("w16", "0.7", "0.00246821", "0.699975"),
        ("w17", "0.8", "0.140813", "0.798592"),
        ("w18", "0.9", "0.166397", "0.898336"),
        ("b7", "−0.7", "0.12529", "−0.701253"),
        ("w7", "0.7", "0.0300821", "0.699699"),
    ],
)
def test_default_update_table(default_output, param, value, grad, new):
    line = line_starting(default_output, f"{param} ")
    assert line.split() == [param, value, grad, new]


def test_default_loss_goes_down(default_output):
    m = re.search(r"^E = 0\.3148 → (\S+)  \(down\)$", default_output, re.M)
    assert m and float(m.group(1)) < 0.3148


def test_default_claims_flag_exactly_w17_and_w18(default_output):
    section = default_output.split("7. The document's numbers\n")[1].splitlines()
    assert section[0].split() == ["quantity", "claimed", "chainrule"]
    rows = {}
    for line in section[1:21]:
        m = re.fullmatch(r"(.+?)\s{2,}(\S+)\s+(\S+)   (✓|✗ wrong)", line)
        assert m, line
        rows[m.group(1)] = (m.group(2), m.group(3), m.group(4))
    claims = tomllib.loads((EXAMPLES_DIR / "doc_2331.toml").read_text(encoding="utf-8"))["claims"]
    assert list(rows) == list(claims)
    assert {q: claimed for q, (claimed, _, _) in rows.items()} == claims
    assert {q for q, (_, _, verdict) in rows.items() if verdict != "✓"} == {"∂E/∂w17", "∂E/∂w18"}
    assert rows["∂E/∂w17"] == ("0.0850", "0.1408", "✗ wrong")
    assert rows["∂E/∂w18"] == ("0.1003", "0.1664", "✗ wrong")
    assert section[21] == "18 of 20 agree; wrong: ∂E/∂w17, ∂E/∂w18"


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["walkthrough"],
        ["doc_2331"],
        ["walkthrough", "doc_2331.toml"],
        ["--no-color"],
        [str(EXAMPLES_DIR / "doc_2331.toml")],
    ],
)
def test_default_spellings_give_the_same_walkthrough(capsys, argv):
    rc, out, err = run(capsys, *argv)
    assert rc == 0 and err == ""
    assert main([]) == 0
    assert out == capsys.readouterr().out


def test_help_exits_0(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    assert "walkthrough" in capsys.readouterr().out


# --- 2. --format json ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_json_equals_walkthrough_work(capsys, name):
    doc = json_of(capsys, name)
    w = walkthrough.work(_spec(name))
    spec = w.spec
    assert doc["title"] == spec.title and doc["loss"] == spec.loss
    assert doc["inputs"] == spec.inputs and doc["learning_rate"] == spec.learning_rate
    assert [{k: f[k] for k in ("neuron", "net", "out", "delta")} for f in doc["forward"]] == [
        {"neuron": n.name, "net": n.net, "out": n.out, "delta": n.delta} for row in w.neurons for n in row
    ]
    assert doc["E"] == w.E.data
    assert [{k: p[k] for k in ("name", "value", "grad", "new")} for p in doc["parameters"]] == [
        {"name": p.label, "value": p.data, "grad": p.grad, "new": new}
        for p, new in zip(w.params, w.new_values)
    ]
    assert [p["derivation"]["total"] for p in doc["parameters"]] == [p.grad for p in w.params]
    assert doc["E_after"] == w.loss_after
    assert doc["history"] == w.history
    assert len(doc["history"]) == spec.steps
    if spec.claims:
        assert [{k: c[k] for k in ("quantity", "claimed", "value", "right")} for c in doc["claims"]] == [
            {"quantity": r.quantity, "claimed": r.claimed, "value": r.value, "right": r.right}
            for r in check_claims(w, spec.claims)
        ]
        assert [c["why"] for c in doc["claims"]] == [r.why for r in build_report(w).claims or ()]
    else:
        assert "claims" not in doc


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_json_gradients_equal_the_eager_engine(capsys, name):
    doc = json_of(capsys, name)
    spec = _spec(name)
    ref = reference(spec)
    assert doc["E"] == pytest.approx(ref["E"], rel=1e-12)
    assert [p["value"] for p in doc["parameters"]] == ref["values"]
    assert [p["grad"] for p in doc["parameters"]] == pytest.approx(ref["grads"], rel=1e-12, abs=1e-15)
    for p in doc["parameters"]:
        assert p["new"] == pytest.approx(p["value"] - spec.learning_rate * p["grad"], rel=1e-15, abs=1e-15)


def test_json_w16_gradient_is_the_eager_engines(capsys):
    doc = json_of(capsys)
    net = MLP.from_weights(
        [
            [[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]],
            [[0.7, 0.1, 0.4], [0.8, 0.2, 0.5], [0.9, 0.3, 0.6]],
            [[0.7, 0.8, 0.9]],
        ],
        [[0.1, -0.4, 0.3], [-0.5, 0.5, 0.6], [-0.7]],
        ["relu", "relu", "sigmoid"],
    )
    E = losses.squared_error(net([0.23, 0.55]), [0.01])
    E.backward()
    w16 = net.layers[2].neurons[0].w[0]
    (param,) = [p for p in doc["parameters"] if p["name"] == "w16"]
    assert param["grad"] == w16.grad
    assert round(param["grad"], 6) == 0.002468
    assert doc["E"] == E.data


def test_json_has_the_documents_numbers(capsys):
    doc = json_of(capsys)
    forward = {f["neuron"]: f for f in doc["forward"]}
    assert list(forward) == ["n3", "n4", "n5", "n6", "n7", "n8", "n9"]
    printed = {
        "n3": (0.343, 3),
        "n4": (0, 3),
        "n5": (0.699, 3),
        "n6": (0.0197, 4),
        "n7": (1.1239, 4),
        "n8": (1.3281, 4),
        "n9": (0.8035, 4),
    }
    for n, (out, digits) in printed.items():
        assert round(forward[n]["out"], digits) == out
    assert round(forward["n9"]["net"], 4) == 1.4082
    assert round(forward["n4"]["net"], 3) == -0.079
    assert round(forward["n9"]["delta"], 4) == 0.1253  # = ∂E/∂b7
    assert round(doc["E"], 4) == 0.3148
    params = {p["name"]: p for p in doc["parameters"]}
    assert len(params) == 25 and [p["name"] for p in doc["parameters"]][:5] == [
        "w16",
        "w17",
        "w18",
        "b7",
        "w7",
    ]
    assert {k: round(params[k]["grad"], 4) for k in ("w17", "w18", "b7")} == {
        "w17": 0.1408,
        "w18": 0.1664,
        "b7": 0.1253,
    }
    assert round(params["w7"]["grad"], 5) == 0.03008
    assert {k: round(params[k]["new"], 6) for k in ("w16", "w17", "w18", "b7")} == {
        "w16": 0.699975,
        "w17": 0.798592,
        "w18": 0.898336,
        "b7": -0.701253,
    }
    assert doc["E_after"] < doc["E"]
    claims = {c["quantity"]: c for c in doc["claims"]}
    assert len(claims) == 20
    assert {q for q, c in claims.items() if not c["right"]} == {"∂E/∂w17", "∂E/∂w18"}
    assert claims["∂E/∂w17"]["claimed"] == "0.0850" and claims["∂E/∂w17"]["value"] == params["w17"]["grad"]


# E after the step must be the loss of the network with every parameter moved by −lr·∂E/∂p.
@pytest.mark.parametrize(
    "name",
    [
        n
        for n in EXAMPLE_NAMES
    ],
)
def test_E_after_is_the_loss_of_the_updated_network(capsys, name):
    doc = json_of(capsys, name)
    assert doc["E_after"] == pytest.approx(reference(_spec(name))["after"], rel=1e-12)


def test_default_E_after_value_in_text(capsys):
    # 0.5·(0.01 − sigmoid(net_n9 after the step))² = 0.312563; chainrule prints 0.2187.
    _, out, _ = run(capsys)
    assert "E = 0.3148 → 0.3126  (down)" in out


@pytest.mark.parametrize(
    "name, steps",
    [
        ("doc_001_neuron", 5),
        ("doc_2331", 3),
        ("all_sigmoid_222", 3),
    ],
)
def test_further_steps_are_plain_sgd(capsys, name, steps):
    doc = json_of(capsys, name, "--steps", str(steps))
    assert doc["history"] == pytest.approx(reference(_spec(name), steps)["history"], rel=1e-12)


# --- 3. --out DIR ------------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot is not installed")
def test_out_writes_report_and_diagrams(tmp_path, capsys):
    out = tmp_path / "report" / "sub"  # parents are made
    rc, stdout, err = run(capsys, "--out", str(out), "--format", "json")
    assert rc == 0
    assert json.loads(stdout) == json.loads((out / "report.json").read_text(encoding="utf-8"))
    files = ["report.md", "report.json", "network.svg", "network.png", "graph.svg", "graph.png"]
    for f in files:
        assert (out / f).is_file() and (out / f).stat().st_size > 0, f
    assert (out / "network.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (out / "graph.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    for svg in ("network.svg", "graph.svg"):
        text = (out / svg).read_text(encoding="utf-8")
        assert "<svg" in text and "w16" in text
    assert not list(out.glob("*.gv"))  # dot ran and no --dot-source: no DOT sources
    assert sorted(p.name for p in out.iterdir()) == sorted(files)  # no temporaries either
    # every file written is named, the PNGs too (issue 10: nothing written silently)
    assert err.strip() == "wrote " + ", ".join(str(out / f) for f in files)
    md = (out / "report.md").read_text(encoding="utf-8")
    assert md.startswith("# A 2-3-3-1 network worked by hand")
    assert "![network.svg](network.svg)" in md and "![graph.svg](graph.svg)" in md
    assert md.count("$$") >= 2 and md.count("$$") % 2 == 0
    assert (r"- $\frac{\partial E}{\partial w_{16}} = \delta_{n_{9}} \cdot \mathrm{out}_{n_{6}} = "
            r"0.1253 \cdot 0.0197 = 0.002468$") in md
    assert r"$$E = \tfrac{1}{2}\sum_k (t_k - o_k)^2$$ with target = 0.01:" in md
    assert (r"$$E = 0.5 \cdot \left(\mathrm{target} - \mathrm{out}_{n_{9}}\right)^{2} = "
            r"0.5 \cdot \left(0.01 - 0.8035\right)^{2} = 0.3148$$") in md
    assert "| parameter | value | ∂E/∂p | after p − 0.01·∂E/∂p |" in md
    assert "| $w_{16}$ | 0.7 | 0.00246821 | 0.699975 |" in md
    assert "| $b_{7}$ | −0.7 | 0.12529 | −0.701253 |" in md
    assert "| quantity | claimed | chainrule | |" in md
    assert "| ∂E/∂w17 | 0.0850 | 0.1408 | ✗ wrong |" in md
    assert "| ∂E/∂w16 | 0.0025 | 0.002468 | ✓ |" in md
    assert md.count("✗ wrong") == 2 and md.count("| ✓ |") == 18


def test_out_without_graphviz_still_writes_the_report(tmp_path, capsys, monkeypatch):
    empty = tmp_path / "empty-path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    out = tmp_path / "report"
    rc, stdout, err = run(capsys, "--out", str(out))
    assert rc == 0
    assert "E = 0.3148" in stdout
    assert "Graphviz" in err and "install" in err.lower() and "apt-get install graphviz" in err
    assert "Traceback" not in err
    assert (out / "report.md").is_file() and (out / "report.json").is_file()
    assert not list(out.glob("*.svg")) and not list(out.glob("*.png"))
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "![" not in md  # no links to pictures that are not there
    assert r"\frac{\partial E}{\partial w_{16}}" in md
    assert json.loads((out / "report.json").read_text(encoding="utf-8"))["E"] == pytest.approx(
        0.31480675, abs=1e-8
    )


def test_out_that_is_a_file_is_a_clean_error(tmp_path, capsys):
    target = tmp_path / "taken"
    target.write_text("x")
    rc, _, err = run(capsys, "--out", str(target))
    assert rc == 2 and str(target) in err


# --- 4. every shipped example --------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "json"])
@pytest.mark.parametrize("how", ["path", "name"])
@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_every_example_runs(capsys, name, how, fmt):
    arg = str(EXAMPLES_DIR / f"{name}.toml") if how == "path" else name
    rc, out, err = run(capsys, "walkthrough", arg, "--format", fmt)
    assert rc == 0 and err == ""
    raw = tomllib.loads((EXAMPLES_DIR / f"{name}.toml").read_text(encoding="utf-8"))
    if fmt == "json":
        doc = json.loads(out)
        assert doc["title"] == raw["title"]
        assert len(doc["forward"]) == sum(len(layer["biases"]) for layer in raw["layers"])
        assert len(doc["parameters"]) == sum(
            len(layer["biases"]) * (len(layer["weights"][0]) + 1) for layer in raw["layers"]
        )
        assert len(doc["history"]) == raw.get("steps", 0)
    else:
        assert out.startswith(raw["title"] + "\n")
        for section in (
            "1. The network",
            "2. Forward pass",
            "3. Error",
            "4. Backpropagation",
            "5. Gradient descent",
            "6. After the step",
        ):
            assert section in out
        assert ("7. The document's numbers" in out) == ("claims" in raw)


def test_all_sigmoid_222_claims_all_agree(capsys):
    rc, out, _ = run(capsys, "all_sigmoid_222")
    assert rc == 0 and out.rstrip().endswith("13 of 13 agree")
    doc = json_of(capsys, "all_sigmoid_222")
    assert len(doc["claims"]) == 13 and all(c["right"] for c in doc["claims"])
    assert round(doc["E"], 9) == 0.298371109


def test_doc_001_neuron_further_steps_decrease(capsys):
    doc = json_of(capsys, "doc_001_neuron")
    losses_ = [doc["E"], doc["E_after"], *doc["history"]]
    assert len(doc["history"]) == 20
    assert all(b < a for a, b in itertools.pairwise(losses_)), losses_


def test_doc_003_softmax_output_deltas_are_p_minus_onehot(capsys):
    doc = json_of(capsys, "doc_003_softmax")
    spec = _spec("doc_003_softmax")
    out_layer = [f for f in doc["forward"] if f["neuron"] in ("p1", "p2", "p3")]
    assert (
        [f["neuron"] for f in doc["forward"][-3:]] == ["p1", "p2", "p3"] == [f["neuron"] for f in out_layer]
    )
    p = [f["out"] for f in out_layer]
    assert sum(p) == pytest.approx(1.0, abs=1e-12)
    onehot = [1.0 if k == spec.target else 0.0 for k in range(3)]
    assert [f["delta"] for f in out_layer] == pytest.approx([pk - yk for pk, yk in zip(p, onehot)], abs=1e-12)
    assert doc["E"] == pytest.approx(-math.log(p[spec.target]), rel=1e-12)


# --- 6. check --------------------------------------------------------------------------------

MIXED = '"∂E/∂w16" = "0.0025"\n"∂E/∂w17" = "0.0850"\n"∂E/∂w99" = "1.0"\n'


@pytest.mark.parametrize("layout", ["top", "table"])
@pytest.mark.parametrize(
    "net", [[], ["doc_2331"], [str(EXAMPLES_DIR / "doc_2331.toml")]], ids=["default", "by-name", "by-path"]
)
def test_check_right_wrong_and_unknown(tmp_path, capsys, layout, net):
    claims = write(tmp_path, MIXED if layout == "top" else "[claims]\n" + MIXED)
    rc, out, err = run(capsys, "check", *net, "--claims", claims)
    assert rc == 1 and err == ""
    assert out.splitlines() == [
        "✓ ∂E/∂w16 = 0.0025: right (chainrule: 0.002468)",
        "✗ ∂E/∂w17 = 0.0850: wrong; it is 0.1408",
        "  ∂E/∂w17 = δ_n9·out_n7 = 0.1253·1.124 = 0.1408",  # as the walkthrough derives it
        "✗ ∂E/∂w99: no such quantity in this network; did you mean ∂E/∂w9, ∂E/∂w1, ∂E/∂w2?",
        "",
        "1 of 3 right",
    ]


def test_check_all_right_exits_0(tmp_path, capsys):
    claims = write(tmp_path, '"∂E/∂w16" = "0.0025"\n"out_n9" = "0.8035"\n"new b7" = "-0.701253"\n')
    rc, out, _ = run(capsys, "check", "--claims", claims)
    assert rc == 0 and out.rstrip().endswith("3 of 3 right") and "✗" not in out


def test_check_wrong_claims_of_every_kind_get_their_derivation(tmp_path, capsys):
    claims = write(tmp_path, '"new w16" = "0.6998"\n"out_n3" = "0.35"\n"δ3" = "0.25"\n"E" = "0.32"\n'
                             '"E after" = "0.32"\n"w16" = "0.8"\n')
    rc, out, _ = run(capsys, "check", "--claims", claims)
    assert rc == 1
    lines = out.splitlines()
    assert lines[:2] == ["✗ new w16 = 0.6998: wrong; it is 0.69998",
                         "  new w16 = w16 − 0.01·∂E/∂w16 = 0.7 − 0.01·0.00246821 = 0.699975"]
    assert lines[2:4] == ["✗ out_n3 = 0.35: wrong; it is 0.343",
                          "  out_n3 = relu(net_n3) = relu(0.343) = 0.343"]
    assert lines[4:6] == ["✗ δ3 = 0.25: wrong; it is 0.2431",
                          "  δ_n3 = (δ_n6·w7 + δ_n7·w8 + δ_n8·w9)·relu′(net_n3) = "
                          "(0.0877·0.7 + 0.1002·0.8 + 0.1128·0.9)·1 = 0.2431"]
    assert lines[6:8] == ["✗ E = 0.32: wrong; it is 0.3148",
                          "  E = 0.5·(target − out_n9)² = 0.5·(0.01 − 0.8035)² = 0.3148"]
    assert lines[8:10] == ["✗ E after = 0.32: wrong; it is 0.3126",
                           "  E after = E again, every parameter p replaced by p − lr·∂E/∂p: "
                           "0.31480675 → 0.31256284"]
    assert lines[10:] == ["✗ w16 = 0.8: wrong; it is 0.7", "  w16 is a parameter that the network file gives",
                          "", "0 of 6 right"]


def test_check_every_softmax_output_and_delta(tmp_path, capsys):
    """The softmax outputs that cross-entropy does not read (p1, p3 for class 1) are claims too."""
    claims = write(tmp_path, '"out_p1" = "0.3857"\n"out_p3" = "0.4651"\n"δ_p2" = "-0.8508"\n'
                             '"delta_p1" = "0.3857"\n"∂E/∂out_p1" = "0"\n"E" = "1.903"\n"out_p10" = "1"\n')
    rc, out, _ = run(capsys, "check", "doc_003_softmax", "--claims", claims)
    assert rc == 1
    assert out.splitlines() == [
        "✓ out_p1 = 0.3857: right (chainrule: 0.38575)",
        "✓ out_p3 = 0.4651: right (chainrule: 0.46507)",
        "✓ δ_p2 = -0.8508: right (chainrule: −0.85082)",
        "✓ delta_p1 = 0.3857: right (chainrule: 0.38575)",
        "✓ ∂E/∂out_p1 = 0: right (chainrule: 0)",
        "✓ E = 1.903: right (chainrule: 1.9026)",
        "✗ out_p10: no such quantity in this network; did you mean out_p1, out_p2, out_p3?",
        "",
        "6 of 7 right",
    ]


def test_check_grades_the_network_files_own_claims(capsys):
    """Without --claims, check grades the file's [claims]: the document's 20, two of them wrong."""
    rc, out, err = run(capsys, "check", "doc_2331")
    assert rc == 1 and err == ""
    assert out.splitlines()[0] == "✓ out_n3 = 0.343: right (chainrule: 0.343)"
    assert out.rstrip().endswith("\n18 of 20 right")
    wrong = [line.split(" =")[0] for line in out.splitlines() if line.startswith("✗")]
    assert wrong == ["✗ ∂E/∂w17", "✗ ∂E/∂w18"]
    assert run(capsys, "check") == (rc, out, err)  # the default network
    rc, out, _ = run(capsys, "check", "all_sigmoid_222")
    assert rc == 0 and out.rstrip().endswith("\n13 of 13 right")


@pytest.mark.parametrize("net", ["doc_001_neuron", "net.toml"])
def test_check_with_nothing_to_grade_exits_2(tmp_path, capsys, monkeypatch, net):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "net.toml").write_text(
        'inputs = [1.0]\ntargets = [0.0]\nloss = "mse"\nlearning_rate = 0.1\n'
        '[[layers]]\nactivation = "linear"\nweights = [[2.0]]\nbiases = [0.5]\n', encoding="utf-8")
    rc, out, err = run(capsys, "check", net)
    path = "<built-in example doc_001_neuron>" if net == "doc_001_neuron" else "net.toml"
    assert (rc, out) == (2, "")
    assert err == (f"chainrule: {path}: nothing to grade: the network file has no [claims] and no "
                   "--claims FILE was given\n")


def test_check_a_user_network(tmp_path, capsys):
    net = write(
        tmp_path,
        'inputs = [1.0]\ntargets = [0.0]\nloss = "squared_error"\nlearning_rate = 0.1\n'
        '[[layers]]\nactivation = "linear"\nweights = [[2.0]]\nbiases = [0.5]\n'
        'weight_names = [["w"]]\nbias_names = ["b"]\n',
        "net.toml",
    )
    # out = 2.5, E = 3.125, ∂E/∂w = ∂E/∂b = 2.5; new w = 2 − 0.25, new b = 0.5 − 0.25: out 2, E 2
    claims = write(
        tmp_path,
        '"E" = "3.125"\n"dE/dw" = "2.5"\n"∂E/∂b" = "2.5"\n"new w" = "1.75"\n'
        '"b after" = "0.25"\n"E after" = "2.0"\n',
    )
    rc, out, _ = run(capsys, "check", net, "--claims", claims)
    assert rc == 0, out
    assert out.rstrip().endswith("6 of 6 right")


@pytest.mark.parametrize(
    "quantity, claimed",
    [
        ("∂E/∂w16", "0.0025"),
        ("dE/dw16", "0.0025"),
        ("dE / dw16", "0.0025"),
        ("new w16", "0.699975"),
        ("w16 after", "0.699975"),
        ("out_n9", "0.8035"),
        ("net_n9", "1.4082"),
        ("E", "0.315"),
    ],
)
def test_check_accepted_spellings(tmp_path, capsys, quantity, claimed):
    claims = write(tmp_path, f'"{quantity}" = "{claimed}"\n')
    rc, out, _ = run(capsys, "check", "--claims", claims)
    assert rc == 0, out
    assert out.startswith(f"✓ {quantity} = {claimed}: right (chainrule: ")


def test_check_E_after_is_a_known_quantity():
    w = walkthrough.work(_spec("doc_2331"))
    assert value_of(w, "E after") == w.loss_after == pytest.approx(0.31256283733733553, rel=1e-15)
    assert value_of(w, "new E") == w.loss_after


def test_check_E_after_right_value(tmp_path, capsys):
    claims = write(tmp_path, '"E after" = "0.3126"\n')  # the right value is 0.312563
    rc, out, _ = run(capsys, "check", "--claims", claims)
    assert rc == 0, out


# right when within one unit of the last written decimal: truncated or rounded numbers agree.
@pytest.mark.parametrize(
    "quantity, claimed, right",
    [
        ("∂E/∂w16", "0.0025", True),  # 0.002468 rounded
        ("∂E/∂w16", "0.0024", True),  # 0.002468 truncated: 0.000068 < one unit (0.0001)
        ("∂E/∂w16", "0.0023", False),
        ("∂E/∂w16", "0.0026", False),
        ("∂E/∂w16", "0.00247", True),
        ("∂E/∂w16", "0.00245", False),
        ("∂E/∂w16", "2.468e-3", True),
        ("∂E/∂w16", "2.5e-3", True),  # exponent form: the mantissa's digits count, as 0.0025
        ("∂E/∂w16", "2.6e-3", False),
        ("∂E/∂w16", "0.0026", False),  # neither rounded nor cut off
        ("new w7", "0.699", True),  # 0.69970 truncated
        ("new w7", "0.700", True),  # rounded
        ("new w7", "0.6997", True),
        ("new w7", "0.697", False),
        ("new w7", "0.698", False),
        ("new w7", "0.69", True),
        ("E", "0.315", True),
        ("E", "0.3150", False),  # a trailing zero claims one more decimal: 0.314807 is not 0.3150
        ("∂E/∂w17", "0.0850", False),
        ("∂E/∂w17", "0.1408", True),
        ("∂E/∂w18", "0.1003", False),
        ("∂E/∂w18", "0.1664", True),
        ("new b7", "-0.701253", True),
        ("new b7", "-0.701251", False),
    ],
)
def test_one_unit_in_the_last_place(quantity, claimed, right):
    w = walkthrough.work(_spec("doc_2331"))
    (result,) = check_claims(w, {quantity: claimed})
    assert result.right is right, (result.value, claimed)
    assert result.value == value_of(w, quantity)


@pytest.mark.parametrize("claimed, rc", [("0.0025", 0), ("0.0024", 0), ("0.0023", 1)])
def test_one_unit_rule_through_the_command(tmp_path, capsys, claimed, rc):
    claims = write(tmp_path, f'"∂E/∂w16" = "{claimed}"\n')
    assert run(capsys, "check", "--claims", claims)[0] == rc


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "no claims"),
        ("[claims]\n", "no claims"),
        ('"∂E/∂w16" = "zero"\n', "expected a finite number, found str 'zero'"),
        ('[claims]\n"∂E/∂w16" = "zero"\n', "claims.∂E/∂w16: expected a finite number, found str 'zero'"),
    ],
)
def test_check_bad_claims_file_exit_2(tmp_path, capsys, text, message):
    claims = write(tmp_path, text)
    rc, out, err = run(capsys, "check", "--claims", claims)
    assert rc == 2 and out == ""
    assert err.startswith(f"chainrule: {claims}: ") and message in err


def test_check_claims_needs_a_file(capsys):
    with pytest.raises(SystemExit) as info:
        main(["check", "--claims"])
    assert info.value.code == 2
    assert capsys.readouterr() == ("", "chainrule check: argument --claims: expected one argument\n")


@pytest.mark.parametrize(
    "argv, message",
    [
        (["chek"], "chainrule: unknown command 'chek'; did you mean check? (commands: walkthrough, check)"),
        (["chekc", "doc_2331", "--claims", "c.toml"],
         "chainrule: unknown command 'chekc'; did you mean check? (commands: walkthrough, check)"),
        (["walktrough"],
         "chainrule: unknown command 'walktrough'; did you mean walkthrough? (commands: walkthrough, check)"),
        (["--format", "jsn"],
         "chainrule walkthrough: argument --format: invalid choice: 'jsn' (choose from 'text', 'json')"),
        (["--fromat", "json"],
         "chainrule walkthrough: unrecognized argument '--fromat'; did you mean --format?"),
        (["check", "--claim", "c.toml"], "chainrule: c.toml: no such file"),  # --claim: short for --claims
        (["check", "--clams", "c.toml"],
         "chainrule check: unrecognized argument '--clams'; did you mean --claims?"),
        (["check", "-x"],
         "chainrule check: unrecognized argument '-x'; its options are -h, --help, --claims, --digits, "
         "--grads, --grads-module, --rtol"),
        (["doc_2331", "doc_2331"],
         "chainrule walkthrough: unrecognized argument 'doc_2331': it takes one network file"),
        (["--steps=-1"], "chainrule: --steps must be from 0 to 10000, not -1"),
        (["checks.toml"], "chainrule: checks.toml: no such file (built-in examples: "  # a path: not a command
                          + ", ".join(EXAMPLE_NAMES) + ")"),
    ],
)
def test_a_usage_error_is_one_line_naming_what_is_valid(tmp_path, capsys, monkeypatch, argv, message):
    monkeypatch.chdir(tmp_path)
    with contextlib.suppress(SystemExit):
        assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and err == message + "\n"


def test_a_file_named_like_a_command_is_a_file(tmp_path, capsys, monkeypatch):
    """Only a word that is no file and no built-in example is read as a misspelt command."""
    monkeypatch.chdir(tmp_path)
    shutil.copy(EXAMPLES_DIR / "doc_2331.toml", tmp_path / "chek")
    rc, out, err = run(capsys, "chek", "--format", "json")
    assert rc == 0 and err == "" and json.loads(out)["E"] == pytest.approx(0.3148067478478779, rel=1e-15)


# --- 7. --steps ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, steps",
    [("doc_2331", 3), ("doc_2331", 1), ("doc_001_neuron", 2), ("doc_001_neuron", 25), ("doc_003_softmax", 4)],
)
def test_steps_overrides_the_file(capsys, name, steps):
    rc, out, _ = run(capsys, name, "--steps", str(steps))
    assert rc == 0
    line = line_starting(out, "further steps: ")
    values = [float(x) for x in line.removeprefix("further steps: ").split(", ")]
    assert len(values) == steps
    assert len(json_of(capsys, name, "--steps", str(steps))["history"]) == steps


@pytest.mark.parametrize("name", ["doc_001_neuron", "doc_2331"])
def test_steps_0_shows_no_further_steps(capsys, name):
    rc, out, _ = run(capsys, name, "--steps", "0")
    assert rc == 0 and "further steps" not in out
    assert json_of(capsys, name, "--steps", "0")["history"] == []


@pytest.mark.parametrize("steps", ["-1", "10001", "two", "1.5"])
def test_bad_steps_rejected_by_argparse(capsys, steps):
    with pytest.raises(SystemExit) as info:
        main(["doc_2331", f"--steps={steps}"])
    assert info.value.code == 2
    _, err = capsys.readouterr()
    assert "--steps" in err and "Traceback" not in err


def test_bad_format_rejected(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--format", "yaml"])
    assert info.value.code == 2
    assert "--format" in capsys.readouterr().err


def test_steps_subprocess_rejects_negative():
    proc = subprocess.run(
        [sys.executable, "-m", "chainrule", "--steps", "-1"],
        capture_output=True,
        encoding="utf-8",
        cwd=REPO,
        timeout=60,
    )
    assert proc.returncode == 2 and proc.stdout == ""
    assert "--steps must be from 0 to 10000, not -1" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize(("claimed", "right"), [("0", False), ("0.1", True), ("0.14", True), ("0.2", False)])
def test_a_zero_claim_means_zero(claimed, right):
    w = walkthrough.work(_spec("doc_2331"))
    (result,) = check_claims(w, {"∂E/∂w17": claimed})  # 0.1408
    assert result.right is right


def test_a_step_that_diverges_is_shown_not_a_traceback(tmp_path, capsys):
    path = tmp_path / "net.toml"
    path.write_text(
        'inputs = [1.0, 2.0]\ntargets = [0.0]\nloss = "mse"\nlearning_rate = 1e308\n'
        '[[layers]]\nactivation = "linear"\nweights = [[1.0, 2.0]]\nbiases = [0.0]\n',
        encoding="utf-8",
    )
    assert main(["walkthrough", str(path), "--no-color"]) == 0
    out = capsys.readouterr().out
    assert "E = 25 → inf" in out or "→ nan" in out
