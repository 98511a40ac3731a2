"""``Module``: a model's parameters, their names, and their values as a dict or a JSON file.

A parameter's name is the path of attributes and list indices that leads to it from the
model, joined by dots (``layers.1.neurons.2.w.0``), found by walking the module's
attributes in the order they were set: stable, readable, and nothing to register by hand.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from autograd import Value
from autograd.files import write_atomic
from autograd.validate import finite

FORMAT = "chainrule.state_dict"


class Module:
    """Base of every network piece; subclasses keep Values, Modules and lists of them as
    attributes, and get ``parameters``, ``zero_grad``, ``state_dict`` and saving for free."""

    def __call__(self, x: Sequence[Value | float]) -> Value | list[Value]:
        raise NotImplementedError(f"{self.__class__.__name__} does not define a forward pass")

    def named_parameters(self) -> Iterator[tuple[str, Value]]:
        """(dotted name, Value) for every parameter, in a stable order, each once."""
        seen: set[int] = set()
        stack: list[tuple[str, object]] = [("", self)]
        while stack:  # depth first, children in attribute order
            prefix, obj = stack.pop()
            if isinstance(obj, Value):
                if id(obj) not in seen:
                    seen.add(id(obj))
                    yield prefix, obj
            elif isinstance(obj, Module):
                items = [(k, v) for k, v in vars(obj).items() if not k.startswith("_")]
                stack.extend((f"{prefix}.{k}" if prefix else k, v) for k, v in reversed(items))
            elif isinstance(obj, (list, tuple)):
                stack.extend((f"{prefix}.{i}", v) for i, v in reversed(list(enumerate(obj))))

    def parameters(self) -> list[Value]:
        """Every parameter, in ``named_parameters`` order."""
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0.0 (call it before each ``backward``)."""
        for p in self.parameters():
            p.grad = 0.0

    def state_dict(self) -> dict[str, float]:
        """``{name: value}`` for every parameter: a plain, JSON-ready copy of the weights."""
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, object], source: str = "state dict") -> None:
        """Set every parameter from ``state``; all names must match, all values be finite numbers.

        A number is anything ``autograd.validate.real`` accepts (int, float, NumPy scalars,
        Fraction, Decimal; never bool). Everything is checked before anything is set: on any
        error (a missing or unexpected name, a value that is not a real number) the model is
        left unchanged, and the error says which name and why.
        """
        if not isinstance(state, Mapping):
            raise TypeError(f"{source}: expected a mapping of parameter names to numbers, "
                            f"not {state.__class__.__name__}")
        params = dict(self.named_parameters())
        self._check_names(params, state, source)
        values = {name: finite(state[name], f"{source}: {name}") for name in params}
        for name, p in params.items():
            p.data = values[name]

    def _check_names(self, params: Mapping[str, Value], state: Mapping[str, object], source: str) -> None:
        """Name every missing and unexpected parameter at once, so one error shows the mismatch."""
        missing = [n for n in params if n not in state]
        unexpected = [str(n) for n in state if n not in params]
        if missing or unexpected:
            parts = [f"{kind} {_listing(names)}"
                     for kind, names in (("missing", missing), ("unexpected", unexpected)) if names]
            raise KeyError(f"{source} does not fit this {self.__class__.__name__} "
                           f"({len(params)} parameters): {'; '.join(parts)}")

    def save(self, path: str | Path) -> None:
        """Write the parameters to ``path`` as JSON (never pickle: a weights file runs no code),
        atomically: a write that fails part-way leaves the old file as it was."""
        values = self.state_dict()
        bad = [n for n, v in values.items() if not math.isfinite(v)]
        if bad:
            raise ValueError(f"cannot save: {_listing(bad)} not finite (training diverged?)")
        doc = {"format": FORMAT, "model": self.__class__.__name__, "parameters": values}
        write_atomic(path, json.dumps(doc, indent=1) + "\n")

    def load(self, path: str | Path) -> None:
        """Read parameters written by ``save``; the model is unchanged if anything is wrong."""
        doc = _read_json(path)
        if not isinstance(doc, dict) or doc.get("format") != FORMAT or "parameters" not in doc:
            raise ValueError(f"{path}: not a chainrule parameter file (no \"format\": \"{FORMAT}\")")
        self.load_state_dict(doc["parameters"], source=str(path))


def _read_json(path: str | Path) -> object:
    """A JSON file's document; a ValueError naming the file for anything that is not JSON."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")  # a BOM, as some editors write, is fine
    except UnicodeDecodeError as e:
        raise ValueError(f"{path}: not a text file in UTF-8 (byte {e.start}: {e.reason})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"{path}: not a JSON file ({e})") from None
    except RecursionError:
        raise ValueError(f"{path}: not a chainrule parameter file (nested too deeply)") from None
    except ValueError as e:  # an integer of more digits than Python converts
        raise ValueError(f"{path}: not a chainrule parameter file ({e})") from None


def _listing(names: list[str], most: int = 5) -> str:
    shown = ", ".join(names[:most])
    return shown + (f" and {len(names) - most} more" if len(names) > most else "")
