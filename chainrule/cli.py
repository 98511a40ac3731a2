"""chainrule: a network file in, a worked training step out.

    chainrule                              the default example (a 2-3-3-1 network, worked)
    chainrule walkthrough net.toml         your network (see chainrule/netfile.py for the format)
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
from pathlib import Path

from autograd.notation import number

from . import netfile, output
from .as_json import as_json
from .as_text import text
from .claims import check_claims
from .report import build_report
from .walkthrough import work


def _walkthrough(args: argparse.Namespace) -> int:
    spec = netfile.resolve(args.file)
    if args.steps is not None:
        spec.steps = args.steps
    if args.out and Path(args.out).exists() and not Path(args.out).is_dir():  # before any work
        raise netfile.NetFileError(args.out, "--out", "exists and is not a directory")
    w = work(spec)
    names = [p.label for p in w.params]
    if args.highlight is not None and args.highlight not in names:
        raise netfile.NetFileError(spec.path, "--highlight", f"no parameter named {args.highlight!r}; "
                                   f"the parameters are {', '.join(names)}")
    report = build_report(w)
    if args.format == "json":
        print(json.dumps(as_json(report), indent=1, ensure_ascii=False))
    else:
        color = sys.stdout.isatty() and not os.environ.get("NO_COLOR") and not args.no_color
        print(text(report, color=color))
    if args.out:
        files, problem = output.write(w, report, Path(args.out), args.highlight)
        if problem:
            print(f"chainrule: {problem}", file=sys.stderr)
        print(f"\nwrote {', '.join(map(str, files))}", file=sys.stderr)
    return 0


def _check(args: argparse.Namespace) -> int:
    spec = netfile.resolve(args.file)
    claims = netfile.load_claims(args.claims)
    results = check_claims(work(spec), claims)
    for r in results:
        if r.value is None:
            print(f"✗ {r.quantity}: {r.why}")
        elif r.right:
            print(f"✓ {r.quantity} = {r.claimed}: right (chainrule: {number(r.value, 8)})")
        else:
            print(f"✗ {r.quantity} = {r.claimed}: wrong; it is {number(r.value, 8)}")
            if r.why:
                print("  " + r.why.replace("\n", "\n  "))
    wrong = sum(not r.right for r in results)
    print(f"\n{len(results) - wrong} of {len(results)} right")
    return 1 if wrong else 0


def parser() -> argparse.ArgumentParser:
    """The command's arguments: ``walkthrough`` (the default) and ``check``."""
    top = argparse.ArgumentParser(prog="chainrule", description=__doc__.split("\n\n")[0],
                                  formatter_class=argparse.RawDescriptionHelpFormatter,
                                  epilog=__doc__.split("\n\n", 1)[1])
    sub = top.add_subparsers(dest="command", required=True)
    walk = sub.add_parser("walkthrough", help="work one training step of a network, every number shown")
    walk.add_argument("file", nargs="?",
                      help=f"a network file (TOML) or a built-in example's name; default: {netfile.DEFAULT}")
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
    return top


def main(argv: list[str] | None = None) -> int:
    """Run the command; the exit status (see the module doc)."""
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in ("walkthrough", "check", "-h", "--help"):
        argv = ["walkthrough", *argv]
    top = parser()
    args = top.parse_args(argv)
    if getattr(args, "steps", None) is not None and not 0 <= args.steps <= netfile.MAX_STEPS:
        top.error(f"--steps must be from 0 to {netfile.MAX_STEPS}, not {args.steps}")
    try:
        return int(args.run(args))
    except netfile.NetFileError as e:
        print(f"chainrule: {e}", file=sys.stderr)
        return 2
