"""chainrule's engine: scalar reverse-mode automatic differentiation that shows its work.

>>> from autograd import Value
>>> x = Value(3.0, label="x"); y = x * x + 2 * x; y.backward(); x.grad
8.0
"""

from .backprop import backward, zero_grad
from .check import GradcheckResult, GradcheckRow, gradcheck, gradgradcheck, numerical_grad
from .draw import draw
from .explain import Explanation, explain, explain_all
from .explore import Explorer, explore
from .graph import leaves, topological_order
from .higher import grad, hessian, hvp
from .modes import detect_anomaly, is_recording, no_grad
from .nary import dot, shift, vsum
from .render import RenderError, render
from .rows import RowTape, trace_rows
from .tape import Tape, TapeMismatch, trace
from .update import UpdateTable, update_table
from .value import Value

__all__ = [
    "Explanation",
    "Explorer",
    "GradcheckResult",
    "GradcheckRow",
    "RenderError",
    "RowTape",
    "Tape",
    "TapeMismatch",
    "UpdateTable",
    "Value",
    "backward",
    "detect_anomaly",
    "dot",
    "draw",
    "explain",
    "explain_all",
    "explore",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "hessian",
    "hvp",
    "is_recording",
    "leaves",
    "no_grad",
    "numerical_grad",
    "render",
    "shift",
    "topological_order",
    "trace",
    "trace_rows",
    "update_table",
    "vsum",
    "zero_grad",
]
