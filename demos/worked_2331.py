"""The third document's 2-3-3-1 network, worked number by number: the ``chainrule``
command's default example, with its diagrams.

    python demos/worked_2331.py [--out DIR]

Equivalent to ``chainrule walkthrough doc_2331 --out DIR --force`` (the demo's folder is its
own, so a second run replaces what the first wrote): the forward pass, the error, every
∂E/∂p with its chain-rule derivation, the update, and the document's printed numbers checked
(it misprints ∂E/∂w17 and ∂E/∂w18).
"""

import sys

from chainrule.cli import main

if __name__ == "__main__":
    args = sys.argv[1:] or ["--out", "demo_output/worked_2331"]
    sys.exit(main(["walkthrough", "doc_2331", *args, "--force"]))
