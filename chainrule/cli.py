"""chainrule: a network file in, a worked training step out.

    chainrule                              the default example (a 2-3-3-1 network, worked)
    chainrule walkthrough net.toml         your network (see nn/netfile.py for the format)
    chainrule walkthrough all_sigmoid_222  a built-in example: doc_000_relu_sigmoid,
                                           doc_001_neuron, doc_2331, doc_003_softmax, ...
    chainrule walkthrough net.toml --out report/      + report.md (LaTeX) and SVG/PNG diagrams
    chainrule walkthrough net.toml --format json      every number, machine-readable
    chainrule check net.toml --claims mine.toml       grade numbers you computed by hand

Exit status: 0 done, 1 some claims are wrong (check), 2 a bad file or argument.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from importlib import resources
from pathlib import Path

from autograd import RenderError, draw, render

from . import netfile, walkthrough
from .view import draw_network

DEFAULT = "doc_2331"


def examples() -> list[str]:
    """The names of the built-in example networks (nn/examples/*.toml)."""
    return sorted(f.name[:-5] for f in resources.files("nn").joinpath("examples").iterdir()
                  if f.name.endswith(".toml"))


def _spec(path: str | None) -> netfile.NetSpec:
    """A network file, or a built-in example by name (default: the 2-3-3-1 network)."""
    name = DEFAULT if path is None else path.removesuffix(".toml")
    if path is None or (not Path(path).exists() and name in examples()):
        text = resources.files("nn").joinpath("examples").joinpath(name + ".toml").read_text(encoding="utf-8")
        return netfile.parse(text, f"<built-in example {name}>")
    if not Path(path).exists():
        raise netfile.NetFileError(path, "", f"no such file (built-in examples: {', '.join(examples())})")
    return netfile.load(path)


def _diagrams(w: walkthrough.Walkthrough, out: Path, highlight_name: str | None) -> list[str]:
    """Render the network view and the expression graph into ``out``; their file names.

    The highlighted parameter's chain-rule paths are drawn in red: by default the first
    weight of the first layer, whose gradient has the most paths.
    """
    spec = w.spec
    by_name = {p.label: p for p in w.params}  # the name was checked before any work
    highlight = by_name[highlight_name] if highlight_name else w.model.layers[0].neurons[0].w[0]
    names = spec.input_names or [f"x{i + 1}" for i in range(len(spec.inputs))]
    pictures = {
        "network": draw_network(w.model, highlight=highlight, output=w.E, input_names=names),
        "graph": draw(w.E, highlight=highlight, rankdir="TB", max_nodes=2000),
    }
    files = []
    for name, graph in pictures.items():
        for fmt in ("svg", "png"):
            files.append(render(graph, out / name, fmt).name)
    return files


def _walkthrough(args: argparse.Namespace) -> int:
    spec = _spec(args.file)
    if args.steps is not None:
        spec.steps = args.steps
    if args.out and Path(args.out).exists() and not Path(args.out).is_dir():  # before any work
        raise netfile.NetFileError(args.out, "--out", "exists and is not a directory")
    w = walkthrough.work(spec)
    names = [p.label for p in w.params]
    if args.highlight is not None and args.highlight not in names:
        raise netfile.NetFileError(spec.path, "--highlight", f"no parameter named {args.highlight!r}; "
                                   f"the parameters are {', '.join(names)}")
    if args.format == "json":
        print(json.dumps(walkthrough.as_json(w), indent=1, ensure_ascii=False))
    else:
        color = sys.stdout.isatty() and not os.environ.get("NO_COLOR") and not args.no_color
        print(walkthrough.text(w, color=color))
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        try:
            images = [f for f in _diagrams(w, out, args.highlight) if f.endswith(".svg")]
        except RenderError as e:
            print(f"chainrule: {e}", file=sys.stderr)
            images = []
        (out / "report.md").write_text(walkthrough.markdown(w, images), encoding="utf-8")
        (out / "report.json").write_text(json.dumps(walkthrough.as_json(w), indent=1, ensure_ascii=False),
                                         encoding="utf-8")
        print(f"\nwrote {out / 'report.md'}, {out / 'report.json'}"
              + "".join(f", {out / f}" for f in images), file=sys.stderr)
    return 0


def _check(args: argparse.Namespace) -> int:
    spec = _spec(args.file)
    claims = netfile.load_claims(args.claims)
    w = walkthrough.work(spec)
    results = walkthrough.check_claims(w, claims)
    for r in results:
        if r.right:
            print(f"✓ {r.quantity} = {r.claimed}: right (chainrule: {r.value:.8g})")
        elif r.value is None:
            print(f"✗ {r.quantity}: {r.why}")
        else:
            print(f"✗ {r.quantity} = {r.claimed}: wrong; it is {r.value:.8g}")
            if r.why:
                print("  " + r.why.replace("\n", "\n  "))
    wrong = sum(not r.right for r in results)
    print(f"\n{len(results) - wrong} of {len(results)} right")
    return 1 if wrong else 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in ("walkthrough", "check", "-h", "--help"):
        argv = ["walkthrough", *argv]
    parser = argparse.ArgumentParser(prog="chainrule", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n\n", 1)[1])
    sub = parser.add_subparsers(dest="command", required=True)
    walk = sub.add_parser("walkthrough", help="work one training step of a network, every number shown")
    walk.add_argument("file", nargs="?",
                      help="a network file (TOML) or a built-in example's name; default: doc_2331")
    walk.add_argument("--out", metavar="DIR", help="also write report.md, report.json and diagrams into DIR")
    walk.add_argument("--format", choices=("text", "json"), default="text", help="what to print")
    walk.add_argument("--highlight", metavar="NAME", help="the parameter whose paths the diagrams colour")
    walk.add_argument("--steps", type=int, metavar="N", help="train N more steps and show the loss of each")
    walk.add_argument("--no-color", action="store_true", help="no colour even on a terminal")
    walk.set_defaults(run=_walkthrough)
    check = sub.add_parser("check", help="grade hand-computed numbers (a claims file) against a network")
    check.add_argument("file", nargs="?", help="the network file (default: the built-in example)")
    check.add_argument("--claims", required=True, metavar="FILE",
                       help='a TOML file of quantity = "number", e.g. "∂E/∂w16" = "0.0025"')
    check.set_defaults(run=_check)
    args = parser.parse_args(argv)
    if getattr(args, "steps", None) is not None and not 0 <= args.steps <= 10_000:
        parser.error(f"--steps must be from 0 to 10000, not {args.steps}")
    try:
        return int(args.run(args))
    except netfile.NetFileError as e:
        print(f"chainrule: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
