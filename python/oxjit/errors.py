"""Exceptions and warnings raised by oxjit.

Unlike Numba's, oxjit's typing errors subclass ``TypeError``: passing values a
compiled function cannot handle is a type error in the ordinary Python sense.
"""


class OxjitError(Exception):
    """Base class of oxjit's own errors."""


class TypingError(OxjitError, TypeError):
    """The function cannot be compiled for the given argument types; the message
    carries rustc-style diagnostics pointing at the source."""


class UnsupportedError(TypingError):
    """The function uses Python features compiled code does not support."""


class InternalCompilerError(OxjitError, RuntimeError):
    """A bug in oxjit: please report it with the function's source."""


class OxjitWarning(UserWarning):
    """Base class of oxjit's warnings."""


class ObjectModeWarning(OxjitWarning):
    """``@jit`` could not compile a function and runs it as plain Python."""


class NumbaPerformanceWarning(OxjitWarning):
    """Code that runs slower than it reads: ``prange`` in a function without ``parallel=True``."""


class NumbaParallelSafetyWarning(OxjitWarning):
    """A ``prange`` loop whose iterations may depend on each other (a race)."""


class CacheWarning(OxjitWarning):
    """``cache=True`` was requested for code that cannot be cached (defined
    in no file): it compiles again in each process."""


# Numba's names, for code that catches them.
NumbaError = OxjitError
NumbaWarning = OxjitWarning
LoweringError = InternalCompilerError
