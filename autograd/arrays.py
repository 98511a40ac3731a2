"""One sample's tape replayed over a whole batch at once, with NumPy arrays (an optional extra).

A slot that depends on the row (an input, or a node computed from one) holds an array with
one number per row; a slot of the parameters alone holds one float. Each node's formula is
the op table's, made elementwise (``vectorized``: ``a if c else b`` becomes ``where(c, a, b)``,
``ieee_exp`` NumPy's ``exp``), so no derivative is written a second time. A network's layer
is a run of ``dot`` nodes over the same inputs: it becomes one matrix product forward and two
backward, which is where the speed comes from. Parameter gradients sum over the rows.

NumPy rounds differently from the scalar engine: its sums and matrix products add in their own
order where ``dot`` and ``vsum`` round the exact sum once, and ``exp`` is another library's. So
results agree with the eager engine to about 1e-15 relative to the size of the terms summed,
not bit for bit: a sum that cancels (1e17 + 1 − 1e17) can differ by more, and the max of a
``shift`` over ±0 may pick the other zero.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from .ieee import GELU_BETA, GELU_KAPPA, ieee_pow
from .op import BINARY, NARY, UNARY, Op, parenthesized
from .ops import DOT
from .program import Writer, function, literal, slot_names, substitute, unpack


def numpy_or_explain() -> Any:
    """NumPy, or an ImportError saying how to get it."""
    try:
        import numpy
    except ImportError:
        raise ImportError("replaying a tape over arrays needs NumPy: pip install numpy "
                          "(or chainrule's [fast] extra)") from None
    return numpy


class _Elementwise(ast.NodeTransformer):
    """``a if c else b`` → ``where(c, a, b)``; ``p and q`` → ``logical_and(p, q)``."""

    def visit_IfExp(self, node: ast.IfExp) -> ast.AST:
        self.generic_visit(node)
        return ast.Call(ast.Name("where", ast.Load()), [node.test, node.body, node.orelse], [])

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.AST:
        self.generic_visit(node)
        name = "logical_and" if isinstance(node.op, ast.And) else "logical_or"
        call: ast.expr = node.values[0]
        for value in node.values[1:]:
            call = ast.Call(ast.Name(name, ast.Load()), [call, value], [])
        return call


@cache
def vectorized(formula: str) -> str:
    """An op table formula that works on arrays as on floats."""
    return ast.unparse(_Elementwise().visit(ast.parse(formula, mode="eval")))


def namespace() -> dict[str, Any]:
    """The op table's functions as NumPy's elementwise ones (same IEEE results: inf, nan)."""
    np = numpy_or_explain()
    return {**_functions(np), **_helpers(np), "ieee_div": np.divide,
            "ieee_exp": np.exp, "ieee_log": np.log, "ieee_sqrt": np.sqrt, "sign": np.sign, "sin": np.sin,
            "cos": np.cos, "tanh": np.tanh, "fabs": np.abs, "log1p": np.log1p, "expm1": np.expm1,
            "maximum": np.maximum, "minimum": np.minimum, "where": np.where, "logical_and": np.logical_and,
            "logical_or": np.logical_or, "stack": np.stack, "np": np, "INF": np.inf, "NAN": np.nan}


def _functions(np: Any) -> dict[str, Callable[..., Any]]:
    """The table's functions NumPy lacks: sigmoid, relu, the other activations, the n-ary ops."""

    def sigmoid(x: Any) -> Any:
        e = np.exp(-np.abs(x))  # never overflows; 1/(1+e) for x ≥ 0, e/(1+e) below
        return np.where(x >= 0.0, 1.0 / (1.0 + e), e / (1.0 + e))

    def relu(x: Any) -> Any:
        return np.where(x <= 0.0, 0.0, x)  # nan stays nan

    def softplus(x: Any) -> Any:
        return relu(x) + np.log1p(np.exp(-np.abs(x)))  # as ieee.softplus: never overflows

    def gelu(x: Any) -> Any:
        return 0.5 * x * (1.0 + np.tanh(GELU_BETA * (x + GELU_KAPPA * (x * x * x))))

    def leaky_relu(x: Any, slope: float = 0.01) -> Any:
        return np.where(x > 0.0, x, slope * x)

    def elu(x: Any, alpha: float = 1.0) -> Any:
        return np.where(x > 0.0, x, alpha * np.expm1(np.minimum(x, 0.0)))  # e^x of x ≤ 0 only

    def total(terms: Sequence[Any]) -> Any:
        out = terms[0]
        for t in terms[1:]:
            out = out + t
        return out

    def highest(terms: Sequence[Any]) -> Any:
        return np.max(np.broadcast_arrays(*terms), axis=0)

    def power(x: Any, y: Any) -> Any:
        """C's pow, as ``ieee_pow``: NumPy takes x ** 0.5 as √x, which differs at −inf and −0."""
        out = np.power(x, y)
        special = (x == -np.inf) | (x == 0.0)
        if np.any(special):
            out = np.where(special, np.vectorize(ieee_pow, otypes=[float])(x, y), out)
        return out

    return {"sigmoid": sigmoid, "relu": relu, "softplus": softplus, "gelu": gelu, "leaky_relu": leaky_relu,
            "elu": elu, "ieee_pow": power, "SUM": total, "SHIFT": highest, "DOT": _dot_of(total)}


def _helpers(np: Any) -> dict[str, Callable[..., Any]]:
    """What the array program calls besides formulas."""

    def rows_of(grads: Sequence[Any], n: int) -> Any:
        """The gradients of a layer's nodes as one (nodes × rows) matrix; a float is every row's."""
        try:
            matrix = np.stack(grads)
        except ValueError:
            matrix = None
        if matrix is None or matrix.ndim != 2:
            matrix = np.stack([np.broadcast_to(g, (n,)) for g in grads])
        return matrix

    def over_rows(term: Any, n: int) -> Any:
        """The sum of a gradient's contributions over the rows (a float counts for every row)."""
        return term.sum() if np.ndim(term) else term * n

    return {"rows_of": rows_of, "over_rows": over_rows}


def _dot_of(total: Callable[[Sequence[Any]], Any]) -> Callable[[Sequence[Any]], Any]:
    def dot(operands: Sequence[Any]) -> Any:
        n = len(operands) >> 1
        terms = [w * x for w, x in zip(operands[:n], operands[n:2 * n])] + list(operands[2 * n:])
        return total(terms)
    return dot


# Names the array program gives itself (besides namespace()'s): no label may take them.
RESERVED = (r"P|PG|XT|n|len|np|where|stack|rows_of|over_rows|logical_and|logical_or|ieee_pow"
            r"|(W|B|X|Z|G|GX|A|GZ)\d+")


@dataclass
class Layer:
    """A run of dot nodes over the same inputs: weights W[j][i], biases b[j] as parameter slots."""

    first: int  # the tape index of its first node
    size: int
    weights: list[list[int]]
    biases: list[int] | None
    inputs: tuple[int, ...]


def layers(tape: Any, params: range, batched: list[bool]) -> dict[int, Layer]:
    """The tape's layers, by the index of their first node: runs of dot nodes whose
    weights and biases are distinct parameters and whose inputs are the same row-dependent slots."""
    found: dict[int, Layer] = {}
    i = 0
    while i < len(tape.code):
        key = _layer_key(tape, i, params, batched)
        j = i + 1
        while key is not None and j < len(tape.code) and _layer_key(tape, j, params, batched) == key:
            j += 1
        if key is not None:
            rows = [tape.A[k][1] for k in range(i, j)]
            n = len(key[0])
            weights = [list(r[:n]) for r in rows]
            biases = [r[-1] for r in rows] if key[1] else None
            used = [s for w in weights for s in w] + (biases or [])
            if len(set(used)) == len(used):
                found[i] = Layer(i, j - i, weights, biases, key[0])
        i = j
    return found


def _layer_key(tape: Any, i: int, params: range, batched: list[bool]) -> tuple[tuple[int, ...], bool] | None:
    """(input slots, has a bias) of a dot node whose weights are parameters; None otherwise."""
    if tape.code[i] is not DOT:
        return None
    slots = tape.A[i][1]
    n = len(slots) >> 1
    weights, xs, rest = slots[:n], slots[n:2 * n], slots[2 * n:]
    if not n or not all(s in params for s in (*weights, *rest)) or not all(batched[s] for s in xs):
        return None
    return tuple(xs), bool(rest)


@dataclass
class Activation:
    """A run of one unary op over a layer's nodes in order (a layer's ReLUs): one call on its Z.
    ``constant``: the number the op holds (leaky_relu's slope), the same for the whole run."""

    first: int
    size: int
    op: Op
    layer: Layer
    constant: str  # as source text ("0.01"; "None" for none)


def activations(tape: Any, found: dict[int, Layer]) -> dict[int, Activation]:
    """The runs of one unary op, holding one constant, whose node j reads node j of a layer."""
    layer_at = {tape.first + L.first: L for L in found.values()}
    runs = {}
    for i, (op, a, b) in enumerate(zip(tape.code, tape.A, tape.B)):
        L = layer_at.get(a) if op.kind == UNARY else None
        if L is None or i + L.size > len(tape.code):
            continue
        constant = literal(b)  # by its text, so 0.0 and -0.0 are two constants
        if all(tape.code[i + j] is op and tape.A[i + j] == a + j and literal(tape.B[i + j]) == constant
               for j in range(L.size)):
            runs[i] = Activation(i, L.size, op, L, constant)
    return runs


def row_dependent(tape: Any) -> list[bool]:
    """For each slot, whether its value depends on the row (an input, or computed from one)."""
    batched = [k < len(tape.inputs) for k in range(tape.first)]
    for op, a, b in zip(tape.code, tape.A, tape.B):
        slots = a[1] if op.kind == NARY else (a, b) if op.kind == BINARY else (a,)
        batched.append(any(batched[s] for s in slots))
    return batched


class ArrayWriter(Writer):
    """The program's lines for arrays: formulas made elementwise, layers as matrix products,
    parameter gradients summed over the rows into the vector ``PG``."""

    guarded = False  # ``if g`` means nothing for an array

    def __init__(self, tape: Any, names: list[str], params: range, found: dict[int, Layer]) -> None:
        super().__init__(tape, names, params, skip=set(range(len(tape.inputs))))
        self.params, self.layers = params, found
        self.groups: dict[int, Layer | Activation] = {**found, **activations(tape, found)}
        self.member = {g.first + j: (g, j) for g in self.groups.values() for j in range(g.size)}

    def formula(self, text: str) -> str:
        return vectorized(text)

    def nary_value(self, op: Op, operands: Sequence[str]) -> str:
        return f"{op.name.upper()}(({', '.join(operands)},))"

    def node(self, i: int) -> list[str]:
        group = self.groups.get(i)
        if isinstance(group, Layer):
            return self._layer_forward(group)
        if isinstance(group, Activation):
            return self._activation_forward(group)
        return [] if i in self.member else super().node(i)

    def _activation_forward(self, run: Activation) -> list[str]:
        i, first = run.first, self.tape.first + run.first
        value = substitute(self.formula(run.op.formula), {"x": f"Z{run.layer.first}", "y": run.constant})
        return [f"A{i} = {value}", *(f"{self.names[first + j]} = A{i}[{j}]" for j in range(run.size))]

    def _activation_backward(self, run: Activation) -> list[str]:
        i, first = run.first, self.tape.first + run.first
        grads = ", ".join(self.grad(first + j) for j in range(run.size))
        partial = substitute(self.formula(run.op.partials[0]),
                             {"x": f"Z{run.layer.first}", "out": f"A{i}", "y": run.constant})
        lines = [f"GZ{i} = rows_of(({grads},), n) * {parenthesized(partial)}"]
        layer_first = self.tape.first + run.layer.first
        return lines + [self.push(layer_first + j, f"GZ{i}[{j}]", "1.0") for j in range(run.size)]

    def _layer_forward(self, L: Layer) -> list[str]:
        k, first = L.first, self.tape.first + L.first
        bias = f" + P[B{k}][:, None]" if L.biases else ""
        xs = ", ".join(self.names[s] for s in L.inputs)
        return [f"X{k} = stack(({xs},))", f"Z{k} = P[W{k}] @ X{k}{bias}",
                *(f"{self.names[first + j]} = Z{k}[{j}]" for j in range(L.size))]

    def pushes(self, i: int) -> list[str]:
        if i not in self.member:
            return super().pushes(i)
        group, j = self.member[i]
        if j < group.size - 1:
            return []  # the group's last node comes first, and does the whole group
        if isinstance(group, Layer):
            return self._layer_backward(group)
        return self._activation_backward(group)

    def _layer_backward(self, L: Layer) -> list[str]:
        k, first = L.first, self.tape.first + L.first
        grads = ", ".join(self.grad(first + j) for j in range(L.size))
        lines = [f"G{k} = rows_of(({grads},), n)", f"PG[W{k}] += G{k} @ X{k}.T"]
        if L.biases:
            lines.append(f"PG[B{k}] += G{k}.sum(axis=1)")
        targets = [(i, s) for i, s in enumerate(L.inputs) if s not in self.skip]
        if targets:
            lines.append(f"GX{k} = P[W{k}].T @ G{k}")
            lines += [self.push(s, f"GX{k}[{i}]", "1.0") for i, s in targets]
        return lines

    def push(self, target: int, g: str, partial: str) -> str:
        term = g if partial == "1.0" else f"-{g}" if partial == "-1.0" else f"{g} * {parenthesized(partial)}"
        if target in self.params:
            return f"PG[{target - self.params.start}] += over_rows({term}, n)"
        name = self.grad(target)
        return f"{name} = {term}" if self.first_write(target) else f"{name} = {name} + {term}"

    def constants(self) -> list[str]:
        """The layers' index arrays into the parameter vector, made once when the program is."""
        start = self.params.start
        lines = []
        for k, L in self.layers.items():
            lines.append(f"W{k} = np.array({[[s - start for s in row] for row in L.weights]})")
            if L.biases:
                lines.append(f"B{k} = np.array({[s - start for s in L.biases]})")
        return lines


def rows_program(tape: Any) -> str:
    """``rows(XT, P, seed, n) -> (each row's value, parameter gradients)`` over arrays: XT holds
    the rows' numbers column by column, P the parameters'."""
    n_in, n_p = len(tape.inputs), len(tape.params)
    names = slot_names(tape, RESERVED)
    params = range(n_in, n_in + n_p)
    writer = ArrayWriter(tape, names, params, layers(tape, params, row_dependent(tape)))
    body = [*unpack(names[:n_in], "XT"), *unpack(names[n_in:n_in + n_p], "P.tolist()"),
            *writer.forward(), "PG = np.zeros(P.shape)", *writer.backward("seed"),
            f"return {names[tape.output_slot]}, PG"]
    return "\n".join(writer.constants()) + "\n\n\n" + function("rows", "XT, P, seed, n", body)
