"""Writing a diagram to a file, and saying what to install when Graphviz's ``dot`` is missing."""

from __future__ import annotations

import os
from pathlib import Path

import graphviz

FORMATS = ("svg", "png", "pdf")


class RenderError(RuntimeError):
    """A diagram could not be rendered; the message says why and what to do."""


def render(graph: graphviz.Digraph, path: str | os.PathLike[str], format: str = "svg") -> Path:
    """Render ``graph`` to ``path`` (its suffix set to ``format``: svg, png or pdf).

    Without Graphviz's ``dot`` program the DOT source is saved beside ``path`` anyway (as
    ``.gv``) and a RenderError says what to install.
    """
    if format not in FORMATS:
        raise ValueError(f"render: format must be one of {', '.join(FORMATS)}, not {format!r}")
    if not isinstance(graph, graphviz.Digraph):
        raise TypeError(f"render: expected a graphviz.Digraph (from draw), not {type(graph).__name__}")
    if Path(path).is_dir():
        raise ValueError(f"render: {path} is a directory; give a file name, e.g. {Path(path) / 'graph'}")
    out = Path(path).with_suffix("." + format)
    out.parent.mkdir(parents=True, exist_ok=True)
    source = out.with_suffix(".gv")
    try:
        graph.render(filename=source, outfile=out, format=format, cleanup=True, quiet=True)
    except graphviz.ExecutableNotFound:
        source.write_text(graph.source, encoding="utf-8")
        raise RenderError(
            f"cannot draw {out}: Graphviz's `dot` program is not installed (the Python package "
            f"alone cannot render). The DOT source is saved in {source}. Install Graphviz - "
            "Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz; conda: "
            f"conda install graphviz - then render again, or run: dot -T{format} {source} -o {out}"
        ) from None
    except graphviz.CalledProcessError as e:
        source.write_text(graph.source, encoding="utf-8")
        stderr = e.stderr or b""
        detail = stderr.decode(errors="replace").strip() if isinstance(stderr, bytes) else str(stderr)
        raise RenderError(f"Graphviz failed to draw {out} (DOT source in {source}): {detail}") from None
    return out
