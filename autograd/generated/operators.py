"""Value's operator methods, one per op of the table, each recording one node.

Written by ``python autograd/codegen.py`` from the op table, autograd/ops.py: do not edit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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
    sin,
    softplus,
    tanh,
)
from ..modes import MODE, finish
from ..op import Op
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
from ..validate import Number, finite, real

if TYPE_CHECKING:
    from ..value import Value

ADD_C, ADD_L = ADD.forms
MUL_C, MUL_L = MUL.forms
SUB_C, SUB_L = SUB.forms
DIV_C, DIV_L = DIV.forms
POW_C, POW_L = POW.forms
(MAX_C,) = MAX.forms
(MIN_C,) = MIN.forms


new = object.__new__
# How many times a leaf's data has been set (value.py counts): a node made, or a leaf set,
# records it in _born, and backward refuses a leaf set after the output it starts from.
EPOCH = 0


class Operators:
    """Value's arithmetic: one method per op of the table, each recording one node."""

    __slots__ = ()
    # The node's slots, declared in Value; named here for type checkers.
    _data: float
    _grad: float
    _label: str
    _mark: object
    _op: Op | None
    _a: Any
    _b: Any
    _depth: int
    _born: int

    def relu(self) -> Value:
        """Rectified linear unit, max(0, x): relu(x); ∂/∂x = 1 if x > 0 else 0."""
        x = self._data
        value = relu(x)
        op = RELU
        b = None
        depth = self._depth + 1
        v = new(Value)
        v._data = value
        v._grad = 0.0
        v._label = ""
        v._mark = None
        v._born = EPOCH
        if MODE.plain:
            v._op = op
            v._a = self
            v._b = b
            v._depth = depth
            return v
        return finish(v, op, self, b, depth)

    def __add__(self, other: Value | Number) -> Value:
        """Sum: x + y with x = self, y = other; ∂/∂x = 1, ∂/∂y = 1."""
        x = self._data
        b: Value | float
        if type(other) is Value or isinstance(other, Value):
            y = other._data
            value = x + y
            op = ADD
            b = other
            da = self._depth
            db = other._depth
            depth = (da if da > db else db) + 1
        else:
            try:
                y = real(other)
            except TypeError:
                return NotImplemented
            value = x + y
            op = ADD_C
            b = y
            depth = self._depth + 1
        v = new(Value)
        v._data = value
        v._grad = 0.0
        v._label = ""
        v._mark = None
        v._born = EPOCH
        if MODE.plain:
            v._op = op
            v._a = self
            v._b = b
            v._depth = depth
            return v
        return finish(v, op, self, b, depth)

    def __radd__(self, other: Number) -> Value:
        """Sum: x + y with x = other, y = self; ∂/∂x = 1, ∂/∂y = 1."""
        try:
            x = real(other)
        except TypeError:
            return NotImplemented
        y = self._data
        value = x + y
        op = ADD_L
        b = x
        depth = self._depth + 1
        v = new(Value)
        v._data = value
        v._grad = 0.0
        v._label = ""
        v._mark = None
        v._born = EPOCH
        if MODE.plain:
            v._op = op
            v._a = self
            v._b = b
            v._depth = depth
            return v
        return finish(v, op, self, b, depth)

    def __mul__(self, other: Value | Number) -> Value:
        """Product: x * y with x = self, y = other; ∂/∂x = y, ∂/∂y = x."""
        x = self._data
        b: Value | float
        if type(other) is Value or isinstance(other, Value):
            y = other._data
            value = x * y
            op = MUL
            b = other
            da = self._depth
            db = other._depth
            depth = (da if da > db else db) + 1
        else:
            try:
                y = real(other)
            except TypeError:
                return NotImplemented
            value = x * y
            op = MUL_C
            b = y
            depth = self._depth + 1
        v = new(Value)
        v._data = value
        v._grad = 0.0
        v._label = ""
        v._mark = None
        v._born = EPOCH
        if MODE.plain:
            v._op = op
            v._a = self
            v._b = b
            v._depth = depth
            return v
        return finish(v, op, self, b, depth)

    def __rmul__(self, other: Number) -> Value:
        """Product: x * y with x = other, y = self; ∂/∂x = y, ∂/∂y = x."""
        try:
            x = real(other)
        except TypeError:
            return NotImplemented
        y = self._data
        value = x * y
        op = MUL_L
        b = x
        depth = self._depth + 1
        v = new(Value)
        v._data = value
        v._grad = 0.0
        v._label = ""
        v._mark = None
        v._born = EPOCH
        if MODE.plain:
            v._op = op
            v._a = self
            v._b = b
            v._depth = depth
            return v
        return finish(v, op, self, b, depth)

    def tanh(self) -> Value:
        """Hyperbolic tangent: tanh(x); ∂/∂x = 1 - out * out."""
        x = self._data
        value = tanh(x)
        op = TANH
        b = None
        depth = self._depth + 1
        v = new(Value)
        v._data = value
        v._grad = 0.0
        v._label = ""
        v._mark = None
        v._born = EPOCH
        if MODE.plain:
            v._op = op
            v._a = self
            v._b = b
            v._depth = depth
            return v
        return finish(v, op, self, b, depth)

    def sigmoid(self) -> Value:
        """Logistic sigmoid, 1 / (1 + e^-x): sigmoid(x); ∂/∂x = out * (1 - out)."""
        x = self._data
        value = sigmoid(x)
        op = SIGMOID
        b = None
        depth = self._depth + 1
        v = new(Value)
        v._data = value
        v._grad = 0.0
        v._label = ""
        v._mark = None
        v._born = EPOCH
        if MODE.plain:
            v._op = op
            v._a = self
            v._b = b
            v._depth = depth
            return v
        return finish(v, op, self, b, depth)

    def exp(self) -> Value:
        """Exponential, e^x: exp(x); ∂/∂x = out."""
        x = self._data
        value = ieee_exp(x)
        op = EXP
        b = None
        depth = self._depth + 1
        v = new(Value)
        v._data = value
        v._grad = 0.0
        v._label = ""
        v._mark = None
        v._born = EPOCH
        if MODE.plain:
            v._op = op
            v._a = self
            v._b = b
            v._depth = depth
            return v
        return finish(v, op, self, b, depth)

    def log(self) -> Value:
        """Natural logarithm: log(x); ∂/∂x = 1 / x."""
        x = self._data
        value = ieee_log(x)
        op = LOG
        b = None
        depth = self._depth + 1
        v = new(Value)
        v._data = value
        v._grad = 0.0
        v._label = ""
        v._mark = None
        v._born = EPOCH
        if MODE.plain:
            v._op = op
            v._a = self
            v._b = b
            v._depth = depth
            return v
        return finish(v, op, self, b, depth)

    def __sub__(self, other: Value | Number) -> Value:
        """Difference: x - y with x = self, y = other; ∂/∂x = 1, ∂/∂y = -1."""
        x = self._data
        b: Value | float
        if type(other) is Value or isinstance(other, Value):
            y = other._data
            value = x - y
            op = SUB
            b = other
            da = self._depth
            db = other._depth
            depth = (da if da > db else db) + 1
        else:
            try:
                y = real(other)
            except TypeError:
                return NotImplemented
            value = x - y
            op = SUB_C
            b = y
            depth = self._depth + 1
        v = new(Value)
        v._data = value
        v._grad = 0.0
        v._label = ""
        v._mark = None
        v._born = EPOCH
        if MODE.plain:
            v._op = op
            v._a = self
            v._b = b
            v._depth = depth
            return v
        return finish(v, op, self, b, depth)

    def __rsub__(self, other: Number) -> Value:
        """Difference: x - y with x = other, y = self; ∂/∂x = 1, ∂/∂y = -1."""
        try:
            x = real(other)
        except TypeError:
            return NotImplemented
        y = self._data
        value = x - y
        op = SUB_L
        b = x
        depth = self._depth + 1
        v = new(Value)
        v._data = value
        v._grad = 0.0
        v._label = ""
        v._mark = None
        v._born = EPOCH
        if MODE.plain:
            v._op = op
            v._a = self
            v._b = b
            v._depth = depth
            return v
        return finish(v, op, self, b, depth)

    def __truediv__(self, other: Value | Number) -> Value:
        """Quotient: x / y with x = self, y = other; ∂/∂x = 1 / y, ∂/∂y = -(out / y)."""
        x = self._data
        b: Value | float
        if type(other) is Value or isinstance(other, Value):
            y = other._data
            value = ieee_div(x, y)
            op = DIV
            b = other
            da = self._depth
            db = other._depth
            depth = (da if da > db else db) + 1
        else:
            try:
                y = real(other)
            except TypeError:
                return NotImplemented
            value = ieee_div(x, y)
            op = DIV_C
            b = y
            depth = self._depth + 1
        v = new(Value)
        v._data = value
        v._grad = 0.0
        v._label = ""
        v._mark = None
        v._born = EPOCH
        if MODE.plain:
            v._op = op
            v._a = self
            v._b = b
            v._depth = depth
            return v
        return finish(v, op, self, b, depth)

    def __rtruediv__(self, other: Number) -> Value:
        """Quotient: x / y with x = other, y = self; ∂/∂x = 1 / y, ∂/∂y = -(out / y)."""
        try:
            x = real(other)
        except TypeError:
            return NotImplemented
        y = self._data
        value = ieee_div(x, y)
        op = DIV_L
        b = x
        depth = self._depth + 1
        v = new(Value)
        v._data = value
        v._grad = 0.0
        v._label = ""
        v._mark = None
        v._born = EPOCH
        if MODE.plain:
            v._op = op
            v._a = self
            v._b = b
            v._depth = depth
            return v
        return finish(v, op, self, b, depth)

    def __pow__(self, other: Value | Number, modulo: None = None) -> Value:
        """Power, x to the y: x ** y with x = self, y = other.

        ∂/∂x = 0 if y == 0 else y * x ** (y - 1)
        ∂/∂y = 0 if x == 0 and y >= 0 else out * log(x)"""
        if modulo is not None:
            raise TypeError('pow() with a modulus is not defined for Value')
        x = self._data
        b: Value | float
        if type(other) is Value or isinstance(other, Value):
            y = other._data
            value = ieee_pow(x, y)
            op = POW
            b = other
            da = self._depth
            db = other._depth
            depth = (da if da > db else db) + 1
        else:
            try:
                y = real(other)
            except TypeError:
                return NotImplemented
            value = ieee_pow(x, y)
            op = POW_C
            b = y
            depth = self._depth + 1
        v = new(Value)
        v._data = value
        v._grad = 0.0
        v._label = ""
        v._mark = None
        v._born = EPOCH
        if MODE.plain:
            v._op = op
            v._a = self
            v._b = b
            v._depth = depth
            return v
        return finish(v, op, self, b, depth)

    def __rpow__(self, other: Number) -> Value:
        """Power, x to the y: x ** y with x = other, y = self.

        ∂/∂x = 0 if y == 0 else y * x ** (y - 1)
        ∂/∂y = 0 if x == 0 and y >= 0 else out * log(x)"""
        try:
            x = real(other)
        except TypeError:
            return NotImplemented
        y = self._data
        value = ieee_pow(x, y)
        op = POW_L
        b = x
        depth = self._depth + 1
        v = new(Value)
        v._data = value
        v._grad = 0.0
        v._label = ""
        v._mark = None
        v._born = EPOCH
        if MODE.plain:
            v._op = op
            v._a = self
            v._b = b
            v._depth = depth
            return v
        return finish(v, op, self, b, depth)

    def __neg__(self) -> Value:
        """Negation: -x; ∂/∂x = -1."""
        x = self._data
        value = -x
        op = NEG
        b = None
        depth = self._depth + 1
        v = new(Value)
        v._data = value
        v._grad = 0.0
        v._label = ""
        v._mark = None
        v._born = EPOCH
        if MODE.plain:
            v._op = op
            v._a = self
            v._b = b
            v._depth = depth
            return v
        return finish(v, op, self, b, depth)

    def sqrt(self) -> Value:
        """Square root: sqrt(x); ∂/∂x = 0.5 / out."""
        x = self._data
        value = ieee_sqrt(x)
        op = SQRT
        b = None
        depth = self._depth + 1
        v = new(Value)
        v._data = value
        v._grad = 0.0
        v._label = ""
        v._mark = None
        v._born = EPOCH
        if MODE.plain:
            v._op = op
            v._a = self
            v._b = b
            v._depth = depth
            return v
        return finish(v, op, self, b, depth)

    def abs(self) -> Value:
        """Absolute value: abs(x); ∂/∂x = sign(x)."""
        x = self._data
        value = fabs(x)
        op = ABS
        b = None
        depth = self._depth + 1
        v = new(Value)
        v._data = value
        v._grad = 0.0
        v._label = ""
        v._mark = None
        v._born = EPOCH
        if MODE.plain:
            v._op = op
            v._a = self
            v._b = b
            v._depth = depth
            return v
        return finish(v, op, self, b, depth)

    def __abs__(self) -> Value:
        """Absolute value: abs(x); ∂/∂x = sign(x)."""
        x = self._data
        value = fabs(x)
        op = ABS
        b = None
        depth = self._depth + 1
        v = new(Value)
        v._data = value
        v._grad = 0.0
        v._label = ""
        v._mark = None
        v._born = EPOCH
        if MODE.plain:
            v._op = op
            v._a = self
            v._b = b
            v._depth = depth
            return v
        return finish(v, op, self, b, depth)

    def sin(self) -> Value:
        """Sine: sin(x); ∂/∂x = cos(x)."""
        x = self._data
        value = sin(x)
        op = SIN
        b = None
        depth = self._depth + 1
        v = new(Value)
        v._data = value
        v._grad = 0.0
        v._label = ""
        v._mark = None
        v._born = EPOCH
        if MODE.plain:
            v._op = op
            v._a = self
            v._b = b
            v._depth = depth
            return v
        return finish(v, op, self, b, depth)

    def leaky_relu(self, slope: Number = 0.01) -> Value:
        """Leaky rectified linear unit, x if x > 0 else slope·x: leaky_relu(x, y) with y = slope.

        ∂/∂x = 1 if x > 0 else y"""
        x = self._data
        y = finite(slope, "leaky_relu: slope")
        value = leaky_relu(x, y)
        op = LEAKY_RELU
        b = y
        depth = self._depth + 1
        v = new(Value)
        v._data = value
        v._grad = 0.0
        v._label = ""
        v._mark = None
        v._born = EPOCH
        if MODE.plain:
            v._op = op
            v._a = self
            v._b = b
            v._depth = depth
            return v
        return finish(v, op, self, b, depth)

    def gelu(self) -> Value:
        """Gaussian error linear unit (tanh form), 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))): gelu(x).

        ∂/∂x = 0.5 * (1 + tanh(0.7978845608028654 * (x + 0.044715 * (x * x * x)))) + 0.5 * x * (1 -
            tanh(0.7978845608028654 * (x + 0.044715 * (x * x * x))) ** 2) * (0.7978845608028654 * (1 +
            0.134145 * (x * x)))"""
        x = self._data
        value = gelu(x)
        op = GELU
        b = None
        depth = self._depth + 1
        v = new(Value)
        v._data = value
        v._grad = 0.0
        v._label = ""
        v._mark = None
        v._born = EPOCH
        if MODE.plain:
            v._op = op
            v._a = self
            v._b = b
            v._depth = depth
            return v
        return finish(v, op, self, b, depth)

    def elu(self, alpha: Number = 1.0) -> Value:
        """Exponential linear unit, x if x > 0 else alpha·(e^x - 1): elu(x, y) with y = alpha.

        ∂/∂x = y * exp(x) if x <= 0 else 1"""
        x = self._data
        y = finite(alpha, "elu: alpha")
        value = elu(x, y)
        op = ELU
        b = y
        depth = self._depth + 1
        v = new(Value)
        v._data = value
        v._grad = 0.0
        v._label = ""
        v._mark = None
        v._born = EPOCH
        if MODE.plain:
            v._op = op
            v._a = self
            v._b = b
            v._depth = depth
            return v
        return finish(v, op, self, b, depth)

    def softplus(self) -> Value:
        """Softplus, ln(1 + e^x), a smooth relu: softplus(x); ∂/∂x = sigmoid(x)."""
        x = self._data
        value = softplus(x)
        op = SOFTPLUS
        b = None
        depth = self._depth + 1
        v = new(Value)
        v._data = value
        v._grad = 0.0
        v._label = ""
        v._mark = None
        v._born = EPOCH
        if MODE.plain:
            v._op = op
            v._a = self
            v._b = b
            v._depth = depth
            return v
        return finish(v, op, self, b, depth)

    def max(self, other: Value | Number) -> Value:
        """The larger of two (nan if either is): max(x, y) with x = self, y = other.

        ∂/∂x = 0 if x < y else 0.5 if x == y else 1
        ∂/∂y = 0 if x > y else 0.5 if x == y else 1"""
        x = self._data
        b: Value | float
        if type(other) is Value or isinstance(other, Value):
            y = other._data
            value = maximum(x, y)
            op = MAX
            b = other
            da = self._depth
            db = other._depth
            depth = (da if da > db else db) + 1
        else:
            try:
                y = real(other)
            except TypeError:
                raise TypeError("unsupported operand type(s) for max(): 'Value' and "
                                f"'{type(other).__name__}'") from None
            value = maximum(x, y)
            op = MAX_C
            b = y
            depth = self._depth + 1
        v = new(Value)
        v._data = value
        v._grad = 0.0
        v._label = ""
        v._mark = None
        v._born = EPOCH
        if MODE.plain:
            v._op = op
            v._a = self
            v._b = b
            v._depth = depth
            return v
        return finish(v, op, self, b, depth)

    def min(self, other: Value | Number) -> Value:
        """The smaller of two (nan if either is): min(x, y) with x = self, y = other.

        ∂/∂x = 0 if x > y else 0.5 if x == y else 1
        ∂/∂y = 0 if x < y else 0.5 if x == y else 1"""
        x = self._data
        b: Value | float
        if type(other) is Value or isinstance(other, Value):
            y = other._data
            value = minimum(x, y)
            op = MIN
            b = other
            da = self._depth
            db = other._depth
            depth = (da if da > db else db) + 1
        else:
            try:
                y = real(other)
            except TypeError:
                raise TypeError("unsupported operand type(s) for min(): 'Value' and "
                                f"'{type(other).__name__}'") from None
            value = minimum(x, y)
            op = MIN_C
            b = y
            depth = self._depth + 1
        v = new(Value)
        v._data = value
        v._grad = 0.0
        v._label = ""
        v._mark = None
        v._born = EPOCH
        if MODE.plain:
            v._op = op
            v._a = self
            v._b = b
            v._depth = depth
            return v
        return finish(v, op, self, b, depth)

    def cos(self) -> Value:
        """Cosine: cos(x); ∂/∂x = -sin(x)."""
        x = self._data
        value = cos(x)
        op = COS
        b = None
        depth = self._depth + 1
        v = new(Value)
        v._data = value
        v._grad = 0.0
        v._label = ""
        v._mark = None
        v._born = EPOCH
        if MODE.plain:
            v._op = op
            v._a = self
            v._b = b
            v._depth = depth
            return v
        return finish(v, op, self, b, depth)

    def log1p(self) -> Value:
        """ln(1 + x), exact for small x: log1p(x); ∂/∂x = 1 / (1 + x)."""
        x = self._data
        value = log1p(x)
        op = LOG1P
        b = None
        depth = self._depth + 1
        v = new(Value)
        v._data = value
        v._grad = 0.0
        v._label = ""
        v._mark = None
        v._born = EPOCH
        if MODE.plain:
            v._op = op
            v._a = self
            v._b = b
            v._depth = depth
            return v
        return finish(v, op, self, b, depth)

    def expm1(self) -> Value:
        """e^x - 1, exact for small x: expm1(x); ∂/∂x = exp(x)."""
        x = self._data
        value = expm1(x)
        op = EXPM1
        b = None
        depth = self._depth + 1
        v = new(Value)
        v._data = value
        v._grad = 0.0
        v._label = ""
        v._mark = None
        v._born = EPOCH
        if MODE.plain:
            v._op = op
            v._a = self
            v._b = b
            v._depth = depth
            return v
        return finish(v, op, self, b, depth)

    def __lt__(self, other: Value | Number) -> bool:
        """self.data < other (its data, for a Value): a plain bool, not a node."""
        if type(other) is Value or isinstance(other, Value):
            return self._data < other._data
        try:
            return self._data < real(other)
        except TypeError:
            return NotImplemented

    def __le__(self, other: Value | Number) -> bool:
        """self.data <= other (its data, for a Value): a plain bool, not a node."""
        if type(other) is Value or isinstance(other, Value):
            return self._data <= other._data
        try:
            return self._data <= real(other)
        except TypeError:
            return NotImplemented

    def __gt__(self, other: Value | Number) -> bool:
        """self.data > other (its data, for a Value): a plain bool, not a node."""
        if type(other) is Value or isinstance(other, Value):
            return self._data > other._data
        try:
            return self._data > real(other)
        except TypeError:
            return NotImplemented

    def __ge__(self, other: Value | Number) -> bool:
        """self.data >= other (its data, for a Value): a plain bool, not a node."""
        if type(other) is Value or isinstance(other, Value):
            return self._data >= other._data
        try:
            return self._data >= real(other)
        except TypeError:
            return NotImplemented


def record(value: float, op: Op, self: Any, b: Any, depth: int) -> Value:
    """Record a node of an n-ary op (dot, vsum, shift): the tail of every method above."""
    # self is what goes in the node's first slot, as in the methods.
    v = new(Value)
    v._data = value
    v._grad = 0.0
    v._label = ""
    v._mark = None
    v._born = EPOCH
    if MODE.plain:
        v._op = op
        v._a = self
        v._b = b
        v._depth = depth
        return v
    return finish(v, op, self, b, depth)


def bind(cls: type[Value]) -> None:
    """Called once by autograd/value.py: ``cls`` is the class the operators create."""
    globals()["Value"] = cls
