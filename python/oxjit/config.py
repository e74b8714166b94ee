"""Settings read from the environment when oxjit is imported (Numba's
``numba.config``): each ``OXJIT_*`` variable, or Numba's ``NUMBA_*`` name for
it. Code may read these; changing them after import changes nothing but
``DISABLE_JIT`` for functions decorated afterwards.

``DISABLE_JIT`` (``OXJIT_DISABLE_JIT``/``NUMBA_DISABLE_JIT``): ``@jit``/``@njit``
return the Python function itself and ``@jitclass`` the plain class, so a
debugger (``pdb``) steps through the source; ``@vectorize``/``@guvectorize``
still compile, as in Numba.
"""

from __future__ import annotations

import os


def _flag(*names: str) -> bool:
    for n in names:
        v = os.environ.get(n)
        if v is not None and v.strip() != "":
            return v.strip() not in ("0", "false", "False", "no")
    return False


def _int(default: int, *names: str) -> int:
    for n in names:
        v = os.environ.get(n)
        if v is not None and v.strip() != "":
            try:
                return int(v)
            except ValueError:
                return default
    return default


DISABLE_JIT: bool = _flag("OXJIT_DISABLE_JIT", "NUMBA_DISABLE_JIT")
BOUNDSCHECK: bool = _flag("OXJIT_BOUNDSCHECK", "NUMBA_BOUNDSCHECK")
OPT: int = _int(3, "OXJIT_OPT", "NUMBA_OPT")
NUMBA_DEFAULT_NUM_THREADS: int = os.cpu_count() or 1
NUMBA_NUM_THREADS: int = _int(NUMBA_DEFAULT_NUM_THREADS, "OXJIT_NUM_THREADS", "NUMBA_NUM_THREADS")
