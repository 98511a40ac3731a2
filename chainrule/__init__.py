"""The ``chainrule`` command: any small network file worked step by step, every number shown,
and a student's hand-computed numbers graded. Built on ``nn`` and ``autograd``; neither
imports it.

    netfile      the network files (TOML) and the built-in examples
    walkthrough  the worked step: forward, loss, backpropagation, the update
    claims       grading numbers someone wrote down
    report       the one report every output renders: as_text, as_markdown, as_json
    output       --out: report.md, report.json and the diagrams
    cli          the command's arguments
"""
