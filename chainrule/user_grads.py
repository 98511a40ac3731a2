"""``chainrule check NET --grads FILE`` and ``--grads-module FILE``: a hand-written backprop's
numbers checked against the network's worked step (``nn.check_backprop``), its first
disagreement derived as the walkthrough derives it, the likely slip named.

``--grads FILE``: a JSON object or a TOML file (top level, or a ``[gradients]`` table, beside
which other keys such as ``title`` are ignored if they are not numbers) of names to numbers (a
number, or a string of one, "nan" and "inf" too): ``"w16" = 0.0025`` or ``"∂E/∂w16" = 0.0025``
(a parameter's name stands for its gradient), ``"δ_n9" = 0.1253`` (δ3, delta_n9, ∂E/∂net_n9
too), ``"∂E/∂out_n9"``, ``"net_n3"``, ``"out_n3"``, ``"E"``; by place too: ``w[2][0,0]``,
``b[0][1]``, ``δ_[1,0]``. Two names of one number with different values are an error.

``--grads-module my_backprop.py`` (or ``my_backprop.py:name`` for another function than
``gradients``) runs the user's function (the file's folder first on sys.path while it loads
and runs, so that it can import the files beside it) on the network's numbers::

    def gradients(weights, biases, inputs, targets) -> dict[str, float]:
        # weights[l][j][i]: input i -> neuron j of layer l; biases[l][j]; lists of floats
        # targets: a list of numbers (one per output), or the class index (cross_entropy)
        ...
        return {"w[2][0,0]": dW3[0, 0], ..., "δ_[2,0]": delta3[0]}   # or the network's names

``nn.named_gradients(dWs, dbs, deltas)`` names NumPy's per-layer arrays that way. The module
is the user's code, run as it is: whatever goes wrong in it (it does not load, the function is
missing, raises, or returns something else than a mapping of names to numbers) is one line
naming the file, and exit status 2.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import math
import sys
import traceback
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from autograd.notation import number
from nn.backprop_check import RTOL, BackpropCheck, check_backprop

from .claims import Quantities, derivations_of
from .derivations import Deriver
from .netfile import NetFileError, NetSpec, _read, _Reader, claim_number
from .walkthrough import Walkthrough, build, targets, work

FUNCTION = "gradients"
MODULE = "chainrule_user_backprop"
NOT_NUMBERS = ("nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity")
__all__ = ["RTOL", "check", "load_file", "report", "run_module"]
NOT_BACKPROP = ("input", "new", "E after", "node")  # claimable, but no backprop computes them


def load_file(path: str) -> dict[str, Any]:
    """A --grads file's names and numbers: JSON (.json) or TOML, checked to be numbers."""
    text = _read(path)
    try:
        doc = (json.loads(text, object_pairs_hook=lambda pairs: _object(path, pairs))
               if path.lower().endswith(".json") else _Reader(path).toml(text))
    except ValueError as e:  # JSON's errors; a TOML file's are NetFileErrors already
        if isinstance(e, NetFileError):
            raise
        raise NetFileError(path, "", f"cannot read it ({type(e).__name__}: {e})") from None
    except RecursionError:
        raise NetFileError(path, "", "cannot read it: nested too deeply") from None
    if isinstance(doc, dict) and isinstance(doc.get("gradients"), dict):
        doc = _gradients_table(path, doc)
    if not isinstance(doc, dict) or not doc:
        raise NetFileError(path, "", 'expected names and numbers, such as {"∂E/∂w16": 0.0025}')
    return {str(k): _file_number(path, str(k), v) for k, v in doc.items()}


def _object(path: str, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object; a name given twice with different values is an error (JSON keeps the last)."""
    doc: dict[str, Any] = {}
    for key, value in pairs:
        if key in doc and not _same(doc[key], value):
            raise NetFileError(path, key, f"given twice, with different values ({doc[key]!r} and {value!r})")
        doc[key] = value
    return doc


def _gradients_table(path: str, doc: dict[str, Any]) -> Any:
    """The [gradients] table; a number beside it is an error (which one is meant?), anything
    else (a title, a note) is not read."""
    for key, value in doc.items():
        if key != "gradients" and isinstance(value, (int, float, str)) and not isinstance(value, bool) \
                and (not isinstance(value, str) or _string_number(value) is not None):
            raise NetFileError(path, key, "a number outside the [gradients] table: put every number in it")
    return doc["gradients"]


def _string_number(text: str) -> float | None:
    if claim_number(text) is not None:
        return float(text)
    return float(text) if text.strip().lower() in NOT_NUMBERS else None


def _file_number(path: str, key: str, value: Any) -> float:
    """A number as a file writes it: a JSON or TOML number, or a string of one ("0.0025", "nan")."""
    if isinstance(value, str) and _string_number(value) is not None:
        return _string_number(value)  # type: ignore[return-value]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    raise NetFileError(path, key, f"expected a number, found {value!r}")


def run_module(where: str, spec: NetSpec) -> Any:
    """The user's function's result on the network's numbers (see the module doc)."""
    path, name = _where(where)
    module = _load(path)
    fn = getattr(module, name, None)
    if not callable(fn):
        found = "is not a function" if fn is not None else "is missing"
        raise NetFileError(path, "", f"{name}() {found}: define def {name}(weights, biases, inputs, "
                                     "targets) returning a dict of names to numbers")
    args = ([[list(row) for row in layer.weights] for layer in spec.layers],
            [list(layer.biases) for layer in spec.layers], list(spec.inputs),
            spec.target if isinstance(spec.target, int) else list(spec.target))
    try:
        with _beside(path):
            result = fn(*args)
    except (Exception, SystemExit) as e:
        raise NetFileError(path, "", f"{name}() raised {_error(e, path)}") from None
    if not isinstance(result, Mapping):
        raise NetFileError(path, "", f"{name}() returned a {type(result).__name__}, not a dict of names "
                                     "to numbers")
    return result


def _where(where: str) -> tuple[str, str]:
    """FILE[:FUNCTION] as the file and the function's name: split at the last ':' when what
    follows it is a name (a path may hold ':' too)."""
    path, _, name = where.rpartition(":")
    if Path(where).exists() or not path or not name.isidentifier():
        return where, FUNCTION
    return path, name


@contextlib.contextmanager
def _beside(path: str) -> Iterator[None]:
    """The file's folder first on sys.path, and sys.path as it was afterwards."""
    saved = list(sys.path)
    sys.path.insert(0, str(Path(path).resolve().parent))
    try:
        yield
    finally:
        sys.path[:] = saved


def _load(path: str) -> Any:
    """The user's file run as a module: in sys.modules while it runs (a dataclass looks itself up
    there), not kept there after (it is not chainrule's)."""
    if not Path(path).is_file():
        raise NetFileError(path, "", "no such file")
    loader_spec = importlib.util.spec_from_file_location(MODULE, path)
    if loader_spec is None or loader_spec.loader is None:
        raise NetFileError(path, "", "cannot load it as Python (name it with .py)")
    module = importlib.util.module_from_spec(loader_spec)
    before = sys.modules.get(MODULE)
    sys.modules[MODULE] = module
    try:
        with _beside(path):
            loader_spec.loader.exec_module(module)
    except (Exception, SystemExit) as e:
        raise NetFileError(path, "", f"cannot load it: {_error(e, path)}") from None
    finally:
        if before is None:
            sys.modules.pop(MODULE, None)
        else:
            sys.modules[MODULE] = before
    return module


def _error(e: BaseException, path: str) -> str:
    """An exception in the user's code as one line, with the line of their file it came from."""
    lines = [f.lineno for f in traceback.extract_tb(e.__traceback__)
             if Path(f.filename).resolve() == Path(path).resolve()]
    if isinstance(e, SyntaxError) and e.lineno is not None:
        lines = [e.lineno]
    at = f" at line {lines[-1]}" if lines else ""
    return f"{type(e).__name__}{at}: {e}"


def check(spec: NetSpec, given: Mapping[Any, Any], source: str, rtol: float) -> BackpropCheck:
    """The user's numbers against the worked step, named as claims name them; a name or a
    value that cannot be checked is a NetFileError naming ``source``."""
    w = work(spec)
    table = Quantities(w)
    theirs = _renamed(table, given, source)
    model = build(spec)
    try:
        return check_backprop(model, spec.inputs, targets(spec, model), spec.loss, theirs, rtol=rtol,
                              lr=spec.learning_rate, input_names=spec.names_of_inputs,
                              derive=_deriver(w, table))
    except (TypeError, ValueError) as e:
        raise NetFileError(source, "", str(e).removeprefix("check_backprop: ")) from None


def _renamed(table: Quantities, given: Mapping[Any, Any], source: str) -> dict[Any, Any]:
    """The user's numbers by the names check_backprop reads; two names the walkthrough reads as
    one number, with different values, are a NetFileError naming both."""
    theirs: dict[Any, Any] = {}
    keys: dict[Any, Any] = {}
    for key, value in given.items():
        name = _name(table, key, source)
        if name in theirs and not _same(theirs[name], value):
            values = f"{_shown(theirs[name])} and {_shown(value)}"
            raise NetFileError(source, "", f"{keys[name]!r} and {key!r} name the same number ({name}), "
                                           f"with different values ({values})")
        theirs[name], keys[name] = value, key
    return theirs


def _same(a: Any, b: Any) -> bool:
    try:
        x, y = float(a), float(b)
    except (TypeError, ValueError):
        return bool(a == b)
    return x == y or (math.isnan(x) and math.isnan(y))


def _shown(x: Any) -> str:
    try:
        return number(float(x), 6)
    except (TypeError, ValueError):
        return repr(x)


def _name(table: Quantities, key: Any, source: str) -> Any:
    """A name as the walkthrough writes it (w16 for its gradient, δ_n3 for δ3 or ∂E/∂net_n3),
    or as it is (w[2][0,0]: check_backprop knows places)."""
    q = table.find(key) if isinstance(key, str) else None
    if q is None:
        return key
    if q.kind in NOT_BACKPROP:
        raise NetFileError(source, key, "not a number backpropagation computes; give ∂E/∂p (or p), "
                                        "δ, net, out or E")
    if q.kind == "parameter":
        return f"∂E/∂{q.name}"
    of = q.name.removeprefix("∂E/∂")
    if q.kind == "gradient" and of.startswith("net") and f"δ_{of[3:].lstrip('_')}" in table.by_name:
        return f"δ_{of[3:].lstrip('_')}"  # ∂E/∂net_n3 is δ_n3
    return q.name


def _deriver(w: Walkthrough, table: Quantities) -> Callable[[str], str]:
    """The walkthrough's derivation of a quantity by name; a gradient's as δ·input, with its δ's."""
    where = {id(p): (n, i) for row in w.neurons for n in row for i, p in enumerate([*n.weights, n.bias])}

    def derive(name: str) -> str:
        q = table.find(name)
        if q is None:
            return ""
        if q.kind == "gradient" and q.node is not None and id(q.node) in where:
            d = Deriver(w)
            n, i = where[id(q.node)]
            delta = derivations_of(w, [table.by_name[f"δ_{n.name}"]])[f"δ_{n.name}"]
            return d.gradient_of(q.node, n, i if i < len(n.weights) else None).text() + "\n" + delta
        return derivations_of(w, [q]).get(q.name, "")

    return derive


def report(result: BackpropCheck, say: Callable[[str], str]) -> int:
    """Print the report, each line as ``say`` shows it; the exit status, 1 when any disagrees."""
    for line in str(result).splitlines():
        sys.stdout.write(say(line) + "\n")
    return 0 if result else 1
