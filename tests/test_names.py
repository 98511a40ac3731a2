"""autograd.names: readable names for the nodes a micrograd-style graph leaves unlabelled.

A node without a label is named from its op and operands while that stays short (a·b,
tanh(h), x + 2), otherwise numbered by op in topological order (mul₁, tanh₂); an unlabelled
leaf is v₁, v₂, … . The names must be the same however often and in whatever order they are
asked for, and a made-up compound name reads as one symbol (in parentheses) inside another.
"""

from __future__ import annotations

import math

import pytest

from autograd import Value, dot, explain, vsum
from autograd.names import LONGEST, Names, name_of, numbered


def _abc():
    return Value(2.0, label="a"), Value(-3.0, label="b"), Value(0.5, label="c")


@pytest.mark.parametrize(
    ("make", "name", "value"),
    [
        (lambda a, b, c: a * b, "a·b", -6.0),
        (lambda a, b, c: a + b, "a + b", -1.0),
        (lambda a, b, c: a - b, "a − b", 5.0),  # the minus sign U+2212
        (lambda a, b, c: a / b, "a/b", -2.0 / 3.0),
        (lambda a, b, c: a**c, "a^c", math.sqrt(2.0)),
        (lambda a, b, c: -a, "−a", -2.0),
        (lambda a, b, c: a + 2.0, "a + 2", 4.0),
        (lambda a, b, c: 2.0 + a, "2 + a", 4.0),
        (lambda a, b, c: 2.0 - a, "2 − a", 0.0),
        (lambda a, b, c: 3.0 * a, "3·a", 6.0),
        (lambda a, b, c: a * -2.0, "a·(−2)", -4.0),  # a negative constant reads as a term
        (lambda a, b, c: a - 2.5, "a − 2.5", -0.5),
        (lambda a, b, c: a**2, "a²", 4.0),  # as the documents write a square
        (lambda a, b, c: a**3, "a³", 8.0),
        (lambda a, b, c: a**0.5, "a^0.5", math.sqrt(2.0)),
        (lambda a, b, c: a**-1.0, "a^(−1)", 0.5),
        (lambda a, b, c: (a + b) ** 2, "(a + b)²", 1.0),
        (lambda a, b, c: (-a) ** 2, "(−a)²", 4.0),
        (lambda a, b, c: (a * b).tanh(), "tanh(a·b)", math.tanh(-6.0)),  # a call's argument whole
        (lambda a, b, c: (-a).exp(), "exp(−a)", math.exp(-2.0)),
        (lambda a, b, c: a.relu(), "relu(a)", 2.0),
        (lambda a, b, c: abs(b), "abs(b)", 3.0),
        (lambda a, b, c: vsum([a, b, c]), "a + b + c", -0.5),
        (lambda a, b, c: (a * b) * c, "(a·b)·c", -3.0),  # a compound operand in parentheses
        (lambda a, b, c: a * (b + c), "a·(b + c)", -5.0),
    ],
)
def test_a_short_derived_name_says_what_the_node_computes(make, name, value):
    a, b, c = _abc()
    v = make(a, b, c)
    assert v.data == pytest.approx(value, rel=1e-15, abs=1e-15)
    assert Names(v)[v] == name == name_of(v)
    assert all(Names(v)[x] == x.label for x in v.inputs if x.label) and len(name) <= LONGEST


@pytest.mark.parametrize(
    ("make", "name", "value"),
    [
        (lambda a, b: -(a + b), "−(a + b)", -5.0),
        (lambda a, b: -(a - b), "−(a − b)", 1.0),
        (lambda a, b: (-a).__neg__(), "−(−a)", 2.0),  # named '−−a'
    ],
)
def test_a_negated_compound_keeps_its_parentheses(make, name, value):
    """Not '−a + b', which reads (−a) + b."""
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    v = make(a, b)
    assert v.data == value
    assert Names(v)[v] == name


def test_a_label_is_the_name():
    a, b, _ = _abc()
    v = a * b
    v.label = "prod"
    w = v.tanh()
    names = Names(w)
    assert (names[v], names[w], names.atom(v)) == ("prod", "tanh(prod)", "prod")
    assert name_of(v) == "prod" and w.data == pytest.approx(math.tanh(-6.0), rel=1e-15)


def test_unlabelled_leaves_are_numbered_in_topological_order():
    x, y, z = Value(1.0), Value(2.0), Value(3.0)
    out = x * y + z
    names = Names(out)
    assert [names[v] for v in (x, y, z)] == ["v₁", "v₂", "v₃"]
    assert names[out] == "(v₁·v₂) + v₃" and out.data == 5.0  # every compound operand in parentheses
    assert Names(x)[x] == "v₁" == name_of(x)  # a leaf alone


def test_a_long_name_is_numbered_by_op_in_topological_order():
    a, b, c = _abc()
    m1 = (a + b) * (b + c)  # (a + b)·(b + c): 15 characters
    t1 = (m1 + c).tanh()
    m2 = (t1 * m1) * (a - c)
    out = m2 + m2
    names = Names(out)
    assert names[m1] == "mul₁" and names[t1] == "tanh₁"
    assert names[m2.inputs[0]] == "tanh₁·mul₁"  # short: not numbered
    assert names[m2] == "mul₂"  # the second numbered mul, the one between not counted
    assert names[out] == "mul₂ + mul₂"
    assert m1.data == pytest.approx(-1.0 * -2.5) and out.data == pytest.approx(2 * m2.data)


def test_the_twelve_character_limit():
    left, right = Value(1.0, label="abcde"), Value(2.0, label="fghijk")
    kept = left * right
    assert Names(kept)[kept] == "abcde·fghijk" and len("abcde·fghijk") == LONGEST == 12
    longer = Value(2.0, label="fghijkl")
    cut = left * longer
    assert Names(cut)[cut] == "mul₁"
    assert (kept.data, cut.data) == (2.0, 2.0)


def test_numbered_writes_subscripts():
    assert [numbered("mul", n) for n in (1, 2, 10, 123)] == ["mul₁", "mul₂", "mul₁₀", "mul₁₂₃"]
    assert numbered("v", 0) == "v₀"


def test_an_nary_op_without_an_infix_form_is_numbered():
    a, b, c = _abc()
    d = dot([a, b], [b, c], bias=a)
    names = Names(d)
    assert names[d] == "dot₁" and d.data == pytest.approx(2.0 * -3.0 + -3.0 * 0.5 + 2.0)


@pytest.mark.parametrize(
    ("make", "atom"),
    [
        (lambda a, b: a * b, "(a·b)"),
        (lambda a, b: a - b, "(a − b)"),
        (lambda a, b: -a, "(−a)"),
        (lambda a, b: a / 2.0, "(a/2)"),
        (lambda a, b: vsum([a, b]), "(a + b)"),
        (lambda a, b: a.tanh(), "tanh(a)"),  # a call is one symbol
        (lambda a, b: (a * b).exp(), "exp(a·b)"),
    ],
)
def test_atom_parenthesizes_a_made_up_compound_name(make, atom):
    a, b, _ = _abc()
    v = make(a, b)
    names = Names(v)
    assert names.atom(v) == atom
    assert names.atom(a) == "a"  # a label is never parenthesized
    v.label = "a − b"  # a label, however it reads, is the user's symbol
    assert Names(v).atom(v) == "a − b"


def test_atom_of_numbered_and_leaf_names():
    x = Value(1.5)
    long = ((x + 1.0) * (x - 1.0)).tanh()  # (v₁ + 1)·(v₁ − 1): too long, so mul₁
    names = Names(long)
    assert names.atom(x) == "v₁" and names.atom(long.inputs[0]) == "mul₁" and names.atom(long) == "tanh(mul₁)"
    assert long.data == pytest.approx(math.tanh(1.25), rel=1e-15)


def test_names_are_stable():
    def build():
        a, b = Value(0.5, label="a"), Value(-1.5)
        h = (a * b).tanh()
        g = h * a + b
        y = g.sigmoid() * h + (g - a) * (h + b)
        return y

    first, second = build(), build()
    order1, order2 = _nodes(first), _nodes(second)
    names1, names2 = Names(first), Names(second)
    listed = [names1[v] for v in order1]
    assert listed == [names2[v] for v in order2]  # the same graph built twice: the same names
    assert [Names(first)[v] for v in reversed(order1)] == listed[::-1]  # whatever the order asked
    assert [names1[v] for v in order1] == listed  # and asked again
    assert len(order1) == len(order2) == 12
    assert first.data == second.data


def test_names_of_several_roots_and_a_stranger():
    a, b, _ = _abc()
    u, w = a * b, Value(4.0)
    v = u + w
    names = Names(u, v)
    assert (names[u], names[v], names[w]) == ("a·b", "(a·b) + v₁", "v₁")
    stranger = Value(1.0, label="z")
    with pytest.raises(KeyError, match="not in the graph these names were made for"):
        names[stranger]
    assert name_of(stranger) == "z"


def test_explanations_use_the_derived_names():
    x = Value(2.0)
    y = x * x
    y.backward()
    e = explain(y, x)
    assert (e.name(x), e.name(y)) == ("v₁", "(v₁·v₁)")
    assert e.text() == "∂(v₁·v₁)/∂v₁ = v₁ + v₁ = 2 + 2 = 4"
    assert e.total == x.grad == 4.0


def _nodes(root):
    """Every node below root, in a fixed order (depth first, operands in order)."""
    seen, stack = [], [root]
    while stack:
        v = stack.pop()
        if not any(v is s for s in seen):
            seen.append(v)
            stack.extend(reversed(v.inputs))
    return seen


@pytest.mark.parametrize("bad", [3.0, "x", None, [1.0]])
def test_anything_but_a_value_is_refused_by_name(bad):
    with pytest.raises(TypeError, match="Value"):
        Names(bad)
    with pytest.raises(TypeError, match="Value"):
        name_of(bad)
