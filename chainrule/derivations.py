"""Every number of the worked step as the documents derive it: formula, numbers, value.

    net_n3 = w1·x1 + w4·x2 + b1 = 0.1·0.23 + 0.4·0.55 + 0.1 = 0.343
    E = 0.5·(target − out_n9)² = 0.5·(0.01 − 0.8035)² = 0.3148
    δ_n9 = ∂E/∂out_n9·σ′(net_n9) = (out_n9 − target)·out_n9·(1 − out_n9) = … = 0.1253
    δ_n3 = (δ_n6·w7 + δ_n7·w8 + δ_n8·w9)·relu′(net_n3) = (0.0877·0.7 + …)·1 = 0.2431
    ∂E/∂w1 = δ_n3·x1 = 0.2431·0.23 = 0.0559

This is backpropagation's δ form: each neuron's δ = ∂E/∂net from the layer above, each
gradient δ times the input its weight multiplies. The formulas of the factors come from the
op table (``autograd.factors``), the structure from the network, every value from the engine:
the number after the last ``=`` is the engine's, never a recomputation.
"""

from __future__ import annotations

import ast
import dataclasses
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from autograd import Value
from autograd.factors import FactorFormula, Formulas, derivative_of
from autograd.graph import local_grads
from autograd.ieee import FUNCTIONS
from autograd.notation import latex_name, latex_number, number
from autograd.symbolic import (
    Expr,
    Writer,
    const,
    digits_to_redo,
    product,
    reproducing,
    substitute,
    symbol,
    total,
)
from nn.layers import ACTIVATIONS

from .walkthrough import NeuronStep, Walkthrough

Names = Callable[[str], str]
# The activations that are a function of the op table, out = f(net), its derivative f′(net).
UNARY_ACTIVATIONS = tuple(name for name in ACTIVATIONS if name in FUNCTIONS)


@dataclass(frozen=True)
class Derivation:
    """One number: ``lhs = step = … = value``, each step an expression over named symbols.

    ``quantity`` is the name a claim gives it (net_n3, δ_n3, ∂E/∂w1, new w1, E); ``symbols``
    maps each placeholder to (kind, name, number), kind "node", "delta", "grad" or "new"."""

    quantity: str
    lhs: Expr
    steps: tuple[Expr, ...]
    value: float
    symbols: Mapping[str, tuple[str, str, float]]
    last: Expr | None = None  # the step the numbers are put into, when not the last shown
    factors: tuple[float, ...] = ()  # the factors' values, shown before the value: 0.7414·0.1868
    least_digits: int = 1  # a new weight needs 6: a step of 0.01·0.0025 changes 0.7 in its sixth

    def text(self, name: Names = str, digits: int = 4) -> str:
        """The derivation in plain text, names written by ``name`` (e.g. made visible)."""
        return self._write(lambda k: self._symbol(k, name, False), False, max(digits, self.least_digits))

    def latex(self, name: Names = str, digits: int = 4) -> str:
        """The derivation as LaTeX (math mode)."""
        return self._write(lambda k: self._symbol(k, name, True), True, max(digits, self.least_digits))

    def _write(self, symbol_of: Callable[[str], str], latex: bool, digits: int) -> str:
        write = Writer(symbol_of, latex=latex, digits=digits)
        parts = [write(self.lhs), *map(write, self.steps)]
        last = self._last()
        if last is not None:  # the numbers, to the digits that give the value shown
            values = {k: v for k, (_, _, v) in self.symbols.items()}
            numbers, d = reproducing(last, values, self.value, digits)
            parts.append(Writer(str, latex=latex, digits=d)(numbers))
        if self.factors:
            d = digits_to_redo(self.factors, product, self.value, digits)
            parts.append(Writer(str, latex=latex, digits=d)(product([const(f) for f in self.factors])))
        parts.append(latex_number(self.value, digits) if latex else number(self.value, digits))
        return " = ".join(dict.fromkeys(parts))  # a step that reads as the one before is said once

    def _last(self) -> Expr | None:
        """The step the numbers go into (None when there is none, or it is a number already)."""
        last = self.last if self.last is not None else self.steps[-1] if self.steps else None
        return None if last is None or isinstance(last, ast.Constant) else last

    def numbers(self) -> Expr | None:
        """The last step with every symbol's number put in (None when there is no step)."""
        last = self._last()
        if last is None:
            return None
        return substitute(last, {k: const(v) for k, (_, _, v) in self.symbols.items()})

    def _symbol(self, key: str, name: Names, latex: bool) -> str:
        kind, label, _ = self.symbols[key]
        shown = latex_name(name(label)) if latex else name(label)
        if kind == "delta":
            return rf"\delta_{{{shown}}}" if latex else f"δ_{name(label)}"
        if kind == "grad":
            return rf"\frac{{\partial E}}{{\partial {shown}}}" if latex else f"∂E/∂{shown}"
        if kind == "new":
            return rf"{shown}^{{\mathrm{{new}}}}" if latex else f"new {shown}"
        return shown


@dataclass
class _Book:
    """The symbols of one derivation as it is written: each a placeholder with a name and number."""

    formulas: Formulas
    symbols: dict[str, tuple[str, str, float]] = field(default_factory=dict)
    keys: dict[tuple[str, str, float], str] = field(default_factory=dict)  # symbols, the other way

    def sym(self, kind: str, label: str, value: float) -> Expr:
        """The placeholder of (kind, label, value), one per distinct symbol of the derivation."""
        entry = (kind, label, value)
        if entry not in self.keys:
            self.keys[entry] = key = f"_{kind}_{len(self.symbols)}"
            self.symbols[key] = entry
        return symbol(self.keys[entry])

    def node(self, v: Value | float) -> Expr:
        return const(v) if isinstance(v, float) else self.sym("node", self.formulas.name(v), v.data)

    def formula(self, f: FactorFormula | None, value: float) -> Expr:
        """A factor's formula in this book's symbols, or its number when it has none."""
        if f is None:
            return const(value)
        return substitute(f.expr, {k: self.node(v) for k, v in f.nodes.items()})

    def done(
        self,
        quantity: str,
        lhs: Expr,
        steps: list[Expr],
        value: float,
        last: Expr | None = None,
        factors: tuple[float, ...] = (),
    ) -> Derivation:
        return Derivation(quantity, lhs, tuple(steps), value, dict(self.symbols), last, factors)


class Deriver:
    """The derivations of one worked step; each ``…_of`` method gives one number's."""

    def __init__(self, w: Walkthrough) -> None:
        self.w = w
        # explain_all named E's graph and worked out its factors already: the same, not again
        made = next((e.formulas for e in w.explanations if e.formulas is not None and e.output is w.E), None)
        self.formulas = made or Formulas(w.E)
        self.delta = {n.name: n.delta for row in w.neurons for n in row}
        self.above: dict[str, list[tuple[NeuronStep, Value]]] = {}  # neuron: [(user, its weight)]
        for lower, upper in zip(w.neurons, w.neurons[1:]):
            for j, n in enumerate(lower):
                self.above[n.name] = [(u, u.weights[j]) for u in upper]

    def book(self) -> _Book:
        return _Book(self.formulas)

    def net_of(self, n: NeuronStep) -> Derivation:
        """net = Σ w·x + b with the numbers."""
        b = self.book()
        terms = [product([b.node(w), b.node(x)]) for w, x in zip(n.weights, n.inputs)]
        lhs = b.sym("node", n.net_label, n.net)
        return b.done(n.net_label, lhs, [total([*terms, b.node(n.bias)])], n.net)

    def out_of(self, n: NeuronStep, row: list[NeuronStep], out: Value) -> Derivation:
        """out = activation(net); a softmax output is e^net over the layer's sum."""
        b = self.book()
        net = b.sym("node", n.net_label, n.net)
        if n.activation == "softmax":
            step: Expr = ast.Call(ast.Name("ieee_div", ast.Load()), [_exp(b, n), _denominator(b, row)], [])
        elif n.activation in UNARY_ACTIVATIONS:
            step = ast.Call(ast.Name(n.activation, ast.Load()), [net], [])
        else:
            step = net
        lhs = b.node(out)
        return b.done(self.formulas.name(out), lhs, [step], n.out)

    def loss(self) -> Derivation:
        """E as the loss's formula in the outputs and targets, with the numbers."""
        b = self.book()
        E = self.w.E
        f = self.formulas.value_formula(E)
        return b.done("E", b.node(E), [b.formula(f, E.data)] if f else [], E.data)

    def delta_of(self, n: NeuronStep, out: Value, net: Value) -> Derivation:
        """δ = ∂E/∂net: from the loss at an output, from the δs of the layer above elsewhere."""
        b = self.book()
        lhs = b.sym("delta", n.name, n.delta)
        if n.activation == "softmax":
            return self._softmax_delta(b, lhs, n, out)
        users = self.above.get(n.name)
        if users is None:  # an output neuron: ∂E/∂out from the loss
            d_out = b.sym("grad", self.formulas.name(out), out.grad)
            d_out_formula = b.formula(self.formulas.of(self.w.E, out, out.grad), out.grad)
        else:
            d_out = total([product([b.sym("delta", u.name, u.delta), b.node(wt)]) for u, wt in users])
            d_out_formula = d_out
        if n.activation not in UNARY_ACTIVATIONS:
            return b.done(f"δ_{n.name}", lhs, [d_out, d_out_formula], n.delta)
        local = local_grads(out)[0]
        act = derivative_of(n.activation, b.sym("node", n.net_label, n.net))
        act_formula = self.formulas.of(out, net, local)
        steps = [product([d_out, act])]
        if users is None and d_out_formula is not d_out and not isinstance(d_out_formula, ast.Constant):
            steps.append(product([d_out_formula, act]))  # ∂E/∂out's formula, even beside relu′
        factors = (out.grad, local)  # the document's style: 0.74136507·0.186815602
        if act_formula is None or _is_choice(act_formula):  # relu′ = 1: its number, not its cases
            last = product([d_out_formula, const(local)])
            return b.done(f"δ_{n.name}", lhs, steps, n.delta, last, () if users else factors)
        shown = product([d_out_formula, b.formula(act_formula, local)])
        return b.done(f"δ_{n.name}", lhs, [steps[0], shown], n.delta, None, factors)

    def _softmax_delta(self, b: _Book, lhs: Expr, n: NeuronStep, out: Value) -> Derivation:
        """With cross-entropy, δₖ = pₖ − yₖ, y the one-hot class (the shortcut; the matrix form
        shows the chain-rule product it equals). With another loss, the chain rule through every
        output of the layer: δₖ = Σⱼ ∂E/∂pⱼ · pⱼ([j = k] − pₖ)."""
        row = next(r for r in self.w.neurons if n in r)
        k = row.index(n)
        if self.w.spec.loss == "cross_entropy":
            y = b.sym("node", f"y_{n.name}", 1.0 if k == self.w.spec.target else 0.0)
            return b.done(f"δ_{n.name}", lhs, [ast.BinOp(b.node(out), ast.Sub(), y)], n.delta)
        terms = []
        for j, m in enumerate(row):
            if m.out_node is None:
                continue
            p_j, p_k = b.node(m.out_node), b.node(out)
            slope = ast.BinOp(const(1.0), ast.Sub(), p_k) if j == k else ast.UnaryOp(ast.USub(), p_k)
            grad = b.sym("grad", self.formulas.name(m.out_node), m.out_node.grad)
            terms.append(product([grad, p_j, slope]))
        return b.done(f"δ_{n.name}", lhs, [total(terms)], n.delta)

    def gradient_of(self, p: Value, n: NeuronStep, i: int | None) -> Derivation:
        """∂E/∂w = δ · the input w multiplies; ∂E/∂b = δ."""
        b = self.book()
        name = self.formulas.name(p)
        delta = b.sym("delta", n.name, n.delta)
        step = delta if i is None else product([delta, b.node(n.inputs[i])])
        return b.done(f"∂E/∂{name}", b.sym("grad", name, p.grad), [step], p.grad)

    def new_of(self, p: Value, new: float) -> Derivation:
        """new p = p − η·∂E/∂p."""
        b = self.book()
        name = self.formulas.name(p)
        step = ast.BinOp(
            b.node(p), ast.Sub(), product([const(self.w.spec.learning_rate), b.sym("grad", name, p.grad)])
        )
        line = b.done(f"new {name}", b.sym("new", name, new), [step], new)
        return dataclasses.replace(line, least_digits=6)


SPELLED_OUT = 4  # a softmax of more classes writes its denominator as one Σ, with its number


def _exp(b: _Book, n: NeuronStep) -> Expr:
    return ast.Call(ast.Name("ieee_exp", ast.Load()), [b.sym("node", n.net_label, n.net)], [])


def _denominator(b: _Book, row: list[NeuronStep]) -> Expr:
    """Σⱼ exp(netⱼ) written out for a few classes; for many, once, as Σⱼ exp(netⱼ) = its number
    (so that a 400-class layer does not write 400 terms 400 times)."""
    if len(row) <= SPELLED_OUT:
        return total([_exp(b, m) for m in row])
    return b.sym("node", "Σⱼ exp(netⱼ)", math.fsum(math.exp(m.net) for m in row))


def _is_choice(f: FactorFormula) -> bool:
    """A formula that is an if/else (relu′): its number reads better than its cases in a product."""
    return isinstance(f.expr, ast.IfExp)
