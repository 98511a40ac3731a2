"""How chainrule writes numbers and names: plain text as the documents print them, and LaTeX.

One notation for every output (explanations, diagrams, the network view, reports), so a
number reads the same wherever it appears: significant digits (4 by default), the minus
sign − (U+2212, as typeset; LaTeX gets ``-``, which it typesets so), never −0, negative
factors and terms in parentheses: "0.7·(−0.4)", "0.1 + (−0.0002)".
"""

from __future__ import annotations

import ast
import re

from .validate import whole


def check_digits(digits: object, where: str) -> int:
    """Significant digits to show: an int from 1 to 17 (a float has 17 at most)."""
    return whole(digits, f"{where}: digits", 1, 17)


MINUS = "\u2212"  # −


def number(x: float, digits: int = 4) -> str:
    """``x`` to ``digits`` significant digits, as the documents print numbers (0, never −0)."""
    text = f"{x + 0.0:.{digits}g}"  # -0.0 + 0.0 is 0.0
    return MINUS + text[1:] if text.startswith("-") else text  # 1e-05 keeps its exponent's -


def exact(x: float) -> str:
    """``x`` in full, as short as it reads back exactly: 0.99, not 0.98999999999999999."""
    text = repr(float(x) + 0.0)
    return MINUS + text[1:] if text.startswith("-") else text


def signed(x: float, digits: int = 4) -> str:
    """A factor or term as the documents write it: negative numbers in parentheses, "0.7·(−0.4)"."""
    return f"({number(x, digits)})" if x < 0 else number(x, digits)


def plus(terms: list[str]) -> str:
    """Terms joined by + and −: "0.1·0.23 + 0.4·0.55 − 0.4"."""
    text = terms[0]
    for t in terms[1:]:
        text += f" − {t[1:]}" if t.startswith(("-", MINUS)) else f" + {t}"
    return text


def latex_number(x: float, digits: int = 4) -> str:
    """``number`` for LaTeX: ``-`` for minus, 1.2 \\times 10^{-5}, \\infty."""
    text = f"{x + 0.0:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return rf"{mantissa} \times 10^{{{int(exponent)}}}"
    return {"inf": r"\infty", "-inf": r"-\infty", "nan": r"\mathrm{NaN}"}.get(text, text)


_DIGITS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")
_SUBSCRIPTS = re.compile("[₀-₉]+")
_NUMBERED = re.compile("([A-Za-z]+)([₀-₉]+)")
_BRACKETS = re.compile(r"([A-Za-z]+)((?:\[[^\]]*\])+)")
_NAME_INDEX = re.compile(r"([A-Za-z]+)_?([A-Za-z]?\d+|[A-Za-z]\w*)?")


def latex_name(label: str) -> str:
    """A label as LaTeX: ``w16`` → ``w_{16}``, ``out_n9`` → ``\\mathrm{out}_{n_{9}}``,
    ``w[2][1,0]`` → ``w^{[2]}_{1,0}``, ``net[2,1]`` → ``\\mathrm{net}_{2,1}``; a control
    character is written as its escape (``visible``), never passed to LaTeX."""
    label = visible(label)
    m = _BRACKETS.fullmatch(label)
    if m:
        base, groups = m.groups()
        parts = [_escape(p) for p in re.findall(r"\[([^\]]*)\]", groups)]
        sub = "_{" + parts[-1] + "}"
        sup = "".join("^{[" + p + "]}" for p in parts[:-1])
        return _base(base) + sup + sub
    m = _NUMBERED.fullmatch(label)
    if m:  # a made-up name, names.Names': mul₁ → \mathrm{mul}_{1}
        return _base(m[1]) + "_{" + m[2].translate(_DIGITS) + "}"
    m = _NAME_INDEX.fullmatch(label)
    if m:
        base, index = m.groups()
        if not index:
            return _base(base)
        letters, digits = re.fullmatch(r"([A-Za-z]*)(\d*)\w*", index).groups()  # type: ignore[union-attr]
        if letters and digits and letters + digits == index:
            index_tex = f"{letters}_{{{digits}}}"
        else:
            index_tex = index.replace("_", r"\_")
        return f"{_base(base)}_{{{index_tex}}}"
    escaped = _SUBSCRIPTS.sub(lambda m: "_{" + m[0].translate(_DIGITS) + "}", _escape(label))
    return r"\mathrm{" + escaped + "}"


_LATEX_SPECIALS = {"\\": r"\backslash{}", "^": r"\wedge{}", "~": r"\sim{}",
                   **{c: "\\" + c for c in "_%&#${}"},
                   # the operators of a made-up name (names.Names: a·b, t − o, x²), as LaTeX writes them
                   "−": "-", "·": r"\cdot{}", "²": "{}^{2}", "³": "{}^{3}", "Σ": r"\Sigma{}"}


def _escape(text: str) -> str:
    """Characters that mean something to LaTeX, made literal (for math mode)."""
    return "".join(_LATEX_SPECIALS.get(c, c) for c in text)


def _base(name: str) -> str:
    return name if len(name) == 1 else r"\mathrm{" + name + "}"


# How a formula of the op table reads: IEEE helpers as the operators and functions they stand for.
_INFIX: dict[str, ast.operator] = {"ieee_div": ast.Div(), "ieee_pow": ast.Pow()}
_RENAMED = {"ieee_exp": "exp", "ieee_log": "log", "ieee_sqrt": "sqrt", "fabs": "abs", "maximum": "max",
            "minimum": "min"}


class _Readable(ast.NodeTransformer):
    def visit_Call(self, node: ast.Call) -> ast.expr:
        self.generic_visit(node)
        name = node.func.id if isinstance(node.func, ast.Name) else ""
        if name in _INFIX and len(node.args) == 2:
            return ast.BinOp(node.args[0], _INFIX[name], node.args[1])
        if name in _RENAMED:
            node.func = ast.Name(_RENAMED[name])
        return node

    def visit_Constant(self, node: ast.Constant) -> ast.Constant:
        value = node.value
        return ast.Constant(int(value)) if isinstance(value, float) and value.is_integer() else node


def formula(expr: str) -> str:
    """An op-table formula as people read it: ``-ieee_div(out, y)`` → ``-(out / y)``,
    ``ieee_exp(x)`` → ``exp(x)``, ``1.0 - out * out`` → ``1 - out * out``."""
    return ast.unparse(_Readable().visit(ast.parse(expr, mode="eval")))


# Never written raw: C0 and C1 controls (ESC starts terminal escape sequences; Graphviz's HTML
# parser fails on them), line and paragraph separators, the bidirectional controls that reorder
# what the reader sees, and lone surrogates (not text: they cannot be encoded).
UNSHOWN = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")


def _code(m: re.Match[str]) -> str:
    code = ord(m[0])
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with each control character written as its escape (``\\x1b``, ``\\u202e``): a
    name shows what it holds, in a terminal or a picture, and is never obeyed."""
    return UNSHOWN.sub(_code, text)


# Inside $…$ Markdown still reads | (a table cell's end), < and > (raw HTML) and the backtick
# (code): written as LaTeX commands, with ]( (a link) and &… (an HTML entity) broken by {}.
_IN_MATH = {"|": r"\vert{}", "<": r"\lt{}", ">": r"\gt{}", "`": r"\grave{}"}


def math_md(tex: str) -> str:
    """LaTeX made safe inside Markdown's $…$: | < > ` as commands, and no ``](``."""
    return "".join(_IN_MATH.get(c, c) for c in tex).replace("](", "]{}(")


def markdown_name(label: str) -> str:
    """A label as LaTeX to write between ``$…$`` in Markdown, a table cell included: whatever
    the label holds is shown (control characters as escapes), never read as markup."""
    return math_md(latex_name(visible(label))).replace("\\&", "\\&{}")
