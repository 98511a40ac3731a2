"""``chainrule check NET --grads FILE`` and ``--grads-module FILE`` (chainrule/user_grads.py): a
hand-written backprop's numbers checked, the first disagreement derived as the walkthrough
derives it, the slip named; exit 0 when all agree, 1 when not, 2 (one line, no traceback) for
a file, a module or a name that cannot be checked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chainrule.cli import main

ROOT = Path(__file__).resolve().parent.parent

# A plain-Python backprop of any sigmoid/relu network of squared error, as a user writes it;
# SLIP is replaced to plant a bug.
MODULE = '''
import math

def f(act, z):
    return max(z, 0.0) if act == "relu" else 1 / (1 + math.exp(-z))

def df(act, z, a):
    return (1.0 if z > 0 else 0.0) if act == "relu" else a * (1 - a)

ACTS = ACTIVATIONS

def gradients(weights, biases, inputs, targets):
    xs, nets = [inputs], []
    for W, b, act in zip(weights, biases, ACTS):
        nets.append([sum(w * x for w, x in zip(row, xs[-1])) + bj for row, bj in zip(W, b)])
        xs.append([f(act, z) for z in nets[-1]])
    g = [o - t for o, t in zip(xs[-1], targets)]
    got = {}
    for k in reversed(range(len(weights))):
        delta = [gi * df(ACTS[k], z, a) for gi, z, a in zip(g, nets[k], xs[k + 1])]
        SLIP
        got.update({f"w[{k}][{j},{i}]": d * x for j, d in enumerate(delta) for i, x in enumerate(xs[k])})
        got.update({f"b[{k}][{j}]": d for j, d in enumerate(delta)})
        got.update({f"δ_[{k},{j}]": d for j, d in enumerate(delta)})
        g = [sum(weights[k][j][i] * d for j, d in enumerate(delta)) for i in range(len(xs[k]))]
    return got
'''


def module(tmp_path: Path, slip: str = "pass", acts: str = '["relu", "relu", "sigmoid"]',
           name: str = "mine.py", text: str | None = None) -> str:
    path = tmp_path / name
    path.write_text(text if text is not None else MODULE.replace("SLIP", slip).replace("ACTIVATIONS", acts),
                    encoding="utf-8")
    return str(path)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    rc = main(["check", *argv])
    out, err = capsys.readouterr()
    return rc, out, err


def one_line_error(rc: int, out: str, err: str) -> str:
    assert (rc, out) == (2, "")
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


def test_a_correct_backprop_passes(capsys, tmp_path):
    rc, out, err = run(capsys, "doc_2331", "--grads-module", module(tmp_path))
    assert (rc, err) == (0, "")
    assert out.startswith("✓ all 32 numbers agree with chainrule's")
    sig = module(tmp_path, acts='["sigmoid", "sigmoid"]', name="sig.py")
    assert run(capsys, "all_sigmoid_222", "--grads-module", f"{sig}:gradients")[0] == 0


@pytest.mark.parametrize("slip, first, named", [
    ("delta = g if k == 2 else delta", "δ_n9", "δ_n9 without the factor sigmoid′"),
    ("delta = [-d for d in delta] if k == 2 else delta", "δ_n9", "sign error in ∂E/∂out"),
    ("weights[k] = [[w - 0.01 * d * x for w, x in zip(row, xs[k])] for row, d in zip(weights[k], delta)]",
     "δ_n6", "already updated with lr = 0.01"),
])
def test_a_planted_slip_is_found_derived_and_named(capsys, tmp_path, slip, first, named):
    rc, out, err = run(capsys, "doc_2331", "--grads-module", module(tmp_path, slip))
    assert (rc, err) == (1, "")
    assert out.splitlines()[1].strip().startswith(f"{first}: yours")
    assert f"The first, {first} = " in out
    assert f"  {first} = " in out  # the walkthrough's derivation of the right value
    assert named in out.split("Most likely slip: ")[1]


def test_a_grads_file_in_json_or_toml_with_the_walkthroughs_names(capsys, tmp_path):
    right = {"w16": 0.00246820897, "∂E/∂w17": 0.140813201, "δ3": 0.243062203, "∂E/∂net_n9": 0.125289795,
             "out_n9": 0.803481881, "E": 0.314806748}
    (tmp_path / "g.json").write_text(json.dumps(right), encoding="utf-8")
    rc, out, err = run(capsys, "doc_2331", "--grads", str(tmp_path / "g.json"), "--rtol", "1e-6")
    assert (rc, err) == (0, ""), out
    (tmp_path / "g.toml").write_text('[gradients]\n"w16" = "0.0156316"\n"w[2][0,1]" = 0.891794\n',
                                     encoding="utf-8")
    rc, out, err = run(capsys, "doc_2331", "--grads", str(tmp_path / "g.toml"), "--rtol", "1e-5")
    assert rc == 1
    assert "∂E/∂w16 = δ_n9·out_n6 = " in out  # a gradient derived in δ form, its δ below it
    assert "δ_n9 = ∂E/∂out_n9·σ′(net_n9)" in out
    assert "δ_n9 without the factor sigmoid′" in out


@pytest.mark.parametrize("text, says", [
    ("def gradients(w, b, x, t):\n    return [1.0]\n",
     "gradients() returned a list, not a dict of names to numbers"),
    ("def gradients(w, b, x, t):\n    return {'w16': 'abc'}\n", "'∂E/∂w16' is 'abc', not a number"),
    ("def gradients(w, b, x, t):\n    return 1 / 0\n",
     "gradients() raised ZeroDivisionError at line 2: division by zero"),
    ("def gradients(w, b, x, t):\n    raise SystemExit(3)\n", "gradients() raised SystemExit at line 2"),
    ("def gradient(w, b, x, t):\n    return {}\n", "gradients() is missing: define def gradients("),
    ("gradients = 3\n", "gradients() is not a function"),
    ("def gradients(w, b, x, t)\n    return {}\n", "cannot load it: SyntaxError at line 1"),
    ("import no_such_module_here\n", "cannot load it: ModuleNotFoundError at line 1"),
    ("def gradients(w, b, x, t):\n    return {'w166': 0.1}\n", "no number is named 'w166'; did you mean"),
    ("def gradients(w, b, x, t):\n    return {'new w16': 0.1}\n",
     "new w16: not a number backpropagation computes"),
])
def test_what_goes_wrong_in_the_users_module_is_one_line(capsys, tmp_path, text, says):
    err = one_line_error(*run(capsys, "doc_2331", "--grads-module", module(tmp_path, text=text)))
    assert says in err and "mine.py" in err


@pytest.mark.parametrize("text, says", [
    ('{"w16": true}', "w16: expected a number, found True"),
    ("[1, 2]", "expected names and numbers"),
    ("{", "cannot read it (JSONDecodeError"),
    ('{"\\u001b[31mw16": 0.1}', "no number is named '\\x1b[31mw16'"),
])
def test_a_bad_grads_file_is_one_line_and_shown_not_obeyed(capsys, tmp_path, text, says):
    (tmp_path / "g.json").write_text(text, encoding="utf-8")
    err = one_line_error(*run(capsys, "doc_2331", "--grads", str(tmp_path / "g.json")))
    assert says in err and "\x1b" not in err


def test_options_that_do_not_go_together(capsys, tmp_path):
    err = one_line_error(*run(capsys, "doc_2331", "--grads", "a.json", "--claims", "c.toml"))
    assert "--claims and --grads are one or the other" in err
    assert "no such file" in one_line_error(*run(capsys, "doc_2331", "--grads", str(tmp_path / "none.json")))
    missing = str(tmp_path / "n.py")
    assert "no such file" in one_line_error(*run(capsys, "doc_2331", "--grads-module", missing))
    with pytest.raises(SystemExit) as info:  # argparse's errors exit as usage errors do, one line
        main(["check", "doc_2331", "--grads", "a.json", "--rtol", "2"])
    assert info.value.code == 2
    assert "--rtol: must be above 0 and below 1, not 2" in capsys.readouterr().err


def test_no_numbers_is_an_error_not_a_pass(capsys, tmp_path):
    text = "def gradients(w, b, x, t):\n    return {}\n"
    err = one_line_error(*run(capsys, "doc_2331", "--grads-module", module(tmp_path, text=text)))
    assert "no numbers to check" in err


def test_an_ordinary_module_loads_and_is_not_kept(capsys, tmp_path):
    import sys

    text = ("from __future__ import annotations\nfrom dataclasses import dataclass\n"
            "from helper import W16\n\n@dataclass\nclass Layer:\n    W: list\n\n"
            "def gradients(w, b, x, t):\n    from helper import W16 as again\n    return {'w16': again}\n")
    (tmp_path / "helper.py").write_text("W16 = 0.00246820897\n", encoding="utf-8")
    path, before = module(tmp_path, text=text), list(sys.path)
    try:
        assert run(capsys, "doc_2331", "--grads-module", path)[0] == 0
    finally:
        sys.modules.pop("helper", None)
    assert sys.path == before and "chainrule_user_backprop" not in sys.modules


def test_a_function_name_after_the_last_colon(capsys, tmp_path):
    (tmp_path / "a:b").mkdir()
    path = tmp_path / "a:b" / "m.py"
    path.write_text("def g(w, b, x, t):\n    return {'w16': 0.00246820897}\n", encoding="utf-8")
    assert run(capsys, "doc_2331", "--grads-module", f"{path}:g")[0] == 0
    assert "gradients() is missing" in one_line_error(*run(capsys, "doc_2331", "--grads-module", str(path)))


@pytest.mark.parametrize("text, says", [
    ("[" * 100000 + "]" * 100000, "cannot read it: nested too deeply"),
    ('{"w16": 0.0025, "w16": 0.5}', "w16: given twice, with different values (0.0025 and 0.5)"),
    ('{"w16": 0.0025, "∂E/∂w16": 0.5}',
     "'w16' and '∂E/∂w16' name the same number (∂E/∂w16), with different values (0.0025 and 0.5)"),
])
def test_a_deep_or_ambiguous_grads_file_is_one_line(capsys, tmp_path, text, says):
    (tmp_path / "g.json").write_text(text, encoding="utf-8")
    assert says in one_line_error(*run(capsys, "doc_2331", "--grads", str(tmp_path / "g.json")))


def test_nan_strings_and_a_titled_toml_file(capsys, tmp_path):
    for text in ('{"w16": "nan"}', '{"w16": NaN}'):
        (tmp_path / "g.json").write_text(text, encoding="utf-8")
        rc, out, _ = run(capsys, "doc_2331", "--grads", str(tmp_path / "g.json"))
        assert rc == 1 and "∂E/∂w16: yours nan" in out
    toml = tmp_path / "g.toml"
    toml.write_text('title = "my backprop"\n[gradients]\n"w16" = 0.00246820897\n', encoding="utf-8")
    assert run(capsys, "doc_2331", "--grads", str(toml))[0] == 0
    toml.write_text('w17 = 0.1\n[gradients]\n"w16" = 0.00246820897\n', encoding="utf-8")
    err = one_line_error(*run(capsys, "doc_2331", "--grads", str(toml)))
    assert "w17: a number outside the [gradients] table" in err


def test_rtol_is_for_grads(capsys):
    err = one_line_error(*run(capsys, "doc_2331", "--rtol", "1e-3"))
    assert "--rtol is for --grads and --grads-module" in err
