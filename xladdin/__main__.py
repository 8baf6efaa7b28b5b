"""``python -m xladdin`` and the ``xladdin`` command.

Ctrl-C at any moment, even while the libraries are still loading, ends with one line and
status 130, never a traceback.
"""

import os
import signal
import sys

from xladdin.errors import on_ctrl_c


def run() -> int:
    signal.signal(signal.SIGINT, on_ctrl_c)
    try:
        from xladdin.cli import main

        status = main()
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the work is done: a late Ctrl-C changes nothing
    except KeyboardInterrupt:
        print("error: interrupted; nothing was changed", file=sys.stderr)
        status = 130
    if status == 130:  # end here: nothing later may turn the interrupt into a traceback
        sys.stderr.flush()
        os._exit(130)
    return status


if __name__ == "__main__":
    sys.exit(run())
