"""The house rules, checked: which package imports which, short and simple functions, one
table of modules in the README that matches the files, sources cited inside the repository."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("autograd", "nn", "chainrule")
# Each package may import only the ones before it: autograd ← nn ← chainrule.
MAY_IMPORT = {"autograd": set(), "nn": {"autograd"}, "chainrule": {"autograd", "nn"}}
# The pytest plugin: a module of its own beside the packages, importing none at load time.
PLUGIN = ROOT / "chainrule_pytest.py"
GENERATED = ROOT / "autograd" / "generated"  # dispatch loops by design; checked by test_codegen.py
MAX_LINES, MAX_COMPLEXITY = 50, 15


def sources(*packages: str) -> list[Path]:
    return sorted(p for pkg in packages for p in (ROOT / pkg).rglob("*.py"))


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names & set(PACKAGES)


@pytest.mark.parametrize("package", PACKAGES)
def test_each_package_imports_only_those_below_it(package):
    for path in sources(package):
        assert imported_packages(path) - {package} <= MAY_IMPORT[package], path


def functions(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]


@pytest.mark.parametrize("path", [p for p in [*sources(*PACKAGES), PLUGIN] if GENERATED not in p.parents],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_functions_are_short_and_simple(path):
    """No function over 50 lines or of cyclomatic complexity over 15 (radon's measure)."""
    try:
        from radon.complexity import cc_visit
    except ImportError:  # the test extra installs radon: without it this check has not run
        pytest.fail("radon is not installed: pip install -e '.[test]'")
    long = [(f.name, f.end_lineno - f.lineno + 1) for f in functions(path)
            if f.end_lineno - f.lineno + 1 > MAX_LINES]
    assert long == [], f"over {MAX_LINES} lines"
    complex_ = [(b.name, b.complexity) for b in cc_visit(path.read_text(encoding="utf-8"))
                if b.complexity > MAX_COMPLEXITY]
    assert complex_ == [], f"cyclomatic complexity over {MAX_COMPLEXITY}"


def readme_table() -> dict[str, str]:
    """The "How it is built" table: {file: its job}."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## How it is built", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([^`]+)` \| (.+?) \|$", section, re.M)
    return dict(rows)


def test_the_readme_table_lists_every_module_and_only_those():
    listed = set(readme_table())
    modules = {str(p.relative_to(ROOT)) for p in sources(*PACKAGES)
               if p.name != "__init__.py" and GENERATED not in p.parents}
    modules |= {"autograd/generated/", PLUGIN.name}
    assert listed == modules


def test_sources_are_cited_inside_the_repository():
    """Comments, docstrings and docs name a document by its title, listed in docs/sources.md,
    never by a path outside the repository that a reader of the project does not have."""
    files = [*sources(*PACKAGES, "tests", "demos", "benchmarks"), *(ROOT / "docs").glob("*.md"),
             *(ROOT / "chainrule" / "examples").glob("*.toml"), ROOT / "README.md", ROOT / "CONTRIBUTING.md"]
    texts = {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8") for p in files}
    outside_path = "../" + "shared"  # spelt in two so that this file does not name it
    assert [name for name, text in texts.items() if outside_path in text] == []
    listed = texts["docs/sources.md"]
    cited = {title for text in texts.values()
             for title in re.findall(r'"([^"\n]+)"\s*(?:#\s*)?\(docs/sources\.md', text)}
    assert cited, "the tests and examples cite the documents"
    assert sorted(t for t in cited if t not in listed) == []
