"""The tape's loops: forward and backward over flat lists, one branch per op of the table.

Written by ``python autograd/codegen.py`` from the op table, autograd/ops.py: do not edit.
"""

from __future__ import annotations

from math import isfinite
from typing import Any

from ..ieee import (
    cos,
    elu,
    expm1,
    fabs,
    gelu,
    ieee_div,
    ieee_exp,
    ieee_log,
    ieee_pow,
    ieee_sqrt,
    leaky_relu,
    log1p,
    maximum,
    minimum,
    relu,
    sigmoid,
    sign,
    sin,
    softplus,
    tanh,
)
from ..op import NARY, Op
from ..ops import (
    ABS,
    ADD,
    COS,
    DIV,
    ELU,
    EXP,
    EXPM1,
    GELU,
    LEAKY_RELU,
    LOG,
    LOG1P,
    MAX,
    MIN,
    MUL,
    NEG,
    POW,
    RELU,
    SIGMOID,
    SIN,
    SOFTPLUS,
    SQRT,
    SUB,
    TANH,
)

ADD_C, ADD_L = ADD.forms
MUL_C, MUL_L = MUL.forms
SUB_C, SUB_L = SUB.forms
DIV_C, DIV_L = DIV.forms
POW_C, POW_L = POW.forms
(MAX_C,) = MAX.forms
(MIN_C,) = MIN.forms


def forward(
    vals: list[float],
    code: list[Op],
    A: list[Any],
    B: list[Any],
    *,  # the ops the loop tests, bound here so that it reads them as fast locals
    RELU: Op = RELU, ADD: Op = ADD, ADD_C: Op = ADD_C, ADD_L: Op = ADD_L, MUL: Op = MUL, MUL_C: Op = MUL_C,
    MUL_L: Op = MUL_L, TANH: Op = TANH, SIGMOID: Op = SIGMOID, EXP: Op = EXP, LOG: Op = LOG, SUB: Op = SUB,
    SUB_C: Op = SUB_C, SUB_L: Op = SUB_L, DIV: Op = DIV, DIV_C: Op = DIV_C, DIV_L: Op = DIV_L, POW: Op = POW,
    POW_C: Op = POW_C, POW_L: Op = POW_L, NEG: Op = NEG, SQRT: Op = SQRT, ABS: Op = ABS, SIN: Op = SIN,
    LEAKY_RELU: Op = LEAKY_RELU, GELU: Op = GELU, ELU: Op = ELU, SOFTPLUS: Op = SOFTPLUS, MAX: Op = MAX,
    MAX_C: Op = MAX_C, MIN: Op = MIN, MIN_C: Op = MIN_C, COS: Op = COS, LOG1P: Op = LOG1P, EXPM1: Op = EXPM1,
    NARY: int = NARY,
) -> None:
    """The tape's forward pass: append each node's value, from its op's formula."""
    append = vals.append
    for op, a, b in zip(code, A, B):
        if op.kind == NARY:  # dot, sum, shift
            append(op.fn(a[0](vals)))  # a = (gather, slots)
        elif op is RELU:  # relu: relu(x)
            x = vals[a]
            append(relu(x))
        elif op is ADD:  # add: x + y
            x = vals[a]
            y = vals[b]
            append(x + y)
        elif op is ADD_C:  # add, with a constant: x + c
            x = vals[a]
            y = b
            append(x + y)
        elif op is ADD_L:  # add, constant first: c + y
            x = b
            y = vals[a]
            append(x + y)
        elif op is MUL:  # mul: x * y
            x = vals[a]
            y = vals[b]
            append(x * y)
        elif op is MUL_C:  # mul, with a constant: x * c
            x = vals[a]
            y = b
            append(x * y)
        elif op is MUL_L:  # mul, constant first: c * y
            x = b
            y = vals[a]
            append(x * y)
        elif op is TANH:  # tanh: tanh(x)
            x = vals[a]
            append(tanh(x))
        elif op is SIGMOID:  # sigmoid: sigmoid(x)
            x = vals[a]
            append(sigmoid(x))
        elif op is EXP:  # exp: ieee_exp(x)
            x = vals[a]
            append(ieee_exp(x))
        elif op is LOG:  # log: ieee_log(x)
            x = vals[a]
            append(ieee_log(x))
        elif op is SUB:  # sub: x - y
            x = vals[a]
            y = vals[b]
            append(x - y)
        elif op is SUB_C:  # sub, with a constant: x - c
            x = vals[a]
            y = b
            append(x - y)
        elif op is SUB_L:  # sub, constant first: c - y
            x = b
            y = vals[a]
            append(x - y)
        elif op is DIV:  # div: ieee_div(x, y)
            x = vals[a]
            y = vals[b]
            append(ieee_div(x, y))
        elif op is DIV_C:  # div, with a constant: ieee_div(x, c)
            x = vals[a]
            y = b
            append(ieee_div(x, y))
        elif op is DIV_L:  # div, constant first: ieee_div(c, y)
            x = b
            y = vals[a]
            append(ieee_div(x, y))
        elif op is POW:  # pow: ieee_pow(x, y)
            x = vals[a]
            y = vals[b]
            append(ieee_pow(x, y))
        elif op is POW_C:  # pow, with a constant: ieee_pow(x, c)
            x = vals[a]
            y = b
            append(ieee_pow(x, y))
        elif op is POW_L:  # pow, constant first: ieee_pow(c, y)
            x = b
            y = vals[a]
            append(ieee_pow(x, y))
        elif op is NEG:  # neg: -x
            x = vals[a]
            append(-x)
        elif op is SQRT:  # sqrt: ieee_sqrt(x)
            x = vals[a]
            append(ieee_sqrt(x))
        elif op is ABS:  # abs: fabs(x)
            x = vals[a]
            append(fabs(x))
        elif op is SIN:  # sin: sin(x)
            x = vals[a]
            append(sin(x))
        elif op is LEAKY_RELU:  # leaky_relu: leaky_relu(x, slope)
            x = vals[a]
            y = b
            append(leaky_relu(x, y))
        elif op is GELU:  # gelu: gelu(x)
            x = vals[a]
            append(gelu(x))
        elif op is ELU:  # elu: elu(x, alpha)
            x = vals[a]
            y = b
            append(elu(x, y))
        elif op is SOFTPLUS:  # softplus: softplus(x)
            x = vals[a]
            append(softplus(x))
        elif op is MAX:  # max: maximum(x, y)
            x = vals[a]
            y = vals[b]
            append(maximum(x, y))
        elif op is MAX_C:  # max, with a constant: maximum(x, c)
            x = vals[a]
            y = b
            append(maximum(x, y))
        elif op is MIN:  # min: minimum(x, y)
            x = vals[a]
            y = vals[b]
            append(minimum(x, y))
        elif op is MIN_C:  # min, with a constant: minimum(x, c)
            x = vals[a]
            y = b
            append(minimum(x, y))
        elif op is COS:  # cos: cos(x)
            x = vals[a]
            append(cos(x))
        elif op is LOG1P:  # log1p: log1p(x)
            x = vals[a]
            append(log1p(x))
        elif op is EXPM1:  # expm1: expm1(x)
            x = vals[a]
            append(expm1(x))


def backward(
    vals: list[float],
    grads: list[float],
    code: list[Op],
    A: list[Any],
    B: list[Any],
    first: int,
    *,  # the ops the loop tests, bound here so that it reads them as fast locals
    RELU: Op = RELU, ADD: Op = ADD, ADD_C: Op = ADD_C, ADD_L: Op = ADD_L, MUL: Op = MUL, MUL_C: Op = MUL_C,
    MUL_L: Op = MUL_L, TANH: Op = TANH, SIGMOID: Op = SIGMOID, EXP: Op = EXP, LOG: Op = LOG, SUB: Op = SUB,
    SUB_C: Op = SUB_C, SUB_L: Op = SUB_L, DIV: Op = DIV, DIV_C: Op = DIV_C, DIV_L: Op = DIV_L, POW: Op = POW,
    POW_C: Op = POW_C, POW_L: Op = POW_L, NEG: Op = NEG, SQRT: Op = SQRT, ABS: Op = ABS, SIN: Op = SIN,
    LEAKY_RELU: Op = LEAKY_RELU, GELU: Op = GELU, ELU: Op = ELU, SOFTPLUS: Op = SOFTPLUS, MAX: Op = MAX,
    MAX_C: Op = MAX_C, MIN: Op = MIN, MIN_C: Op = MIN_C, COS: Op = COS, LOG1P: Op = LOG1P, EXPM1: Op = EXPM1,
    NARY: int = NARY,
) -> None:
    """The tape's backward pass: grads[slot] += grads[node] · ∂node/∂operand, last node first."""
    for i in range(len(code) - 1, -1, -1):
        s = first + i
        g = grads[s]
        op = code[i]
        a = A[i]
        if op.kind == NARY:  # dot, sum, shift
            gather, slots = a
            data = gather(vals)
            if g or not isfinite(sum(data)):
                for o, d in zip(slots, op.dn(vals[s], data)):
                    grads[o] += g * d
        elif op is RELU:  # relu: relu(x)
            x = vals[a]
            if g:
                grads[a] += g * (1.0 if x > 0.0 else 0.0)
        elif op is ADD:  # add: x + y
            b = B[i]
            if g:
                grads[a] += g
                grads[b] += g
        elif op is ADD_C or op is ADD_L:  # add, with a constant: x + c; add, constant first: c + y
            if g:
                grads[a] += g
        elif op is MUL:  # mul: x * y
            b = B[i]
            x = vals[a]
            y = vals[b]
            grads[a] += g * y
            grads[b] += g * x
        elif op is MUL_C:  # mul, with a constant: x * c
            y = B[i]
            grads[a] += g * y
        elif op is MUL_L:  # mul, constant first: c * y
            x = B[i]
            grads[a] += g * x
        elif op is TANH:  # tanh: tanh(x)
            out = vals[s]
            grads[a] += g * (1.0 - out * out)
        elif op is SIGMOID:  # sigmoid: sigmoid(x)
            out = vals[s]
            grads[a] += g * (out * (1.0 - out))
        elif op is EXP:  # exp: ieee_exp(x)
            out = vals[s]
            grads[a] += g * out
        elif op is LOG:  # log: ieee_log(x)
            x = vals[a]
            grads[a] += g * ieee_div(1.0, x)
        elif op is SUB:  # sub: x - y
            b = B[i]
            if g:
                grads[a] += g
                grads[b] -= g
        elif op is SUB_C:  # sub, with a constant: x - c
            if g:
                grads[a] += g
        elif op is SUB_L:  # sub, constant first: c - y
            if g:
                grads[a] -= g
        elif op is DIV:  # div: ieee_div(x, y)
            b = B[i]
            y = vals[b]
            out = vals[s]
            grads[a] += g * ieee_div(1.0, y)
            grads[b] += g * (-ieee_div(out, y))
        elif op is DIV_C:  # div, with a constant: ieee_div(x, c)
            y = B[i]
            grads[a] += g * ieee_div(1.0, y)
        elif op is DIV_L:  # div, constant first: ieee_div(c, y)
            y = vals[a]
            out = vals[s]
            grads[a] += g * (-ieee_div(out, y))
        elif op is POW:  # pow: ieee_pow(x, y)
            b = B[i]
            x = vals[a]
            y = vals[b]
            out = vals[s]
            grads[a] += g * (0.0 if y == 0.0 else y * ieee_pow(x, y - 1.0))
            grads[b] += g * (0.0 if x == 0.0 and y >= 0.0 else out * ieee_log(x))
        elif op is POW_C:  # pow, with a constant: ieee_pow(x, c)
            x = vals[a]
            y = B[i]
            grads[a] += g * (0.0 if y == 0.0 else y * ieee_pow(x, y - 1.0))
        elif op is POW_L:  # pow, constant first: ieee_pow(c, y)
            x = B[i]
            y = vals[a]
            out = vals[s]
            grads[a] += g * (0.0 if x == 0.0 and y >= 0.0 else out * ieee_log(x))
        elif op is NEG:  # neg: -x
            if g:
                grads[a] -= g
        elif op is SQRT:  # sqrt: ieee_sqrt(x)
            out = vals[s]
            grads[a] += g * ieee_div(0.5, out)
        elif op is ABS:  # abs: fabs(x)
            x = vals[a]
            grads[a] += g * sign(x)
        elif op is SIN:  # sin: sin(x)
            x = vals[a]
            grads[a] += g * cos(x)
        elif op is LEAKY_RELU:  # leaky_relu: leaky_relu(x, slope)
            x = vals[a]
            y = B[i]
            if g:
                grads[a] += g * (1.0 if x > 0.0 else y)
        elif op is GELU:  # gelu: gelu(x)
            x = vals[a]
            grads[a] += g * (0.5 * (1.0 + tanh(0.7978845608028654 * (x + 0.044715 * (x * x * x)))) + 0.5 * x
                * (1.0 - tanh(0.7978845608028654 * (x + 0.044715 * (x * x * x))) ** 2.0) *
                (0.7978845608028654 * (1.0 + 0.134145 * (x * x))))
        elif op is ELU:  # elu: elu(x, alpha)
            x = vals[a]
            y = B[i]
            if g:
                grads[a] += g * (y * ieee_exp(x) if x <= 0.0 else 1.0)
        elif op is SOFTPLUS:  # softplus: softplus(x)
            x = vals[a]
            grads[a] += g * sigmoid(x)
        elif op is MAX:  # max: maximum(x, y)
            b = B[i]
            x = vals[a]
            y = vals[b]
            if g:
                grads[a] += g * (0.0 if x < y else 0.5 if x == y else 1.0)
                grads[b] += g * (0.0 if x > y else 0.5 if x == y else 1.0)
        elif op is MAX_C:  # max, with a constant: maximum(x, c)
            x = vals[a]
            y = B[i]
            if g:
                grads[a] += g * (0.0 if x < y else 0.5 if x == y else 1.0)
        elif op is MIN:  # min: minimum(x, y)
            b = B[i]
            x = vals[a]
            y = vals[b]
            if g:
                grads[a] += g * (0.0 if x > y else 0.5 if x == y else 1.0)
                grads[b] += g * (0.0 if x < y else 0.5 if x == y else 1.0)
        elif op is MIN_C:  # min, with a constant: minimum(x, c)
            x = vals[a]
            y = B[i]
            if g:
                grads[a] += g * (0.0 if x > y else 0.5 if x == y else 1.0)
        elif op is COS:  # cos: cos(x)
            x = vals[a]
            grads[a] += g * (-sin(x))
        elif op is LOG1P:  # log1p: log1p(x)
            x = vals[a]
            grads[a] += g * ieee_div(1.0, 1.0 + x)
        elif op is EXPM1:  # expm1: expm1(x)
            x = vals[a]
            grads[a] += g * ieee_exp(x)
