"""``chainrule check NET --grads FILE`` and ``--grads-module FILE``: a hand-written backprop's
numbers checked against the network's worked step (``nn.check_backprop``), its first
disagreement derived as the walkthrough derives it, the likely slip named.

``--grads FILE``: a JSON object or a TOML file (top level, or a ``[gradients]`` table) of names
to numbers (a number, or a string of one): ``"w16" = 0.0025`` or ``"∂E/∂w16" = 0.0025`` (a
parameter's name stands for its gradient), ``"δ_n9" = 0.1253`` (δ3, delta_n9, ∂E/∂net_n9 too),
``"net_n3"``, ``"out_n3"``, ``"E"``; by place too: ``w[2][0,0]``, ``b[0][1]``, ``δ_[1,0]``.

``--grads-module my_backprop.py`` (or ``my_backprop.py:name`` for another function than
``gradients``) runs the user's function on the network's numbers::

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

import importlib.util
import json
import sys
import traceback
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from nn.backprop_check import BackpropCheck, check_backprop

from .claims import Quantities, derivations_of
from .derivations import Deriver
from .netfile import NetFileError, NetSpec, _read, _Reader, claim_number
from .walkthrough import Walkthrough, build, targets, work

FUNCTION = "gradients"
NOT_BACKPROP = ("input", "new", "E after", "node")  # claimable, but no backprop computes them


def load_file(path: str) -> dict[str, Any]:
    """A --grads file's names and numbers: JSON (.json) or TOML, checked to be numbers."""
    text = _read(path)
    try:
        doc = json.loads(text) if path.lower().endswith(".json") else _Reader(path).toml(text)
    except ValueError as e:  # JSON's errors; a TOML file's are NetFileErrors already
        if isinstance(e, NetFileError):
            raise
        raise NetFileError(path, "", f"cannot read it ({type(e).__name__}: {e})") from None
    if isinstance(doc, dict) and isinstance(doc.get("gradients"), dict) and len(doc) == 1:
        doc = doc["gradients"]
    if not isinstance(doc, dict) or not doc:
        raise NetFileError(path, "", 'expected names and numbers, such as {"∂E/∂w16": 0.0025}')
    return {str(k): _file_number(path, str(k), v) for k, v in doc.items()}


def _file_number(path: str, key: str, value: Any) -> float:
    """A number as a file writes it: a JSON or TOML number, or a string of digits ("0.0025")."""
    if isinstance(value, str) and claim_number(value) is not None:
        return float(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    raise NetFileError(path, key, f"expected a number, found {value!r}")


def run_module(where: str, spec: NetSpec) -> Any:
    """The user's function's result on the network's numbers (see the module doc)."""
    path, _, name = where.partition(":") if not Path(where).exists() else (where, "", "")
    name = name or FUNCTION
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
        result = fn(*args)
    except (Exception, SystemExit) as e:
        raise NetFileError(path, "", f"{name}() raised {_error(e, path)}") from None
    if not isinstance(result, Mapping):
        raise NetFileError(path, "", f"{name}() returned a {type(result).__name__}, not a dict of names "
                                     "to numbers")
    return result


def _load(path: str) -> Any:
    """The user's file run as a module (not kept in sys.modules: it is not chainrule's)."""
    if not Path(path).is_file():
        raise NetFileError(path, "", "no such file")
    loader_spec = importlib.util.spec_from_file_location("chainrule_user_backprop", path)
    if loader_spec is None or loader_spec.loader is None:
        raise NetFileError(path, "", "cannot load it as Python (name it with .py)")
    module = importlib.util.module_from_spec(loader_spec)
    try:
        loader_spec.loader.exec_module(module)
    except (Exception, SystemExit) as e:
        raise NetFileError(path, "", f"cannot load it: {_error(e, path)}") from None
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
    theirs = {_name(table, key, source): value for key, value in given.items()}
    model = build(spec)
    try:
        return check_backprop(model, spec.inputs, targets(spec, model), spec.loss, theirs, rtol=rtol,
                              lr=spec.learning_rate, input_names=spec.names_of_inputs,
                              derive=_deriver(w, table))
    except (TypeError, ValueError) as e:
        raise NetFileError(source, "", str(e).removeprefix("check_backprop: ")) from None


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
