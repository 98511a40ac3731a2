"""Network files and claims files (chainrule/netfile.py), through ``netfile.parse``/``load`` and through
the ``chainrule`` command: every mistake is an exit code 2 and one message naming the file, the
field and what was expected, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import tomllib

import chainrule
from chainrule import netfile
from chainrule.cli import main
from chainrule.netfile import examples

EXAMPLES_DIR = Path(chainrule.__file__).parent / "examples"
EXAMPLE_NAMES = sorted(p.stem for p in EXAMPLES_DIR.glob("*.toml"))

# A small valid 2-2-1 network; each bad file below is this text with one mistake.
BASE = """\
inputs = [0.23, 0.55]
targets = [0.01]
loss = "squared_error"
learning_rate = 0.01

[[layers]]
activation = "relu"
weights = [[0.1, 0.4], [0.2, 0.5]]
biases = [0.1, -0.4]

[[layers]]
activation = "sigmoid"
weights = [[0.7, 0.8]]
biases = [-0.7]
"""

# The same network with a two-neuron output layer (for cross_entropy, hinge, ...).
TWO_OUT = BASE.replace(
    "weights = [[0.7, 0.8]]\nbiases = [-0.7]", "weights = [[0.7, 0.8], [0.3, -0.2]]\nbiases = [-0.7, 0.1]"
)


def drop(line: str) -> str:
    assert line in BASE
    return BASE.replace(line + "\n", "")


def sub(old: str, new: str, text: str = BASE) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def ce(extra: str, act: str = "softmax") -> str:
    """TWO_OUT as a cross_entropy network (no targets) with ``extra`` at the top."""
    text = sub('loss = "squared_error"', 'loss = "cross_entropy"', sub("targets = [0.01]\n", "", TWO_OUT))
    return extra + sub('activation = "sigmoid"', f'activation = "{act}"', text)


# id: (file text, the field the message must name ("" for none), what it must say was expected)
BAD_FILES = {
    "invalid_toml": ("inputs = [0.23, 0.55\n" + BASE, "", "not valid TOML"),
    "invalid_toml_end": (BASE + "\nfoo = [", "", "not valid TOML"),
    "unknown_top_field": ("colour = 1\n" + BASE, "colour", "unknown field; expected one of claims, class,"),
    "missing_inputs": (drop("inputs = [0.23, 0.55]"), "inputs", "missing (required)"),
    "missing_loss": (drop('loss = "squared_error"'), "loss", "missing (required)"),
    "missing_learning_rate": (drop("learning_rate = 0.01"), "learning_rate", "missing (required)"),
    "missing_layers": (BASE.split("[[layers]]")[0], "layers", "missing (required)"),
    "missing_targets": (drop("targets = [0.01]"), "targets", "missing: one target per output (1)"),
    "empty_file": ("", "inputs", "missing (required)"),
    "empty_inputs": (
        sub("inputs = [0.23, 0.55]", "inputs = []"),
        "inputs",
        "expected a non-empty list of numbers, found list []",
    ),
    "targets_length": (
        sub("targets = [0.01]", "targets = [0.01, 0.5]"),
        "targets",
        "expected 1 number, found 2",
    ),
    "unknown_loss": (
        sub('"squared_error"', '"l1"'),
        "loss",
        "unknown loss str 'l1'; expected one of squared_error, mse, binary_cross_entropy",
    ),
    "cross_entropy_without_class": (
        ce(""),
        "class",
        "missing: cross_entropy needs the index of the true class",
    ),
    "cross_entropy_class_too_big": (
        ce("class = 2\n"),
        "class",
        "expected a class index from 0 to 1, found int 2",
    ),
    "cross_entropy_class_negative": (
        ce("class = -1\n"),
        "class",
        "expected a class index from 0 to 1, found int -1",
    ),
    "cross_entropy_class_float": (
        ce("class = 1.0\n"),
        "class",
        "expected a class index from 0 to 1, found float 1.0",
    ),
    "cross_entropy_class_bool": (
        ce("class = true\n"),
        "class",
        "expected a class index from 0 to 1, found bool True",
    ),
    "row_longer_than_inputs": (
        sub("[0.2, 0.5]]", "[0.2, 0.5, 0.6]]"),
        "layers[0].weights[1]",
        "expected 2 numbers, found 3",
    ),
    "row_shorter_than_inputs": (
        sub("[[0.1, 0.4],", "[[0.1],"),
        "layers[0].weights[0]",
        "expected 2 numbers, found 1",
    ),
    "row_length_second_layer": (
        sub("[[0.7, 0.8]]", "[[0.7, 0.8, 0.9]]"),
        "layers[1].weights[0]",
        "expected 2 numbers, found 3",
    ),
    "more_biases_than_rows": (
        sub("biases = [0.1, -0.4]", "biases = [0.1, -0.4, 0.3]"),
        "layers[0].biases",
        "expected 2 numbers, found 3",
    ),
    "fewer_biases_than_rows": (
        sub("biases = [0.1, -0.4]", "biases = [0.1]"),
        "layers[0].biases",
        "expected 2 numbers, found 1",
    ),
    "weights_not_rows": (
        sub("weights = [[0.1, 0.4], [0.2, 0.5]]", "weights = [0.1, 0.4]"),
        "layers[0].weights[0]",
        "expected a non-empty list of numbers, found float 0.1",
    ),
    "weights_empty": (
        sub("weights = [[0.1, 0.4], [0.2, 0.5]]", "weights = []"),
        "layers[0].weights",
        "expected a list of rows (one per neuron)",
    ),
    "unknown_activation": (
        sub('"relu"', '"relux"'),
        "layers[0].activation",
        "unknown activation str 'relux'; expected one of relu, sigmoid, tanh, linear, softmax",
    ),
    "softmax_on_hidden_layer": (
        sub('"relu"', '"softmax"'),
        "layers[0].activation",
        "softmax is for the output layer only",
    ),
    "non_numeric_weight": (
        sub("[0.2, 0.5]]", '[0.2, "a"]]'),
        "layers[0].weights[1][1]",
        "expected a number, found str 'a'",
    ),
    "boolean_weight": (
        sub("[0.2, 0.5]]", "[0.2, true]]"),
        "layers[0].weights[1][1]",
        "expected a number, found bool True",
    ),
    "infinite_weight": (
        sub("[0.2, 0.5]]", "[0.2, inf]]"),
        "layers[0].weights[1][1]",
        "expected a finite number, found inf",
    ),
    "nan_bias": (
        sub("biases = [-0.7]", "biases = [nan]"),
        "layers[1].biases[0]",
        "expected a finite number, found nan",
    ),
    "infinite_input": (
        sub("[0.23, 0.55]", "[-inf, 0.55]"),
        "inputs[0]",
        "expected a finite number, found -inf",
    ),
    "infinite_learning_rate": (
        sub("learning_rate = 0.01", "learning_rate = inf"),
        "learning_rate",
        "expected a finite number, found inf",
    ),
    "negative_learning_rate": (
        sub("learning_rate = 0.01", "learning_rate = -0.01"),
        "learning_rate",
        "expected a positive number, found -0.01",
    ),
    "zero_learning_rate": (
        sub("learning_rate = 0.01", "learning_rate = 0"),
        "learning_rate",
        "expected a positive number, found 0.0",
    ),
    "string_learning_rate": (
        sub("learning_rate = 0.01", 'learning_rate = "0.01"'),
        "learning_rate",
        "expected a number, found str '0.01'",
    ),
    "input_names_length": (
        'input_names = ["a"]\n' + BASE,
        "input_names",
        "expected a list of 2 non-empty names, found list ['a']",
    ),
    "input_names_empty_name": (
        'input_names = ["a", ""]\n' + BASE,
        "input_names",
        "expected a list of 2 non-empty names",
    ),
    "neurons_length": (
        sub('activation = "relu"', 'activation = "relu"\nneurons = ["a", "b", "c"]'),
        "layers[0].neurons",
        "expected a list of 2 non-empty names",
    ),
    "bias_names_length": (
        sub('activation = "relu"', 'activation = "relu"\nbias_names = ["b1"]'),
        "layers[0].bias_names",
        "expected a list of 2 non-empty names",
    ),
    "weight_names_rows": (
        sub('activation = "relu"', 'activation = "relu"\nweight_names = [["w1", "w2"]]'),
        "layers[0].weight_names",
        "expected 2 rows of names",
    ),
    "weight_names_row_length": (
        sub('activation = "relu"', 'activation = "relu"\nweight_names = [["w1", "w2"], ["w3"]]'),
        "layers[0].weight_names[1]",
        "expected a list of 2 non-empty names, found list ['w3']",
    ),
    "steps_negative": (
        "steps = -1\n" + BASE,
        "steps",
        "expected a whole number from 0 to 10000, found int -1",
    ),
    "steps_too_many": (
        "steps = 10001\n" + BASE,
        "steps",
        "expected a whole number from 0 to 10000, found int 10001",
    ),
    "steps_float": (
        "steps = 1.5\n" + BASE,
        "steps",
        "expected a whole number from 0 to 10000, found float 1.5",
    ),
    "steps_string": (
        'steps = "3"\n' + BASE,
        "steps",
        "expected a whole number from 0 to 10000, found str '3'",
    ),
    "steps_bool": (
        "steps = true\n" + BASE,
        "steps",
        "expected a whole number from 0 to 10000, found bool True",
    ),
    "hinge_with_two_outputs": (
        sub("targets = [0.01]", "targets = [1, -1]", sub('"squared_error"', '"hinge"', TWO_OUT)),
        "loss",
        "hinge needs a network with one output, this one has 2",
    ),
    "bce_with_two_outputs": (
        sub(
            "targets = [0.01]", "targets = [1, 0]", sub('"squared_error"', '"binary_cross_entropy"', TWO_OUT)
        ),
        "loss",
        "binary_cross_entropy needs a network with one output, this one has 2",
    ),
    "layers_not_tables": (
        BASE.split("[[layers]]")[0] + "layers = [1, 2]\n",
        "layers[0]",
        "expected a table, found int 1",
    ),
    "layers_empty": (
        BASE.split("[[layers]]")[0] + "layers = []\n",
        "layers",
        "expected one or more [[layers]] tables",
    ),
    "unknown_layer_field": (
        sub('activation = "relu"', 'activation = "relu"\ncolor = "red"'),
        "layers[0].color",
        "unknown field; expected one of activation, bias_names, biases",
    ),
    "layer_missing_activation": (
        sub('activation = "relu"\n', ""),
        "layers[0].activation",
        "missing (required)",
    ),
    "layer_missing_biases": (sub("biases = [-0.7]\n", ""), "layers[1].biases", "missing (required)"),
    "claim_not_a_number": (
        BASE + '\n[claims]\n"E" = "abc"\n',
        "claims.E",
        "expected a finite number, found str 'abc'",
    ),
    "claim_infinite": (
        BASE + '\n[claims]\n"E" = "inf"\n',
        "claims.E",
        "expected a finite number, found str 'inf'",
    ),
    "claims_not_a_table": (
        "claims = 3\n" + BASE,
        "claims",
        "expected a table of quantity = number, found int 3",
    ),
}


def expected_prefix(path: str, field: str) -> str:
    return f"{path}: {field}: " if field else f"{path}: "


@pytest.mark.parametrize("text, field, expectation", list(BAD_FILES.values()), ids=list(BAD_FILES))
def test_bad_file_exit_2_with_message_naming_file_field_expectation(
    tmp_path, capsys, text, field, expectation
):
    path = tmp_path / "net.toml"
    path.write_text(text, encoding="utf-8")
    for argv in (
        [str(path)],
        ["walkthrough", str(path), "--format", "json"],
        ["check", str(path), "--claims", str(path)],
    ):
        assert main(argv) == 2, argv
        out, err = capsys.readouterr()
        assert out == ""
        assert "Traceback" not in err
        assert err.startswith("chainrule: " + expected_prefix(str(path), field)), err
        assert expectation in err, err
        assert err.count("\n") == 1  # one line, one message
    # the library says the same
    with pytest.raises(netfile.NetFileError) as info:
        netfile.load(path)
    assert str(info.value).startswith(expected_prefix(str(path), field))
    assert expectation in str(info.value)


def test_invalid_toml_message_says_where(tmp_path):
    with pytest.raises(
        netfile.NetFileError, match=r"^bad\.toml: not valid TOML \(.*at line \d+, column \d+\)\)$"
    ):
        netfile.parse("inputs = [0.23, 0.55\n" + BASE, "bad.toml")


def test_parse_names_the_path_it_is_given():
    with pytest.raises(
        netfile.NetFileError, match=r"^my/net\.toml: learning_rate: expected a positive number"
    ):
        netfile.parse(sub("learning_rate = 0.01", "learning_rate = -1"), "my/net.toml")
    with pytest.raises(netfile.NetFileError, match=r"^<string>: inputs: missing"):
        netfile.parse("")


def test_missing_file_lists_the_built_in_examples(tmp_path, capsys):
    missing = tmp_path / "nope.toml"
    for argv in ([str(missing)], ["check", str(missing), "--claims", str(missing)]):
        assert main(argv) == 2
        out, err = capsys.readouterr()
        assert out == "" and "Traceback" not in err
        assert f"chainrule: {missing}: no such file (built-in examples: " in err
        for name in EXAMPLE_NAMES:
            assert name in err
    with pytest.raises(netfile.NetFileError, match="no such file"):
        netfile.load(missing)


def test_a_directory_is_not_a_network_file(tmp_path, capsys):
    assert main([str(tmp_path)]) == 2
    _, err = capsys.readouterr()
    assert f"{tmp_path}: cannot read it" in err and "Traceback" not in err


def test_examples_are_the_shipped_files():
    assert examples() == EXAMPLE_NAMES
    assert {
        "doc_2331",
        "all_sigmoid_222",
        "doc_001_neuron",
        "doc_003_softmax",
        "doc_000_relu_sigmoid",
    } <= set(EXAMPLE_NAMES)


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_every_example_parses(name):
    path = EXAMPLES_DIR / f"{name}.toml"
    spec = netfile.load(path)
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    assert spec.path == str(path)
    assert spec.inputs == raw["inputs"]
    assert spec.learning_rate == raw["learning_rate"]
    assert spec.steps == raw.get("steps", 0)
    assert [layer.weights for layer in spec.layers] == [layer["weights"] for layer in raw["layers"]]
    assert [layer.biases for layer in spec.layers] == [layer["biases"] for layer in raw["layers"]]
    assert spec.target == (raw["class"] if raw["loss"] == "cross_entropy" else raw["targets"])
    assert spec.claims == raw.get("claims", {})


def test_doc_2331_claims_keep_the_printed_precision():
    spec = netfile.load(EXAMPLES_DIR / "doc_2331.toml")
    assert len(spec.claims) == 20
    assert spec.claims["∂E/∂w17"] == "0.0850"  # the trailing zero is kept
    assert spec.claims["∂E/∂w18"] == "0.1003"
    assert spec.claims["new b7"] == "-0.701253"
    assert spec.input_names == ["x1", "x2"]
    assert spec.layers[2].weight_names == [["w16", "w17", "w18"]]


def test_valid_base_file_and_optional_fields():
    spec = netfile.parse(BASE, "dir/base.toml")
    assert spec.title == "base"  # the file's stem when there is no title
    assert spec.steps == 0 and spec.claims == {} and spec.input_names is None
    assert spec.target == [0.01]
    spec = netfile.parse(ce("class = 1\n"))
    assert spec.target == 1 and spec.loss == "cross_entropy"
    # integers are numbers too
    spec = netfile.parse(sub("inputs = [0.23, 0.55]", "inputs = [1, -2]"))
    assert spec.inputs == [1.0, -2.0] and all(type(x) is float for x in spec.inputs)


# --- claims files --------------------------------------------------------------------------

CLAIM_FILES = {
    "top_level": '"∂E/∂w16" = "0.0025"\n"new w16" = "0.699975"\n',
    "under_claims": '[claims]\n"∂E/∂w16" = "0.0025"\n"new w16" = "0.699975"\n',
    "network_file_with_claims": BASE + '\n[claims]\n"∂E/∂w16" = "0.0025"\n"new w16" = "0.699975"\n',
}


@pytest.mark.parametrize("text", list(CLAIM_FILES.values()), ids=list(CLAIM_FILES))
def test_load_claims_top_level_or_under_claims(tmp_path, text):
    path = tmp_path / "claims.toml"
    path.write_text(text, encoding="utf-8")
    assert netfile.load_claims(path) == {"∂E/∂w16": "0.0025", "new w16": "0.699975"}


def test_load_claims_keeps_strings_and_writes_numbers_back(tmp_path):
    path = tmp_path / "claims.toml"
    path.write_text('a = "0.0850"\nb = 0.0850\nc = 3\nd = " 1.50 "\ne = "-1e-3"\n', encoding="utf-8")
    assert netfile.load_claims(path) == {"a": "0.0850", "b": "0.085", "c": "3", "d": "1.50", "e": "-1e-3"}


BAD_CLAIMS = {
    "empty": ("", "no claims"),
    "empty_table": ("[claims]\n", "no claims"),
    "not_a_number": ('[claims]\n"E" = "abc"\n', "claims.E: expected a finite number, found str 'abc'"),
    "bool": ('[claims]\n"E" = true\n', "claims.E: expected a finite number, found bool True"),
    "nan": ('[claims]\n"E" = "nan"\n', "claims.E: expected a finite number, found str 'nan'"),
    "table_value": ('[claims]\n"E" = {a = 1}\n', "claims.E: expected a finite number"),
    "invalid_toml": ('"E" = \n', "not valid TOML"),
}


@pytest.mark.parametrize("text, message", list(BAD_CLAIMS.values()), ids=list(BAD_CLAIMS))
def test_bad_claims_file(tmp_path, capsys, text, message):
    path = tmp_path / "claims.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(netfile.NetFileError) as info:
        netfile.load_claims(path)
    assert str(info.value).startswith(f"{path}: ") and message in str(info.value)
    assert main(["check", "--claims", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "Traceback" not in err
    assert err.startswith(f"chainrule: {path}: ") and message in err


def test_missing_claims_file(tmp_path, capsys):
    path = tmp_path / "nope.toml"
    assert main(["check", "--claims", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err == f"chainrule: {path}: no such file\n"


def test_bad_top_level_claim_names_the_field_without_a_leading_dot(tmp_path):
    path = tmp_path / "claims.toml"
    path.write_text('"E" = "abc"\n', encoding="utf-8")
    with pytest.raises(netfile.NetFileError) as info:
        netfile.load_claims(path)
    assert str(info.value) == f"{path}: E: expected a finite number, found str 'abc'"


# --- targets the loss cannot take ------------------------------------------------------------

BAD_TARGETS = {
    "hinge_target_not_plus_minus_1": (sub('"squared_error"', '"hinge"'), "-1 or 1"),  # targets = [0.01]
    "bce_target_above_1": (
        sub("targets = [0.01]", "targets = [2.0]", sub('"squared_error"', '"binary_cross_entropy"')),
        "[0, 1]",
    ),
    "bce_target_negative": (
        sub("targets = [0.01]", "targets = [-0.5]", sub('"squared_error"', '"binary_cross_entropy"')),
        "[0, 1]",
    ),
}


# At HEAD (before a concurrent fix to chainrule/netfile.py) these ended in a ValueError traceback from
# nn.losses inside walkthrough.work instead of a file error.
@pytest.mark.parametrize("text, expectation", list(BAD_TARGETS.values()), ids=list(BAD_TARGETS))
def test_target_the_loss_cannot_take_is_a_file_error(tmp_path, capsys, text, expectation):
    path = tmp_path / "net.toml"
    path.write_text(text, encoding="utf-8")
    assert main([str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "Traceback" not in err
    assert err.startswith(f"chainrule: {path}: targets: ") and expectation in err


@pytest.mark.parametrize("target", ["1", "-1"])
def test_hinge_with_a_label_runs(capsys, tmp_path, target):
    path = tmp_path / "net.toml"
    path.write_text(sub("targets = [0.01]", f"targets = [{target}]", sub('"squared_error"', '"hinge"')))
    assert main([str(path), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["loss"] == "hinge"


@pytest.mark.parametrize(
    ("extra", "clash"),
    [('weight_names = [["net_a", "w2"], ["w3", "w4"]]', "net_a"), ('bias_names = ["x1", "b2"]', "x1")],
)
def test_a_name_that_clashes_with_a_derived_label_is_refused(extra, clash):
    text = (
        'inputs = [1.0, 2.0]\ntargets = [0.0, 1.0]\nloss = "mse"\nlearning_rate = 0.1\n'
        '[[layers]]\nactivation = "relu"\nneurons = ["a", "b"]\n'
        "weights = [[1.0, 2.0], [3.0, 4.0]]\nbiases = [0.0, 0.0]\n" + extra + "\n"
    )
    with pytest.raises(netfile.NetFileError, match=f"the name '{clash}' is used twice"):
        netfile.parse(text, "net.toml")
