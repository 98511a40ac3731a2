"""Random expression graphs for property tests.

A *program* is a list of leaf values and a list of steps; step ``(name, i, j, c)`` applies op
``name`` to earlier nodes ``i`` and ``j`` (leaves first, then step results, so later steps
reuse earlier subexpressions) and a constant ``c``. The output sums every step's result, so
that every step counts. ``run`` interprets a program with any number type that has Value's
operators and methods: Values, or PyTorch tensors.

Every op of the table is used in every form, with its operands mapped into its smooth domain
(op_cases.ROWS: log and sqrt only see ``a*a + 0.5``, divisors are ``b*b + 0.5``, bases of
powers are positive, or the exponent an integer). relu and abs are smooth away from 0, which
``valid`` checks.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

from hypothesis import assume
from hypothesis import strategies as st
from op_cases import ROWS, apply

import autograd
from autograd import ops
from autograd.op import BINARY, NARY


def _smooth_ops():
    """name -> f(a, b, c, lib) for every form of every op of the table (a and b nodes, c a
    float constant), its operands mapped into the op's smooth domain (op_cases.ROWS)."""
    table = {}
    for op in ops.TABLE:
        if op.name not in ROWS:  # test_ops.py says which op has no row
            continue
        domain = ROWS[op.name].domain
        if op.kind == BINARY:
            m = op.methods[0]
            table[op.name] = lambda a, b, c, lib, m=m, d=domain: apply(m, *d(a, b))
            table[f"{op.name}_c"] = lambda a, b, c, lib, m=m, d=domain: apply(m, *d(a, c))
            if op.constant_left is not None:  # an op of one method (max) has no c op x
                table[f"c_{op.name}"] = lambda a, b, c, lib, m=m, d=domain: apply(m, *d(c, a))
        elif op.kind != NARY:
            for m in op.methods:
                table[m] = lambda a, b, c, lib, m=m, d=domain: apply(m, *d(a))
    table["pow_int"] = lambda a, b, c, lib: a**3  # a negative base is fine with an integer exponent
    return table


SMOOTH_OPS = _smooth_ops()
# Ops not smooth at 0 (relu, abs): their operand a must be away from it.
KINKED = {m for op in ops.TABLE if op.name in ROWS and ROWS[op.name].kinked for m in op.methods}

NARY_OPS = {
    "dot": lambda a, b, c, lib: lib.dot([a, c], [b, a], bias=b),
    "dot_const_bias": lambda a, b, c, lib: lib.dot([a, b], [c, 0.5], bias=c),
    "vsum": lambda a, b, c, lib: lib.vsum([a, b, c, a]),
}
ALL_OPS = {**SMOOTH_OPS, **NARY_OPS}
VALUE_LIB = SimpleNamespace(dot=autograd.dot, vsum=autograd.vsum)


@st.composite
def programs(draw, ops=ALL_OPS, max_steps=10):
    n_leaves = draw(st.integers(2, 4))
    signs = st.sampled_from([1.0, -1.0])
    leaves = [draw(st.floats(0.1, 2.0)) * draw(signs) for _ in range(n_leaves)]
    steps = []
    for k in range(draw(st.integers(1, max_steps))):
        size = n_leaves + k
        # Offsets from the newest node: shrinking to 0 keeps the graph deep.
        i = size - 1 - draw(st.integers(0, size - 1))
        j = size - 1 - draw(st.integers(0, size - 1))
        c = draw(st.floats(0.5, 2.0)) * draw(signs)
        steps.append((draw(st.sampled_from(sorted(ops))), i, j, c))
    return leaves, steps


def run(steps, leaves, lib=VALUE_LIB):
    """All nodes of the program: the leaves, one node per step, and last the output."""
    nodes = list(leaves)
    for name, i, j, c in steps:
        nodes.append(ALL_OPS[name](nodes[i], nodes[j], c, lib))
    return [*nodes, lib.vsum(nodes[len(leaves) :])]


def valid(steps, nodes, bound=1e3):
    """Every node finite and moderate, and every relu/abs operand at least 1e-2 from 0."""
    return all(math.isfinite(n.data) and abs(n.data) <= bound for n in nodes) and all(
        abs(nodes[i].data) >= 1e-2 for name, i, _, _ in steps if name in KINKED
    )


def build(program):
    """Leaf Values and the program's nodes; rejects (hypothesis.assume) invalid programs."""
    values, steps = program
    leaves = [autograd.Value(x, label=f"x{k}") for k, x in enumerate(values)]
    nodes = run(steps, leaves)
    assume(valid(steps, nodes))
    return leaves, nodes


def function(steps):
    """The program as a function of its leaves, as gradcheck wants it."""
    return lambda *xs: run(steps, xs)[-1]
