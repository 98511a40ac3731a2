"""nn.Module: parameter names and order, zero_grad, state_dict and the JSON weights file."""

from __future__ import annotations

import json
import math
import re
from decimal import Decimal
from fractions import Fraction

import pytest

from autograd import Value
from nn import MLP, Layer, Module, Neuron
from nn.module import FORMAT

SHAPES = [(1, [1]), (2, [3, 1]), (3, [4, 4, 2]), (2, [16, 16, 1]), (5, [1, 7])]


def expected_names(nin: int, nouts: list[int]) -> list[str]:
    names = []
    sizes = [nin, *nouts]
    for layer, nout in enumerate(nouts):
        for j in range(nout):
            names += [f"layers.{layer}.neurons.{j}.w.{i}" for i in range(sizes[layer])]
            names.append(f"layers.{layer}.neurons.{j}.b")
    return names


@pytest.mark.parametrize(("nin", "nouts"), SHAPES)
def test_named_parameters_are_dotted_paths_in_depth_first_order(nin, nouts):
    net = MLP(nin, nouts, seed=1)
    names = [n for n, _ in net.named_parameters()]
    assert names == expected_names(nin, nouts)
    sizes = [nin, *nouts]
    assert len(names) == sum((sizes[k] + 1) * sizes[k + 1] for k in range(len(nouts)))
    assert len(set(names)) == len(names)


def test_named_parameters_point_at_the_right_values():
    net = MLP(2, [3, 3, 1], seed=0)
    named = dict(net.named_parameters())
    assert named["layers.1.neurons.2.w.0"] is net.layers[1].neurons[2].w[0]
    assert named["layers.0.neurons.0.b"] is net.layers[0].neurons[0].b
    assert named["layers.2.neurons.0.w.2"] is net.layers[2].neurons[0].w[2]
    # the documented examples exist
    assert "layers.1.neurons.2.w.0" in named and "layers.0.neurons.0.b" in named


def test_names_are_stable_across_instances_and_calls():
    a, b = MLP(3, [4, 2], seed=1), MLP(3, [4, 2], seed=2)
    names_a = [n for n, _ in a.named_parameters()]
    assert names_a == [n for n, _ in a.named_parameters()]
    assert names_a == [n for n, _ in b.named_parameters()]
    a([1.0, 2.0, 3.0])  # a forward pass adds no parameters
    assert [n for n, _ in a.named_parameters()] == names_a


@pytest.mark.parametrize(("nin", "nouts"), SHAPES)
def test_parameters_order_equals_named_parameters_order(nin, nouts):
    net = MLP(nin, nouts, seed=3)
    params = net.parameters()
    named = [p for _, p in net.named_parameters()]
    assert len(params) == len(named)
    assert all(p is q for p, q in zip(params, named))
    assert all(isinstance(p, Value) and p.is_leaf for p in params)


def test_neuron_and_layer_are_modules_with_their_own_names():
    n = Neuron(3, "tanh")
    assert [k for k, _ in n.named_parameters()] == ["w.0", "w.1", "w.2", "b"]
    layer = Layer(2, 2, "sigmoid")
    assert [k for k, _ in layer.named_parameters()] == [
        "neurons.0.w.0", "neurons.0.w.1", "neurons.0.b", "neurons.1.w.0", "neurons.1.w.1", "neurons.1.b",
    ]


def test_custom_module_walks_attributes_in_set_order_and_skips_private_and_shared():
    class Custom(Module):
        def __init__(self):
            self.scale = Value(2.0)
            self.inner = MLP(1, [1], seed=0)
            self.pair = (Value(1.0), [Value(3.0)])
            self._hidden = Value(9.0)  # private: not a parameter
            self.alias = self.scale  # the same Value again: listed once

    m = Custom()
    assert [n for n, _ in m.named_parameters()] == [
        "scale", "inner.layers.0.neurons.0.w.0", "inner.layers.0.neurons.0.b", "pair.0", "pair.1.0",
    ]


def test_zero_grad_zeroes_every_grad():
    net = MLP(3, [4, 3, 2], seed=0)
    out = net([0.5, -1.0, 2.0])
    (out[0] * out[1] + out[0]).backward()
    grads = [p.grad for p in net.parameters()]
    assert sum(g != 0.0 for g in grads) > len(grads) // 3  # the backward pass reached them
    net.zero_grad()
    assert all(p.grad == 0.0 and type(p.grad) is float for p in net.parameters())


def test_state_dict_is_a_plain_copy_in_name_order():
    net = MLP(2, [3, 1], seed=4)
    sd = net.state_dict()
    assert list(sd) == [n for n, _ in net.named_parameters()]
    assert all(type(v) is float for v in sd.values())
    assert [sd[n] for n in sd] == [p.data for p in net.parameters()]
    net.layers[0].neurons[0].w[0].data = 123.0  # the dict does not follow the model
    assert sd["layers.0.neurons.0.w.0"] != 123.0


@pytest.mark.parametrize(("nin", "nouts"), SHAPES)
def test_state_dict_round_trip(nin, nouts):
    src, dst = MLP(nin, nouts, seed=10), MLP(nin, nouts, seed=11)
    assert src.state_dict() != dst.state_dict()
    dst.load_state_dict(src.state_dict())
    assert dst.state_dict() == src.state_dict()
    x = [0.1 * (i + 1) for i in range(nin)]
    o1, o2 = src(x), dst(x)
    o1 = o1 if isinstance(o1, list) else [o1]
    o2 = o2 if isinstance(o2, list) else [o2]
    assert [o.data for o in o1] == [o.data for o in o2]


def test_load_state_dict_accepts_ints_as_floats():
    net = MLP(1, [1], seed=0)
    net.load_state_dict({"layers.0.neurons.0.w.0": 3, "layers.0.neurons.0.b": -2})
    assert net.state_dict() == {"layers.0.neurons.0.w.0": 3.0, "layers.0.neurons.0.b": -2.0}
    assert all(type(p.data) is float for p in net.parameters())


def bits(sd: dict[str, float]) -> dict[str, str]:
    return {k: float.hex(v) for k, v in sd.items()}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_save_load_json_round_trip_is_bit_identical(tmp_path, seed):
    src = MLP(3, [5, 4, 2], seed=seed, init="he")
    # awkward values: subnormal, huge, negative zero, many digits
    src.layers[0].neurons[0].w[0].data = 5e-324
    src.layers[0].neurons[0].w[1].data = 1.7976931348623157e308
    src.layers[0].neurons[0].b.data = -0.0
    src.layers[1].neurons[2].w[3].data = 0.1 + 0.2
    path = tmp_path / "weights.json"
    src.save(path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["format"] == FORMAT == "chainrule.state_dict"
    assert doc["model"] == "MLP"
    assert list(doc["parameters"]) == list(src.state_dict())
    dst = MLP(3, [5, 4, 2], seed=seed + 100)
    dst.load(str(path))  # str and Path both work
    assert bits(dst.state_dict()) == bits(src.state_dict())
    assert math.copysign(1.0, dst.layers[0].neurons[0].b.data) == -1.0


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_saving_a_non_finite_weight_raises_and_writes_nothing(tmp_path, bad):
    net = MLP(2, [2, 1], seed=0)
    net.layers[1].neurons[0].w[1].data = bad
    path = tmp_path / "w.json"
    with pytest.raises(ValueError, match=re.escape("layers.1.neurons.0.w.1")):
        net.save(path)
    assert not path.exists()


# --- loading bad state: an error naming the problem, and the model unchanged --------------

NAME0 = "layers.0.neurons.0.w.0"


def _good_state(seed=50):
    return MLP(2, [3, 1], seed=seed).state_dict()


def _missing():
    s = _good_state()
    del s["layers.0.neurons.2.b"]
    return s, KeyError, ["missing", "layers.0.neurons.2.b"]


def _extra():
    s = _good_state()
    s["layers.2.neurons.0.w.0"] = 1.0
    return s, KeyError, ["unexpected", "layers.2.neurons.0.w.0"]


def _value(v, typename):
    def make():
        s = _good_state()
        s["layers.1.neurons.0.w.2"] = v
        return s, TypeError, ["layers.1.neurons.0.w.2", typename]
    return make


def _wrong_shape():
    s = MLP(2, [4, 1], seed=0).state_dict()  # saved from MLP(2, [4, 1]), loaded into MLP(2, [3, 1])
    return s, KeyError, ["unexpected", "layers.0.neurons.3.w.0", "layers.1.neurons.0.w.3"]


BAD_STATES = {
    "missing": _missing,
    "extra": _extra,
    "str": _value("0.5", "str"),
    "None": _value(None, "NoneType"),
    "bool": _value(True, "bool"),
    "list": _value([0.5], "list"),
    "wrong_shape": _wrong_shape,
}


@pytest.mark.parametrize("case", list(BAD_STATES))
def test_load_state_dict_rejects_bad_state_and_leaves_model_unchanged(case):
    net = MLP(2, [3, 1], seed=7)
    before = bits(net.state_dict())
    state, error, words = BAD_STATES[case]()
    with pytest.raises(error) as info:
        net.load_state_dict(state)
    for w in words:
        assert w in str(info.value)
    assert bits(net.state_dict()) == before


@pytest.mark.parametrize("case", list(BAD_STATES))
def test_load_file_rejects_bad_state_and_leaves_model_unchanged(tmp_path, case):
    net = MLP(2, [3, 1], seed=7)
    before = bits(net.state_dict())
    state, error, words = BAD_STATES[case]()
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"format": FORMAT, "model": "MLP", "parameters": state}), encoding="utf-8")
    with pytest.raises(error) as info:
        net.load(path)
    for w in [*words, str(path)]:
        assert w in str(info.value)
    assert bits(net.state_dict()) == before


def test_loading_smaller_model_into_bigger_names_the_missing_parameters(tmp_path):
    MLP(2, [3, 1], seed=0).save(tmp_path / "small.json")
    big = MLP(2, [4, 1], seed=1)
    before = bits(big.state_dict())
    with pytest.raises(KeyError) as info:
        big.load(tmp_path / "small.json")
    msg = str(info.value)
    for name in ["layers.0.neurons.3.w.0", "layers.0.neurons.3.w.1", "layers.0.neurons.3.b",
                 "layers.1.neurons.0.w.3"]:
        assert name in msg
    assert "missing" in msg and "unexpected" not in msg and "17 parameters" in msg
    assert bits(big.state_dict()) == before


def test_many_missing_names_are_abbreviated():
    net = MLP(4, [8, 1], seed=0)
    with pytest.raises(KeyError, match=r"missing layers\.0\.neurons\.0\.w\.0, .* and 44 more"):
        net.load_state_dict({})


@pytest.mark.parametrize("state", [[1.0, 2.0], "weights", 3.0, None])
def test_load_state_dict_rejects_non_mapping(state):
    net = MLP(1, [1], seed=0)
    before = net.state_dict()
    with pytest.raises(TypeError, match="expected a mapping"):
        net.load_state_dict(state)
    assert net.state_dict() == before


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("{not json", "not a JSON file"),
        ("", "not a JSON file"),
        ('{"parameters": {}}', "not a chainrule parameter file"),
        ('{"format": "torch", "parameters": {}}', "not a chainrule parameter file"),
        ('{"format": "chainrule.state_dict"}', "not a chainrule parameter file"),
        ("[1, 2, 3]", "not a chainrule parameter file"),
        ('"chainrule.state_dict"', "not a chainrule parameter file"),
    ],
)
def test_load_rejects_files_that_are_not_parameter_files(tmp_path, text, match):
    net = MLP(2, [3, 1], seed=7)
    before = bits(net.state_dict())
    path = tmp_path / "x.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=match) as info:
        net.load(path)
    assert str(path) in str(info.value)
    assert bits(net.state_dict()) == before


def test_load_rejects_a_format_marked_file_whose_parameters_are_not_a_mapping(tmp_path):
    net = MLP(1, [1], seed=0)
    before = net.state_dict()
    path = tmp_path / "x.json"
    path.write_text(json.dumps({"format": FORMAT, "parameters": [1.0, 2.0]}), encoding="utf-8")
    with pytest.raises(TypeError, match="expected a mapping"):
        net.load(path)
    assert net.state_dict() == before


def test_load_of_missing_file_raises_and_leaves_model_unchanged(tmp_path):
    net = MLP(1, [1], seed=0)
    before = net.state_dict()
    with pytest.raises(FileNotFoundError):
        net.load(tmp_path / "nope.json")
    assert net.state_dict() == before


def test_load_state_dict_huge_int_error_names_the_parameter():
    net = MLP(1, [1], seed=0)
    before = net.state_dict()
    state = {"layers.0.neurons.0.w.0": 10**400, "layers.0.neurons.0.b": 0.0}
    with pytest.raises((TypeError, ValueError)) as info:
        net.load_state_dict(state)
    assert "layers.0.neurons.0.w.0" in str(info.value)
    assert net.state_dict() == before


# --- one notion of a number (autograd.validate.real): NumPy scalars, Fraction, Decimal; never bool

QUARTERS = [Fraction(k - 5, 4) for k in range(9)]  # exact in every real type below


@pytest.mark.parametrize(
    "kind", ["numpy.float32", "numpy.float64", "numpy.float16", "numpy 0-d array", "numpy.int64",
             "Fraction", "Decimal", "int"],
)
def test_load_state_dict_accepts_any_real_number_and_stores_floats(kind):
    np = pytest.importorskip("numpy")
    convert = {
        "numpy.float32": lambda q: np.float32(float(q)),
        "numpy.float64": lambda q: np.float64(float(q)),
        "numpy.float16": lambda q: np.float16(float(q)),
        "numpy 0-d array": lambda q: np.array(float(q)),
        "numpy.int64": lambda q: np.int64(math.floor(q)),
        "Fraction": lambda q: q,
        "Decimal": lambda q: Decimal(q.numerator) / Decimal(q.denominator),
        "int": math.floor,
    }[kind]
    net = MLP(2, [2, 1], seed=3)
    names = list(net.state_dict())
    state = {name: convert(q) for name, q in zip(names, QUARTERS)}
    net.load_state_dict(state)
    got = net.state_dict()
    assert got == {name: float(v) for name, v in state.items()}
    assert all(type(v) is float for v in got.values())


@pytest.mark.parametrize(
    ("bad", "error", "words"),
    [
        (lambda np: np.bool_(True), TypeError, ["bool"]),
        (lambda np: np.array([0.5]), TypeError, ["ndarray"]),
        (lambda np: 0.5 + 1j, TypeError, ["complex"]),
        (lambda np: Value(0.5), TypeError, ["Value"]),
        (lambda np: np.float64("nan"), ValueError, ["finite"]),
        (lambda np: np.float32("inf"), ValueError, ["finite"]),
        (lambda np: Decimal("-Infinity"), ValueError, ["finite"]),
        (lambda np: 10**400, ValueError, ["an int too large for a float"]),
        (lambda np: Fraction(10**400, 3), ValueError, ["a Fraction too large for a float"]),
    ],
)
def test_load_state_dict_refuses_booleans_non_reals_and_non_finite_numbers(bad, error, words):
    np = pytest.importorskip("numpy")
    net = MLP(2, [3, 1], seed=7)
    before = bits(net.state_dict())
    state = _good_state()
    state[NAME0] = bad(np)
    with pytest.raises(error) as info:
        net.load_state_dict(state)
    message = str(info.value)
    for w in [NAME0, *words]:
        assert w in message
    assert len(message) < 200  # a 400-digit number is not repeated back
    assert bits(net.state_dict()) == before


@pytest.mark.parametrize(
    ("content", "words"),
    [(b"\xff\xfe not utf-8", ["not a text file in UTF-8", "byte 0"]),
     (b'{"format": "chainrule.state_dict", "parameters": {"w": ' + b"9" * 5000 + b"}}", ["digits"]),
     (b"[" * 100_000 + b"]" * 100_000, ["nested too deeply"]),
     (b"{not json", ["not a JSON file"])],
    ids=["not-utf-8", "5000-digit-int", "deep-nesting", "not-json"],
)
def test_load_of_a_bad_file_names_the_file(tmp_path, content, words):
    path = tmp_path / "w.json"
    path.write_bytes(content)
    net = MLP(2, [1], seed=0)
    before = net.state_dict()
    with pytest.raises(ValueError) as info:
        net.load(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ") and all(w in message for w in words), message
    assert len(message) < 300 and net.state_dict() == before


def test_save_is_atomic_a_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    import os

    path = tmp_path / "w.json"
    net = MLP(2, [2, 1], seed=0)
    net.save(path)
    good = path.read_bytes()
    net.layers[0].neurons[0].b.data = 1.5

    def full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError, match="No space"):
        net.save(path)
    assert path.read_bytes() == good and [p.name for p in tmp_path.iterdir()] == ["w.json"]
    MLP(2, [2, 1], seed=5).load(path)  # still loadable


def test_load_accepts_a_byte_order_mark(tmp_path):
    net = MLP(2, [1], seed=0)
    path = tmp_path / "w.json"
    net.save(path)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())  # as some editors save it
    other = MLP(2, [1], seed=1)
    other.load(path)
    assert other.state_dict() == net.state_dict()
