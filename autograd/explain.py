"""Chain-rule derivations, written out as the documents write them, with the engine's numbers.

``explain(E, w16)`` gives

    ∂E/∂w16 = ∂E/∂out_n9 · ∂out_n9/∂net_n9 · ∂net_n9/∂w16
            = 0.7935 · 0.1579 · 0.0197
            = 0.002468

Factors are taken between *labelled* nodes: the local derivatives along unlabelled
intermediate nodes (``ops`` granularity) are multiplied into the factor between the nearest
labelled ones, and routes that differ only in unlabelled nodes are summed into that factor.
Every path through labelled nodes from the output down to ``wrt`` is a term of the sum; when
there are more than ``max_paths``, the "delta" form is used instead: ∂E/∂w = Σ ∂E/∂P · ∂P/∂w over
the nearest labelled nodes P above w, with ∂E/∂P (the δ of P) computed exactly. The total is
computed by the same reverse sweep as ``backward``, so it equals ``wrt.grad`` after one
``output.backward()``. ``explain_all(E, params)`` gives every parameter's from one set of
sweeps over the graph, the same explanations as ``explain`` one at a time, in linear time.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from .factors import FactorFormula, Formulas
from .notation import check_digits, latex_name, latex_number, number, signed
from .paths import AllPaths, PathSet, PathView, dag_paths
from .symbolic import digits_to_redo, product, total
from .validate import whole
from .value import Value

FORMS = ("auto", "paths", "delta")


@dataclass(frozen=True)
class Factor:
    """∂top/∂bottom between two labelled nodes: the product of the local derivatives between."""

    top: Value
    bottom: Value
    value: float


@dataclass(frozen=True)
class Term:
    """One product of factors: a path from the output to ``wrt`` (or, in the delta form,
    ∂E/∂P · ∂P/∂w for one labelled node P)."""

    factors: tuple[Factor, ...]

    @property
    def value(self) -> float:
        return math.prod(f.value for f in self.factors)


@dataclass(frozen=True)
class Explanation:
    """∂output/∂wrt as a sum of products of named factors, each factor with its formula from the
    op table; ``str()`` is the plain-text form, ``latex()`` and ``markdown()`` the others (a
    notebook shows the Markdown)."""

    output: Value
    wrt: Value
    form: str  # "paths" or "delta"
    terms: tuple[Term, ...]
    n_terms: int  # all paths (or labelled parents), listed or not
    total: float
    digits: int = 4
    formulas: Formulas | None = field(default=None, compare=False, repr=False)
    # How a name is written out (a report makes control characters visible), numbers unchanged.
    shown: Callable[[str], str] | None = field(default=None, compare=False, repr=False)

    @property
    def omitted(self) -> int:
        return self.n_terms - len(self.terms)

    def name(self, v: Value) -> str:
        """A node as the derivation names it: its label, or a name made from its op."""
        if self.formulas is None:
            object.__setattr__(self, "formulas", Formulas(self.output))
        assert self.formulas is not None
        name = self.formulas.name(v)
        return self.shown(name) if self.shown else name

    def _names(self) -> tuple[str, str]:
        return self.name(self.output), self.name(self.wrt)

    def _direct(self, f: Factor) -> bool:
        """Is ``f`` the output's own partial in wrt, beside paths through other nodes? Then it is
        not ∂output/∂wrt, the total, and is marked so: z = y·a, y = a·a gives ∂z/∂a (direct) = y."""
        return f.top is self.output and f.bottom is self.wrt and self.n_terms > 1

    def _partial(self, f: Factor) -> str:
        """∂top/∂bottom as text."""
        return f"∂{self.name(f.top)}/∂{self.name(f.bottom)}" + (" (direct)" if self._direct(f) else "")

    def _partial_latex(self, f: Factor) -> str:
        top, bottom = latex_name(self.name(f.top)), latex_name(self.name(f.bottom))
        frac = rf"\frac{{\partial {top}}}{{\partial {bottom}}}"
        return rf"\left.{frac}\right|_{{\text{{direct}}}}" if self._direct(f) else frac

    def _symbolic(self, term: Term) -> str:
        return " · ".join(self._partial(f) for f in term.factors)

    def _numeric(self, term: Term) -> str:
        d = self._term_digits(term)
        return " · ".join(signed(f.value, d) for f in term.factors)

    def _sum(self, values: list[float]) -> str:
        first, *rest = values
        d = self._sum_digits()
        return " + ".join([number(first, d), *(signed(v, d) for v in rest)])

    def _term_digits(self, term: Term) -> int:
        """Digits for a path's factors so that their product, done by hand, gives the term."""
        return digits_to_redo([f.value for f in term.factors], product, term.value, self.digits)

    def _sum_digits(self) -> int:
        """Digits for the terms so that their sum, done by hand, gives the total (all listed)."""
        if self.omitted:
            return self.digits
        return digits_to_redo([t.value for t in self.terms], total, self.total, self.digits)

    def factor_formulas(self) -> list[tuple[Factor, FactorFormula]]:
        """Each distinct factor of the listed terms that has a formula worth showing, in order."""
        self.name(self.output)  # makes the formulas
        assert self.formulas is not None
        seen: dict[tuple[Value, Value], tuple[Factor, FactorFormula]] = {}
        for t in self.terms:
            for f in t.factors:
                key = (f.top, f.bottom)
                if key not in seen:
                    formula = self.formulas.of(f.top, f.bottom, f.value)
                    if formula is not None and not formula.trivial:
                        seen[key] = (f, formula)
        return list(seen.values())

    def where(self) -> list[str]:
        """Each factor's formula and substitution as text: "∂E/∂out = out − target = … = 0.7935"."""
        return [f"{self._partial(f)} = "
                + " = ".join([*formula.text(self.name, self.digits, f.value), number(f.value, self.digits)])
                for f, formula in self.factor_formulas()]

    def text(self) -> str:
        """The derivation in plain Unicode text: the product along each path (or δ term), each
        factor's formula with its numbers, then the numbers multiplied and summed."""
        out, wrt = self._names()
        head = f"∂{out}/∂{wrt} = "
        if self.n_terms == 0:
            return f"{head}0   ({wrt} does not reach {out}: no path between them)"
        where = self.where()
        if len(self.terms) == 1 and len(self.terms[0].factors) == 1:  # one factor: its formula, if any
            return where[0] if where else head + number(self.total, self.digits)
        pad = " " * (len(head) - 2)
        lines = [(head if i == 0 else pad + "+ ") + self._symbolic(t)
                 for i, t in enumerate(self.terms)]
        lines += [("  where " if i == 0 else " " * 8) + w for i, w in enumerate(where)]
        return "\n".join(lines + self._arithmetic(pad))

    def _arithmetic(self, pad: str) -> list[str]:
        """The lines of numbers: each term's factors, the terms' values, the total."""
        lines = []
        if any(len(t.factors) > 1 for t in self.terms) or len(self.terms) > 1:
            lines += [(pad + "= " if i == 0 else pad + "+ ") + self._numeric(t)
                      for i, t in enumerate(self.terms)]
        if self.omitted:
            lines.append(f"{pad}+ … {self.omitted} more {'paths' if self.form == 'paths' else 'terms'}")
        if len(self.terms) > 1 or self.omitted:
            more = " + …" if self.omitted else ""
            lines.append(pad + "= " + self._sum([t.value for t in self.terms]) + more)
        return [*lines, pad + "= " + number(self.total, self.digits)]

    __str__ = text

    def latex(self) -> str:
        """The derivation as a LaTeX ``aligned`` block (math mode), factors' formulas last."""
        out, wrt = self._names()
        frac = r"\frac{{\partial {}}}{{\partial {}}}"
        lhs = frac.format(latex_name(out), latex_name(wrt))
        if self.n_terms == 0:
            return rf"\begin{{aligned}}{lhs} &= 0\end{{aligned}}"
        formulas = self.factor_formulas()
        if len(self.terms) == 1 and len(self.terms[0].factors) == 1:  # one factor: its formula, if any
            steps = formulas[0][1].latex(self.name, self.digits, self.total) if formulas else []
            right = " = ".join([*steps, latex_number(self.total, self.digits)])
            return rf"\begin{{aligned}}{lhs} &= {right}\end{{aligned}}"

        def symbolic(t: Term) -> str:
            return r" \cdot ".join(self._partial_latex(f) for f in t.factors)

        def numeric(t: Term) -> str:
            return r" \cdot ".join(_latex_signed(f.value, self._term_digits(t)) for f in t.factors)

        rows = [f"{lhs} &= " + r" \\ &\quad + ".join(symbolic(t) for t in self.terms)]
        for i, (f, formula) in enumerate(formulas):
            steps = [self._partial_latex(f),
                     *formula.latex(self.name, self.digits, f.value), latex_number(f.value, self.digits)]
            rows.append((r"&\text{where } " if i == 0 else r"&\phantom{\text{where }} ") + " = ".join(steps))
        rows.append("&= " + r" \\ &\quad + ".join(numeric(t) for t in self.terms))
        if self.omitted:
            rows.append(rf"&\quad + \dots \text{{({self.omitted} more)}}")
        if len(self.terms) > 1 or self.omitted:
            d = self._sum_digits()
            rows.append("&= " + " + ".join(_latex_signed(t.value, d) for t in self.terms)
                        + (r" + \dots" if self.omitted else ""))
        rows.append("&= " + latex_number(self.total, self.digits))
        return r"\begin{aligned}" + " \\\\\n".join(rows) + r"\end{aligned}"

    def markdown(self) -> str:
        """The derivation as Markdown: a display-math block (``$$ … $$``) with the LaTeX."""
        return "$$\n" + self.latex() + "\n$$"

    def _repr_markdown_(self) -> str:
        return self.markdown()

    def _repr_latex_(self) -> str:
        return "$$" + self.latex() + "$$"


def _latex_signed(x: float, digits: int) -> str:
    text = latex_number(x, digits)
    return f"({text})" if text.startswith("-") else text


def explain(
    output: Value,
    wrt: Value,
    *,
    digits: int = 4,
    max_paths: int = 12,
    form: str = "auto",
) -> Explanation:
    """∂output/∂wrt written as the chain rule: one term per path, or the δ form.

    ``form``: "paths" lists the paths (at most ``max_paths``, saying how many are left
    out), "delta" writes Σ ∂output/∂P · ∂P/∂wrt over the nearest labelled nodes P above
    ``wrt``, and "auto" (the default) uses "paths" unless there are more than ``max_paths``.
    The total is exact either way. ``digits`` is the number of significant digits shown.
    """
    if not isinstance(output, Value) or not isinstance(wrt, Value):
        raise TypeError(f"explain: output and wrt must be Values, not "
                        f"{type(output).__name__} and {type(wrt).__name__}")
    _check_options("explain", digits, max_paths, form)
    return _explanation(PathSet(output, wrt), digits, max_paths, form)


def explain_all(
    output: Value,
    params: Iterable[Value],
    *,
    digits: int = 4,
    max_paths: int = 12,
    form: str = "auto",
) -> list[Explanation]:
    """``explain(output, p)`` for each p of ``params``, in order, from one set of sweeps.

    The same explanations, number for number, as ``explain`` one at a time, which walks the
    whole graph for each parameter: here the graph is walked once, so a network's every
    derivation costs time linear in its size. (Listing paths costs what it lists; with
    ``form="paths"`` and more paths than ``max_paths``, finding the nodes above a parameter
    may cost up to the graph's size for each.)
    """
    if not isinstance(output, Value) or not isinstance(params, Iterable):
        raise TypeError(f"explain_all: output must be a Value and params an iterable of Values, "
                        f"not {type(output).__name__} and {type(params).__name__}")
    wrts = list(params)
    for i, p in enumerate(wrts):
        if not isinstance(p, Value):
            raise TypeError(f"explain_all: params[{i}] is a {type(p).__name__}, not a Value")
    _check_options("explain_all", digits, max_paths, form)
    paths = AllPaths(output, wrts)
    formulas = Formulas(output)  # one naming of the graph, each factor's formula worked out once
    return [_explanation(paths.to(p), digits, max_paths, form, formulas) for p in wrts]


def _check_options(where: str, digits: int, max_paths: int, form: str) -> None:
    """The options explain and explain_all share, checked alike."""
    if form not in FORMS:
        raise ValueError(f"{where}: form must be one of {', '.join(FORMS)}, not {form!r}")
    check_digits(digits, where)
    whole(max_paths, f"{where}: max_paths", 1)


def _explanation(ps: PathView, digits: int, max_paths: int, form: str,
                 formulas: Formulas | None = None) -> Explanation:
    """The derivation the paths give: the form chosen, at most ``max_paths`` terms listed."""
    output, wrt = ps.output, ps.wrt
    n_paths = ps.n_labelled_paths
    if n_paths == 0:
        return Explanation(output, wrt, "paths", (), 0, 0.0, digits, formulas)
    if output is not wrt and (form == "delta" or (form == "auto" and n_paths > max_paths)):
        terms = _delta_terms(ps)
        listed = tuple(terms[:max_paths])
        return Explanation(output, wrt, "delta", listed, len(terms), ps.total, digits, formulas)
    listed = tuple(itertools.islice(_paths(ps), max_paths))
    return Explanation(output, wrt, "paths", listed, n_paths, ps.total, digits, formulas)


def _paths(ps: PathView) -> Iterator[Term]:
    """Every path through labelled nodes as a Term of factors, output first."""
    for trail in dag_paths(ps.labelled_edges(), ps.output, ps.wrt):
        factors, top = [], ps.output
        for node, d in trail:
            factors.append(Factor(top, node, d))
            top = node
        yield Term(tuple(factors) or (Factor(ps.output, ps.wrt, 1.0),))  # output is wrt


def _delta_terms(ps: PathView) -> list[Term]:
    """Σ ∂output/∂P · ∂P/∂wrt over the nearest labelled nodes P above wrt."""
    return [
        Term((Factor(ps.output, ps.wrt, local),) if parent is ps.output  # no labelled node between
             else (Factor(ps.output, parent, ps.delta[parent]), Factor(parent, ps.wrt, local)))
        for parent, local in ps.nearest_labelled_users().items()
    ]
