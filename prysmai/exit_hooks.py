"""Running code at interpreter exit before Python waits for the process's ordinary threads."""

from __future__ import annotations

import threading
from collections.abc import Callable


def call_before_exit_join(hook: Callable[[], object]) -> bool:
    """Have ``hook`` run at exit before Python joins the non-daemon threads.

    That is the hook ``concurrent.futures`` uses for its workers (``threading._register_atexit``,
    Python 3.9 and newer): ordinary ``atexit`` functions run only after that join, too late to
    tell a thread to finish. Returns False where it is missing or the exit has begun already.
    """
    register = getattr(threading, "_register_atexit", None)
    if register is None:
        return False
    try:
        register(hook)
    except RuntimeError:  # "can't register atexit after shutdown"
        return False
    return True
