"""``--out DIR``: the report as report.md and report.json, and the diagrams as SVG and PNG.

Nothing of the user's is lost: a folder that already holds a file of a name chainrule writes
is refused before any work (``--force`` replaces such files); each file is written whole or
not at all, and a symbolic link at its name is replaced, never written through
(``write_atomic``); Graphviz draws into a pipe, so it makes and deletes no temporary file; a
diagram's DOT source (.gv) is kept only when asked (``--dot-source``) or when ``dot`` is
missing. A diagram that cannot be drawn is left out with a note; the report is still written.
A run that fails or is interrupted part-way removes the files it had made, so that running
it again is not refused for a half-written set.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import graphviz

from autograd import RenderError, draw
from autograd.draw import GraphTooLarge
from autograd.files import write_atomic
from autograd.render import INSTALL, NO_DOT, DotMissing, picture
from nn.view import draw_network

from .as_json import json_text
from .as_markdown import markdown
from .report import Report
from .walkthrough import Walkthrough

PICTURES = ("network", "graph")
FORMATS = ("svg", "png")
NAMES = ("report.md", "report.json", *(f"{p}.{ext}" for p in PICTURES for ext in (*FORMATS, "gv")))
MAX_GRAPH = 2000  # values in the expression graph: a bigger picture is unreadable


class OutputError(Exception):
    """``--out`` cannot be written as asked; the message names the path and why."""


@dataclass
class Written:
    """What ``write`` did: the files it wrote, and what it left out and why (one line each)."""

    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def check(out: Path, force: bool) -> None:
    """Refuse, before any work, an ``out`` that is not a folder, or that holds a file (or a link)
    of a name chainrule writes, unless ``force``."""
    if os.path.lexists(out) and not out.is_dir():
        raise OutputError(f"--out {out}: exists and is not a folder")
    taken = [] if force else [name for name in NAMES if os.path.lexists(out / name)]
    if taken:
        raise OutputError(f"--out {out} already holds {', '.join(taken)}; chainrule does not overwrite "
                          "files: pass --force to replace them, or choose another folder")


def _save(path: Path, data: str | bytes, force: bool, made: list[Path]) -> Path:
    """Write one file whole; an existing one is replaced only when ``force``. A file that was not
    there before goes into ``made``."""
    new = not os.path.lexists(path)
    try:
        write_atomic(path, data, overwrite=force)
        if new:
            made.append(path)
        return path
    except FileExistsError:
        raise OutputError(f"{path} appeared while chainrule worked; it is left as it is "
                          "(--force replaces it)") from None
    except OSError as e:
        raise OutputError(f"cannot write {path}: {e.strerror or e}") from None


def _pictures(w: Walkthrough, highlight_name: str | None,
              digits: int = 4) -> tuple[dict[str, graphviz.Digraph], list[str]]:
    """The network view and the expression graph, unless that is too big to read (then a note),
    their numbers to ``digits`` as the report's.

    The highlighted parameter's chain-rule paths are drawn in red: by default the first
    weight of the first layer, whose gradient has the most paths.
    """
    by_name = {p.label: p for p in w.params}  # the name was checked before any work
    highlight = by_name[highlight_name] if highlight_name else w.model.layers[0].neurons[0].w[0]
    pictures = {"network": draw_network(w.model, highlight=highlight, output=w.E, outputs=w.outputs,
                                        input_names=w.spec.names_of_inputs, loss=w.spec.loss,
                                        targets=w.spec.target, digits=digits)}
    try:
        pictures["graph"] = draw(w.E, highlight=highlight, rankdir="TB", max_nodes=MAX_GRAPH, digits=digits)
    except GraphTooLarge as e:  # refused after counting, before drawing anything
        return pictures, [f"graph.svg and graph.png are not drawn: the expression graph has {e.n_values} "
                          f"values, too many to read (at most {MAX_GRAPH}); network.svg shows the network"]
    return pictures, []


def _draw(pictures: dict[str, graphviz.Digraph], out: Path, force: bool, dot_source: bool,
          made: list[Path]) -> Written:
    """Each picture as SVG and PNG, and its DOT source when asked or when ``dot`` is missing."""
    done, missing = Written(), False
    for name, graph in pictures.items():
        try:
            for fmt in FORMATS:
                path = out / f"{name}.{fmt}"
                done.files.append(_save(path, picture(graph, fmt, path), force, made))
        except DotMissing:
            missing = True
        except RenderError as e:
            done.notes.append(str(e))
        if dot_source or missing:
            done.files.append(_save(out / f"{name}.gv", graph.source, force, made))
    if missing:
        sources = ", ".join(str(f) for f in done.files if f.suffix == ".gv")
        done.notes.append(f"the diagrams are not drawn: {NO_DOT}. Their DOT sources are in {sources}. "
                          f"{INSTALL} - then run chainrule again")
    return done


def write(w: Walkthrough, report: Report, out: Path, highlight: str | None, *, force: bool = False,
          dot_source: bool = False) -> Written:
    """Write the report and its diagrams into ``out`` (see the module doc): the files written,
    report.md and report.json first, and the notes on diagrams left out."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(f"cannot make the folder {out}: {e.strerror or e}") from None
    made: list[Path] = []
    try:
        pictures, notes = _pictures(w, highlight, report.digits)
        drawn = _draw(pictures, out, force, dot_source, made)
        notes += drawn.notes
        images = [f.name for f in drawn.files if f.suffix == ".svg"]
        md = _save(out / "report.md", markdown(report, images, notes), force, made)
        doc = _save(out / "report.json", json_text(report), force, made)
    except BaseException:  # Ctrl-C, a full disk: no half set of files to refuse the next run
        for path in made:
            path.unlink(missing_ok=True)
        raise
    return Written([md, doc, *drawn.files], notes)
