"""Network files: a small network, its data and its training step, in TOML.

    title = "2-3-3-1 network"
    inputs = [0.23, 0.55]              # one sample
    input_names = ["x1", "x2"]         # optional
    targets = [0.01]                   # one per output; cross_entropy: class = 2 instead
    loss = "squared_error"             # mse, binary_cross_entropy, cross_entropy, hinge
    learning_rate = 0.01
    steps = 1                          # optional: training steps to show after the first

    [[layers]]                         # one table per layer, input side first
    activation = "relu"                # relu, sigmoid, tanh, linear, softmax (output only)
    weights = [[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]]   # weights[j][i]: input i -> neuron j
    biases = [0.1, -0.4, 0.3]
    neurons = ["n3", "n4", "n5"]                      # optional names
    weight_names = [["w1", "w4"], ["w2", "w5"], ["w3", "w6"]]
    bias_names = ["b1", "b2", "b3"]

    [claims]                           # optional: numbers a document (or a student) printed
    "out_n3" = "0.343"                 # a string keeps the precision it was printed to
    "∂E/∂w17" = "0.0850"

Every mistake is reported as a ``NetFileError`` naming the file, the field and what was
expected, never as a traceback from deep inside. The losses and the targets each takes come
from ``nn.losses.LOSSES``, the activations from ``nn.layers``.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

from autograd.validate import finite, shown, whole
from nn.layers import ACTIVATIONS, LAYER_ACTIVATIONS
from nn.losses import LOSSES, LossSpec

KEYS = {"title", "source", "inputs", "input_names", "targets", "class", "loss", "learning_rate",
        "steps", "layers", "claims"}
REQUIRED = ("inputs", "loss", "learning_rate", "layers")
LAYER_KEYS = {"activation", "weights", "biases", "neurons", "weight_names", "bias_names"}
LAYER_REQUIRED = ("activation", "weights", "biases")
MAX_STEPS = 10_000
DEFAULT = "doc_2331"  # the built-in example the command works when given none


class NetFileError(ValueError):
    """A network file that cannot be used; the message names the file, the field and why."""

    def __init__(self, path: str, where: str, message: str) -> None:
        super().__init__(f"{path}: {where}: {message}" if where else f"{path}: {message}")


@dataclass
class LayerSpec:
    activation: str
    weights: list[list[float]]
    biases: list[float]
    neurons: list[str] | None = None
    weight_names: list[list[str]] | None = None
    bias_names: list[str] | None = None


@dataclass
class NetSpec:
    """A parsed, checked network file."""

    path: str
    title: str
    inputs: list[float]
    layers: list[LayerSpec]
    loss: str
    target: list[float] | int  # numbers per output, or a class index (cross_entropy)
    learning_rate: float
    steps: int = 0
    input_names: list[str] | None = None
    source: str = ""
    claims: dict[str, str] = field(default_factory=dict)

    @property
    def names_of_inputs(self) -> list[str]:
        """The inputs' names: the file's, or x1, x2, …"""
        return self.input_names or [f"x{i + 1}" for i in range(len(self.inputs))]


def _show(x: Any) -> str:
    """What was found, for a message: its type and its value, cut short."""
    return f"{type(x).__name__} {shown(x)}"


class _Reader:
    """Field checks that say which file and field went wrong."""

    def __init__(self, path: str) -> None:
        self.path = path

    def fail(self, where: str, message: str) -> NetFileError:
        return NetFileError(self.path, where, message)

    def number(self, x: Any, where: str) -> float:
        try:
            return finite(x, where)
        except TypeError:
            raise self.fail(where, f"expected a number, found {_show(x)}") from None
        except ValueError:
            raise self.fail(where, f"expected a finite number, found {shown(x)}") from None

    def numbers(self, xs: Any, where: str, length: int | None = None) -> list[float]:
        if not isinstance(xs, list) or not xs:
            raise self.fail(where, f"expected a non-empty list of numbers, found {_show(xs)}")
        if length is not None and len(xs) != length:
            raise self.fail(where, f"expected {length} number{'s' if length != 1 else ''}, found {len(xs)}")
        return [self.number(x, f"{where}[{i}]") for i, x in enumerate(xs)]

    def whole(self, x: Any, where: str, least: int, most: int, what: str = "a whole number") -> int:
        try:
            return whole(x, where, least, most)
        except ValueError:
            raise self.fail(where, f"expected {what} from {least} to {most}, found {_show(x)}") from None

    def names(self, xs: Any, where: str, length: int) -> list[str]:
        if not isinstance(xs, list) or len(xs) != length or not all(isinstance(x, str) and x for x in xs):
            raise self.fail(where, f"expected a list of {length} non-empty names, found {_show(xs)}")
        return list(xs)

    def fields(self, table: dict[str, Any], where: str, known: set[str], required: tuple[str, ...]) -> None:
        """No field but the known ones, and every required one."""
        prefix = f"{where}." if where else ""
        unknown = sorted(set(table) - known)
        if unknown:
            raise self.fail(prefix + unknown[0], f"unknown field; expected one of {', '.join(sorted(known))}")
        for key in required:
            if key not in table:
                raise self.fail(prefix + key, "missing (required)")

    def toml(self, text: str) -> dict[str, Any]:
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            raise self.fail("", f"not valid TOML ({e})") from None


def parse(text: str, path: str = "<string>") -> NetSpec:
    """Check a network file's text; a NetFileError says what is wrong and where."""
    r = _Reader(path)
    doc = r.toml(text)
    r.fields(doc, "", KEYS, REQUIRED)
    inputs = r.numbers(doc["inputs"], "inputs")
    loss = _loss(r, doc["loss"])
    lr = r.number(doc["learning_rate"], "learning_rate")
    if lr <= 0:
        raise r.fail("learning_rate", f"expected a positive number, found {lr}")
    steps = r.whole(doc.get("steps", 0), "steps", 0, MAX_STEPS)
    layers = _layers(r, doc["layers"], len(inputs))
    target = _target(r, doc, loss, layers)
    names = doc.get("input_names")
    input_names = r.names(names, "input_names", len(inputs)) if names is not None else None
    claims = _claims(r, doc.get("claims", {}), "claims")
    title, source = (_text(r, doc, key) for key in ("title", "source"))
    title = title if "title" in doc else Path(path).stem
    _unique_names(r, layers, input_names)
    return NetSpec(path, title, inputs, layers, loss.name, target, lr, steps, input_names, source, claims)


def _loss(r: _Reader, name: Any) -> LossSpec:
    if not isinstance(name, str) or name not in LOSSES:
        raise r.fail("loss", f"unknown loss {_show(name)}; expected one of {', '.join(LOSSES)}")
    return LOSSES[name]


def _text(r: _Reader, doc: dict[str, Any], key: str) -> str:
    value = doc.get(key, "")
    if not isinstance(value, str):
        raise r.fail(key, f"expected a string, found {_show(value)}")
    return value


def _layers(r: _Reader, raw: Any, nin: int) -> list[LayerSpec]:
    if not isinstance(raw, list) or not raw:
        raise r.fail("layers", "expected one or more [[layers]] tables")
    layers = []
    for k, layer in enumerate(raw):
        layers.append(_layer(r, layer, f"layers[{k}]", nin, last=k == len(raw) - 1))
        nin = len(layers[-1].biases)
    return layers


def _layer(r: _Reader, layer: Any, where: str, nin: int, last: bool) -> LayerSpec:
    """One [[layers]] table, whose neurons read ``nin`` inputs."""
    if not isinstance(layer, dict):
        raise r.fail(where, f"expected a table, found {_show(layer)}")
    r.fields(layer, where, LAYER_KEYS, LAYER_REQUIRED)
    act = layer["activation"]
    if not isinstance(act, str) or (act not in ACTIVATIONS and act not in LAYER_ACTIVATIONS):
        valid = ", ".join([*ACTIVATIONS, *LAYER_ACTIVATIONS])
        raise r.fail(f"{where}.activation", f"unknown activation {_show(act)}; expected one of {valid}")
    if act in LAYER_ACTIVATIONS and not last:
        raise r.fail(f"{where}.activation", f"{act} is for the output layer only")
    W = layer["weights"]
    if not isinstance(W, list) or not W:
        raise r.fail(f"{where}.weights", f"expected a list of rows (one per neuron), found {_show(W)}")
    weights = [r.numbers(row, f"{where}.weights[{j}]", nin) for j, row in enumerate(W)]
    spec = LayerSpec(act, weights, r.numbers(layer["biases"], f"{where}.biases", len(weights)))
    _layer_names(r, layer, where, spec, nin)
    return spec


def _layer_names(r: _Reader, layer: dict[str, Any], where: str, spec: LayerSpec, nin: int) -> None:
    """The layer's optional names of neurons, weights and biases."""
    nout = len(spec.biases)
    if "neurons" in layer:
        spec.neurons = r.names(layer["neurons"], f"{where}.neurons", nout)
    if "bias_names" in layer:
        spec.bias_names = r.names(layer["bias_names"], f"{where}.bias_names", nout)
    if "weight_names" in layer:
        rows = layer["weight_names"]
        if not isinstance(rows, list) or len(rows) != nout:
            raise r.fail(f"{where}.weight_names", f"expected {nout} rows of names, found {_show(rows)}")
        spec.weight_names = [r.names(row, f"{where}.weight_names[{j}]", nin) for j, row in enumerate(rows)]


def _target(r: _Reader, doc: dict[str, Any], loss: LossSpec, layers: list[LayerSpec]) -> list[float] | int:
    """The true class, or one target per output, as the loss takes it."""
    nout = len(layers[-1].biases)
    if loss.target == "class":
        if "targets" in doc:
            raise r.fail("targets", f"{loss.name} takes the true class (class = k), not targets")
        if "class" not in doc:
            raise r.fail("class", f"missing: {loss.name} needs the index of the true class")
        return r.whole(doc["class"], "class", 0, nout - 1, "a class index")
    if "class" in doc:
        takers = ", ".join(name for name, spec in LOSSES.items() if spec.target == "class")
        raise r.fail("class", f"only {takers} takes a class; {loss.name} takes targets")
    if "targets" not in doc:
        raise r.fail("targets", f"missing: one target per output ({nout})")
    targets = r.numbers(doc["targets"], "targets", nout)
    if loss.one_output and nout != 1:
        raise r.fail("loss", f"{loss.name} needs a network with one output, this one has {nout}")
    for t in targets:
        if not loss.target_check(t):
            raise r.fail("targets", f"{loss.name} needs {loss.target_rule}, found {t}")
    if loss.activations is not None and layers[-1].activation not in loss.activations:
        raise r.fail("layers", f"{loss.name} needs {loss.activation_rule}, not {layers[-1].activation}")
    return targets


def _unique_names(r: _Reader, layers: list[LayerSpec], input_names: list[str] | None) -> None:
    """Every name a claim or an explanation may use must mean one thing."""
    seen: dict[str, str] = {"E": "the error"}
    n_inputs = len(layers[0].weights[0])
    named = [(n, "input_names") for n in input_names or [f"x{i + 1}" for i in range(n_inputs)]]
    for k, layer in enumerate(layers):
        for n in layer.neurons or []:  # a neuron named n3 labels its nodes net_n3 and out_n3
            named += [(n, f"layers[{k}].neurons"), (f"net_{n}", f"layers[{k}].neurons"),
                      (f"out_{n}", f"layers[{k}].neurons")]
        named += [(n, f"layers[{k}].weight_names") for row in layer.weight_names or [] for n in row]
        named += [(n, f"layers[{k}].bias_names") for n in layer.bias_names or []]
    for name, where in named:
        if name in seen:
            raise r.fail(where, f"the name {name!r} is used twice (also for {seen[name]})")
        seen[name] = where


def _claims(r: _Reader, claims: Any, where: str) -> dict[str, str]:
    """quantity -> the number as written (a string keeps its trailing zeros: "0.0850")."""
    if not isinstance(claims, dict):
        raise r.fail(where, f"expected a table of quantity = number, found {_show(claims)}")
    checked = {}
    for name, value in claims.items():
        text = value if isinstance(value, str) else repr(value)
        try:
            if isinstance(value, bool) or not math.isfinite(float(text)):
                raise ValueError
        except ValueError:
            raise r.fail(f"{where}.{name}" if where else name,
                         f"expected a finite number, found {_show(value)}") from None
        checked[name] = text.strip()
    return checked


def _read(path: str | Path) -> str:
    p = Path(path)
    try:
        return p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NetFileError(str(p), "", "no such file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise NetFileError(str(p), "", f"cannot read it ({e})") from None


def load(path: str | Path) -> NetSpec:
    """Read and check a network file."""
    return parse(_read(path), str(path))


def load_claims(path: str | Path) -> dict[str, str]:
    """A claims file: ``"∂E/∂w16" = "0.0025"`` lines, at the top level or under [claims] (so a
    network file's claims can be checked too)."""
    r = _Reader(str(path))
    doc = r.toml(_read(path))
    # Under [claims] (a network file's claims, the rest of it ignored), or at the top level.
    checked = _claims(r, doc.get("claims", doc), "claims" if "claims" in doc else "")
    if not checked:
        raise r.fail("", 'no claims; write lines such as "∂E/∂w16" = "0.0025"')
    return checked


def examples() -> list[str]:
    """The names of the built-in example networks (chainrule/examples/*.toml)."""
    return sorted(f.name[:-5] for f in resources.files("chainrule").joinpath("examples").iterdir()
                  if f.name.endswith(".toml"))


def resolve(path: str | None) -> NetSpec:
    """A network file, or a built-in example by name (default: the 2-3-3-1 network)."""
    name = DEFAULT if path is None else path.removesuffix(".toml")
    if path is None or (not Path(path).exists() and name in examples()):
        text = resources.files("chainrule").joinpath("examples").joinpath(name + ".toml").read_text("utf-8")
        return parse(text, f"<built-in example {name}>")
    if not Path(path).exists():
        raise NetFileError(path, "", f"no such file (built-in examples: {', '.join(examples())})")
    return load(path)
