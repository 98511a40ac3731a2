"""The generated code (autograd/generated/) is ordinary source that fits the op table.

It is written by autograd/codegen.py and checked in; these tests fail when it is stale, when
an op lacks a method or a docstring, when a formula names an unknown function, and when a
traceback, ``inspect`` or ``help`` cannot see the code an op runs.
"""

import inspect
import pydoc
import re
import shutil
import subprocess
import sys
import traceback
from pathlib import Path

import pytest

import autograd
from autograd import Value, codegen, ops
from autograd.generated import backward, operators, tape_loops
from autograd.generated.operators import Operators
from autograd.notation import formula
from autograd.op import BINARY, NARY, UNARY, Op

GENERATED = Path(autograd.__file__).parent / "generated"
FILES = sorted(GENERATED.glob("*.py"))
METHODS = {m: op for op in ops.TABLE for m in op.methods}


def test_the_generated_files_are_what_the_table_gives():
    assert codegen.stale() == [], "run: python autograd/codegen.py"
    assert sorted(p.name for p in FILES) == sorted(codegen.MODULES)


def test_a_changed_table_makes_them_stale(tmp_path):
    for name, write in codegen.MODULES.items():
        (tmp_path / name).write_text(write(ops.TABLE), encoding="utf-8")
    assert codegen.stale(folder=tmp_path) == []
    extra = Op("cube", "x * x * x", "3.0 * x * x", doc="Cube")
    stale = codegen.stale([*ops.TABLE, extra], folder=tmp_path)
    assert sorted(p.name for p in stale) == sorted(codegen.MODULES)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_generated_lines_are_short_and_name_their_constants(path):
    text = path.read_text(encoding="utf-8")
    assert text.startswith('"""') and "do not edit" in text
    assert max(len(line) for line in text.splitlines()) < 110
    # Ops are tested by name (op is MUL), kinds by name (op.kind == NARY): no magic numbers.
    assert not re.search(r"\b(op|kind|code\[i\])\s*(==|>=|is)\s*\d", text)
    assert "OPS[" not in text


def test_every_op_method_is_generated_with_the_signature_its_kind_has():
    generated = {name for name, f in vars(Operators).items() if inspect.isfunction(f)}
    assert generated == set(METHODS) | set(codegen.COMPARISONS)
    for name, op in METHODS.items():
        params = list(inspect.signature(getattr(Value, name)).parameters)
        if op.kind == UNARY and op.parameter:  # leaky_relu(self, slope=0.01)
            word, default = op.parameter
            assert params == ["self", word], name
            assert inspect.signature(getattr(Value, name)).parameters[word].default == default
        elif op.kind == UNARY:
            assert params == ["self"], name
        elif name == "__pow__":
            assert params == ["self", "other", "modulo"]
        else:
            assert params == ["self", "other"], name


@pytest.mark.parametrize("name", sorted(METHODS))
def test_each_operator_has_source_and_a_docstring_with_formula_and_partials(name):
    op = METHODS[name]
    method = getattr(Value, name)
    source = inspect.getsource(method)
    assert source.lstrip().startswith(f"def {name}(")
    assert inspect.getsourcefile(method) == str(GENERATED / "operators.py")
    doc = " ".join(inspect.getdoc(method).split())  # a formula too long for a line is cut at spaces
    assert doc.startswith(op.doc + ": " + formula(op.formula))
    for d in op.partials:
        assert formula(d) in doc
    assert "∂/∂x" in doc


def test_a_line_too_long_is_cut_inside_its_parentheses():
    line = "        a._grad += g * (" + " + ".join(["tanh(x * 0.7978845608028654)"] * 6) + ")"
    pieces = codegen._wrapped(line)
    assert len(pieces) > 1 and all(len(p) < codegen.LINE for p in pieces)
    assert " ".join(p.strip() for p in pieces) == line.strip()
    assert all(p.startswith(" " * 12) for p in pieces[1:])
    compile("\n".join(p[8:] for p in pieces), "<wrapped>", "exec")  # still one statement
    quoted = "        raise TypeError(f(" + repr("a message with spaces " * 6) + "))"
    assert [len(p) for p in codegen._wrapped(quoted)] == [len(quoted)]  # never inside a string


def test_a_parameter_is_a_checked_argument_held_as_the_nodes_constant():
    x = Value(-2.0)
    out = x.leaky_relu(0.2)
    assert (out.data, out.constants, out.local_grads) == (-0.4, (0.2,), (0.2,))
    assert x.elu().constants == (1.0,) and x.leaky_relu().constants == (0.01,)
    for bad, error in ((float("inf"), ValueError), (float("nan"), ValueError), ("0.1", TypeError),
                       (True, TypeError), (Value(0.1), TypeError)):
        with pytest.raises(error, match="leaky_relu: slope"):
            x.leaky_relu(bad)
    with pytest.raises(ValueError, match="a parameter belongs to a unary op"):
        Op("scaled", "x * y", "y", "x", parameter=("k", 1.0), doc="Scaled")
    with pytest.raises(ValueError, match="finite float default"):
        Op("scaled", "x * y", "y", parameter=("k", 1), doc="Scaled")
    assert ops.LEAKY_RELU.title == "leaky_relu: leaky_relu(x, slope)"


def test_an_op_of_one_method_has_no_form_with_the_number_first():
    assert ops.MAX.forms == (ops.MAX.with_constant,) and ops.MAX.constant_left is None
    assert len(ops.MUL.forms) == 2
    with pytest.raises(TypeError, match=r"unsupported operand type\(s\) for max\(\): 'Value' and 'str'"):
        Value(1.0).max("2")
    assert not hasattr(Value, "__rmax__")


def test_help_lists_every_operator_with_its_docstring():
    text = pydoc.render_doc(Value, renderer=pydoc.plaintext)
    for name in METHODS:
        assert re.search(rf"^ \|  {re.escape(name)}\(self", text, re.M), name
    assert "Hyperbolic tangent: tanh(x); ∂/∂x = 1 - out * out." in text


class Exploding:
    """A number whose conversion fails: the error passes through the operator method."""

    def __float__(self):
        raise ArithmeticError("boom")


def test_a_traceback_shows_the_operator_source_line():
    with pytest.raises(ArithmeticError) as info:
        Value(2.0) * Exploding()
    frames = [f for f in traceback.extract_tb(info.tb) if f.filename.endswith("operators.py")]
    assert [f.name for f in frames] == ["__mul__"]
    assert frames[0].line == "y = real(other)"


def test_the_loops_are_the_generated_functions():
    assert autograd.backprop.propagate is backward.propagate
    assert inspect.getsourcefile(backward.propagate).endswith("generated/backward.py")
    assert inspect.getsource(tape_loops.forward).startswith("def forward(")
    assert autograd.tape._backward is tape_loops.backward
    assert operators.record.__module__ == "autograd.generated.operators"


def test_the_loops_dispatch_every_node_op_by_name():
    text = (GENERATED / "backward.py").read_text(encoding="utf-8")
    for op in ops.NODE_OPS:
        name = codegen.global_name(op)
        assert re.search(rf"\bop is {name}\b", text), name
        assert f"{name}: Op = {name}" in text  # bound as a fast local
    assert "op.kind == NARY" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("cube", "x * x * x", "3.0 * x * xx"), "names 'xx'"),
        (("sinh2", "sinnh(x)", "cosh(x)"), "names 'sinnh'"),
        (("bad", "x +", "1.0"), "not a Python expression"),
        (("Bad", "x", "1.0"), "lower-case"),
        (("twoargs", "x + y", "1.0"), "names 'y'"),  # a unary formula has no y
        (("partial_out", "x", "out2"), "names 'out2'"),
    ],
)
def test_a_row_with_an_unknown_name_fails_when_it_is_made(args, message):
    with pytest.raises(ValueError, match=f"op '{args[0]}'.*{re.escape(message)}"):
        Op(*args, doc="a test op")


def test_a_row_needs_a_doc_and_one_partial_per_operand():
    with pytest.raises(ValueError, match="doc"):
        Op("cube", "x * x * x", "3.0 * x * x", doc=" ")
    with pytest.raises(ValueError, match="one partial per operand"):
        Op("cube", "x * x * x", doc="Cube")


def test_the_table_binds_each_op_to_its_name_in_capitals():
    with pytest.raises(ValueError, match="bind it to CUBE"):
        ops.table_of({"CUBED": Op("cube", "x * x * x", "3.0 * x * x", doc="Cube")})
    assert all(getattr(ops, op.name.upper()) is op for op in ops.TABLE)
    assert [op.kind for op in ops.TABLE if op.kind not in (UNARY, BINARY)] == [NARY] * 3


def test_importing_autograd_does_not_import_the_generator():
    code = "import sys, autograd; print('autograd.codegen' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def copy_of_autograd(tmp_path):
    """A copy of the autograd package to break on purpose; run Python in ``tmp_path`` to use it."""
    shutil.copytree(GENERATED.parent, tmp_path / "autograd", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path / "autograd"


def python(cwd, *args):
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def test_the_generator_runs_when_the_generated_code_no_longer_imports(tmp_path):
    """An op removed from the table leaves generated code that imports a name that is gone;
    run as a script, the generator loads only the table, so it can still rewrite that code."""
    package = copy_of_autograd(tmp_path)
    stale = package / "generated" / "operators.py"
    stale.write_text(stale.read_text(encoding="utf-8") + "\nfrom ..ops import CUBE\n", encoding="utf-8")
    assert "cannot import name 'CUBE'" in python(tmp_path, "-c", "import autograd").stderr
    assert python(tmp_path, "autograd/codegen.py", "--check").returncode == 1
    done = python(tmp_path, "autograd/codegen.py")
    assert done.returncode == 0 and "wrote" in done.stdout, done.stderr
    assert python(tmp_path, "autograd/codegen.py", "--check").returncode == 0
    assert python(tmp_path, "-c", "import autograd").returncode == 0


def test_generated_code_from_another_table_warns_at_import(tmp_path):
    package = copy_of_autograd(tmp_path)
    init = package / "generated" / "__init__.py"
    text = init.read_text(encoding="utf-8")
    init.write_text(re.sub(r'FINGERPRINT = "\w+"', 'FINGERPRINT = "0"', text), encoding="utf-8")
    done = python(tmp_path, "-W", "error::RuntimeWarning", "-c", "import autograd")
    assert done.returncode == 1
    assert "run `python autograd/codegen.py`" in done.stderr
    assert python(tmp_path, "-c", "import autograd").returncode == 0  # a warning, not an error


@pytest.mark.slow
def test_mypy_sees_every_operator_with_its_signature(tmp_path):
    """Type checkers read the generated methods themselves: no hand-kept stub to drift."""
    try:
        from mypy import api
    except ImportError:  # the test extra installs mypy: without it this check has not run
        pytest.fail("mypy is not installed: pip install -e '.[test]'")
    lines = ["from autograd import Value", "x = Value(1.0)"]
    for name, op in sorted(METHODS.items()):
        call = f"x.{name}()" if op.kind == UNARY else f"x.{name}(2.0)"
        lines.append(f"reveal_type({call})")
    lines.append("x.no_such_op()")
    (tmp_path / "use.py").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out, _, status = api.run([str(tmp_path / "use.py"), "--no-incremental", "--follow-imports=silent",
                              "--cache-dir", str(tmp_path / "cache")])
    revealed = re.findall(r'Revealed type is "([^"]+)"', out)
    assert revealed == ["autograd.value.Value"] * len(METHODS), out
    assert '"Value" has no attribute "no_such_op"' in out
    assert status == 1  # only for no_such_op
