"""The backward loop over graph nodes: the chain rule, one branch per op of the table.

Written by ``python autograd/codegen.py`` from the op table, autograd/ops.py: do not edit.
"""

from __future__ import annotations

from math import isfinite
from typing import TYPE_CHECKING, Any

from ..graph import operand_data
from ..ieee import cos, ieee_div, ieee_exp, ieee_log, ieee_pow, sigmoid, sign, sin, tanh
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

if TYPE_CHECKING:
    from ..value import Value

ADD_C, ADD_L = ADD.forms
MUL_C, MUL_L = MUL.forms
SUB_C, SUB_L = SUB.forms
DIV_C, DIV_L = DIV.forms
POW_C, POW_L = POW.forms
(MAX_C,) = MAX.forms
(MIN_C,) = MIN.forms


def propagate(
    order: list[Value],
    *,  # the ops the loop tests, bound here so that it reads them as fast locals
    RELU: Op = RELU, ADD: Op = ADD, ADD_C: Op = ADD_C, ADD_L: Op = ADD_L, MUL: Op = MUL, MUL_C: Op = MUL_C,
    MUL_L: Op = MUL_L, TANH: Op = TANH, SIGMOID: Op = SIGMOID, EXP: Op = EXP, LOG: Op = LOG, SUB: Op = SUB,
    SUB_C: Op = SUB_C, SUB_L: Op = SUB_L, DIV: Op = DIV, DIV_C: Op = DIV_C, DIV_L: Op = DIV_L, POW: Op = POW,
    POW_C: Op = POW_C, POW_L: Op = POW_L, NEG: Op = NEG, SQRT: Op = SQRT, ABS: Op = ABS, SIN: Op = SIN,
    LEAKY_RELU: Op = LEAKY_RELU, GELU: Op = GELU, ELU: Op = ELU, SOFTPLUS: Op = SOFTPLUS, MAX: Op = MAX,
    MAX_C: Op = MAX_C, MIN: Op = MIN, MIN_C: Op = MIN_C, COS: Op = COS, LOG1P: Op = LOG1P, EXPM1: Op = EXPM1,
    NARY: int = NARY,
) -> None:
    """For each node, last to first: every operand's grad += the node's grad · ∂node/∂operand."""
    for node in reversed(order):
        g = node._grad
        op: Any = node._op
        a = node._a
        if op is RELU:  # relu: relu(x)
            x = a._data
            if g:
                a._grad += g * (1.0 if x > 0.0 else 0.0)
        elif op is ADD:  # add: x + y
            b = node._b
            if g:
                a._grad += g
                b._grad += g
        elif op is ADD_C or op is ADD_L:  # add, with a constant: x + c; add, constant first: c + y
            if g:
                a._grad += g
        elif op is MUL:  # mul: x * y
            b = node._b
            x = a._data
            y = b._data
            a._grad += g * y
            b._grad += g * x
        elif op is MUL_C:  # mul, with a constant: x * c
            y = node._b
            a._grad += g * y
        elif op is MUL_L:  # mul, constant first: c * y
            x = node._b
            a._grad += g * x
        elif op.kind == NARY:  # dot, sum, shift
            data = operand_data(a)
            if g or not isfinite(sum(data)):  # else every partial is finite: 0 · it adds nothing
                for x, d in zip(a, op.dn(node._data, data)):
                    if type(x) is not float:
                        x._grad += g * d
        elif op is TANH:  # tanh: tanh(x)
            out = node._data
            a._grad += g * (1.0 - out * out)
        elif op is SIGMOID:  # sigmoid: sigmoid(x)
            out = node._data
            a._grad += g * (out * (1.0 - out))
        elif op is EXP:  # exp: ieee_exp(x)
            out = node._data
            a._grad += g * out
        elif op is LOG:  # log: ieee_log(x)
            x = a._data
            a._grad += g * ieee_div(1.0, x)
        elif op is SUB:  # sub: x - y
            b = node._b
            if g:
                a._grad += g
                b._grad -= g
        elif op is SUB_C:  # sub, with a constant: x - c
            if g:
                a._grad += g
        elif op is SUB_L:  # sub, constant first: c - y
            if g:
                a._grad -= g
        elif op is DIV:  # div: ieee_div(x, y)
            b = node._b
            y = b._data
            out = node._data
            a._grad += g * ieee_div(1.0, y)
            b._grad += g * (-ieee_div(out, y))
        elif op is DIV_C:  # div, with a constant: ieee_div(x, c)
            y = node._b
            a._grad += g * ieee_div(1.0, y)
        elif op is DIV_L:  # div, constant first: ieee_div(c, y)
            y = a._data
            out = node._data
            a._grad += g * (-ieee_div(out, y))
        elif op is POW:  # pow: ieee_pow(x, y)
            b = node._b
            x = a._data
            y = b._data
            out = node._data
            a._grad += g * (0.0 if y == 0.0 else y * ieee_pow(x, y - 1.0))
            b._grad += g * (0.0 if x == 0.0 and y >= 0.0 else out * ieee_log(x))
        elif op is POW_C:  # pow, with a constant: ieee_pow(x, c)
            x = a._data
            y = node._b
            a._grad += g * (0.0 if y == 0.0 else y * ieee_pow(x, y - 1.0))
        elif op is POW_L:  # pow, constant first: ieee_pow(c, y)
            x = node._b
            y = a._data
            out = node._data
            a._grad += g * (0.0 if x == 0.0 and y >= 0.0 else out * ieee_log(x))
        elif op is NEG:  # neg: -x
            if g:
                a._grad -= g
        elif op is SQRT:  # sqrt: ieee_sqrt(x)
            out = node._data
            a._grad += g * ieee_div(0.5, out)
        elif op is ABS:  # abs: fabs(x)
            x = a._data
            a._grad += g * sign(x)
        elif op is SIN:  # sin: sin(x)
            x = a._data
            a._grad += g * cos(x)
        elif op is LEAKY_RELU:  # leaky_relu: leaky_relu(x, slope)
            x = a._data
            y = node._b
            if g:
                a._grad += g * (1.0 if x > 0.0 else y)
        elif op is GELU:  # gelu: gelu(x)
            x = a._data
            a._grad += g * (0.5 * (1.0 + tanh(0.7978845608028654 * (x + 0.044715 * (x * x * x)))) + 0.5 * x *
                (1.0 - tanh(0.7978845608028654 * (x + 0.044715 * (x * x * x))) ** 2.0) * (0.7978845608028654
                * (1.0 + 0.134145 * (x * x))))
        elif op is ELU:  # elu: elu(x, alpha)
            x = a._data
            y = node._b
            if g:
                a._grad += g * (y * ieee_exp(x) if x <= 0.0 else 1.0)
        elif op is SOFTPLUS:  # softplus: softplus(x)
            x = a._data
            a._grad += g * sigmoid(x)
        elif op is MAX:  # max: maximum(x, y)
            b = node._b
            x = a._data
            y = b._data
            if g:
                a._grad += g * (0.0 if x < y else 0.5 if x == y else 1.0)
                b._grad += g * (0.0 if x > y else 0.5 if x == y else 1.0)
        elif op is MAX_C:  # max, with a constant: maximum(x, c)
            x = a._data
            y = node._b
            if g:
                a._grad += g * (0.0 if x < y else 0.5 if x == y else 1.0)
        elif op is MIN:  # min: minimum(x, y)
            b = node._b
            x = a._data
            y = b._data
            if g:
                a._grad += g * (0.0 if x > y else 0.5 if x == y else 1.0)
                b._grad += g * (0.0 if x < y else 0.5 if x == y else 1.0)
        elif op is MIN_C:  # min, with a constant: minimum(x, c)
            x = a._data
            y = node._b
            if g:
                a._grad += g * (0.0 if x > y else 0.5 if x == y else 1.0)
        elif op is COS:  # cos: cos(x)
            x = a._data
            a._grad += g * (-sin(x))
        elif op is LOG1P:  # log1p: log1p(x)
            x = a._data
            a._grad += g * ieee_div(1.0, 1.0 + x)
        elif op is EXPM1:  # expm1: expm1(x)
            x = a._data
            a._grad += g * ieee_exp(x)
