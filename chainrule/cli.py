"""chainrule: a network file in, a worked training step out.

    chainrule                              the default example (a 2-3-3-1 network, worked)
    chainrule walkthrough net.toml         your network (see chainrule/netfile.py for the format)
    chainrule walkthrough all_sigmoid_222  a built-in example: doc_000_relu_sigmoid,
                                           doc_001_neuron, doc_2331, doc_003_softmax, ...
    chainrule walkthrough net.toml --out report/      + report.md (LaTeX) and SVG/PNG diagrams
    chainrule walkthrough net.toml --format json      every number, machine-readable
    chainrule walkthrough --html net.html --steps 20  a page to click through, offline
    chainrule walkthrough --digits 9 --paths --matrices   more digits; every path; matrix form
    chainrule check net.toml --claims mine.toml       grade numbers you computed by hand
    chainrule check net.toml                          grade the file's own [claims]
    chainrule check net.toml --grads mine.json        where does my backprop go wrong?
    chainrule check net.toml --grads-module my_backprop.py   the same, running your gradients()

A claim names a number the walkthrough prints: x1, w16, net_n3, out_n3, δ_n3 (delta_n3, δ3),
E, ∂E/∂w16 (dE/dw16), new w16 (w16 after), E after; a wrong one gets its derivation, an
unknown name the closest names (the rules: chainrule/claims.py).

--out never overwrites a file: a folder that holds report.md, report.json, network.svg/png,
graph.svg/png or a .gv is refused (--force replaces them), and so is an existing --html FILE;
--dot-source keeps the diagrams' DOT sources (.gv), which are otherwise kept only when
Graphviz's dot is missing.

--grads/--grads-module compare ∂E/∂p (and δ, net, out, E when given) with chainrule's, every
disagreement listed, the first derived, its likely slip named (chainrule/user_grads.py).

Exit status: 0 done, 1 some claims are wrong, or some backprop numbers (check), 2 a bad file
or argument, or a file that cannot be read or written, 130 interrupted (Ctrl-C), 70 an internal error (a bug).
Every failure is one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import os
import sys
from pathlib import Path
from typing import Any, NoReturn

from autograd.notation import visible

from . import explorer, netfile, output, user_grads
from .as_json import json_text
from .as_text import shown_claims, text
from .claims import value_beside
from .report import Report, build_report
from .walkthrough import Walkthrough, work

COMMANDS = ("walkthrough", "check")
INTERNAL = 70  # EX_SOFTWARE: chainrule itself went wrong
INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl-C
FAILED = 2  # a bad file or argument, or a file that cannot be read or written


def _say(message: str) -> None:
    """One line on stderr, the message's own control characters (newlines too) made visible."""
    print(f"chainrule: {visible(message)}", file=sys.stderr)


def _walkthrough(args: argparse.Namespace) -> int:
    spec = netfile.resolve(args.file)
    if args.steps is not None:
        spec.steps = args.steps
    out = Path(args.out) if args.out else None
    if out is not None:
        output.check(out, args.force)  # before any work
    if args.html == "":
        raise output.OutputError("--html needs a file name, such as net.html")
    page_file = Path(args.html) if args.html is not None else None
    if page_file is not None:
        explorer.check(page_file, args.force)
    w = work(spec)
    names = [p.label for p in w.params]
    if args.highlight is not None and args.highlight not in names:
        raise netfile.NetFileError(spec.path, "--highlight", f"no parameter named {args.highlight!r}; "
                                   f"the parameters are {', '.join(names)}")
    report = build_report(w, digits=args.digits, paths=args.paths, matrices=args.matrices)
    if args.format == "json":
        print(json_text(report))
    else:
        color = sys.stdout.isatty() and not os.environ.get("NO_COLOR") and not args.no_color
        print(text(report, color=color))
    _write(w, report, args, out, page_file)
    return 0


def _write(w: Walkthrough, report: Report, args: argparse.Namespace, out: Path | None,
           page_file: Path | None) -> None:
    """--out's files, then --html's page (built before anything is written: a page that cannot
    be made leaves no half set of files)."""
    page = explorer.page(w, report, args.highlight) if page_file is not None else None
    if out is not None:
        written = output.write(w, report, out, args.highlight, force=args.force, dot_source=args.dot_source)
        for note in written.notes:
            _say(note)
        print(f"\nwrote {visible(', '.join(map(str, written.files)))}", file=sys.stderr)
    if page_file is not None and page is not None:
        print(f"wrote {visible(str(explorer.write(page, page_file, args.force)))}", file=sys.stderr)


def _check(args: argparse.Namespace) -> int:
    spec = netfile.resolve(args.file)
    conflict = _conflicting(args)
    if conflict:
        _say(conflict)
        return FAILED
    if args.grads is not None or args.grads_module is not None:
        return _check_backprop(spec, args)
    claims = netfile.load_claims(args.claims) if args.claims is not None else spec.claims
    if not claims:
        raise netfile.NetFileError(spec.path, "", "nothing to grade: the network file has no [claims] "
                                                  "and no --claims FILE was given")
    # Graded in the report, so that a wrong claim's derivation is the one the walkthrough shows.
    digits = args.digits
    results = shown_claims(build_report(work(spec), claims, digits=digits).claims or (), visible)
    for r in results:
        if r.value is None:
            print(f"✗ {r.quantity}: {r.why}")
        elif r.right:
            ours = value_beside(r.value, r.claimed, digits)
            print(f"✓ {r.quantity} = {r.claimed}: right (chainrule: {ours})")
        else:
            print(f"✗ {r.quantity} = {r.claimed}: wrong; it is {value_beside(r.value, r.claimed, digits)}")
            if r.why:
                print("  " + r.why.replace("\n", "\n  "))
    wrong = sum(not r.right for r in results)
    print(f"\n{len(results) - wrong} of {len(results)} right")
    return 1 if wrong else 0


def _conflicting(args: argparse.Namespace) -> str:
    """What is wrong with check's options together, or ""."""
    given = [o for o, v in (("--claims", args.claims), ("--grads", args.grads),
                            ("--grads-module", args.grads_module)) if v is not None]
    if len(given) > 1:
        return f"{' and '.join(given)} are one or the other: check one set of numbers at a time"
    if args.rtol is not None and args.grads is None and args.grads_module is None:
        return "--rtol is for --grads and --grads-module (claims are graded to the digits they give)"
    return ""


def _check_backprop(spec: netfile.NetSpec, args: argparse.Namespace) -> int:
    """--grads / --grads-module: a hand-written backprop's numbers (chainrule/user_grads.py)."""
    if args.grads is not None:
        source, given = args.grads, user_grads.load_file(args.grads)
    else:
        source, given = args.grads_module, user_grads.run_module(args.grads_module, spec)
    rtol = user_grads.RTOL if args.rtol is None else args.rtol
    return user_grads.report(user_grads.check(spec, given, source, rtol), visible)


def _rtol(text: str) -> float:
    """--rtol: a relative tolerance, a number from 0 (exclusive) to 1."""
    try:
        rtol = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number such as 1e-6, not {text!r}") from None
    if not 0 < rtol < 1:
        raise argparse.ArgumentTypeError(f"must be above 0 and below 1, not {text}")
    return rtol


class _Parser(argparse.ArgumentParser):
    """argparse, but an error is one line, as every other failure is (not argparse's usage and
    error), and an argument it quotes back is shown, never obeyed (it may hold a terminal
    escape sequence)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.options: list[str] = []  # its option strings, for "did you mean" (-h, --help too)
        super().__init__(*args, **kwargs)

    def add_argument(self, *names: Any, **kwargs: Any) -> argparse.Action:
        """argparse's, the option strings kept."""
        action = super().add_argument(*names, **kwargs)
        self.options += action.option_strings
        return action

    def error(self, message: str) -> NoReturn:
        self.exit(FAILED, f"{self.prog}: {visible(message)}\n")

    def unrecognized(self, extra: list[str]) -> NoReturn:
        """An argument it does not take, with the option it may stand for."""
        if not extra[0].startswith("-"):
            self.error(f"unrecognized argument {extra[0]!r}: it takes one network file")
        close = difflib.get_close_matches(extra[0], self.options, n=1)
        guess = f"did you mean {close[0]}?" if close else f"its options are {', '.join(self.options)}"
        self.error(f"unrecognized argument {extra[0]!r}; {guess}")


def _digits(text: str) -> int:
    """--digits: a whole number of significant digits, 1 to 17 (a float has no more)."""
    try:
        digits = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, 1 to 17, not {text!r}") from None
    if not 1 <= digits <= 17:
        raise argparse.ArgumentTypeError(f"digits must be 1 to 17 (a float has 17 at most), not {digits}")
    return digits


def parser() -> argparse.ArgumentParser:
    """The command's arguments: ``walkthrough`` (the default) and ``check``."""
    top = _Parser(prog="chainrule", description=__doc__.split("\n\n")[0],
                                  formatter_class=argparse.RawDescriptionHelpFormatter,
                                  epilog=__doc__.split("\n\n", 1)[1])
    sub = top.add_subparsers(dest="command", required=True)
    walk = sub.add_parser("walkthrough", help="work one training step of a network, every number shown")
    walk.add_argument("file", nargs="?",
                      help=f"a network file (TOML) or a built-in example's name; default: {netfile.DEFAULT}")
    walk.add_argument("--out", metavar="DIR", help="also write report.md, report.json and diagrams into DIR")
    walk.add_argument("--html", metavar="FILE",
                      help="also write FILE: an explorer page to open in a browser (offline, one file)")
    walk.add_argument("--format", choices=("text", "json"), default="text", help="what to print")
    walk.add_argument("--highlight", metavar="NAME",
                      help="the parameter whose paths the diagrams colour (and the --html page selects)")
    walk.add_argument("--steps", type=int, metavar="N", help="train N more steps and show the loss of each")
    walk.add_argument("--digits", type=_digits, default=4, metavar="N",
                      help="significant digits in every section (1 to 17; default 4)")
    walk.add_argument("--paths", action="store_true",
                      help="each gradient also along every path, with each factor's formula")
    walk.add_argument("--matrices", action="store_true",
                      help="each layer also in matrix form, ∂E/∂W = δxᵀ (report.md and JSON always have it)")
    walk.add_argument("--no-color", action="store_true", help="no colour even on a terminal")
    walk.add_argument("--force", action="store_true",
                      help="with --out or --html: replace the files of those names that already exist")
    walk.add_argument("--dot-source", action="store_true",
                      help="with --out: also keep the diagrams' Graphviz sources (network.gv, graph.gv)")
    walk.set_defaults(run=_walkthrough, parser=walk)
    check = sub.add_parser("check", help="grade hand-computed numbers (a claims file) against a network")
    check.add_argument("file", nargs="?", help="the network file (default: the built-in example)")
    check.add_argument("--claims", metavar="FILE",
                       help='a TOML file of quantity = "number", e.g. "∂E/∂w16" = "0.0025" '
                            "(default: the network file's own [claims])")
    check.add_argument("--digits", type=_digits, default=4, metavar="N",
                       help="significant digits in the derivations of wrong claims (default 4)")
    check.add_argument("--grads", metavar="FILE",
                       help='check a backprop\'s numbers: a JSON or TOML file of names to numbers, e.g. '
                            '"w16" = 0.0025 (∂E/∂w16), "δ_n9" = 0.1253, "out_n9" = 0.8035')
    check.add_argument("--grads-module", metavar="FILE[:FUNCTION]",
                       help="check a backprop you wrote: FILE defines gradients(weights, biases, inputs, "
                            "targets) returning such names and numbers (see chainrule/user_grads.py)")
    check.add_argument("--rtol", type=_rtol, default=None, metavar="X",
                       help="with --grads/--grads-module: the relative tolerance (default 1e-6; "
                            "1e-4 for float32 code)")
    check.set_defaults(run=_check, parser=check)
    return top


def main(argv: list[str] | None = None) -> int:
    """Run the command; the exit status (see the module doc)."""
    argv = sys.argv[1:] if argv is None else argv
    if sys.stdout is None:
        _say("standard output is closed: there is nowhere to write to")
        return FAILED
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:  # a terminal that cannot show ∂ gets \u2202, as stderr does
        reconfigure(errors="backslashreplace")
    try:
        status = _run(argv)
        sys.stdout.flush()  # a full disk shows here, not at exit
        return status
    except (netfile.NetFileError, output.OutputError) as e:
        _say(str(e))
    except KeyboardInterrupt:
        _say("interrupted")
        return INTERRUPTED
    except BrokenPipeError:  # the reader went away (chainrule | head): nothing to say to it
        _silence_stdout()
    except OSError as e:  # a file names itself; an error without a file is standard output's
        _say(f"{e.filename}: {e.strerror or e}" if e.filename else
             f"cannot write to standard output: {e.strerror or e}")
        _silence_stdout()
    except MemoryError:
        _say("out of memory")
    except Exception as e:  # the last resort: a bug, reported in one line, not a traceback
        _say(f"internal error (a bug, please report it): {type(e).__name__}: {e}")
        return INTERNAL
    return FAILED


def _run(argv: list[str]) -> int:
    top = parser()
    args, extra = top.parse_known_args(_with_command(top, argv))
    if extra:
        args.parser.unrecognized(extra)
    if getattr(args, "steps", None) is not None and not 0 <= args.steps <= netfile.MAX_STEPS:
        top.error(f"--steps must be from 0 to {netfile.MAX_STEPS}, not {args.steps}")
    return int(args.run(args))


def _with_command(top: argparse.ArgumentParser, argv: list[str]) -> list[str]:
    """The arguments with their command: ``walkthrough`` when they start with none (chainrule,
    chainrule net.toml, chainrule --steps 3). A first word that is close to a command and
    cannot be a network (no option, path, file or built-in example) is a misspelt command."""
    if argv and argv[0] in (*COMMANDS, "-h", "--help"):
        return argv
    word = argv[0] if argv else "-"
    close = difflib.get_close_matches(word, COMMANDS, n=1)
    if close and not _may_be_a_network(word):
        top.error(f"unknown command {word!r}; did you mean {close[0]}? (commands: {', '.join(COMMANDS)})")
    return ["walkthrough", *argv]


def _may_be_a_network(word: str) -> bool:
    """An option, or a word that names a file, a path (net.toml, nets/a) or a built-in example."""
    return (word.startswith("-") or any(c in word for c in "./" + os.sep) or word in netfile.examples()
            or os.path.lexists(word))


def _silence_stdout() -> None:
    """Point stdout at the null device, so that Python's own flush at exit cannot fail again."""
    with contextlib.suppress(OSError, ValueError, AttributeError):  # not a real file: nothing to do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
