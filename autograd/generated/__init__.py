"""Code written from the op table: Value's operators, the backward loop, the tape's loops.

Written by ``python autograd/codegen.py`` from the op table, autograd/ops.py: do not edit.
"""

from __future__ import annotations

import warnings

from .. import ops
from ..op import fingerprint

FINGERPRINT = "457fd1a305d8a8f9"  # of the op table these files were written from

if fingerprint(ops.TABLE) != FINGERPRINT:
    warnings.warn("autograd/generated/ was written from another op table than autograd/ops.py's; "
                  "run `python autograd/codegen.py`", RuntimeWarning, stacklevel=2)
