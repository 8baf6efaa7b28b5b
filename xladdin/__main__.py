"""``python -m xladdin`` and the ``xladdin`` command.

Ctrl-C at any moment, even while the libraries are still loading, ends with one line and
status 130, never a traceback.
"""

import sys


def run() -> int:
    try:
        from xladdin.cli import main

        return main()
    except KeyboardInterrupt:
        print("error: interrupted; nothing was changed", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(run())
