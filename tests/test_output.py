"""Issue 10, "Nothing lost, nothing silently wrong": ``--out`` never loses the user's files, the
command never shows a traceback, every output escapes the user's text for its own format, and
the JSON is strict.

The 2-3-3-1 network of "Deep Learning - The Mathematics Behind Neural Network - Part 2"
(docs/sources.md) is the default network; "hostile" names are those a format would read as
markup (``|``, ``<b>``, ``\\N``, ``$``) or a terminal would obey (ESC, BEL, CR, bidi overrides).
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from test_cli import REPO, run

from autograd.notation import latex_name
from chainrule import cli, netfile, output
from chainrule.as_json import as_json, json_text
from chainrule.as_markdown import markdown, math_md, text_md
from chainrule.as_text import text, visible
from chainrule.report import build_report
from chainrule.walkthrough import work

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
IMAGES = ["network.svg", "network.png", "graph.svg", "graph.png"]
# Control characters, separators and bidi controls: none may reach a terminal or a file raw.
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def one_line(err: str) -> str:
    """stderr holds exactly one line, and no traceback; that line."""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, lines
    return lines[0]


# --- --out refuses to overwrite ----------------------------------------------------------------


@pytest.mark.parametrize("name", output.NAMES)
def test_a_folder_holding_a_file_of_a_name_it_writes_is_refused(tmp_path, capsys, name):
    (tmp_path / name).write_text("the user's", encoding="utf-8")
    rc, out, err = run(capsys, "--out", str(tmp_path))
    assert (rc, out) == (2, "")  # refused before any work
    line = one_line(err)
    assert line.startswith(f"chainrule: --out {tmp_path} already holds {name};") and "--force" in line
    assert [p.name for p in tmp_path.iterdir()] == [name]
    assert (tmp_path / name).read_text(encoding="utf-8") == "the user's"


def test_every_clash_is_named_and_links_count(tmp_path, capsys):
    (tmp_path / "report.md").write_text("mine", encoding="utf-8")
    (tmp_path / "graph.gv").symlink_to(tmp_path / "nowhere")  # a dangling link is a name taken too
    (tmp_path / "notes.txt").write_text("not ours to care about", encoding="utf-8")
    rc, _, err = run(capsys, "--out", str(tmp_path))
    assert rc == 2 and "already holds report.md, graph.gv;" in one_line(err)


def test_out_that_is_a_link_to_a_file_is_refused(tmp_path, capsys):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    (tmp_path / "link").symlink_to(tmp_path / "file")
    rc, _, err = run(capsys, "--out", str(tmp_path / "link"))
    assert rc == 2 and one_line(err) == f"chainrule: --out {tmp_path / 'link'}: exists and is not a folder"


@needs_dot
def test_force_replaces_files_and_links_without_following_them(tmp_path, capsys):
    out, precious = tmp_path / "out", tmp_path / "precious.md"
    out.mkdir()
    precious.write_text("keep me", encoding="utf-8")
    (out / "report.md").symlink_to(precious)
    (out / "graph.svg").write_text("old picture", encoding="utf-8")
    (out / "graph.gv").write_text("the user's DOT", encoding="utf-8")
    rc, _, err = run(capsys, "--out", str(out), "--force")
    assert rc == 0, err
    assert precious.read_text(encoding="utf-8") == "keep me"
    assert not (out / "report.md").is_symlink()
    assert (out / "report.md").read_text(encoding="utf-8").startswith("# A 2-3-3-1 network")
    assert "<svg" in (out / "graph.svg").read_text(encoding="utf-8")
    assert (out / "graph.gv").read_text(encoding="utf-8") == "the user's DOT"  # not written, so kept
    assert sorted(p.name for p in out.iterdir()) == sorted(["report.md", "report.json", "graph.gv", *IMAGES])


@needs_dot
def test_dot_source_only_when_asked(tmp_path, capsys):
    rc, _, err = run(capsys, "--out", str(tmp_path / "a"))
    assert rc == 0 and not list((tmp_path / "a").glob("*.gv"))
    rc, _, err = run(capsys, "--out", str(tmp_path / "b"), "--dot-source")
    assert rc == 0
    for name in ("network", "graph"):
        source = (tmp_path / "b" / f"{name}.gv").read_text(encoding="utf-8")
        assert source.startswith(f"digraph {'network' if name == 'network' else 'chainrule'} {{")
        assert "w16" in source
        assert f"{tmp_path / 'b' / name}.gv" in err
    assert len(err.strip().splitlines()) == 1  # the "wrote" line only


def test_without_dot_both_sources_are_kept_and_said_once(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))
    out = tmp_path / "out"
    rc, _, err = run(capsys, "--out", str(out))
    assert rc == 0
    note, blank, wrote = err.splitlines()
    assert note.startswith("chainrule: the diagrams are not drawn: Graphviz's `dot` program is not installed")
    assert f"{out / 'network.gv'}, {out / 'graph.gv'}" in note and "apt-get install graphviz" in note
    assert (blank, wrote) == ("", f"wrote {out / 'report.md'}, {out / 'report.json'}, {out / 'network.gv'}, "
                                  f"{out / 'graph.gv'}")
    assert sorted(p.name for p in out.iterdir()) == ["graph.gv", "network.gv", "report.json", "report.md"]
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "*the diagrams are not drawn: Graphviz's \\`dot\\` program is not installed" in md


# --- failures are one line ---------------------------------------------------------------------


def test_out_under_a_file_is_exit_2_naming_the_folder(tmp_path, capsys):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    target = tmp_path / "file" / "sub"
    rc, out, err = run(capsys, "--out", str(target))
    assert rc == 2 and "E = 0.3148" in out  # the report was printed; only the files failed
    assert one_line(err) == f"chainrule: cannot make the folder {target}: Not a directory"


def test_an_unwritable_file_is_exit_2_naming_it(tmp_path, capsys, monkeypatch):
    real = output.write_atomic

    def refuse(path, data, *, overwrite=True):
        if Path(path).name == "report.md":
            raise PermissionError(13, "Permission denied", str(Path(path).parent / ".report.md.x.tmp"))
        return real(path, data, overwrite=overwrite)

    monkeypatch.setattr(output, "write_atomic", refuse)
    rc, _, err = run(capsys, "--out", str(tmp_path))
    assert rc == 2  # named by its own name, not by the temporary's
    assert one_line(err) == f"chainrule: cannot write {tmp_path / 'report.md'}: Permission denied"
    assert not (tmp_path / "report.md").exists() and not list(tmp_path.glob(".*"))


def test_a_graph_too_big_to_draw_is_left_out_and_said(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(output, "MAX_GRAPH", 40)  # the 2-3-3-1 graph has 46 values (the target is one)
    rc, _, err = run(capsys, "--out", str(tmp_path), "--no-color")
    assert rc == 0
    note = "graph.svg and graph.png are not drawn: the expression graph has 46 values, too many to read " \
           "(at most 40); network.svg shows the network"
    assert err.splitlines()[0] == f"chainrule: {note}"
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert f"*{note}*" in md and "![graph.svg]" not in md
    assert not (tmp_path / "graph.svg").exists() and not (tmp_path / "graph.png").exists()
    if shutil.which("dot"):
        assert "![network.svg](network.svg)" in md and (tmp_path / "network.png").is_file()


def big_network(n: int) -> str:
    """An n-n-1 network file: n² + 2n + 1 parameters."""
    row = "[" + ", ".join(["0.01"] * n) + "]"
    return textwrap.dedent(f"""\
        inputs = [{", ".join(["0.1"] * n)}]
        targets = [0.5]
        loss = "squared_error"
        learning_rate = 0.1
        [[layers]]
        activation = "sigmoid"
        weights = [{", ".join([row] * n)}]
        biases = [{", ".join(["0.0"] * n)}]
        [[layers]]
        activation = "linear"
        weights = [{row}]
        biases = [0.0]
        """)


@pytest.mark.slow
def test_a_network_of_1981_parameters_writes_its_report(tmp_path, capsys):
    net = tmp_path / "big.toml"
    net.write_text(big_network(44), encoding="utf-8")
    rc, _, err = run(capsys, "walkthrough", str(net), "--out", str(tmp_path / "out"))
    assert rc == 0, err
    note = ("graph.svg and graph.png are not drawn: the expression graph has 2163 values, too many to read "
            "(at most 2000); network.svg shows the network")
    assert err.splitlines()[0] == f"chainrule: {note}"
    doc = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert len(doc["parameters"]) == 44 * 44 + 2 * 44 + 1


def test_ctrl_c_while_writing_removes_what_the_run_made(tmp_path, capsys, monkeypatch):
    """A half set of files would make the next run refuse the folder: none is left."""
    (tmp_path / "notes.txt").write_text("the user's", encoding="utf-8")
    calls = []

    def picture(graph, fmt, name):
        calls.append(name)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return b"<svg>a whole picture</svg>"

    monkeypatch.setattr(output, "picture", picture)
    rc, _, err = run(capsys, "--out", str(tmp_path))
    assert rc == 130 and one_line(err) == "chainrule: interrupted"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]  # no temporaries either
    assert run(capsys, "--out", str(tmp_path))[0] == 0  # the next run is not refused


def test_ctrl_c_by_a_real_signal_exits_130_without_a_half_file(tmp_path):
    """A SIGINT while report.md is being written: Python raises KeyboardInterrupt there."""
    script = textwrap.dedent(f"""\
        import os, signal, sys
        import autograd.files as files
        real = files.os.link
        def link(src, dst):
            if str(dst).endswith("report.md"):
                os.kill(os.getpid(), signal.SIGINT)
            real(src, dst)
        files.os.link = link
        from chainrule.cli import main
        sys.exit(main(["--out", {str(tmp_path)!r}]))
        """)
    env = os.environ | {"PATH": ""}  # no dot: the report is the first thing written
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, encoding="utf-8", cwd=REPO,
                          env=env, timeout=60)
    assert proc.returncode == 130 and one_line(proc.stderr) == "chainrule: interrupted"
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # the .gv it had made are gone too


def test_an_internal_error_is_one_line_and_exit_70(capsys, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug\nin two lines")

    monkeypatch.setattr(cli, "build_report", broken)
    rc, out, err = run(capsys, "doc_2331")
    assert (rc, out) == (70, "")
    assert one_line(err) == ("chainrule: internal error (a bug, please report it): RuntimeError: "
                             "a bug\\x0ain two lines")


def test_a_full_disk_on_stdout_is_exit_2(monkeypatch, capsys):
    class Full:
        def write(self, text):
            raise OSError(28, "No space left on device")

        def flush(self):
            pass

        def isatty(self):
            return False

    monkeypatch.setattr(sys, "stdout", Full())
    rc = cli.main(["doc_2331"])
    assert rc == 2 and one_line(capsys.readouterr().err) == (
        "chainrule: cannot write to standard output: No space left on device")


@pytest.mark.parametrize(("redirect", "message"), [
    (">&-", "standard output is closed: there is nowhere to write to"),
    ("> /dev/full", "cannot write to standard output: No space left on device"),
])
def test_standard_output_that_cannot_be_written_is_exit_2_naming_it(redirect, message):
    script = Path(sys.executable).parent / "chainrule"
    proc = subprocess.run(f"{script} {redirect}", shell=True, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and proc.stderr.strip() == f"chainrule: {message}", proc.stderr


def test_an_argument_quoted_in_an_error_is_shown_not_obeyed(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["walkthrough", "--x\x1b[31mRED"])
    err = capsys.readouterr().err
    assert info.value.code == 2 and "\x1b" not in err and "--x\\x1b[31mRED" in err


def test_a_closed_pipe_is_exit_2_and_quiet(monkeypatch, capsys):
    class Closed:
        def write(self, text):
            raise BrokenPipeError(32, "Broken pipe")

        def flush(self):
            pass

        def isatty(self):
            return False

    monkeypatch.setattr(sys, "stdout", Closed())
    assert cli.main(["doc_2331"]) == 2
    assert capsys.readouterr().err == ""


def test_a_terminal_that_cannot_show_unicode_gets_escapes():
    proc = subprocess.run([sys.executable, "-m", "chainrule", "--no-color"], capture_output=True, cwd=REPO,
                          env=os.environ | {"PYTHONIOENCODING": "ascii"}, timeout=60)
    assert proc.returncode == 0 and proc.stderr == b""
    assert b"\\u2202E/\\u2202w16 = " in proc.stdout  # ∂E/∂w16, readable, instead of a crash


# --- the user's text, escaped for each output ---------------------------------------------------

HOSTILE = {"title": "Evil | <b>bold</b> \x1b[31mred\x1b[0m\nsecond # line $x$ `code` [a](b)",
           "source": "from \\N <script>alert(1)</script> &amp; \u202etxt.exe",
           "inputs": ["x\\N", "in|put"], "neurons": ["<b>h</b>", "h\x07two"],
           "weights": [["w\\G", "w|2"], ["w<i>3", "w\x1b[2J4"]], "biases": ["b&amp;1", "b\\l2"],
           "claims": {"E|x": "0.1", "<script>alert(1)</script>": "0.2", "out_h\x07two": "0.6"}}


def hostile_report():
    """A 2-2-1 network whose names come from Python, as a library user may set them."""
    spec = netfile.parse('inputs = [0.5, 0.25]\ntargets = [0.2]\nloss = "squared_error"\n'
                         'learning_rate = 0.1\n[[layers]]\nactivation = "sigmoid"\n'
                         'weights = [[0.1, 0.2], [0.3, 0.4]]\nbiases = [0.1, 0.2]\n'
                         '[[layers]]\nactivation = "linear"\nweights = [[0.5, 0.6]]\nbiases = [0.0]\n')
    h = HOSTILE
    spec.layers[1].neurons = ["o\r\nut"]
    spec.title, spec.source, spec.input_names, spec.claims = h["title"], h["source"], h["inputs"], h["claims"]
    layer = spec.layers[0]
    layer.neurons, layer.weight_names, layer.bias_names = h["neurons"], h["weights"], h["biases"]
    return build_report(work(spec))


def test_terminal_text_shows_control_characters_never_obeys_them():
    txt = text(hostile_report())
    assert not RAW.search(txt)
    assert txt.startswith("Evil | <b>bold</b> \\x1b[31mred\\x1b[0m\\x0asecond # line $x$ `code` [a](b)\n")
    assert "source: from \\N <script>alert(1)</script> &amp; \\u202etxt.exe\n" in txt
    assert "net_o\\x0d\\x0aut = w[1][0,0]·out_<b>h</b> + w[1][0,1]·out_h\\x07two + b[1][0] = " in txt
    assert "∂E/∂w\\x1b[2J4 = δ_h\\x07two·in|put = " in txt  # in the derivations too
    assert "δ_o\\x0d\\x0aut = ∂E/∂net_o\\x0d\\x0aut = net_o\\x0d\\x0aut − target = " in txt
    paths = text(dataclasses.replace(hostile_report(), paths=True))
    assert not RAW.search(paths) and "∂E/∂w\\x1b[2J4 = ∂E/∂net_o\\x0d\\x0aut · " in paths  # and in the paths
    claims = txt.split("7. The document's numbers\n")[1].splitlines()
    assert claims[0] == "quantity                   claimed  chainrule"
    assert claims[3] == "out_h\\x07two                   0.6     0.6106   ✓"  # aligned, as escaped


def test_check_shows_control_characters(capsys, monkeypatch):
    monkeypatch.setattr(netfile, "load_claims", lambda path: dict(HOSTILE["claims"]))
    rc, out, err = run(capsys, "check", "--claims", "claims.toml")
    assert rc == 1 and err == "" and not RAW.search(out)
    unknown = "✗ out_h\\x07two: no such quantity in this network;"
    assert any(line.startswith(unknown) for line in out.splitlines())


def table_cells(line: str) -> int:
    """The cells of a Markdown table row: | not escaped by a backslash."""
    return len(re.findall(r"(?<!\\)\|", line)) - 1


def test_markdown_escapes_every_name_title_and_claim():
    md = markdown(hostile_report(), ["network.svg"], ["a note with <b>markup</b> | and \x1b"])
    assert not RAW.search(md)
    assert not re.search(r"(?<!\\)[<>]", md)  # no raw HTML anywhere, in maths neither
    assert not re.search(r"(?<!\\)\]\(", md.replace("![network.svg](network.svg)", ""))  # no link
    lines = md.splitlines()
    assert lines[0] == ("# Evil \\| \\<b\\>bold\\</b\\> \\\\x1b\\[31mred\\\\x1b\\[0m\\\\x0asecond \\# line "
                        "\\$x\\$ \\`code\\` \\[a\\](b)")
    assert "Source: from \\\\N \\<script\\>alert(1)\\</script\\> \\&amp; \\\\u202etxt.exe" in lines
    assert "*a note with \\<b\\>markup\\</b\\> \\| and \\\\x1b*" in lines
    tables = re.findall(r"(?m)(?:^\|.*\n)+", md)
    assert len(tables) == 2  # the update table and the claims: each row keeps the header's columns
    for table in tables:
        rows = table.splitlines()
        assert len({table_cells(row) for row in rows}) == 1, rows
    assert r"| $\mathrm{w\vert{}2}$ | 0.2 |" in md
    assert r"| $\mathrm{w\backslash{}x1b[2J4}$ | 0.4 |" in md
    assert r"| E\|x | 0.1 | — | ✗ wrong |" in md
    assert r"| \<script\>alert(1)\</script\> | 0.2 | — | ✗ wrong |" in md
    assert r"\frac{\partial E}{\partial \mathrm{w\lt{}i\gt{}3}}" in md
    assert r"\mathrm{net\_o\backslash{}x0d\backslash{}x0aut}" in md
    assert md.count("$$") % 2 == 0 and "\n\n\n" not in md.split("## Backpropagation")[1]


@pytest.mark.parametrize("name", ["a|b", "<b>", "x\\N", "a](javascript:x)", "t`t", "$x$", "{", "w_{1",
                                  "50%", "a&b", "#1", "~", "^", "line\nbreak"])
def test_a_name_in_maths_is_latex_and_markdown_safe(name):
    tex = math_md(latex_name(visible(name)))
    assert not re.search(r"[|<>`\n]|\]\(", tex)
    unescaped = re.sub(r"\\[{}$%&#_]", "", tex)
    assert unescaped.count("{") == unescaped.count("}")  # braces balance: the name cannot close a group
    assert not re.search(r"(?<!\\)[$%#&]", tex)


@pytest.mark.parametrize(("raw", "md"), [("out_n3", "out_n3"), ("∂E/∂w16", "∂E/∂w16"), ("_x_", "\\_x\\_"),
                                         ("a*b*", "a\\*b\\*"), ("new w16", "new w16"), ("a\\b", "a\\\\b")])
def test_text_md_leaves_plain_names_alone(raw, md):
    assert text_md(raw) == md


# --- strict JSON --------------------------------------------------------------------------------

DIVERGES = ('inputs = [1.0, 2.0]\ntargets = [0.0]\nloss = "mse"\nlearning_rate = 1e308\nsteps = 2\n'
            '[[layers]]\nactivation = "linear"\nweights = [[1.0, 2.0]]\nbiases = [0.0]\n')


def strict(text: str):
    """json.loads that refuses NaN and Infinity, as jq, JavaScript and Go do."""
    def refuse(constant):
        raise ValueError(f"not JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def pointed(doc, pointer: str):
    for token in pointer.split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        doc = doc[int(token)] if isinstance(doc, list) else doc[token]
    return doc


def test_json_of_a_diverging_step_is_strict(tmp_path, capsys):
    net = tmp_path / "net.toml"
    net.write_text(DIVERGES, encoding="utf-8")
    rc, out, err = run(capsys, "walkthrough", str(net), "--format", "json", "--out", str(tmp_path / "out"))
    assert rc == 0, err
    doc = strict(out)
    assert doc == strict((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    non_finite = doc["non_finite"]
    # E = (1·1 + 2·2)² = 25; a step of 1e308 sends every parameter to -inf, and E to inf, then nan
    new_values = {f"/parameters/{k}/{field}": "-inf"
                  for k in range(3) for field in ("new", "new_derivation/value")}
    assert non_finite == {**new_values, "/E_after": "inf", "/history/0": "nan", "/history/1": "nan"}
    assert doc["E"] == 25.0 and doc["E_after"] is None and doc["history"] == [None, None]
    assert [p["new"] for p in doc["parameters"]] == [None, None, None]
    for pointer in non_finite:
        assert pointed(doc, pointer) is None
    report = build_report(work(netfile.parse(DIVERGES)))
    values = {"/E_after": report.E_after, "/history/0": report.history[0]}
    for pointer, value in values.items():
        assert non_finite[pointer] == repr(value)


def test_json_is_strict_for_every_non_finite_number():
    report = build_report(work(netfile.parse(DIVERGES)))
    doc = as_json(report)
    json.dumps(doc, allow_nan=False)  # raises if any nan or inf is left
    nan_grads = [k for k, p in enumerate(report.gradients) if math.isnan(p.new)]
    assert all(doc["non_finite"][f"/parameters/{k}/new"] == "nan" for k in nan_grads)


def test_json_of_finite_numbers_says_so(capsys):
    doc = strict(run(capsys, "doc_2331", "--format", "json")[1])
    assert doc["non_finite"] == {} and doc["E"] == pytest.approx(0.31480675, abs=1e-8)


def test_json_keeps_a_lone_surrogate_as_an_escape():
    report = hostile_report()
    spec_title = report.title
    assert json.loads(json_text(report))["title"] == spec_title
    odd = dataclasses.replace(build_report(work(netfile.parse(DIVERGES))), title="half a pair \ud800")
    text_ = json_text(odd)
    assert "\\ud800" in text_ and text_.encode("utf-8")
    assert json.loads(text_)["title"] == "half a pair \ud800"
