"""Each chain-rule factor with its formula and substitution, read from the op table.

``∂out_n9/∂net_n9 = σ′(net_n9) = out_n9·(1 − out_n9) = 0.8035·(1 − 0.8035) = 0.1579``: the
formula is the op table's partial for that op, with the operands' names put in. A factor
between labelled nodes that spans unlabelled ones (a loss: E = ½ Σ (t − o)² is five ops)
is the sum over the routes between of the product of each op's partial, simplified: the
squared error's ½ · 2(t − o) · (−1) reads o − t. An unlabelled node on the way is written as
its own formula while that is short (``t − o``), else by its readable name (``names``).

Nothing here is a second copy of a derivative: every formula is the table's. A formula is
shown only when it evaluates, at the graph's numbers, to the factor the engine computed;
a factor with too many routes, or a formula that does not check, shows just its number.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from .graph import operands
from .names import Names, name_of
from .notation import latex_name
from .op import BINARY, CONST_LEFT, NARY
from .ops import SUM
from .symbolic import (
    Expr,
    Writer,
    const,
    evaluate,
    parse,
    product,
    reproducing,
    simplify,
    size,
    substitute,
    symbol,
    total,
)

if TYPE_CHECKING:
    from .value import Value

MAX_ROUTES = 6  # more routes between two labelled nodes than this: the number alone
MAX_VISITS = 200  # nodes searched for routes before giving up on a formula
LONGEST = 16  # an unlabelled node is written out while its formula has at most this many parts
MAX_DEPTH = 8  # a value's formula is written out this many ops down, at most
LONGEST_FACTOR = 60  # a factor's formula longer than this is not worth reading: the number alone
LONGEST_VALUE = 400  # a value's (a loss over many outputs: ½ Σ (tₖ − oₖ)², term by term) is


@dataclass(frozen=True)
class FactorFormula:
    """∂top/∂bottom as a formula in named nodes: ``expr`` over placeholders of ``nodes``;
    ``activation`` is (op, the node it reads) when the factor is one activation's derivative."""

    expr: Expr
    nodes: dict[str, Value]
    activation: tuple[str, Value] | None

    def evaluated(self) -> float:
        """The formula's value at its nodes' numbers, to check against the engine's."""
        return evaluate(self.expr, {k: v.data for k, v in self.nodes.items()})

    @property
    def trivial(self) -> bool:
        """Only a number (∂net/∂b = 1): nothing to show beyond it."""
        return not self.nodes

    def text(self, names: Callable[[Value], str], digits: int = 4, value: float | None = None) -> list[str]:
        """The formula's steps as text: [σ′(net_n9),] out_n9·(1 − out_n9), 0.8035·(1 − 0.8035);
        given the factor's ``value``, the numbers have the digits it takes to give it."""
        return self._steps(names, lambda name: name, False, digits, value)

    def latex(self, names: Callable[[Value], str], digits: int = 4, value: float | None = None) -> list[str]:
        """The same steps as LaTeX."""
        return self._steps(names, latex_name, True, digits, value)

    def _steps(self, names: Callable[[Value], str], write: Callable[[str], str], latex: bool,
               digits: int, value: float | None) -> list[str]:
        steps = []
        if self.activation:
            op, x = self.activation
            argument = write(_unwrapped(names(x)))  # tanh′(a − b): the call's parentheses are enough
            steps.append(Writer(lambda k: argument, latex=latex)(derivative_of(op, symbol("x"))))
        steps.append(Writer(lambda k: write(names(self.nodes[k])), latex=latex, digits=digits)(self.expr))
        if not isinstance(self.expr, ast.Name):  # a name alone: its number is the factor's
            values = {k: v.data for k, v in self.nodes.items()}
            numbers, d = (reproducing(self.expr, values, value, digits) if value is not None
                          else (substitute(self.expr, {k: const(x) for k, x in values.items()}), digits))
            steps.append(Writer(lambda k: k, latex=latex, digits=d)(numbers))
        return steps


class Formulas:
    """The factor formulas of one graph, each worked out once: ``of(top, bottom, value)``."""

    def __init__(self, output: Value) -> None:
        self.names = Names(output)
        self._ids: dict[Value, str] = {}
        self._exprs: dict[Value, Expr] = {}
        self._made: dict[tuple[Value, Value], FactorFormula | None] = {}

    def name(self, v: Value) -> str:
        """A node's readable name (its label, or one made from its op)."""
        try:
            return self.names.atom(v)
        except KeyError:
            return v.label or name_of(v)  # a node of another graph: named in its own

    def of(self, top: Value, bottom: Value, value: float) -> FactorFormula | None:
        """∂top/∂bottom's formula, or None when it has too many routes, reads too long, or does
        not evaluate to ``value``. The same two nodes may name two factors (∂E/∂P along the
        routes between them, or δ of P along every path), so each use is checked."""
        key = (top, bottom)
        if key not in self._made:
            self._made[key] = self._work_out(top, bottom)
        made = self._made[key]
        return made if made is not None and _agrees(made.evaluated(), value) else None

    def _work_out(self, top: Value, bottom: Value) -> FactorFormula | None:
        """The sum over the routes from top down to bottom of the product of the op table's partials."""
        routes = _routes(top, bottom)
        if not routes:
            return None
        expr = simplify(total([product([self._partial(node, i) for node, i in r]) for r in routes]))
        if size(expr) > LONGEST_FACTOR:
            return None
        nodes = self._ids_in(expr)
        node, _ = routes[0][0]
        op = node._op
        one_activation = (
            len(routes) == 1
            and len(routes[0]) == 1
            and op is not None
            and op.kind not in (BINARY, CONST_LEFT, NARY)
            and (node._b is None or op.parameter is not None)  # x·2's 2 is no activation's
            and op.name != "neg"
        )
        return FactorFormula(expr, nodes, (op.name, bottom) if one_activation and op else None)

    def value_formula(self, v: Value) -> FactorFormula | None:
        """``v`` as the formula of its op in its operands, ``v``'s own label aside, unlabelled
        operands written out while it stays readable: the loss E = ½·(target − out)², checked
        against v's value like any factor."""
        if v._op is None or (v._op.kind == NARY and v._op is not SUM):
            return None
        expr = self._written(v, 0)
        if size(expr) > LONGEST_VALUE:
            return None
        made = FactorFormula(expr, self._ids_in(expr), None)
        return made if _agrees(made.evaluated(), v.data) else None

    def _written(self, v: Value | float, depth: int) -> Expr:
        """``v``'s formula in its operands' formulas, down to labelled nodes, MAX_DEPTH ops deep."""
        if isinstance(v, float):
            return const(v)
        op = v._op
        if op is None or (depth and v.label) or (op.kind == NARY and op is not SUM) or depth > MAX_DEPTH:
            return self._symbol(v)
        if op is SUM:
            return total([self._written(x, depth + 1) for x in operands(v)])
        env = {k: self._written(x, depth + 1) for k, x in zip("xy", operands(v))}
        written = simplify(substitute(parse_cached(op.formula), env))
        return written if depth == 0 or size(written) <= LONGEST_VALUE else self.expr(v)

    def _sum(self, v: Value) -> Expr:
        return total([self.expr(x) for x in operands(v)])

    def _ids_in(self, expr: Expr) -> dict[str, Value]:
        used = {n.id for n in _names_in(expr)}
        return {k: v for v, k in self._ids.items() if k in used}

    def _symbol(self, v: Value) -> Expr:
        key = self._ids.setdefault(v, f"_{len(self._ids)}")
        return symbol(key)

    def expr(self, v: Value | float) -> Expr:
        """A node as it appears in a formula: its name, or its own short formula when unlabelled."""
        if isinstance(v, float):
            return const(v)
        if v.label or v._op is None or (v._op.kind == NARY and v._op is not SUM):
            return self._symbol(v)
        if v not in self._exprs:
            written = (
                self._sum(v)
                if v._op is SUM
                else simplify(substitute(parse_cached(v._op.formula), self._env(v)))
            )
            self._exprs[v] = written if size(written) <= LONGEST else self._symbol(v)
        return self._exprs[v]

    def _env(self, node: Value) -> dict[str, Expr]:
        """out, x and y of the node's op, as the op table's formulas name them."""
        op = node._op
        assert op is not None
        xs = operands(node)
        env = {"x": self.expr(xs[0])}
        if len(xs) > 1:
            env["y"] = self.expr(xs[1])
        return env

    def _partial(self, node: Value, i: int) -> Expr:
        """∂node/∂(operand i) from the op table, in the operands' names."""
        op = node._op
        assert op is not None
        if op.kind == NARY:
            return self.expr(op.shown(i, operands(node)))
        formula = op.partials[i] if op.kind == BINARY else op.partials[0]
        # out is the node's own name: a tanh's 1 − out², not 1 − tanh(…)²
        return substitute(parse_cached(formula), {**self._env(node), "out": self._symbol(node)})


def _unwrapped(name: str) -> str:
    """A name without the parentheses that make it one symbol: (a − b) → a − b."""
    inner = name[1:-1]
    if name.startswith("(") and name.endswith(")") and "(" not in inner and ")" not in inner:
        return inner
    return name


def derivative_of(op: str, x: Expr) -> Expr:
    """op′(x), an activation's derivative as the documents write it: σ′(net), relu′(net)."""
    return ast.Call(ast.Name("d_" + op, ast.Load()), [x], [])


@cache
def parse_cached(formula: str) -> Expr:
    return parse(formula)


def _names_in(expr: Expr) -> list[ast.Name]:
    return [n for n in ast.walk(expr) if isinstance(n, ast.Name) and n.id.startswith("_")]


def _agrees(shown: float, value: float) -> bool:
    """Does the formula's value match the engine's (to rounding; nan and infinities alike)?"""
    if math.isnan(value) or math.isnan(shown):
        return math.isnan(value) and math.isnan(shown)
    return math.isclose(shown, value, rel_tol=1e-9, abs_tol=1e-300)


def _routes(top: Value, bottom: Value) -> list[list[tuple[Value, int]]] | None:
    """Each way down from ``top`` to ``bottom`` through unlabelled nodes, as (node, operand
    index) steps; None when there are more than MAX_ROUTES or the search is too long."""
    if top is bottom:
        return None
    routes: list[list[tuple[Value, int]]] = []
    stack: list[tuple[Value, list[tuple[Value, int]]]] = [(top, [])]
    visits = 0
    while stack:
        node, trail = stack.pop()
        visits += 1
        if visits > MAX_VISITS:
            return None
        op = node._op
        if op is None or op.blocks:
            continue
        for i, x in reversed(list(enumerate(operands(node)))):
            if isinstance(x, float):
                continue
            step = [*trail, (node, i)]
            if x is bottom:
                routes.append(step)
            elif x._op is not None and not x.label:
                stack.append((x, step))
        if len(routes) > MAX_ROUTES:
            return None
    return routes
