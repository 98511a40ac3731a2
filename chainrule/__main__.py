"""``python -m chainrule`` is the ``chainrule`` command."""

import sys

try:
    from .cli import main
except KeyboardInterrupt:  # Ctrl-C while Python is still importing: no traceback either
    print("chainrule: interrupted", file=sys.stderr)
    sys.exit(130)

sys.exit(main())
