"""Worker processes that end when the run that started them is gone.

A forked worker blocks on a pipe whose other end it inherited itself, so when the main
process is killed (window closed, Task Manager, SIGKILL) the worker would wait for ever.
Each worker therefore checks on its parent twice a second and leaves when it has gone.
"""

from __future__ import annotations

import os
import threading
import time


def watch_parent() -> None:
    """Pool initializer: end this process as soon as its parent has gone."""
    parent = os.getppid()

    def watch():
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()
