"""Grading numbers a document or a student wrote down against a worked step.

A claim names a number the walkthrough prints and gives it as written. The names, for a
network whose neurons are named (n3; an unnamed neuron is named by its place, [1,0], and its
labels are net[1,0], out[1,0] and δ_[1,0], also δ[1,0]):

    x1, w16, b7       an input or a parameter, by its name
    net_n3, out_n3    a neuron's net input and output, in every layer (softmax's out_p1 too)
    δ_n3              the neuron's δ = ∂E/∂net_n3; also δn3 and delta_n3, and δ3 when n3 is
                      the only neuron whose name is letters then 3 (h1 and o1 share δ1: neither)
    E                 the error
    ∂E/∂w16           E's gradient with respect to an input, a parameter, a net input or an
                      output; also dE/dw16 (spaces allowed after the slash)
    new w16           a parameter after the step; also "w16 after"
    E after           the error after the step; also "new E"

A name the network gives is read as itself first (network files keep names from meaning two
things). An unknown name gets the closest names there are, or the kinds of names there are.

A claim is right when it is the true value rounded (half to even, or half away from zero as
taught), or cut off, to the digits written. A wrong claim gets the right value's derivation:
the caller's (``check_claims(..., derivations)``, by the names above), or else the chain rule
for a gradient or a δ, and the formula with its numbers for anything else. The arithmetic is
exact, in decimals, for any number a claim can write (1e-400, 0e99999): grading never fails.
"""

from __future__ import annotations

import bisect
import difflib
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal
from typing import cast

from autograd import Value
from autograd.explain import explain_all
from autograd.notation import number

from .derivations import Deriver
from .netfile import GRADIENT, claim_number, delta_label
from .walkthrough import NeuronStep, Walkthrough

# The readings of a value to the digits written: rounded half to even, rounded half away from
# zero (0.125 → 0.13, as taught), and cut off (0.699 for 0.6997, as the documents sometimes do).
READINGS = (ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_DOWN)
# A computed value's digits that are not float rounding noise: 0.145 computed as
# 0.14499999999999999 is still 0.145 (so 0.15 is right), and 0.14 computed as
# 0.13999999999999999 is not cut off to 0.13.
SIGNIFICANT = 12
ZERO_PLACES = 4  # "0" claims zero to 4 decimal places, not "rounds to 0"
SPECIAL = re.compile(r"[+-]?(?:inf|infinity|nan)", re.IGNORECASE)
AFTER = re.compile(r"new\s+(.+)|(.+?)\s+after")  # new w16, w16 after
DELTA = re.compile(r"(?:δ|delta)_?(.+)")  # δ_n3, δn3, delta_n3
SHORT = re.compile(r"[^\W\d_]+(\d+)")  # a name of letters then digits (n3, h12), δ3 for short
CLOSE_NAMES = 500  # at most this many names are compared with an unknown one (see Quantities._near)
STEP_DIGITS = 8  # an update's numbers: 0.7 − 0.01·0.002468209 = 0.69997532, not 0.7 − … = 0.7
# Each kind of name, in the order the message about an unknown name gives an example of each.
KINDS = {"input": "an input", "parameter": "a parameter", "net": "a net input", "out": "an output",
         "δ": "a δ", "E": "the error", "gradient": "a gradient", "new": "a parameter after the step",
         "E after": "the error after it"}
UNKNOWN = "no such quantity in this network"
NOT_A_NUMBER = "the claim is not a number written in digits"


@dataclass(frozen=True)
class ClaimResult:
    quantity: str  # as the claim wrote it
    claimed: str
    value: float | None  # None: the network has no such quantity
    right: bool
    why: str = ""  # the derivation of the right value, or why there is none
    name: str = ""  # the quantity's name, as ``Quantities`` gives it ("" when there is none)


@dataclass(frozen=True)
class Claimable:
    """A number of the worked step that a claim can name, by its one name (see the module doc).
    ``node``: what a gradient is taken with respect to, or a δ's net input (what the chain
    rule explains); ``neuron``: the neuron of a net input, an output or a δ."""

    name: str
    kind: str
    value: float
    node: Value | None = None
    neuron: NeuronStep | None = None


class Quantities:
    """Every number of a worked step that a claim can name, and the ways to write each name,
    read from the walkthrough's public fields."""

    def __init__(self, w: Walkthrough) -> None:
        self.w = w
        self.by_name: dict[str, Claimable] = {}
        self._add(Claimable(x, "input", v) for x, v in zip(w.spec.names_of_inputs, w.spec.inputs))
        self._add(Claimable(p.label, "parameter", p.data) for p in w.params)
        steps = [n for row in w.neurons for n in row]
        self._add(_neuron_quantities(w, steps))
        self._add([Claimable("E", "E", w.E.data)])
        self._add(self._gradients(steps))
        self._add(Claimable(f"new {p.label}", "new", new, p) for p, new in zip(w.params, w.new_values))
        self._add([Claimable("E after", "E after", w.loss_after)])
        self._add(Claimable(label, "node", v.data, v) for label, v in w.nodes.items())  # any other
        self.short = _short_deltas(steps)
        self.sorted: list[str] = []  # by_name's names in order, when an unknown name needs them

    def _add(self, quantities: Iterable[Claimable]) -> None:
        for q in quantities:
            self.by_name.setdefault(q.name, q)  # the first of a name: a name given is itself

    def _gradients(self, steps: list[NeuronStep]) -> list[Claimable]:
        """∂E/∂ every parameter, every labelled node of E's graph but E, and every neuron's
        output: a linear neuron's is its net input's, and an output that E does not read (a
        softmax output of another class than the true one) has the gradient 0."""
        nodes = self.w.nodes
        grads = [Claimable(f"∂E/∂{p.label}", "gradient", p.grad, p) for p in self.w.params]
        grads += [Claimable(f"∂E/∂{label}", "gradient", v.grad, v) for label, v in nodes.items()
                  if label != "E"]
        for n in steps:
            node = nodes.get(n.net_label) if n.activation == "linear" else None
            grad = 0.0 if node is None else node.grad
            grads.append(Claimable(f"∂E/∂{_out_label(n)}", "gradient", grad, node, n))
        return grads

    def find(self, quantity: str) -> Claimable | None:
        """The quantity a claim names, however it writes the name; None when there is none."""
        q = quantity.strip()
        if q in self.by_name:
            return self.by_name[q]
        name = _normal(q)
        return self.by_name.get(name) or self.by_name.get(self.short.get(name, ""))

    def _near(self, name: str) -> list[str]:
        """The names to compare an unknown one with: all of them, or in a large network the
        CLOSE_NAMES that start most like it (difflib compares each pair: a thousand unknown
        names against the 40,000 of a 784-16-10 network took minutes, not seconds)."""
        if not self.sorted:
            self.sorted = sorted(self.by_name)
        names, lo, hi = self.sorted, 0, len(self.sorted)
        for k in range(1, len(name) + 1):
            if hi - lo <= CLOSE_NAMES:
                break
            prefix = name[:k]
            a = bisect.bisect_left(names, prefix, lo, hi)
            b = bisect.bisect_right(names, prefix + "\U0010ffff", lo, hi)
            if a == b:  # none starts as it does: the names on either side of where it would be
                a = max(lo, min(a - CLOSE_NAMES // 2, hi - CLOSE_NAMES))
                lo, hi = a, a + CLOSE_NAMES
                break
            lo, hi = a, b
        return names[lo:min(hi, lo + CLOSE_NAMES)]

    def unknown(self, quantity: str) -> str:
        """Why a name is unknown: the closest names there are, or else the kinds of names."""
        name = _normal(quantity.strip())
        close = closest(name, self._near(name))
        if close:
            return f"{UNKNOWN}; did you mean {', '.join(close)}?"
        first: dict[str, str] = {}
        for q in self.by_name.values():
            first.setdefault(q.kind, q.name)
        kinds = [first[k] for k in KINDS if k in first]  # one name of each kind, as an example
        return f"{UNKNOWN}; names are written as {', '.join(kinds[:-1])} or {kinds[-1]}" if kinds else UNKNOWN


def closest(name: str, names: list[str], n: int = 3) -> list[str]:
    """The n names most like ``name`` (difflib's measure, at least 0.6), the likest first; of
    equals, those that start more as it does, then in the order people count: out_p1, out_p2,
    out_p3 for out_p10 (difflib's own order: out_p1, out_p3, out_Y1)."""
    close = difflib.get_close_matches(name, names, n=max(1, len(names)))
    score = {c: difflib.SequenceMatcher(None, c, name).ratio() for c in close}
    start = {c: next((i for i, (x, y) in enumerate(zip(c, name)) if x != y), min(len(c), len(name)))
             for c in close}  # how many characters c starts with as name does
    return sorted(close, key=lambda c: (-score[c], -start[c], _counting(c)))[:n]


def _counting(name: str) -> list[str | int]:
    """A name's sort key with its numbers as numbers: w2 before w10."""
    return [int(part) if i % 2 else part for i, part in enumerate(re.split(r"(\d+)", name))]


def _normal(q: str) -> str:
    """A name as ``Quantities`` writes it: ∂E/∂w16 for dE/dw16, new w16 for w16 after, E after
    for new E, δ_n3 for delta_n3 or δn3. A name that is none of these is left as it is."""
    if GRADIENT.match(q):
        return "∂E/∂" + GRADIENT.sub("", q).strip()
    after = AFTER.fullmatch(q)
    if after:
        name = (after.group(1) or after.group(2)).strip()
        return "E after" if name == "E" else f"new {name}"
    delta = DELTA.fullmatch(q)
    return delta_label(delta.group(1)) if delta else q


def _short_deltas(steps: list[NeuronStep]) -> dict[str, str]:
    """δ3 for δ_n3, as δ_3 (how ``_normal`` writes it): a neuron named by letters then digits
    may be named by its digits when no other neuron's name ends in the same ones that way."""
    by_digits: dict[str, list[str]] = defaultdict(list)
    for n in steps:
        m = SHORT.fullmatch(n.name)
        if m:
            by_digits[m.group(1)].append(n.name)
    return {delta_label(d): delta_label(names[0]) for d, names in by_digits.items() if len(names) == 1}


def _out_label(n: NeuronStep) -> str:
    """A neuron's output label, out_n3 for net_n3 (a linear neuron's output is its net node,
    which keeps the net's label, so the walkthrough's nodes do not hold it)."""
    return "out" + n.net_label.removeprefix("net")


def _neuron_quantities(w: Walkthrough, steps: list[NeuronStep]) -> list[Claimable]:
    """Each neuron's net input, output and δ, read from its step (a softmax output, which E's
    graph may not hold, and a linear neuron's output, which is its net node, included)."""
    quantities = []
    for n in steps:
        net = w.nodes.get(n.net_label)
        quantities += [Claimable(n.net_label, "net", n.net, net, n),
                       Claimable(_out_label(n), "out", n.out, None, n),
                       Claimable(delta_label(n.name), "δ", n.delta, net, n)]
    return quantities


def value_of(w: Walkthrough, quantity: str) -> float | None:
    """The number a claim names (out_n3, δ3, E, dE/dw16, w16 after, …); None when there is none."""
    q = Quantities(w).find(quantity)
    return None if q is None else q.value


def value_beside(value: float, claimed: str, digits: int = 4) -> str:
    """The right value as it is shown beside a claim: to one digit more than the claim writes
    (0.699975 beside 0.6999753, so the rounding can be seen), and at least ``digits``."""
    written = claim_number(claimed)
    places = len(written.as_tuple().digits) if written is not None and written != 0 else 0
    return number(value, min(17, max(digits, places + 1)))


def agrees(value: float, text: str) -> bool:
    """Is the number written in ``text`` ``value`` rounded, or cut off, to the digits written?

    0.0025 for 0.002468 is right (rounded), and so is 0.0024 (cut off, as the documents
    sometimes do: 0.699 for 0.6997); 0.0026 or 0.0023 are wrong; for 0.125 both 0.12 (half to
    even) and 0.13 (half away from zero) are right. In scientific notation ("2.468e-3") the
    digits of the mantissa count. A claim of 0 must be 0 to 4 places. A number is never right
    for inf or nan, and "inf", "-inf" or "nan" only for that very value; anything else written
    (abc, 1_000) is wrong.
    """
    claimed = claim_number(text)
    if claimed is None:
        return _same_special(value, text)
    if not math.isfinite(value):
        return False
    place = cast(int, claimed.as_tuple().exponent)  # the unit of the last digit: 10**place
    if claimed == 0:
        place = min(place, -ZERO_PLACES)
    return claimed in _readings(Decimal(value), place)


def _readings(value: Decimal, place: int) -> set[Decimal]:
    """``value`` (a float's exact decimal) rounded either way and cut off at the digit 10**place,
    exactly; at 12 significant digits at most, past which a float's digits are noise."""
    if place >= value.adjusted() - (SIGNIFICANT - 1):
        value = Context(prec=SIGNIFICANT).plus(value)
    if place <= cast(int, value.as_tuple().exponent):  # written to every digit the value has
        return {value}
    if place > value.adjusted() + 1:  # the value is below a tenth of the unit: every reading is 0
        return {Decimal(0)}
    context = Context(prec=value.adjusted() - place + 2)  # every digit down to the unit, and a carry
    unit = Decimal((0, (1,), place))
    return {value.quantize(unit, rounding=mode, context=context) for mode in READINGS}


def _same_special(value: float, text: str) -> bool:
    """"inf", "-inf" or "nan" written out: right for that value only."""
    if not SPECIAL.fullmatch(text.strip()):
        return False
    claimed = float(text)
    return claimed == value or (math.isnan(claimed) and math.isnan(value))


def _is_number(text: str) -> bool:
    """Written in digits (or inf, nan): a claim that is not gets no derivation, but says so."""
    return claim_number(text) is not None or SPECIAL.fullmatch(text.strip()) is not None


def check_claims(w: Walkthrough, claims: Mapping[str, str],
                 derivations: Mapping[str, str] | None = None) -> list[ClaimResult]:
    """Grade each claimed number: right when it is the computed value rounded or cut off to
    the digits written (so 0.0025 and 0.0024 are right for 0.002468, 0.0026 is not), wrong
    otherwise, with the right value and its derivation: ``derivations[name]`` by the quantity's
    name ("out_n3", "δ_n3", "∂E/∂w16", "new w16"; see the module doc) when the caller has one
    (the report's), else the one chainrule writes here."""
    table = Quantities(w)
    found = [(quantity, text, table.find(quantity)) for quantity, text in claims.items()]
    given = derivations or {}
    wrong = [q for _, text, q in found
             if q is not None and q.name not in given and _is_number(text) and not agrees(q.value, text)]
    why = {**derivations_of(w, wrong), **given}
    return [_grade(quantity, text, q, why, table) for quantity, text, q in found]


def _grade(quantity: str, text: str, q: Claimable | None, why: Mapping[str, str],
           table: Quantities) -> ClaimResult:
    if q is None:
        return ClaimResult(quantity, text, None, False, table.unknown(quantity))
    if agrees(q.value, text):
        return ClaimResult(quantity, text, q.value, True, name=q.name)
    reason = why.get(q.name, "") if _is_number(text) else NOT_A_NUMBER
    return ClaimResult(quantity, text, q.value, False, reason, q.name)


def derivations_of(w: Walkthrough, wanted: Iterable[Claimable]) -> dict[str, str]:
    """How each quantity's value is worked out, by name: the walkthrough's own derivation
    (``derivations.Deriver``: a net input, an output, E, a δ, a new value), the chain rule for
    any other gradient (one set of sweeps for them all, however many), or what there is to say."""
    wanted = list({q.name: q for q in wanted}.values())
    chained = [(q.name, q.node) for q in wanted if q.kind == "gradient" and q.node is not None]
    explained = explain_all(w.E, [node for _, node in chained]) if chained else []
    chains = {name: str(e) for (name, _), e in zip(chained, explained)}
    deriver = Deriver(w) if any(q.kind in WORKED for q in wanted) else None
    return {q.name: _worked(deriver, q) if deriver and q.kind in WORKED
            else DERIVE.get(q.kind, _nothing)(w, q, chains.get(q.name, "")) for q in wanted}


WORKED = ("net", "out", "E", "δ", "new")  # the walkthrough works these itself


def _worked(d: Deriver, q: Claimable) -> str:
    """The walkthrough's derivation of a quantity (for an output, its net input's too)."""
    n = q.neuron
    if q.kind == "E":
        return d.loss().text()
    if q.kind == "new" and q.node is not None:
        return d.new_of(q.node, q.value).text()
    if n is None:
        return ""
    net = d.net_of(n).text()
    if q.kind == "net":
        return net
    if q.kind == "δ" and n.out_node is not None and n.net_node is not None:
        return d.delta_of(n, n.out_node, n.net_node).text()
    if q.kind == "out" and n.out_node is not None and n.out_node is not n.net_node:
        row = next(r for r in d.w.neurons if any(m is n for m in r))
        return d.out_of(n, row, n.out_node).text() + "\n" + net
    return f"{q.name} = {n.net_label} (a linear neuron's output is its net input)\n{net}"


def _gradient(w: Walkthrough, q: Claimable, chain: str) -> str:
    """The chain rule; an output that E's formula does not read (softmax's) has none."""
    if q.node is None:
        return f"E is not computed from {q.name.removeprefix('∂E/∂')}: {q.name} = 0"
    if q.neuron is not None and q.neuron.activation == "linear":  # out_n3 is the node net_n3
        return f"{q.name} = ∂E/∂{q.neuron.net_label} (a linear neuron's output is its net input)\n{chain}"
    return chain


def _error_after(w: Walkthrough, q: Claimable, chain: str) -> str:
    """The step's error is the forward pass again, on the new parameters."""
    return (f"E after = E again, every parameter p replaced by p − lr·∂E/∂p: "
            f"{number(w.E.data, STEP_DIGITS)} → {number(q.value, STEP_DIGITS)}")


def _given(w: Walkthrough, q: Claimable, chain: str) -> str:
    """An input or a parameter is not worked out: the file gives it."""
    return f"{q.name} is {KINDS[q.kind]} that the network file gives"


def _nothing(w: Walkthrough, q: Claimable, chain: str) -> str:
    """Another node of E's graph: its value is all there is to show."""
    return ""


DERIVE = {"gradient": _gradient, "E after": _error_after, "input": _given, "parameter": _given}
