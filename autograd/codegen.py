"""Hot loops written from the op table's formulas, so the calculus stays defined once.

Calling a Python function per op or per partial would double the engine's cost, so the hot
paths are generated as plain Python source, with each op's formula inlined:

- ``forward_source``: ``Value``'s operator methods (``__mul__``, ``tanh``, ...), each computing
  ``ops.Op.formula`` and recording one node;
- ``backward_source``: a backward loop, one branch per op with ``ops.Op.partials`` inlined,
  in two dialects: over graph nodes (``GRAPH``, for ``backward``) and over a tape's flat
  lists (``TAPE``, for ``trace``);
- ``tape_forward_source``: the tape's forward loop.

The generated text is ordinary code: ``print(autograd.backprop.SOURCE)``,
``print(autograd.tape.FORWARD_SOURCE)`` and ``print(autograd.tape.BACKWARD_SOURCE)`` show it.
"""

from __future__ import annotations

from typing import Any

from . import ops


def inline(expr: str) -> str:
    """A formula as an operand of ``*`` or ``+=``."""
    return expr if expr.replace("_", "").replace(".", "").isalnum() else f"({expr})"


# The NARY test (a neuron's dot) comes after this many ops, the most frequent (ops.NODE_OPS);
# on a tape, where dot nodes are most of a network's, it comes first.
NARY_AFTER = 7


class Dialect:
    """How generated loops read and write one kind of storage: graph nodes, or a flat tape.

    ``operands[kind]`` says where x and y come from for each operand layout, ``target``
    where the gradient of operand slot "a" or "b" accumulates, ``select`` how to test for op
    number i, and ``head`` the loop that sets ``op``, ``g``, ``a`` and ``b`` for each node.
    """

    def __init__(self, head: list[str], select: str, select_nary: str, operands: dict[int, dict[str, str]],
                 out: str, target: str, nary: list[str]) -> None:
        self.head, self.select, self.select_nary, self.operands = head, select, select_nary, operands
        self.out, self.target, self.nary = out, target, nary


GRAPH = Dialect(
    head=["    for node in reversed(order):", "        g = node._grad", "        op = node._op",
          "        a = node._a"],
    select="op is OP{i}",
    select_nary="op.kind == {nary}",
    operands={
        ops.BINARY: {"x": "a._data", "y": "b._data", "b": "node._b"},
        ops.UNARY: {"x": "a._data", "y": "node._b"},
        ops.CONST_LEFT: {"x": "node._b", "y": "a._data"},
    },
    out="node._data",
    target="{slot}._grad",
    nary=["data = operand_data(a)",
          "if g or not isfinite(sum(data)):  # else every partial is finite: 0 · it adds nothing",
          "    for x, d in zip(a, op.dn(node._data, data)):",
          "        if type(x) is not float:",
          "            x._grad += g * d"],
)

TAPE = Dialect(
    head=["    for i in range(len(code) - 1, -1, -1):", "        s = first + i", "        g = grads[s]",
          "        op = code[i]", "        a = A[i]"],
    select="op == {i}",
    select_nary="op >= {n}",
    operands={
        ops.BINARY: {"x": "vals[a]", "y": "vals[b]", "b": "B[i]"},
        ops.UNARY: {"x": "vals[a]", "y": "B[i]"},
        ops.CONST_LEFT: {"x": "B[i]", "y": "vals[a]"},
    },
    out="vals[s]",
    target="grads[{slot}]",
    nary=["gather, slots = a",
          "data = gather(vals)",
          "if g or not isfinite(sum(data)):",
          "    for o, d in zip(slots, OPS[op].dn(vals[s], data)):",
          "        grads[o] += g * d"],
)


def backward_source(node_ops: tuple[ops.Op, ...], dialect: Dialect = GRAPH, name: str = "_propagate",
                    params: str = "order", nary_after: int = NARY_AFTER) -> str:
    """A loop that, for each node from the last to the first, adds ``grad · partial`` to the
    gradient of each of its operands; op number i of ``node_ops`` is ``OPS[i]``."""
    bound = ", ".join(f"OP{i}=OPS[{i}]" for i in range(len(node_ops)))
    lines = [f"def {name}({params}, {bound}):", *dialect.head]
    for i, op in enumerate(node_ops):
        if i == nary_after:
            test = dialect.select_nary.format(nary=ops.NARY, n=len(node_ops))
            lines.append(f"        {'elif' if i else 'if'} {test}:  # NARY")
            lines += ["            " + line for line in dialect.nary]
        pushes = [("a", op.partials[0])] + ([("b", op.partials[1])] if op.kind == ops.BINARY else [])
        used = set().union(*(ops.names(d) for _, d in pushes))
        test = dialect.select.format(i=i)
        lines.append(f"        {'elif' if i or nary_after == 0 else 'if'} {test}:  # {op.name}: {op.formula}")
        load = {**dialect.operands[op.kind], "out": dialect.out}
        if op.kind == ops.BINARY:
            lines.append(f"            b = {load['b']}")
        lines += [f"            {v} = {load[v]}" for v in ("x", "y", "out") if v in used]
        # A bounded op (finite partials, whatever the input) with g == 0 adds exactly nothing.
        indent = "            "
        if op.bounded:
            lines.append(f"{indent}if g:")
            indent += "    "
        for slot, d in pushes:
            # Exact shortcuts: g * 1.0 == g, and s + g * -1.0 == s - g, for every float.
            update = {"1.0": "+= g", "-1.0": "-= g"}.get(d, f"+= g * {inline(d)}")
            lines.append(f"{indent}{dialect.target.format(slot=slot)} {update}")
    return "\n".join(lines) + "\n"


# The tape's forward loop iterates zip(code, A, B): b is the second slot or the constant.
FORWARD_OPERANDS = {
    ops.BINARY: {"x": "vals[a]", "y": "vals[b]"},
    ops.UNARY: {"x": "vals[a]", "y": "b"},
    ops.CONST_LEFT: {"x": "b", "y": "vals[a]"},
}


def tape_forward_source(node_ops: tuple[ops.Op, ...], nary_after: int = 0) -> str:
    """The tape's forward loop: append each node's value, computed by its op's formula."""
    bound = ", ".join(f"OP{i}=OPS[{i}]" for i in range(len(node_ops)))
    lines = [f"def _tape_forward(vals, code, A, B, {bound}):",
             "    append = vals.append",
             "    for op, a, b in zip(code, A, B):"]
    for i, op in enumerate(node_ops):
        if i == nary_after:
            lines.append(f"        {'elif' if i else 'if'} op >= {len(node_ops)}:  # NARY")
            lines.append("            append(OPS[op].fn(a[0](vals)))  # a = (gather, slots)")
        load = FORWARD_OPERANDS[op.kind]
        used = ops.names(op.formula)
        lines.append(f"        {'elif' if i or nary_after == 0 else 'if'} op == {i}:  # {op.name}")
        lines += [f"            {v} = {load[v]}" for v in ("x", "y") if v in used]
        lines.append(f"            append({op.formula})")
    return "\n".join(lines) + "\n"


# The tail of every generated operator method: build the node inline (object.__new__ and
# slot stores, no __init__ call) from the locals value, op, b and depth.
_RECORD = """\
        v = new(Value)
        v._data = value
        v._grad = 0.0
        v._label = ""
        v._mark = None
        if MODE.plain:
            v._op = op
            v._a = self
            v._b = b
            v._depth = depth
            return v
        return finish(v, op, self, b, depth)
"""


def op_global(op: ops.Op) -> str:
    """The name an op object has in the generated code's globals."""
    return f"OP_{op.name}_{op.variant}" if op.variant else f"OP_{op.name}"


def forward_source(binary: dict[str, tuple[str, str]], unary: dict[str, str]) -> str:
    """Value's operator methods as module-level functions, each computing its op's formula.

    The function for method ``m`` is named ``method`` + m (``method__mul__``, ``methodtanh``),
    apart from the formulas' own names (``tanh``).
    ``binary`` maps a binary op's name to its (method, reflected method) names, e.g.
    ``"mul": ("__mul__", "__rmul__")``; ``unary`` maps a unary op's name to its method name.
    """
    by_name = {op.name: op for op in (*ops.BINARY_OPS, *ops.UNARY_OPS)}
    out = []
    for name, (method, reflected) in binary.items():
        op = by_name[name]
        assert op.with_constant and op.constant_left, f"{op} is not a binary op"
        modulo = ", modulo=None" if method == "__pow__" else ""  # pow(a, b, m) must not pass
        out.append(
            f"def method{method}(self, other{modulo}):  # {op.formula}\n"
            + ("    if modulo is not None:\n"
               "        raise TypeError('pow() with a modulus is not defined for Value')\n"
               if modulo else "")
            + "    x = self._data\n"
            "    if type(other) is Value or isinstance(other, Value):\n"
            "        y = other._data\n"
            f"        value = {op.formula}\n"
            f"        op = {op_global(op)}\n"
            "        b = other\n"
            "        da = self._depth\n"
            "        db = other._depth\n"
            "        depth = (da if da > db else db) + 1\n"
            "    else:\n"
            "        y = constant(other)\n"
            "        if y is None:\n"
            "            return NotImplemented\n"
            f"        value = {op.formula}\n"
            f"        op = {op_global(op.with_constant)}\n"
            "        b = y\n"
            "        depth = self._depth + 1\n"
        )
        out.append(
            f"def method{reflected}(self, other):  # other {name} self\n"
            "    x = constant(other)\n"
            "    if x is None:\n"
            "        return NotImplemented\n"
            "    y = self._data\n"
            f"    value = {op.formula}\n"
            f"    op = {op_global(op.constant_left)}\n"
            "    b = x\n"
            "    depth = self._depth + 1\n"
        )
    for name, method in unary.items():
        op = by_name[name]
        out.append(
            f"def method{method}(self):  # {op.formula}\n"
            "    x = self._data\n"
            f"    value = {op.formula}\n"
            f"    op = {op_global(op)}\n"
            "    b = None\n"
            "    depth = self._depth + 1\n"
        )
    # record(): the same tail as a function, for the rare ops that are not generated (NARY).
    out.append("def record(value, op, self, b, depth):  # self: the node's first slot\n")
    tail = _RECORD.replace("\n        ", "\n    ").replace("        v = new", "    v = new", 1)
    return "\n\n".join(text + tail for text in out)


def op_globals() -> dict[str, ops.Op]:
    """Every node op under its ``op_global`` name, for the generated code's globals."""
    return {op_global(op): op for op in ops.NODE_OPS}  # every NODE_OPS entry is an Op


def compile_source(source: str, filename: str, names: dict[str, Any]) -> dict[str, Any]:
    """Execute generated ``source`` with ``names`` as its globals; return those globals."""
    namespace = dict(names)
    exec(compile(source, filename, "exec"), namespace)
    return namespace
