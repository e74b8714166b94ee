"""Where ``cache=True`` keeps compiled code (the cache itself, its key and its
files are in ``crates/oxjit_py/src/cache.rs``).

Entries go to ``__pycache__`` next to the source file, as Numba's do, or
under ``OXJIT_CACHE_DIR`` (``NUMBA_CACHE_DIR``) in a directory that mirrors
the source file's path; when ``__pycache__`` cannot be written, under the
user's cache directory (``$XDG_CACHE_HOME/oxjit`` or ``~/.cache/oxjit``),
mirrored the same way.
"""

from __future__ import annotations

import os
import types
import warnings
from typing import NamedTuple

from .errors import CacheWarning


class CacheStats(NamedTuple):
    """``dispatcher.stats``: the cache directory and this process's hits
    and misses (each new argument-type combination is one or the other)."""

    cache_path: str | None
    cache_hits: int
    cache_misses: int


def _mirror(root: str, directory: str) -> str:
    drive, rest = os.path.splitdrive(directory)
    return os.path.join(root, drive.replace(":", ""), rest.lstrip(os.sep))


def _writable(directory: str) -> bool:
    while not os.path.isdir(directory):
        parent = os.path.dirname(directory)
        if parent == directory:
            return False
        directory = parent
    return os.access(directory, os.W_OK | os.X_OK)


def place(func: types.FunctionType, what: str = "function", stacklevel: int = 3) -> tuple[str, str] | None:
    """``(directory, stem)`` for the entries of ``func``, or None (with a
    ``CacheWarning``) when its source is in no file."""
    filename = func.__code__.co_filename
    if not os.path.isfile(filename):
        warnings.warn(
            f"cannot cache {what} {func.__qualname__!r}: it is not defined in a file "
            f"({filename}); it compiles again in each process",
            CacheWarning,
            stacklevel=stacklevel,
        )
        return None
    path = os.path.abspath(filename)
    directory = os.path.dirname(path)
    stem = f"{os.path.splitext(os.path.basename(path))[0]}.{func.__qualname__}"
    override = os.environ.get("OXJIT_CACHE_DIR") or os.environ.get("NUMBA_CACHE_DIR")
    if override:
        return _mirror(os.path.abspath(override), directory), stem
    local = os.path.join(directory, "__pycache__")
    if _writable(local):
        return local, stem
    user = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return _mirror(os.path.join(user, "oxjit"), directory), stem
