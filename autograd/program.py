"""A tape written out as a straight-line Python program: one line per node forward, one per
operand backward, every slot a local variable.

The tape's loops (``generated.tape_loops``) pay for dispatch at every node: an if-chain over
the op codes, list indexing, a call per n-ary node. Written out, the same formulas in the same
order run as plain local arithmetic, which CPython does fastest: faster than the same network
written by hand with loops. The program is what runs, so ``listing()`` shows it.

The arithmetic is the eager engine's, operation for operation: the op table's formulas with
names put in, each gradient added in the order ``backward`` adds it. So values and leaf
gradients equal the eager engine's to the last bit. (A node's gradient is *assigned* at its
first contribution instead of added to 0.0: that can differ from eager only in the sign of a
zero, which no later step of backward can see, and leaf gradients, which start at 0.0, never.)

Programs are compiled once per text (``_compiled``): two tapes of the same structure share one.
"""

from __future__ import annotations

import keyword
import math
import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from .ieee import FUNCTIONS, ieee_sum
from .op import BINARY, NARY, UNARY, Op, parenthesized

Names = list[str]  # the local variable, or literal, that holds each tape slot


class Writer:
    """Writes a tape's forward and backward lines, naming slot k ``names[k]``.

    ``skip``: slots whose gradients nobody reads (a batch's data), left out of backward.
    ``leaves``: the slots (inputs, parameters) whose gradients accumulate with ``+=`` from a
    ``0.0`` the caller sets; every other slot's gradient starts at its first contribution.
    """

    guarded = True  # test a node's gradient before pushing it on (not for arrays)

    def __init__(self, tape: Any, names: Names, leaves: range, skip: set[int] | None = None) -> None:
        self.tape, self.names, self.leaves = tape, names, leaves
        # Constants have no gradient; the data's is not wanted.
        self.skip = set(range(len(tape.inputs) + len(tape.params), tape.first)) | (skip or set())
        self.written: set[int] = set()

    def forward(self) -> list[str]:
        """``v7 = tanh(v6)``: each node's value from its op's formula."""
        t = self.tape
        return [line for i in range(len(t.code)) for line in self.node(i)]

    def node(self, i: int) -> list[str]:
        """The lines computing the tape's node i."""
        op, a, b = self.tape.code[i], self.tape.A[i], self.tape.B[i]
        if op.kind == NARY:
            value = self.nary_value(op, [self.names[s] for s in a[1]])
        else:
            value = substitute(self.formula(op.formula), self._operands(op, a, b))
        return [f"{self.names[self.tape.first + i]} = {value}"]

    def formula(self, text: str) -> str:
        """An op table formula as this program computes it (here: as written)."""
        return text

    def nary_value(self, op: Op, operands: Sequence[str]) -> str:
        """An n-ary node's value: as the op writes it (``ieee_sum((w0 * x0, b,))``), or its own
        function called on the operands (``SHIFT((a, b,))``)."""
        if op.written is not None:
            return op.written(operands)
        return f"{op.name.upper()}(({', '.join(operands)},))"

    def _operands(self, op: Op, a: int, b: Any) -> dict[str, str]:
        names = self.names
        if op.kind == BINARY:
            return {"x": names[a], "y": names[b]}
        if op.kind == UNARY:
            return {"x": names[a], "y": literal(b)}
        return {"x": literal(b), "y": names[a]}

    def backward(self, seed: str) -> list[str]:
        """The chain rule, last node first: each operand's gradient += g · ∂node/∂operand."""
        t = self.tape
        out = t.output_slot
        self.written = set()
        lines = [] if out in self.skip else [self.push(out, seed, "1.0")]  # a leaf's adds to its total
        for i in range(len(t.code) - 1, -1, -1):
            s = t.first + i
            if s not in self.written:
                continue  # nothing reaches it: not on the way to the output
            lines += self.pushes(i)
        return lines

    def pushes(self, i: int) -> list[str]:
        """The backward lines of the tape's node i."""
        t = self.tape
        op, a, b, s = t.code[i], t.A[i], t.B[i], t.first + i
        return self._nary(op, s, a[1]) if op.kind == NARY else self._pushes(op, s, a, b)

    def _pushes(self, op: Op, s: int, a: int, b: Any) -> list[str]:
        local = {**self._operands(op, a, b), "out": self.names[s]}
        targets = [a, b] if op.kind == BINARY else [a]
        g = self.grad(s)
        return [self.push(target, g, substitute(self.formula(d), local))
                for target, d in zip(targets, op.partials) if target not in self.skip]

    def _nary(self, op: Op, s: int, slots: tuple[int, ...]) -> list[str]:
        """An n-ary node's pushes, under the eager loop's test: with g == 0 and finite partials
        every product is 0 and adds nothing, so a dead ReLU's branch is skipped here too. The
        eager loop tests the operands' sum; an op whose partials are finite wherever its value
        is (``finite_with_value``) is tested by its value, one test instead of n additions."""
        names = self.names
        g = self.grad(s)
        operands = [names[k] for k in slots]
        pushes = [(k, op.shown(i, operands)) for i, k in enumerate(slots) if k not in self.skip]
        first = sorted({k for k, _ in pushes if k not in self.written and k not in self.leaves})
        head = [f"{self.grad(k)} = 0.0" for k in first]  # so that the guarded += finds them
        self.written.update(first)
        body = [self.push(k, g, d if isinstance(d, str) else literal(d)) for k, d in pushes]
        if not body or not self.guarded:
            return [*head, *body]
        finite = self.names[s] if op.finite_with_value else " + ".join(operands)
        return [*head, f"if {g} or not isfinite({finite}):", *("    " + line for line in body)]

    def push(self, target: int, g: str, partial: str) -> str:
        """One addition of the chain rule, with the eager loop's exact shortcuts for ±1."""
        name = self.grad(target)
        first = self.first_write(target)
        if partial == "1.0":
            return f"{name} {'=' if first else '+='} {g}"
        if partial == "-1.0":
            return f"{name} = -{g}" if first else f"{name} -= {g}"
        return f"{name} {'=' if first else '+='} {g} * {parenthesized(partial)}"

    def first_write(self, target: int) -> bool:
        """Whether this is the first contribution to ``target``'s gradient (and note it)."""
        first = target not in self.written and target not in self.leaves
        self.written.add(target)
        return first

    def grad(self, slot: int) -> str:
        return "g_" + self.names[slot]


def literal(c: Any) -> str:
    """A constant as source text: ``-0.5``, ``INF``, ``-INF``, ``NAN`` (exact: repr round-trips)."""
    if c is None:
        return "None"
    if math.isnan(c):
        return "NAN"
    if math.isinf(c):
        return "INF" if c > 0 else "(-INF)"
    return repr(c) if c >= 0 or math.copysign(1.0, c) > 0 else f"({c!r})"


def substitute(expr: str, names: dict[str, str]) -> str:
    """A formula with its x, y and out replaced by the names that hold them."""
    return re.sub(r"\b(x|y|out)\b", lambda m: names[m.group(1)], expr)


def slot_names(tape: Any, reserved: str = "") -> Names:
    """Locals for a tape's slots: inputs ``x0…``; parameters and nodes by their labels where a
    label makes a name (``w16``, ``net_n3``, ``w_0_1_2`` for ``w[0][1,2]``), else ``p0…`` and
    ``v<slot>``; constants as literals. Gradients are ``g_`` and the name. ``reserved``: a
    pattern of more names the program uses (another dialect's)."""
    names = [f"x{i}" for i in range(len(tape.inputs))]
    taken = set(namespace()) | set(names)
    labelled = [(p._label, f"p{i}") for i, p in enumerate(tape.params)]
    labelled += [(label, f"v{k}") for k, label in enumerate(tape.labels, tape.first)]
    chosen = []
    for label, fallback in labelled:
        name = re.sub(r"\W+", "_", label).strip("_")
        name = name if _free(name, taken) and not (reserved and re.fullmatch(reserved, name)) else fallback
        taken.add(name)
        chosen.append(name)
    n_p = len(tape.params)
    return names + chosen[:n_p] + [literal(c) for c in tape.constants] + chosen[n_p:]


# The program's own names: fallbacks, arguments and helpers.
RESERVED = r"[pvx]\d+|rows|ps|xs|seed|values|append|_"


def _free(name: str, taken: set[str]) -> bool:
    """Whether a label can name a local: an identifier no other local, function or keyword has."""
    return (name.isidentifier() and name.isascii() and not keyword.iskeyword(name) and name not in taken
            and not name.startswith("g_") and re.fullmatch(RESERVED, name) is None)


def unpack(names: Sequence[str], source: str) -> list[str]:
    """``x0, x1, = xs``: locals from a sequence (empty when there are none)."""
    return [f"{', '.join(names)}, = {source}"] if names else []


def zeros(names: Sequence[str]) -> list[str]:
    """``gp0 = gp1 = 0.0``: accumulators, in lines of at most 20 names."""
    return [" = ".join([*names[k:k + 20], "0.0"]) for k in range(0, len(names), 20)]


def namespace() -> dict[str, Any]:
    """What a program may name: the op table's functions, the n-ary ops' functions, constants."""
    from . import ops

    nary = {op.name.upper(): op.fn for op in ops.TABLE if op.kind == NARY}
    return {**FUNCTIONS, **nary, "isfinite": math.isfinite, "ieee_sum": ieee_sum,
            "INF": math.inf, "NAN": math.nan}


@lru_cache(maxsize=64)
def _compiled(source: str, names: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """The functions a program's text defines, compiled once per distinct text."""
    scope = names()
    exec(compile(source, "<chainrule program>", "exec"), scope)
    return scope


def build(source: str, name: str, names: Callable[[], dict[str, Any]] | None = None) -> Callable[..., Any]:
    """The compiled function ``name`` of ``source``, seeing ``names()`` (default: the op table's
    functions); cached by text, so tapes of the same structure share one compile."""
    function: Callable[..., Any] = _compiled(source, names or namespace)[name]
    return function


def function(name: str, params: str, body: list[str]) -> str:
    """``def name(params):`` with ``body`` indented."""
    return "\n".join([f"def {name}({params}):", *("    " + line for line in body)]) + "\n"


def tape_program(tape: Any) -> str:
    """A whole tape as ``run(xs, ps) -> (value, parameter gradients, input gradients)`` and
    ``value(xs, ps) -> value``."""
    names = slot_names(tape)
    n_in, n_p = len(tape.inputs), len(tape.params)
    leaves = range(0, n_in + n_p)
    writer = Writer(tape, names, leaves)
    forward = [*unpack(names[:n_in], "xs"), *unpack(names[n_in:n_in + n_p], "ps"), *writer.forward()]
    out = names[tape.output_slot]
    grads = ["g_" + n for n in names[:n_in + n_p]]
    backward = [*zeros(grads), *writer.backward("1.0")]
    param_grads = ", ".join(grads[n_in:])
    input_grads = ", ".join(grads[:n_in])
    body = [*forward, *backward, f"return {out}, [{param_grads}], [{input_grads}]"]
    return function("run", "xs, ps", body) + "\n\n" + function("value", "xs, ps", [*forward, f"return {out}"])


def rows_program(tape: Any) -> str:
    """One sample's tape as ``rows(rows, ps, seed) -> (each row's value, parameter gradients)``:
    a loop over the rows whose body is the straight-line program, every row's gradient (the
    output's seeded with ``seed``) added into the same parameter accumulators."""
    n_in, n_p = len(tape.inputs), len(tape.params)
    names = slot_names(tape)
    writer = Writer(tape, names, range(n_in, n_in + n_p), skip=set(range(n_in)))
    grads = ["g_" + n for n in names[n_in:n_in + n_p]]
    body = [*writer.forward(), f"append({names[tape.output_slot]})", *writer.backward("seed")]
    head = [*unpack(names[n_in:n_in + n_p], "ps"), *zeros(grads), "values = []", "append = values.append",
            f"for {', '.join(names[:n_in])}, in rows:" if n_in else "for _ in rows:"]
    return function("rows", "rows, ps, seed", [*head, *("    " + line for line in body),
                                               f"return values, [{', '.join(grads)}]"])
