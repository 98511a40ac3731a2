"""The documents' "updated weights" list: p, ∂E/∂p and p − lr·∂E/∂p, as a table."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .notation import check_digits, latex_name, latex_number, markdown_name, number, visible
from .validate import finite

__all__ = ["UpdateRow", "UpdateTable", "markdown_name", "update_table"]
from .value import Value


@dataclass(frozen=True)
class UpdateRow:
    label: str
    value: float
    grad: float
    new_value: float


@dataclass(frozen=True)
class UpdateTable:
    """Each parameter's value, ∂E/∂p and its value after one gradient-descent step."""

    rows: tuple[UpdateRow, ...]
    lr: float
    digits: int = 6

    def _cells(self) -> list[tuple[str, str, str, str]]:
        n = self.digits
        return [(r.label, number(r.value, n), number(r.grad, n), number(r.new_value, n)) for r in self.rows]

    def text(self) -> str:
        head = ("parameter", "value", "∂E/∂p", f"after p − {number(self.lr, self.digits)}·∂E/∂p")
        rows = [head, *self._cells()]
        widths = [max(len(r[i]) for r in rows) for i in range(4)]
        return "\n".join(
            "  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths)))
            for r in rows
        )

    __str__ = text

    def markdown(self, tex: Callable[[str], str] = markdown_name) -> str:
        """The table in Markdown, each parameter as ``$tex(label)$``: what a notebook shows."""
        lines = [f"| parameter | value | ∂E/∂p | after p − {number(self.lr, self.digits)}·∂E/∂p |",
                 "|---|---:|---:|---:|"]
        lines += [f"| ${tex(label)}$ | {v} | {g} | {new} |" for label, v, g, new in self._cells()]
        return "\n".join(lines)

    def latex(self) -> str:
        """The table as a LaTeX ``array`` (math mode), its numbers as LaTeX writes them."""
        n = self.digits
        body = " \\\\\n".join(
            " & ".join([latex_name(visible(r.label)), latex_number(r.value, n), latex_number(r.grad, n),
                        latex_number(r.new_value, n)])
            for r in self.rows
        )
        lr = latex_number(self.lr, n)
        head = rf"p & \text{{value}} & \partial E/\partial p & p - {lr}\,\partial E/\partial p"
        return r"\begin{array}{lrrr}" + head + r" \\ \hline" + "\n" + body + r"\end{array}"

    def _repr_markdown_(self) -> str:
        return self.markdown()

    def _repr_latex_(self) -> str:
        """The array as display maths, for a notebook exported to LaTeX or PDF."""
        return "$$" + self.latex() + "$$"

    def __repr__(self) -> str:
        """One line, not every row: how many parameters, the first and last, and the rate."""
        names = [visible(r.label) for r in self.rows]
        span = ", ".join(names) if len(names) <= 2 else f"{names[0]} … {names[-1]}"
        return f"<UpdateTable: {len(names)} parameters ({span}), lr={number(self.lr, self.digits)}>"


def update_table(params: Iterable[Value], lr: float, *, digits: int = 6) -> UpdateTable:
    """The documents' "updated weights" list: p, ∂E/∂p (from the last backward) and p − lr·∂E/∂p.

    It only shows the step; it changes nothing (an optimizer does the update).
    """
    lr = finite(lr, "update_table: lr")
    if callable(params) or not hasattr(params, "__iter__"):
        raise TypeError("update_table: params must be a list of Values (net.parameters(), called), "
                        f"not {type(params).__name__}")
    rows = []
    for i, p in enumerate(params):
        if not isinstance(p, Value):
            raise TypeError(f"update_table: parameter {i} is a {type(p).__name__}, not a Value")
        rows.append(UpdateRow(p.label or f"p{i}", p.data, p.grad, p.data - lr * p.grad))
    return UpdateTable(tuple(rows), lr, check_digits(digits, "update_table"))
