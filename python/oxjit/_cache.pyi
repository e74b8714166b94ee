import types
from typing import NamedTuple

class CacheStats(NamedTuple):
    cache_path: str | None
    cache_hits: int
    cache_misses: int

def place(func: types.FunctionType, what: str = "function", stacklevel: int = 3) -> tuple[str, str] | None: ...
