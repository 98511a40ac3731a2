"""Network files: a small network, its data and its training step, in TOML.

    title = "2-3-3-1 network"
    inputs = [0.23, 0.55]              # one sample
    input_names = ["x1", "x2"]         # optional
    targets = [0.01]                   # one per output; cross_entropy: class = 2 instead
    loss = "squared_error"             # mse, binary_cross_entropy, cross_entropy, hinge
    learning_rate = 0.01
    steps = 1                          # optional: training steps to show after the first

    [[layers]]                         # one table per layer, input side first
    activation = "relu"                # relu, sigmoid, tanh, linear, leaky_relu, elu, gelu, softplus;
                                       # softmax (output only)
    weights = [[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]]   # weights[j][i]: input i -> neuron j
    biases = [0.1, -0.4, 0.3]
    neurons = ["n3", "n4", "n5"]                      # optional names
    weight_names = [["w1", "w4"], ["w2", "w5"], ["w3", "w6"]]
    bias_names = ["b1", "b2", "b3"]

    [claims]                           # optional: numbers a document (or a student) printed
    "out_n3" = "0.343"                 # a string keeps the precision it was printed to
    "∂E/∂w17" = "0.0850"               # the names a claim may use: chainrule/claims.py

A name (input_names, neurons, weight_names, bias_names) is printable and has no spaces, and
means one thing: none is a label chainrule gives something else (x2, w[0][1,0], b[1][0],
net[0,1], out[0,1], net_n3 and δ_n3 of a neuron n3, target_o1 of an output o1, target, E).
Title, source and the quantities claimed are any text but control characters. A claimed
number is written with ASCII digits, a point and an exponent. Files are at most MAX_BYTES
long, networks at most MAX_LAYERS layers and MAX_PARAMETERS parameters, claims at most
MAX_CLAIMS.

Every mistake is reported as a ``NetFileError`` naming the file, the field and what was
expected, never as a traceback from deep inside: a file is untrusted input. The losses and the
targets each takes come from ``nn.losses.LOSSES``, the activations and the labels chainrule
derives from ``nn.layers``.
"""

from __future__ import annotations

import difflib
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

from autograd.validate import finite, shown, whole
from nn.layers import ACTIVATIONS, LAYER_ACTIVATIONS, bias_label, neuron_labels, weight_label
from nn.losses import LOSSES, LossSpec

KEYS = {"title", "source", "inputs", "input_names", "targets", "class", "loss", "learning_rate",
        "steps", "layers", "claims"}
REQUIRED = ("inputs", "loss", "learning_rate", "layers")
LAYER_KEYS = {"activation", "weights", "biases", "neurons", "weight_names", "bias_names"}
LAYER_REQUIRED = ("activation", "weights", "biases")
MAX_STEPS = 10_000
DEFAULT = "doc_2331"  # the built-in example the command works when given none
# Limits on untrusted files, far above any network worked by hand (doc_2331.toml: 1.7 kB, 25
# parameters, 3 layers, 20 claims). 20,000 parameters admit MNIST's classic 784-16-10 (12,730),
# whose walkthrough already prints megabytes of derivations; 4 MB holds such a file with every
# name and comment. A chain-rule product grows with depth, so the walkthrough of a chain of
# one-neuron layers grows with its square (1,000 layers: 80 MB of text, 1 GB of memory, 100
# layers: 1 MB). 1,000 claims, each wrong gradient with its derivation, grade in seconds.
MAX_BYTES = 4_000_000
MAX_PARAMETERS = 20_000
MAX_LAYERS = 100
MAX_CLAIMS = 1_000
MAX_DEPTH = 8  # arrays and tables in arrays and tables; a network file needs 4 (layers[k].weights[j])
TOO_BIG = f"expected a file of at most {MAX_BYTES} bytes (chainrule's limit), found more"
TOO_DEEP = f"expected arrays and tables nested at most {MAX_DEPTH} deep (chainrule's limit), found more"
# How a claim writes a number: ASCII digits, a point, an exponent (not 1_000, ١٢ or inf).
NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
# A claim about a gradient: ∂E/∂w16 or dE/dw16 (see ``claims``).
GRADIENT = re.compile(r"^(?:∂|d)E\s*/\s*(?:∂|d)\s*")


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
        return self.input_names or default_input_names(len(self.inputs))


def delta_label(name: str) -> str:
    """A neuron's δ = ∂E/∂net as the walkthrough prints it and a claim names it: ``δ_n3`` for
    the neuron n3, ``δ_[1,0]`` for an unnamed one (whose net input is net[1,0])."""
    return f"δ_{name}"


def labels_of_neuron(name: str, output: bool = False) -> tuple[str, ...]:
    """Every label a neuron gives: net_n3, out_n3 and δ_n3 for "n3", and an output neuron's
    target too (target_o1: a squared error's target leaf, when there are several outputs)."""
    return (*neuron_labels(name), delta_label(name), *([f"target_{name}"] if output else []))


def default_input_names(n: int) -> list[str]:
    """The names of n inputs that a file does not name: x1, x2, …"""
    return [f"x{i + 1}" for i in range(n)]


def claim_number(text: str) -> Decimal | None:
    """The number a claim writes, exactly as written (0.0850 keeps its four places), or None
    when it is not digits, a point and an exponent (or its exponent is beyond Decimal's)."""
    text = text.strip()
    if not NUMBER.fullmatch(text):
        return None
    try:
        number = Decimal(text)
    except ArithmeticError:  # an exponent of 18 digits or more
        return None
    return number if number.is_finite() else None  # NaN: a caller's context without traps


def _show(x: Any) -> str:
    """What was found, for a message: its type and its value, cut short."""
    return f"{type(x).__name__} {shown(x)}"


def _key(name: str) -> str:
    """A field's name for a message: as written, or quoted when it has control characters."""
    return name if name and name.isprintable() else shown(name)


def _plain(text: str) -> bool:
    """Text with no control characters (newline, tab, escape, ...) and no lone surrogates."""
    return not any(unicodedata.category(c) in ("Cc", "Cs") for c in text)


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
        for i, x in enumerate(xs):
            self.name(x, f"{where}[{i}]")
        return list(xs)

    def name(self, x: str, where: str) -> None:
        """A name in every label and every claim: no spaces, which a claim ("new w1", "w1 after")
        and a formula ("w1·x1 + b1") read as separators, and nothing unprintable."""
        if not x.isprintable() or " " in x:
            raise self.fail(where, f"expected a name of printable characters and no spaces, "
                                   f"found {_show(x)}")
        if GRADIENT.match(x):
            raise self.fail(where, f"expected a name that a claim cannot read as a gradient (dE/d…), "
                                   f"found {_show(x)}")

    def fields(self, table: dict[str, Any], where: str, known: set[str], required: tuple[str, ...]) -> None:
        """No field but the known ones, and every required one."""
        prefix = f"{where}." if where else ""
        unknown = sorted(set(table) - known)
        if unknown:
            raise self.fail(prefix + _key(unknown[0]),
                            f"unknown field; expected one of {', '.join(sorted(known))}")
        for key in required:
            if key not in table:
                raise self.fail(prefix + key, "missing (required)")

    def toml(self, text: str) -> dict[str, Any]:
        """The file's TOML (after a UTF-8 byte order mark, which some editors write)."""
        if len(text) > MAX_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
            raise self.fail("", TOO_BIG)
        try:
            doc = tomllib.loads(text.removeprefix("\ufeff"))
        except tomllib.TOMLDecodeError as e:
            raise self.fail("", f"not valid TOML ({e})") from None
        except ValueError as e:  # an integer of over 4300 digits, which int() refuses to read
            raise self.fail("", f"not valid TOML ({str(e).split(';')[0]})") from None
        except RecursionError:  # nested hundreds deep: how deep tomllib gets depends on the stack
            raise self.fail("", TOO_DEEP) from None
        if _depth(doc) > MAX_DEPTH:  # the same answer however deep the stack was
            raise self.fail("", TOO_DEEP)
        return doc


def _depth(doc: dict[str, Any]) -> int:
    """How deep arrays and tables nest in a document (its own table not counted), without recursion."""
    deepest, stack = 0, [(value, 1) for value in doc.values()]
    while stack:
        value, depth = stack.pop()
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else None
        if children is not None:
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in children)
    return deepest


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
    """Free text, shown as written: any characters but control characters, which would break
    the one-line heading it goes in (a newline) or drive the terminal (an escape)."""
    value = doc.get(key, "")
    if not isinstance(value, str):
        raise r.fail(key, f"expected a string, found {_show(value)}")
    if not _plain(value):
        raise r.fail(key, f"expected text without control characters, found {_show(value)}")
    return value


def _layers(r: _Reader, raw: Any, nin: int) -> list[LayerSpec]:
    if not isinstance(raw, list) or not raw:
        raise r.fail("layers", "expected one or more [[layers]] tables")
    if len(raw) > MAX_LAYERS:
        raise r.fail("layers", f"expected at most {MAX_LAYERS} layers (chainrule's limit), found {len(raw)}")
    layers, count = [], 0
    for k, layer in enumerate(raw):
        layers.append(_layer(r, layer, f"layers[{k}]", nin, last=k == len(raw) - 1))
        nin = len(layers[-1].biases)
        count += nin * (len(layers[-1].weights[0]) + 1)
        if count > MAX_PARAMETERS:  # one derivation each: a walkthrough is read by a person
            raise r.fail(f"layers[{k}]", f"expected at most {MAX_PARAMETERS} parameters in all "
                                         f"(chainrule's limit), found {count} up to this layer")
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
    """Every name a claim or an explanation may use must mean one thing: no name twice, and none
    that chainrule gives something else when a file does not name it (x2, w[0][1,0], b[1][0],
    net[0,1], out[0,1], δ_[0,1], target, E), whichever parts of the network the file names."""
    derived = _derived_labels(layers)
    given = _given_labels(layers, input_names)
    renamed = {owner for _, owner, _, _ in given}  # what no longer has chainrule's label
    seen: dict[str, tuple[str, str]] = {}  # label -> (what it labels, the field that gave it)
    for label, owner, where, what in given:
        other = derived.get(label, owner)
        if other != owner and other not in renamed:
            raise r.fail(where, f"{what} is used twice (also for {other}, chainrule's label for it)")
        if other != owner:
            raise r.fail(where, f"{what} is chainrule's label for {other} when a file does not name "
                                f"it, so it may name nothing else")
        if seen.get(label, (owner,))[0] != owner:
            raise r.fail(where, f"{what} is used twice (also for {seen[label][1]})")
        seen[label] = (owner, where)


def _derived_labels(layers: list[LayerSpec]) -> dict[str, str]:
    """The labels chainrule derives when a file names nothing, each with what it labels: the
    error E and the target, the inputs x1, x2, …, and the labels nn.layers gives weights, biases
    and neurons (with the δ and the target a neuron's name labels)."""
    owners = {"E": "the error", "target": "the target"}
    owners |= {x: f"inputs[{i}]" for i, x in enumerate(default_input_names(len(layers[0].weights[0])))}
    for k, layer in enumerate(layers):
        for j, row in enumerate(layer.weights):
            owners |= {weight_label(k, j, i): f"layers[{k}].weights[{j}][{i}]" for i in range(len(row))}
            owners[bias_label(k, j)] = f"layers[{k}].biases[{j}]"
            labels = labels_of_neuron(f"[{k},{j}]", output=k == len(layers) - 1)
            owners |= dict.fromkeys(labels, f"layers[{k}].neurons[{j}]")
    return owners


def _given_labels(layers: list[LayerSpec], input_names: list[str] | None) -> list[tuple[str, str, str, str]]:
    """Each name the file gives and each label a named neuron gets (net_n3, out_n3): the label,
    what it labels, the field that gave it and how a message names it."""
    given = [(x, f"inputs[{i}]", f"input_names[{i}]", f"the name {x!r}")
             for i, x in enumerate(input_names or [])]
    for k, layer in enumerate(layers):
        for j, name in enumerate(layer.neurons or []):
            where = f"layers[{k}].neurons[{j}]"
            given += [(name, where, where, f"the name {name!r}")]
            given += [(x, where, where, f"the label {x!r} of neuron {name!r}")
                      for x in labels_of_neuron(name, output=k == len(layers) - 1)]  # net_n3, out_n3, δ_n3
        for j, row in enumerate(layer.weight_names or []):
            given += [(x, f"layers[{k}].weights[{j}][{i}]", f"layers[{k}].weight_names[{j}][{i}]",
                       f"the name {x!r}") for i, x in enumerate(row)]
        given += [(x, f"layers[{k}].biases[{j}]", f"layers[{k}].bias_names[{j}]", f"the name {x!r}")
                  for j, x in enumerate(layer.bias_names or [])]
    return given


def _claims(r: _Reader, claims: Any, where: str) -> dict[str, str]:
    """quantity -> the number as written (a string keeps its trailing zeros: "0.0850")."""
    if not isinstance(claims, dict):
        raise r.fail(where, f"expected a table of quantity = number, found {_show(claims)}")
    if len(claims) > MAX_CLAIMS:
        raise r.fail(where, f"expected at most {MAX_CLAIMS} claims (chainrule's limit), found {len(claims)}")
    checked = {}
    for name, value in claims.items():
        field_ = f"{where}.{_key(name)}" if where else _key(name)
        if not name.strip() or not _plain(name):
            raise r.fail(field_, f'expected a quantity such as "∂E/∂w16", without control characters, '
                                 f"found {_show(name)}")
        checked[name] = _claim(r, value, field_)
    return checked


def _claim(r: _Reader, value: Any, where: str) -> str:
    """One claimed number, as written: a string as it is, a TOML number as Python writes it."""
    text = value.strip() if isinstance(value, str) else repr(value) if type(value) in (int, float) else ""
    number = claim_number(text)
    try:  # None (not a number) is a TypeError; 1e400, beyond float range, a ValueError
        finite(number, where)
    except (TypeError, ValueError):
        raise r.fail(where, f"expected a finite number, found {_show(value)}") from None
    return text


def _read(path: str | Path) -> str:
    """A file's text, read no further than the size limit (it may be /dev/zero)."""
    p = Path(path)
    try:
        with p.open("rb") as f:
            data = f.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise NetFileError(str(p), "", "no such file") from None
    except (OSError, ValueError) as e:  # ValueError: a path with a NUL character
        raise NetFileError(str(p), "", f"cannot read it ({e})") from None
    if len(data) > MAX_BYTES:
        raise NetFileError(str(p), "", TOO_BIG)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise NetFileError(str(p), "", f"cannot read it (not UTF-8: {e.reason} at byte {e.start})") from None


def load(path: str | Path) -> NetSpec:
    """Read and check a network file."""
    return parse(_read(path), str(path))


def load_claims(path: str | Path) -> dict[str, str]:
    """A claims file: ``"∂E/∂w16" = "0.0025"`` lines, at the top level or under [claims] (so a
    network file's claims can be checked too)."""
    r = _Reader(str(path))
    doc = r.toml(_read(path))
    # Under [claims] (a network file's claims, the rest of it ignored), or at the top level.
    if "claims" not in doc and "layers" in doc:
        raise r.fail("claims", "missing: this network file has no [claims] table")
    stray = sorted(set(doc) - KEYS) if "claims" in doc else []
    if stray:  # not a network field: a claim written above [claims], which would be lost
        raise r.fail(_key(stray[0]), "a claim outside the [claims] table; move it under [claims]")
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
    if path is None or (not _exists(path) and name in examples()):
        text = resources.files("chainrule").joinpath("examples").joinpath(name + ".toml").read_text("utf-8")
        return parse(text, f"<built-in example {name}>")
    if not _exists(path):
        close = difflib.get_close_matches(name, examples(), n=2)
        guess = f"; did you mean {' or '.join(close)}?" if close else ""
        raise NetFileError(path, "", f"no such file{guess} (built-in examples: {', '.join(examples())})")
    return load(path)


def _exists(path: str) -> bool:
    """Is there something at ``path``? When asking fails (a name too long, a folder that may not
    be read), yes: reading it then says what is wrong."""
    try:
        return Path(path).exists()
    except (OSError, ValueError):
        return True
