"""Derivatives of derivatives: the gradient built as a graph of Values, from the same op table.

Backward multiplies each node's gradient by its local partials. The partials are formulas in
``out``, ``x`` and ``y`` (``ops.py``). Evaluated on floats they give numbers, which is
``backward``. Evaluated on Values they give a graph: ∂y/∂x as a Value, with its own graph,
which can be differentiated again, explained, drawn or traced. No derivative is written a
second time. Each function a formula calls is replaced by the Value method of the op whose
formula is that call (``tanh(x)`` by ``Value.tanh``). A comparison compares the data. So
``1.0 if x > 0.0 else 0.0``, relu's partial, is a constant: relu″ = 0 away from the kink, and 0
there by convention, as PyTorch has it.

The gradient's numbers are backward's to the last bit. It pushes the same products in the
same order; it only never skips a node whose gradient is 0 (that gradient's own derivative
need not be 0).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from . import ops
from .backprop import backward, check_unchanged
from .graph import GRAPH_LOCK, walk
from .ieee import FUNCTIONS
from .modes import _mode
from .nary import vsum
from .op import BINARY, CONST_LEFT, NARY, UNARY
from .validate import Number, real
from .value import Value

Grad = Value | float  # a gradient: a Value with a graph, or a plain number (a constant)
# Functions whose derivative is 0 wherever it exists: applied to the data, a constant.
PIECEWISE_CONSTANT = frozenset({"sign"})


def _data(v: Any) -> Any:
    return v._data if isinstance(v, Value) else v


class _OnData(ast.NodeTransformer):
    """Every operand of a comparison read as its number (``x > 0.0`` → ``_data(x) > 0.0``)."""

    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        self.generic_visit(node)
        wrap: list[ast.expr] = [ast.Call(ast.Name("_data", ast.Load()), [e], [])
                                for e in (node.left, *node.comparators)]
        return ast.Compare(wrap[0], node.ops, wrap[1:])


def _twin(name: str) -> Callable[..., Any]:
    """``FUNCTIONS[name]`` on Values: the method of the op whose formula is ``name(x)`` or
    ``name(x, y)``; on plain numbers, the function itself."""
    f = FUNCTIONS[name]
    for op in ops.TABLE:
        if op.kind == UNARY and op.formula == f"{name}(x)":
            method = op.methods[0]
            return lambda x: getattr(x, method)() if isinstance(x, Value) else f(x)
        if op.kind == BINARY and op.formula == f"{name}(x, y)":
            forward, reflected = op.methods
            return lambda x, y: (getattr(x, forward)(y) if isinstance(x, Value)
                                 else getattr(y, reflected)(x) if isinstance(y, Value) else f(x, y))
    if name in PIECEWISE_CONSTANT:
        return lambda *args: f(*map(_data, args))
    raise LookupError(f"no op computes {name}(x), so its derivative on Values is unknown: "
                      f"add the op, or list {name} in higher.PIECEWISE_CONSTANT if its derivative is 0")


@cache
def partial_on_values(formula: str) -> Callable[[Any, Any, Any], Any]:
    """A partial's formula as a function of (out, x, y) that works on Values, building a graph."""
    tree = ast.fix_missing_locations(_OnData().visit(ast.parse(formula, mode="eval")))
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} & set(FUNCTIONS)
    scope = {name: _twin(name) for name in used} | {"_data": _data}
    body = ast.unparse(tree)
    function: Callable[[Any, Any, Any], Any] = eval(f"lambda out, x, y: {body}", scope)
    return function


def _partials(node: Value) -> list[tuple[Value, Any]]:
    """(operand, ∂node/∂operand) for each Value operand, the partials evaluated on Values."""
    op = node._op
    assert op is not None  # walk gives op nodes only
    if op.kind == NARY:
        operands = node._a
        return [(x, op.shown(i, operands)) for i, x in enumerate(operands) if type(x) is not float]
    if op.kind == CONST_LEFT:
        return [(node._a, partial_on_values(op.partials[0])(node, node._b, node._a))]
    if op.kind == UNARY:
        return [(node._a, partial_on_values(op.partials[0])(node, node._a, node._b))]
    x, y = node._a, node._b
    return [(x, partial_on_values(op.partials[0])(node, x, y)),
            (y, partial_on_values(op.partials[1])(node, x, y))]


def _times(g: Grad, d: Any) -> Grad:
    """g · d, with no node for a factor of exactly 1 (the product would equal the other)."""
    if type(d) is float and d == 1.0:
        return g
    if type(g) is float and g == 1.0:
        return d
    return g * d


def _add(total: Grad | None, g: Grad, d: Any) -> Grad:
    """The chain rule's one addition, as backward's loop writes it (±1 added or subtracted)."""
    if total is None:
        first = -g if type(d) is float and d == -1.0 else _times(g, d)
        # backward adds the first product onto 0.0, which turns a −0.0 into 0.0
        return 0.0 + first if _data(first) == 0.0 else first
    if type(d) is float and d == -1.0:
        return total - g
    return total + _times(g, d)


def gradient_graph(root: Value, seed: Grad = 1.0) -> dict[Value, Grad]:
    """∂root/∂v for every Value v root depends on, inner nodes and leaves: Values with graphs
    where they vary, plain numbers where they are constants."""
    with GRAPH_LOCK:
        order, leaves = walk(root)
        check_unchanged(root, leaves, "backward(create_graph=True)")
    grads: dict[int, Grad] = {id(root): seed}
    with _mode(recording=True):
        for node in reversed(order):
            g = grads.get(id(node))
            if g is None:
                continue
            for x, d in _partials(node):
                grads[id(x)] = _add(grads.get(id(x)), g, d)
        nodes = [*order, *leaves]
        own = {id(v) for v in nodes}
        return {v: _own(grads[id(v)], own) for v in nodes if id(v) in grads}


def _own(g: Grad, graph: set[int]) -> Grad:
    """A gradient that is a node of the graph itself (∂(m·n)/∂m is n) as a node of its own, 1·n:
    relabelling or differentiating the gradient must not touch the graph it came from."""
    return 1.0 * g if isinstance(g, Value) and id(g) in graph else g


def grad(output: Value, inputs: Sequence[Value], create_graph: bool = False) -> list[Grad]:
    """∂output/∂x for each x of ``inputs`` (PyTorch's ``torch.autograd.grad``), without adding
    to any ``.grad``. ``create_graph=True`` returns Values with graphs, to differentiate again;
    otherwise floats, exactly backward's. An input output does not depend on gets 0.0."""
    xs = _values(inputs, "grad")
    if not isinstance(output, Value):
        raise TypeError(f"grad: output must be a Value, not {type(output).__name__}")
    if create_graph:
        found = {id(v): g for v, g in gradient_graph(output).items()}
        return [found.get(id(x), 0.0) for x in xs]
    with GRAPH_LOCK:
        order, leaves = walk(output)
        kept = [(v, v._grad) for v in [*order, *leaves, *xs]]
        try:
            for v, _ in kept:
                v._grad = 0.0
            backward(output)
            return [x._grad for x in xs]
        finally:
            for v, g in kept:
                v._grad = g


def _values(inputs: object, where: str) -> list[Value]:
    if isinstance(inputs, Value) or not isinstance(inputs, Sequence):
        raise TypeError(f"{where}: inputs must be a list of Values, not {type(inputs).__name__}")
    bad = next((i for i, x in enumerate(inputs) if not isinstance(x, Value)), None)
    if bad is not None:
        raise TypeError(f"{where}: input {bad} is {type(inputs[bad]).__name__}, not a Value")
    return list(inputs)


def _leaves(fn: Callable[..., Value], point: Sequence[Number], where: str) -> tuple[list[Value], Value]:
    """Fresh leaves x0, x1, … at ``point``, and fn's output at them."""
    if not callable(fn):
        raise TypeError(f"{where}: fn must be callable, not {type(fn).__name__}")
    if isinstance(point, (str, bytes, Value)) or not isinstance(point, Sequence) or not point:
        raise TypeError(f"{where}: inputs must be a non-empty list of numbers")
    xs = [Value(real(v, f"{where}: input {i}"), label=f"x{i}") for i, v in enumerate(point)]
    with _mode(recording=True):
        out = fn(*xs)
    if not isinstance(out, Value):
        raise TypeError(f"{where}: fn must return a Value, not {type(out).__name__}")
    return xs, out


def hessian(fn: Callable[..., Value], inputs: Sequence[Number]) -> list[list[float]]:
    """The matrix of second derivatives ∂²fn/∂xᵢ∂xⱼ at ``inputs``: the gradient built as a graph,
    each of its entries differentiated again."""
    xs, out = _leaves(fn, inputs, "hessian")
    first = grad(out, xs, create_graph=True)
    return [_numbers(grad(g, xs)) if isinstance(g, Value) else [0.0] * len(xs) for g in first]


def hvp(fn: Callable[..., Value], inputs: Sequence[Number], vector: Sequence[Number]) -> list[float]:
    """The Hessian of fn at ``inputs`` times ``vector``, in two backward passes and no matrix:
    ∇(∇fn · v), the gradient of the directional derivative."""
    xs, out = _leaves(fn, inputs, "hvp")
    if isinstance(vector, (str, bytes)) or not isinstance(vector, Sequence) or len(vector) != len(xs):
        raise ValueError(f"hvp: vector must be a list of {len(xs)} numbers, one per input")
    v = [real(c, f"hvp: vector entry {i}") for i, c in enumerate(vector)]
    terms = [g * c for g, c in zip(grad(out, xs, create_graph=True), v) if isinstance(g, Value)]
    if not terms:
        return [0.0] * len(xs)
    return _numbers(grad(vsum(terms), xs))


def _numbers(grads: list[Grad]) -> list[float]:
    """Gradients as floats (``grad`` without ``create_graph`` gives floats already)."""
    return [g._data if isinstance(g, Value) else g for g in grads]


def first_derivative(fn: Callable[..., Value], i: int) -> Callable[..., Value]:
    """x ↦ ∂fn/∂xᵢ at x, as a Value with a graph (a constant derivative as a leaf): a function
    ``gradcheck`` can check, so that second derivatives are checked as first ones are."""

    def derivative(*xs: Value) -> Value:
        with _mode(recording=True):
            g = grad(fn(*xs), list(xs), create_graph=True)[i]
        return g if isinstance(g, Value) else Value(g)

    derivative.__name__ = f"d{getattr(fn, '__name__', 'fn')}_dx{i}"
    return derivative

