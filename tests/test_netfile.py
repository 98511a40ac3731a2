"""Network files and claims files (chainrule/netfile.py), through ``netfile.parse``/``load`` and through
the ``chainrule`` command: every mistake is an exit code 2 and one message naming the file, the
field and what was expected, never a traceback."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import tomllib
from hypothesis import given
from hypothesis import strategies as st

import chainrule
from autograd.validate import shown
from chainrule import netfile, walkthrough
from chainrule.claims import value_of
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
        "unknown activation str 'relux'; expected one of relu, sigmoid, tanh, linear, leaky_relu, elu, gelu, "
        "softplus, softmax",
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
    # issue 10: every one of these ended in a traceback, or was taken and then mis-graded
    "activation_a_list": (
        sub('activation = "relu"', 'activation = ["relu"]'),
        "layers[0].activation",
        "unknown activation list ['relu']; expected one of relu,",
    ),
    "activation_a_table": (
        sub('activation = "relu"', 'activation = {name = "relu"}'),
        "layers[0].activation",
        "unknown activation dict {'name': 'relu'}",
    ),
    "loss_a_list": (sub('loss = "squared_error"', 'loss = ["mse"]'), "loss", "unknown loss list ['mse']"),
    "integer_beyond_float_range": (
        sub("learning_rate = 0.01", "learning_rate = 1" + "0" * 400),
        "learning_rate",
        "expected a finite number",
    ),
    "integer_of_4301_digits": (
        sub("inputs = [0.23, 0.55]", f"inputs = [0.23, {'9' * 4301}]"),
        "",
        "not valid TOML (Exceeds the limit (4300 digits) for integer string conversion",
    ),
    "arrays_nested_500_deep": (
        sub("biases = [-0.7]", f"biases = {'[' * 500}{']' * 500}"),
        "",
        "expected arrays and tables nested at most 8 deep (chainrule's limit), found more",
    ),
    "arrays_nested_5000_deep": (  # beyond Python's recursion limit however deep the stack
        sub("biases = [-0.7]", f"biases = {'[' * 5000}{']' * 5000}"),
        "",
        "expected arrays and tables nested at most 8 deep (chainrule's limit), found more",
    ),
    "arrays_nested_9_deep": ("title = " + "[" * 9 + "]" * 9 + "\n" + BASE, "", "nested at most 8 deep"),
    "arrays_nested_8_deep": (  # deep enough: the file's own checks answer
        "title = " + "[" * 8 + "]" * 8 + "\n" + BASE,
        "title",
        "expected a string, found list [[[[[[[[]]]]]]]]",
    ),
    "tables_nested_500_deep": (
        "title = " + "{a = " * 500 + "1" + "}" * 500 + "\n" + BASE,
        "",
        "expected arrays and tables nested at most 8 deep (chainrule's limit), found more",
    ),
    "float_1e999": (
        sub("[[0.1, 0.4],", "[[1e999, 0.4],"),
        "layers[0].weights[0][0]",
        "expected a finite number, found inf",
    ),
    "nul_character": (BASE + "\x00", "", "not valid TOML"),
    "empty_weight_row": (
        sub("[[0.1, 0.4],", "[[],"),
        "layers[0].weights[0]",
        "expected a non-empty list of numbers, found list []",
    ),
    "empty_biases": (sub("biases = [-0.7]", "biases = []"), "layers[1].biases", "expected a non-empty list"),
    "empty_targets": (sub("targets = [0.01]", "targets = []"), "targets", "expected a non-empty list"),
    "inputs_a_table": (sub("inputs = [0.23, 0.55]", "inputs = {a = 0.23}"), "inputs", "found dict"),
    "targets_a_table": (sub("targets = [0.01]", "targets = {a = 0.01}"), "targets", "found dict"),
    "weights_a_table": (
        sub("weights = [[0.7, 0.8]]", "weights = {row = [0.7, 0.8]}"),
        "layers[1].weights",
        "expected a list of rows (one per neuron), found dict",
    ),
    "layers_a_table": (
        BASE.split("[[layers]]")[0] + "[layers]\nactivation = \"relu\"\n",
        "layers",
        "expected one or more [[layers]] tables",
    ),
    "neurons_a_table": (
        sub('activation = "relu"', 'activation = "relu"\nneurons = {a = "h1"}'),
        "layers[0].neurons",
        "expected a list of 2 non-empty names, found dict",
    ),
    "input_names_not_strings": (
        "input_names = [1, 2]\n" + BASE, "input_names", "non-empty names, found list [1, 2]"
    ),
    "title_a_table": ("title = {a = 1}\n" + BASE, "title", "expected a string, found dict"),
    "claims_a_list": ("claims = [1]\n" + BASE, "claims", "expected a table of quantity = number, found list"),
    "claim_with_underscores": (BASE + '\n[claims]\n"E" = "1_000"\n', "claims.E", "expected a finite number"),
    "claim_in_other_digits": (BASE + '\n[claims]\n"E" = "١٢"\n', "claims.E", "expected a finite number"),
    "claim_beyond_float_range": (BASE + '\n[claims]\n"E" = "1e400"\n', "claims.E", "found str '1e400'"),
    "claim_exponent_of_30_digits": (
        BASE + '\n[claims]\n"E" = "1e-' + "9" * 30 + '"\n', "claims.E", "expected a finite number"
    ),
    "claim_hexadecimal_string": (BASE + '\n[claims]\n"E" = "0x10"\n', "claims.E", "expected a finite number"),
    "claim_a_date": (
        BASE + "\n[claims]\nE = 1979-05-27\n", "claims.E", "expected a finite number, found date"
    ),
    # names (issue 10: untrusted names, and names equal to chainrule's own labels)
    "name_with_a_space": (
        sub('activation = "sigmoid"', 'activation = "sigmoid"\nbias_names = ["new b"]'),
        "layers[1].bias_names[0]",
        "expected a name of printable characters and no spaces, found str 'new b'",
    ),
    "name_with_a_tab": (
        sub('activation = "sigmoid"', 'activation = "sigmoid"\nneurons = ["o\\t1"]'),
        "layers[1].neurons[0]",
        "expected a name of printable characters and no spaces",
    ),
    "name_that_reads_as_a_gradient": (
        'input_names = ["x", "dE/dy"]\n' + BASE,
        "input_names[1]",
        "expected a name that a claim cannot read as a gradient (dE/d…), found str 'dE/dy'",
    ),
    "name_of_a_default_weight_label": (
        sub('activation = "sigmoid"', 'activation = "sigmoid"\nbias_names = ["w[0][1,0]"]'),
        "layers[1].bias_names[0]",
        "the name 'w[0][1,0]' is used twice (also for layers[0].weights[1][0], chainrule's label for it)",
    ),
    "name_of_the_error": (
        sub('activation = "sigmoid"', 'activation = "sigmoid"\nneurons = ["E"]'),
        "layers[1].neurons[0]",
        "the name 'E' is used twice (also for the error",
    ),
    "title_with_a_newline": ('title = "a\\nb"\n' + BASE, "title", "expected text without control characters"),
    "source_with_an_escape": (
        'source = "\\u001b[2J"\n' + BASE, "source", "expected text without control characters"
    ),
    # the limits, far above any network worked by hand
    "over_the_size_limit": (
        BASE + "#" * netfile.MAX_BYTES + "\n",
        "",
        f"expected a file of at most {netfile.MAX_BYTES} bytes (chainrule's limit), found more",
    ),
    "over_the_parameter_limit": (
        f"inputs = [{', '.join(['0.5'] * 10_000)}]\ntargets = [0.5]\nloss = \"mse\"\nlearning_rate = 0.1\n"
        f"[[layers]]\nactivation = \"linear\"\nweights = [[{', '.join(['0.1'] * 10_000)}], "
        f"[{', '.join(['0.1'] * 10_000)}]]\nbiases = [0.0, 0.0]\n"
        '[[layers]]\nactivation = "linear"\nweights = [[1.0, 1.0]]\nbiases = [0.0]\n',
        "layers[0]",
        f"expected at most {netfile.MAX_PARAMETERS} parameters in all (chainrule's limit), found 20002 up to "
        "this layer",
    ),
    "over_the_layer_limit": (
        BASE.split("[[layers]]")[0]
        + '[[layers]]\nactivation = "tanh"\nweights = [[0.5, 0.5]]\nbiases = [0.0]\n'
        + '[[layers]]\nactivation = "tanh"\nweights = [[0.5]]\nbiases = [0.0]\n' * netfile.MAX_LAYERS,
        "layers",
        f"expected at most {netfile.MAX_LAYERS} layers (chainrule's limit), found {netfile.MAX_LAYERS + 1}",
    ),
    "over_the_claim_limit": (
        BASE + "\n[claims]\n" + "".join(f'"c{i}" = "1"\n' for i in range(netfile.MAX_CLAIMS + 1)),
        "claims",
        f"expected at most {netfile.MAX_CLAIMS} claims (chainrule's limit), found {netfile.MAX_CLAIMS + 1}",
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


@pytest.mark.parametrize(
    "name, guess",
    [("doc_2313", "doc_2331"), ("doc_003_sofmax.toml", "doc_003_softmax"),
     ("all_sigmoid", "all_sigmoid_222")],
)
def test_a_misspelt_example_gets_the_closest_names(tmp_path, monkeypatch, name, guess):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(netfile.NetFileError) as info:
        netfile.resolve(name)
    assert str(info.value) == (f"{name}: no such file; did you mean {guess}? (built-in examples: "
                               f"{', '.join(EXAMPLE_NAMES)})")


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
    "claim_above_the_table": (
        '"E" = "0.3"\n[claims]\n"∂E/∂w16" = "0.0025"\n',
        "E: a claim outside the [claims] table; move it under [claims]",
    ),
    "network_file_without_claims": (BASE, "claims: missing: this network file has no [claims] table"),
    "key_with_control_characters": ('"E\\u0007" = "1"\n', "'E\\x07': expected a quantity such as"),
    "over_the_claim_limit": (
        "".join(f'"c{i}" = "1"\n' for i in range(netfile.MAX_CLAIMS + 1)),
        f"expected at most {netfile.MAX_CLAIMS} claims (chainrule's limit), found {netfile.MAX_CLAIMS + 1}",
    ),
    "claims_nested_too_deeply": ('"E" = ' + "[" * 9 + "]" * 9 + "\n", "nested at most 8 deep"),
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


# --- issue 10: nothing lost, nothing silently wrong -------------------------------------------


def test_a_byte_order_mark_is_read_past(tmp_path, capsys):
    """Some editors start a UTF-8 file with a byte order mark; it is not "Invalid statement"."""
    assert netfile.parse("\ufeff" + BASE).inputs == [0.23, 0.55]
    net = tmp_path / "net.toml"
    net.write_bytes(b"\xef\xbb\xbf" + BASE.encode())
    assert netfile.load(net).layers[1].biases == [-0.7]
    claims = tmp_path / "claims.toml"
    claims.write_bytes(b"\xef\xbb\xbf" + '"∂E/∂w16" = "0.0025"\n'.encode())
    assert netfile.load_claims(claims) == {"∂E/∂w16": "0.0025"}
    assert main(["check", "--claims", str(claims)]) == 0
    assert capsys.readouterr().out.rstrip().endswith("1 of 1 right")
    assert main([str(net), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "net"


@pytest.mark.parametrize(
    "data, message",
    [
        (bytes(range(256)), "cannot read it (not UTF-8: invalid start byte at byte 128)"),
        (b"inputs = [0.23, \xff]\n", "cannot read it (not UTF-8: invalid start byte at byte 16)"),
        (b"\x00" * 1000, "not valid TOML"),
        (b"\x89PNG\r\n\x1a\n" + bytes(100), "cannot read it (not UTF-8: invalid start byte at byte 0)"),
    ],
    ids=["all_bytes", "one_bad_byte", "nul_bytes", "png"],
)
def test_binary_garbage_is_a_file_error(tmp_path, capsys, data, message):
    path = tmp_path / "net.toml"
    path.write_bytes(data)
    for load in (netfile.load, netfile.load_claims):
        with pytest.raises(netfile.NetFileError, match="^" + re.escape(f"{path}: {message}")):
            load(path)
    for argv in ([str(path)], ["check", "--claims", str(path)]):
        assert main(argv) == 2
        out, err = capsys.readouterr()
        assert out == "" and err.startswith(f"chainrule: {path}: ") and "Traceback" not in err


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_an_endless_file_is_read_no_further_than_the_limit():
    with pytest.raises(netfile.NetFileError, match=r"^/dev/zero: expected a file of at most 4000000 bytes"):
        netfile.load("/dev/zero")


def test_the_size_limit_counts_bytes():
    at_limit = BASE + "#" * (netfile.MAX_BYTES - len(BASE.encode()) - 1) + "\n"
    assert len(at_limit.encode()) == netfile.MAX_BYTES
    assert netfile.parse(at_limit).title == "<string>"
    with pytest.raises(netfile.NetFileError, match="at most 4000000 bytes"):
        netfile.parse(at_limit + " ")
    two_byte = BASE + "# " + "é" * (netfile.MAX_BYTES // 2) + "\n"  # fewer characters than the limit
    assert len(two_byte) < netfile.MAX_BYTES
    with pytest.raises(netfile.NetFileError, match="at most 4000000 bytes"):
        netfile.parse(two_byte)


def test_the_limits_admit_networks_up_to_them():
    deepest = (
        'inputs = [0.5]\ntargets = [0.1]\nloss = "mse"\nlearning_rate = 0.1\n'
        + '[[layers]]\nactivation = "tanh"\nweights = [[0.9]]\nbiases = [0.0]\n' * netfile.MAX_LAYERS
    )
    assert len(netfile.parse(deepest).layers) == netfile.MAX_LAYERS == 100
    n = netfile.MAX_PARAMETERS - 1  # inputs to one neuron, and its bias
    widest = (
        f"inputs = [{', '.join(['0.5'] * n)}]\ntargets = [0.1]\nloss = \"mse\"\nlearning_rate = 0.1\n"
        f"[[layers]]\nactivation = \"linear\"\nweights = [[{', '.join(['0.1'] * n)}]]\nbiases = [0.0]\n"
    )
    assert len(netfile.parse(widest).layers[0].weights[0]) + 1 == netfile.MAX_PARAMETERS == 20_000
    claims = "".join(f'"c{i}" = "1"\n' for i in range(netfile.MAX_CLAIMS))
    assert len(netfile.parse(BASE + "[claims]\n" + claims).claims) == netfile.MAX_CLAIMS == 1000


@pytest.mark.parametrize("path", ["net\x00.toml", "a" * 5000 + ".toml", "d" * 300 + "/net.toml"],
                         ids=["nul", "name_too_long", "folder_name_too_long"])
def test_a_path_that_cannot_be_opened_is_a_file_error(capsys, path):
    with pytest.raises(netfile.NetFileError, match="^" + re.escape(path[:50])):
        netfile.resolve(path)
    with pytest.raises(netfile.NetFileError):
        netfile.load_claims(path)
    if "\x00" not in path:  # a command line cannot hold NUL
        assert main([path]) == 2
        out, err = capsys.readouterr()
        assert out == "" and "Traceback" not in err


# A 2-2-1 network in which each part may be named or not: naming schemes for the label checks.
def named_net(
    input_names=None, neurons=(None, None), weight_names=(None, None), bias_names=(None, None)
) -> str:
    text = 'inputs = [0.23, 0.55]\ntargets = [0.01]\nloss = "squared_error"\nlearning_rate = 0.01\n'
    if input_names is not None:
        text += f"input_names = {json.dumps(input_names)}\n"
    layers = [("relu", [[0.1, 0.4], [0.2, 0.5]], [0.1, -0.4]), ("sigmoid", [[0.7, 0.8]], [-0.7])]
    for k, (act, weights, biases) in enumerate(layers):
        text += f'[[layers]]\nactivation = "{act}"\nweights = {weights}\nbiases = {biases}\n'
        for key, names in zip(("neurons", "weight_names", "bias_names"), (neurons, weight_names, bias_names)):
            if names[k] is not None:
                text += f"{key} = {json.dumps(names[k])}\n"
    return text


SCHEMES = {
    "nothing_named": {},
    "neurons_named": {"neurons": (["h1", "h2"], ["o1"])},
    "weights_and_biases_named": {
        "weight_names": ([["w1", "w2"], ["w3", "w4"]], [["w5", "w6"]]),
        "bias_names": (["b1", "b2"], ["b3"]),
    },
    "inputs_named": {"input_names": ["i1", "i2"]},
    "everything_named": {
        "input_names": ["i1", "i2"],
        "neurons": (["h1", "h2"], ["o1"]),
        "weight_names": ([["w1", "w2"], ["w3", "w4"]], [["w5", "w6"]]),
        "bias_names": (["b1", "b2"], ["b3"]),
    },
    "half_named": {"neurons": (["h1", "h2"], None), "weight_names": (None, [["w5", "w6"]])},
    "own_default_labels": {  # a name may be chainrule's label for the very thing it names
        "input_names": ["x1", "x2"],
        "neurons": (["[0,0]", "h2"], None),
        "weight_names": ([["w[0][0,0]", "w2"], ["w3", "w[0][1,1]"]], None),
        "bias_names": (None, ["b[1][0]"]),
    },
}


def labels_of(spec: netfile.NetSpec) -> set[str]:
    """Every label the worked network shows: its graph's nodes (the target too), its
    parameters, its neurons' net, out and δ."""
    w = walkthrough.work(spec)
    neurons = [n for layer in w.model.layers for n in layer.neurons]
    derived = {x for n in neurons for x in (n.net_label, n.out_label, netfile.delta_label(n.name))}
    return set(w.nodes) | {p.label for p in w.params} | derived


def renamed(scheme: dict, label: str) -> dict:
    """The scheme with the output neuron's bias named ``label`` (the first input, when that
    bias is what ``label`` labels)."""
    bias = scheme.get("bias_names", (None, None))
    if label not in ((bias[1] or ["b[1][0]"])[0], "b[1][0]"):
        return scheme | {"bias_names": (bias[0], [label])}
    return scheme | {"input_names": [label, "second"]}


@pytest.mark.parametrize("scheme", list(SCHEMES.values()), ids=list(SCHEMES))
def test_every_label_chainrule_derives_names_one_thing(scheme):
    """Whatever a file names, a name equal to a label chainrule shows for something else is
    refused, so that a claim about it can only mean one thing."""
    spec = netfile.parse(named_net(**scheme))
    labels = labels_of(spec)
    assert {"E", "target"} <= labels
    assert len(labels) == 2 + 9 + 3 * 3 + 2  # inputs, parameters, net, out and δ, E and the target
    for label in sorted(labels):
        with pytest.raises(netfile.NetFileError, match=re.escape(f"{label!r}")):
            netfile.parse(named_net(**renamed(scheme, label)))
    assert netfile.parse(named_net(**renamed(scheme, "fresh"))).claims == {}


@pytest.mark.parametrize(
    ("scheme", "field", "message"),
    [
        ({"input_names": ["x2", "x1"]}, "input_names[0]",
         "the name 'x2' is chainrule's label for inputs[1] when a file does not name it"),
        ({"input_names": ["a", "b"], "bias_names": (["x1", "b2"], None)}, "layers[0].bias_names[0]",
         "the name 'x1' is chainrule's label for inputs[0] when a file does not name it"),
        ({"weight_names": ([["w[0][0,1]", "w[0][0,0]"], ["w3", "w4"]], None)}, "layers[0].weight_names[0][0]",
         "the name 'w[0][0,1]' is chainrule's label for layers[0].weights[0][1]"),
        ({"neurons": (["[0,1]", "h2"], None)}, "layers[0].neurons[0]",
         "the label 'net[0,1]' of neuron '[0,1]' is chainrule's label for layers[0].neurons[1]"),
        ({"neurons": (["n3", "n4"], None), "bias_names": (None, ["out_n3"])}, "layers[1].bias_names[0]",
         "the name 'out_n3' is used twice (also for layers[0].neurons[0])"),
        ({"neurons": (["h1", "h2"], ["h1"])}, "layers[1].neurons[0]",
         "the name 'h1' is used twice (also for layers[0].neurons[0])"),
        ({"bias_names": (["net[1,0]", "b2"], None)}, "layers[0].bias_names[0]",
         "the name 'net[1,0]' is used twice (also for layers[1].neurons[0], chainrule's label for it)"),
        ({"weight_names": (None, [["b[0][1]", "w6"]])}, "layers[1].weight_names[0][0]",
         "the name 'b[0][1]' is used twice (also for layers[0].biases[1], chainrule's label for it)"),
        # a claim's δ_h1 is the δ of neuron h1, and target the squared error's target
        ({"neurons": (["h1", "h2"], None), "bias_names": (None, ["δ_h1"])}, "layers[1].bias_names[0]",
         "the name 'δ_h1' is used twice (also for layers[0].neurons[0])"),
        ({"bias_names": (None, ["δ_[0,1]"])}, "layers[1].bias_names[0]",
         "the name 'δ_[0,1]' is used twice (also for layers[0].neurons[1], chainrule's label for it)"),
        ({"input_names": ["target", "x2"]}, "input_names[0]",
         "the name 'target' is used twice (also for the target, chainrule's label for it)"),
        ({"neurons": (None, ["o1"]), "bias_names": (None, ["target_o1"])}, "layers[1].bias_names[0]",
         "the name 'target_o1' is used twice (also for layers[1].neurons[0])"),
    ],
)
def test_a_name_clash_says_which_field_and_what_else(scheme, field, message):
    with pytest.raises(netfile.NetFileError) as info:
        netfile.parse(named_net(**scheme), "net.toml")
    assert str(info.value).startswith(f"net.toml: {field}: {message}")


def test_own_default_labels_are_graded_as_themselves():
    spec = netfile.parse(named_net(**SCHEMES["own_default_labels"]))
    w = walkthrough.work(spec)
    assert value_of(w, "x1") == 0.23 and value_of(w, "w[0][0,0]") == 0.1 and value_of(w, "b[1][0]") == -0.7
    assert value_of(w, "net[0,0]") == pytest.approx(0.1 * 0.23 + 0.4 * 0.55 + 0.1, rel=1e-15)
    assert value_of(w, "δ_[0,0]") == value_of(w, "δ[0,0]") == value_of(w, "∂E/∂net[0,0]") != 0


@pytest.mark.parametrize(
    "name",
    ["a b", "a\tb", "a\nb", "\x1b[31m", "a\u00a0b", "a\u2028b", "a\u200bb", "\u202eabc",  # unprintable
     "dE/dx", "∂E/∂x", "dE / d x"],  # a claim would read it as a gradient
)
def test_names_are_printable_without_spaces(name):
    for scheme in ({"input_names": [name, "b"]}, {"neurons": (None, [name])},
                   {"weight_names": ([[name, "w2"], ["w3", "w4"]], None)}, {"bias_names": (None, [name])}):
        with pytest.raises(netfile.NetFileError, match=r"expected a name (of printable|that a claim)"):
            netfile.parse(named_net(**scheme))


@pytest.mark.parametrize("name", ["h₁", "Δw", "w'", "b1'", "θ[0]", "输出", "n-3", "w_1,2"])
def test_names_in_any_script_are_accepted(name):
    spec = netfile.parse(named_net(neurons=(None, [name]), bias_names=(None, [name + "b"])))
    assert spec.layers[1].neurons == [name]


@pytest.mark.parametrize(
    "text", ["A network\u200d of \U0001f9e0", "עברית\u200f", "soft\u00adhyphen", "tab\u00a0stop"]
)
def test_title_and_source_take_any_text_but_control_characters(text):
    quoted = json.dumps(text, ensure_ascii=False)  # as written (TOML refuses JSON's surrogate pairs)
    spec = netfile.parse(f"title = {quoted}\nsource = {quoted}\n" + BASE)
    assert spec.title == spec.source == text


@pytest.mark.parametrize("text", ["a\nb", "a\rb", "a\tb", "\x1b[2J", "\x7f", "\x85", "\x00"])
def test_control_characters_are_refused_in_free_text(text):
    for doc in (f"title = {json.dumps(text)}\n" + BASE, f"source = {json.dumps(text)}\n" + BASE):
        with pytest.raises(netfile.NetFileError, match="expected text without control characters"):
            netfile.parse(doc, "net.toml")
    with pytest.raises(netfile.NetFileError) as info:
        netfile.parse(BASE + f"[claims]\n{json.dumps('E' + text)} = \"1\"\n", "net.toml")
    assert str(info.value).startswith(f"net.toml: claims.{shown('E' + text)}: expected a quantity")
    assert str(info.value).isprintable()


def test_claim_keys_are_any_text_but_empty_or_control(tmp_path):
    path = tmp_path / "claims.toml"
    path.write_text('"∂E/∂w16 (Σ of the paths)" = "0.0025"\n"" = "1"\n', encoding="utf-8")
    with pytest.raises(netfile.NetFileError, match=re.escape(f"{path}: '': expected a quantity such as")):
        netfile.load_claims(path)
    path.write_text('"∂E/∂w16 (Σ of the paths)" = "0.0025"\n', encoding="utf-8")
    assert netfile.load_claims(path) == {"∂E/∂w16 (Σ of the paths)": "0.0025"}


def test_a_field_name_with_control_characters_is_shown_quoted():
    with pytest.raises(netfile.NetFileError) as info:
        netfile.parse('"\\u001b[2J" = 1\n' + BASE, "net.toml")
    assert str(info.value).startswith("net.toml: '\\x1b[2J': unknown field; expected one of claims,")
    assert str(info.value).isprintable()


# --- property: parse and load_claims return or raise NetFileError, never anything else ---------

EXAMPLE_TEXTS = [(EXAMPLES_DIR / f"{name}.toml").read_text(encoding="utf-8") for name in EXAMPLE_NAMES]
# What a mutation may insert: TOML values of every kind and the names and numbers the checks refuse
# (those that once ended in a traceback first: Hypothesis draws early entries more often).
SNIPPETS = [
    "9" * 4301, "[" * 1000 + "]" * 1000, "{a = " * 1000 + "1" + "}" * 1000, '["relu"]', "1e999",
    '{"\\u001b" = 1}', "\ufeff", '"\\u001b"', '"\\n"', '"a b"', '"dE/dw1"',
    '"x1"', '"x2"', '"E"', '"w[0][0,0]"', '"b[1][0]"', '"net[0,1]"', '"out[0,0]"', '"net_n3"',
    '["x1", "x1"]', '[["w[0][0,1]", "w[0][0,0]"]]', '{"" = "1"}', '{E = "1e400"}',
    '"1e-400"', '"0e99999"', '"1_0"', '"0.0850"', "[]", "[[]]", "{}", "{a = 1}", "[1, [2]]",
    "[[1.0], [2.0, 3.0]]", "-1e999", "nan", "inf", "-0.0", "0", "1", "-1", "9" * 30,
    "1979-05-27", "07:32:00", "true", '""', '" "', "\x00", "\n", "[[layers]]\n", "[claims]\n",
    "=", '"', "'", "#",
]
VALUE = re.compile(r"^[^#\n=]+=[ \t]*(.*)$", re.M)  # the value of a key = value line


@st.composite
def mutated_examples(draw) -> str:
    """A built-in example with a few values, or slices, replaced by snippets or arbitrary text."""
    text = draw(st.sampled_from(EXAMPLE_TEXTS))
    for _ in range(draw(st.integers(1, 4))):
        snippet = st.sampled_from(SNIPPETS)
        insert = draw(st.one_of(snippet, snippet, snippet, st.text(max_size=20)))  # mostly snippets
        values = list(VALUE.finditer(text))
        if values and draw(st.integers(0, 3)) < 3:  # mostly a value
            start, end = draw(st.sampled_from(values)).span(1)
        else:
            start = draw(st.integers(0, len(text)))
            end = draw(st.integers(start, min(len(text), start + 40)))
        text = text[:start] + insert + text[end:]
    return text


def parses_or_says_why(text: str) -> None:
    try:
        spec = netfile.parse(text, "fuzz.toml")
    except netfile.NetFileError as e:
        message = str(e)
        assert message.startswith("fuzz.toml: ") and message.isprintable(), message
    else:
        assert isinstance(spec, netfile.NetSpec)


@given(st.text())
def test_parse_of_any_text_returns_or_says_why(text):
    parses_or_says_why(text)


@given(mutated_examples())
def test_parse_of_a_mutated_example_returns_or_says_why(text):
    parses_or_says_why(text)


@given(st.one_of(st.binary(), mutated_examples().map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_load_claims_of_any_bytes_returns_or_says_why(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "claims.toml"
    path.write_bytes(data)
    for load in (netfile.load_claims, netfile.load):
        try:
            result = load(path)
        except netfile.NetFileError as e:
            assert str(e).startswith(f"{path}: ") and str(e).isprintable()
        else:
            assert isinstance(result, (dict, netfile.NetSpec))
