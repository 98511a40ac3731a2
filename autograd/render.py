"""Writing a diagram to a file, and saying what to install when Graphviz's ``dot`` is missing.

``draw`` and ``draw_network`` return a ``Diagram``: a ``graphviz.Digraph`` whose notebook
display (``_repr_mimebundle_``) raises ``DotMissing`` with the install advice below, instead
of graphviz's ``ExecutableNotFound``, which names no package.

``dot`` draws into a pipe and the picture is written with ``write_atomic``: no temporary DOT
file beside the picture (Graphviz's own ``render`` writes one and then deletes it, a user's
file of that name included), never half a picture, and a link at the name is replaced, not
written through.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import graphviz

from .files import write_atomic

FORMATS = ("svg", "png", "pdf")
INSTALL = ("Install Graphviz - Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz; "
           "conda: conda install graphviz")
NO_DOT = "Graphviz's `dot` program is not installed (the Python package alone cannot render)"


class RenderError(RuntimeError):
    """A diagram could not be rendered; the message says why and what to do."""


class DotMissing(RenderError):
    """Graphviz's ``dot`` program is not installed, so nothing can be drawn."""


@contextmanager
def _dot_errors(name: object) -> Iterator[None]:
    """graphviz's errors as chainrule's: ``DotMissing`` (what to install) without ``dot``,
    ``RenderError`` with dot's own words (on one line) when it fails."""
    try:
        yield
    except graphviz.ExecutableNotFound:
        raise DotMissing(f"cannot draw {name}: {NO_DOT}. {INSTALL}") from None
    except graphviz.CalledProcessError as e:
        stderr = e.stderr or b""
        detail = stderr.decode(errors="replace") if isinstance(stderr, bytes) else str(stderr)
        said = " ".join(detail.split()) or f"exit status {e.returncode}"
        raise RenderError(f"Graphviz failed to draw {name}: {said}") from None


class Diagram(graphviz.Digraph):
    """A ``graphviz.Digraph`` that a notebook shows as any other, but whose display, without
    ``dot``, raises ``DotMissing`` saying what to install (graphviz's own error does not)."""

    def _repr_mimebundle_(self, include: Iterable[str] | None = None, exclude: Iterable[str] | None = None,
                          **kwargs: Any) -> dict[str, bytes | str]:
        """The picture for Jupyter (SVG by default), drawn by ``dot``; see ``_dot_errors``."""
        with _dot_errors("the diagram"):
            return super()._repr_mimebundle_(include, exclude, **kwargs)


def picture(graph: graphviz.Digraph, format: str, name: object = "the diagram") -> bytes:
    """``graph`` drawn by ``dot`` in ``format``, read from its pipe: nothing is written.

    ``DotMissing`` without ``dot``; ``RenderError`` with dot's own words (on one line) when it
    fails. ``name`` is what the messages call the picture.
    """
    with _dot_errors(name):
        return bytes(graph.pipe(format=format, quiet=True))


def render(graph: graphviz.Digraph, path: str | os.PathLike[str], format: str = "svg") -> Path:
    """Render ``graph`` to ``path`` (its suffix set to ``format``: svg, png or pdf).

    Without Graphviz's ``dot`` program the DOT source is saved beside ``path`` (as ``.gv``,
    never over an existing file) and a RenderError says what to install.
    """
    if format not in FORMATS:
        raise ValueError(f"render: format must be one of {', '.join(FORMATS)}, not {format!r}")
    if not isinstance(graph, graphviz.Digraph):
        raise TypeError(f"render: expected a graphviz.Digraph (from draw), not {type(graph).__name__}")
    if Path(path).is_dir():
        raise ValueError(f"render: {path} is a directory; give a file name, e.g. {Path(path) / 'graph'}")
    out = Path(path).with_suffix("." + format)
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        data = picture(graph, format, out)
    except DotMissing:
        raise RenderError(f"cannot draw {out}: {NO_DOT}. {_save_source(graph, out)}") from None
    return write_atomic(out, data)


def _save_source(graph: graphviz.Digraph, out: Path) -> str:
    """Save the DOT source as ``out`` with suffix .gv, unless a file has that name; what to do next."""
    source = out.with_suffix(".gv")
    try:
        write_atomic(source, graph.source, overwrite=False)
    except FileExistsError:
        return (f"The DOT source is not saved: {source} exists, and is left as it was. {INSTALL} - "
                "then render again")
    except OSError as e:
        return f"The DOT source is not saved ({source}: {e.strerror}). {INSTALL} - then render again"
    return (f"The DOT source is saved in {source}. {INSTALL} - then render again, or run: "
            f"dot -T{out.suffix[1:]} {source} -o {out}")
