"""Readable names for unlabelled nodes: what explanations, diagrams and errors call them.

A micrograd-style graph labels its inputs and little else. A node without a label is named
from its op and operands while that stays short (``a·b``, ``tanh(h)``, ``x + 2``), and
otherwise numbered by op in topological order (``mul₁``, ``tanh₂``); an unlabelled leaf is
``v₁``, ``v₂``, … . Numbers depend on the graph, so names are given for one graph at a time:
``Names(root)[node]``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .graph import inputs, operands, topological_order
from .notation import exact
from .op import BINARY, CONST_LEFT, NARY
from .symbolic import SUPERSCRIPTS

if TYPE_CHECKING:
    from .value import Value

SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
INFIX = {"add": " + ", "sub": " − ", "mul": "·", "div": "/", "pow": "^", "sum": " + "}
LONGEST = 12  # a derived name longer than this is numbered instead


def numbered(base: str, n: int) -> str:
    """``mul₁``: a base name with a subscript number."""
    return base + str(n).translate(SUBSCRIPTS)


class Names:
    """Every node of the graphs below ``roots`` by a readable name (its label when it has one)."""

    def __init__(self, *roots: Value) -> None:
        for i, root in enumerate(roots):
            if not hasattr(root, "_op") or not hasattr(root, "label"):
                raise TypeError(f"Names: roots[{i}] is a {type(root).__name__}, not a Value")
        self._names: dict[Value, str] = {}
        self._counts: dict[str, int] = {}
        for root in roots:
            if root._op is None:
                self._leaf(root)
            for node in topological_order(root):  # inputs before users: operands are named
                for x in inputs(node):
                    if x._op is None:
                        self._leaf(x)
                if node not in self._names:
                    self._names[node] = node.label or self._derived(node)

    def __getitem__(self, v: Value) -> str:
        name = self._names.get(v)
        if name is None:
            raise KeyError(f"{v!r} is not in the graph these names were made for")
        return name

    def atom(self, v: Value) -> str:
        """The name as one symbol: a made-up compound name in parentheses, "∂(a/b)/∂b"."""
        name = self[v]
        return f"({name})" if not v.label and _compound(name) else name

    def _leaf(self, v: Value) -> None:
        if v not in self._names:
            self._names[v] = v.label or self._next("v")

    def _next(self, base: str) -> str:
        self._counts[base] = n = self._counts.get(base, 0) + 1
        return numbered(base, n)

    def _derived(self, node: Value) -> str:
        op = node._op
        assert op is not None
        text = self._written(op.name, op.kind, operands(node))
        return text if 0 < len(text) <= LONGEST else self._next(op.name)

    def _written(self, name: str, kind: int, xs: tuple[Value | float, ...]) -> str:
        """An op and its operands as a name: a·b, x², −a, tanh(a·b), Σ t; "" when none reads well."""
        if name == "pow" and isinstance(xs[1], float) and xs[1] in SUPERSCRIPTS:
            return self._operand(xs[0]) + SUPERSCRIPTS[xs[1]]  # x², as the documents write it
        if kind == NARY and len(xs) == 1:  # a sum of one term: not the term itself
            return f"Σ {self._operand(xs[0], nested=False)}"
        if name in INFIX and (kind in (BINARY, CONST_LEFT, NARY) or len(xs) == 2):
            return INFIX[name].join(self._operand(x) for x in xs)
        if name == "neg":
            return "−" + self._operand(xs[0])
        if kind != NARY:  # a call reads its arguments whole: tanh(a·b)
            return f"{name}({', '.join(self._operand(x, nested=False) for x in xs)})"
        return ""

    def _operand(self, x: Value | float, nested: bool = True) -> str:
        """An operand as it reads inside another name: compound names in parentheses."""
        if isinstance(x, float):
            text = exact(x).removesuffix(".0")  # x·1.00001, not x·1: two nodes, two names
            return f"({text})" if nested and text.startswith(("-", "−")) else text
        name = self._names[x]
        return f"({name})" if nested and not x.label and _compound(name) else name


def _compound(name: str) -> bool:
    """Does a made-up name hold an infix operator (a·b, t − o), so that it needs parentheses?"""
    if re.fullmatch(r"\w+\(.*\)", name):  # a call, tanh(a·b), is one symbol
        return False
    if name.endswith(tuple(SUPERSCRIPTS.values())):  # ∂E/∂(v₁²), not a second derivative
        return True
    return name.startswith("−") or any(s.strip() in name for s in INFIX.values())


def name_of(v: Value) -> str:
    """``v``'s readable name within its own graph (its label, if it has one)."""
    if not hasattr(v, "_op") or not hasattr(v, "label"):
        raise TypeError(f"name_of: expected a Value, not a {type(v).__name__}")
    return v.label or Names(v)[v]
