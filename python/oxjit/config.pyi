# Read from the environment when oxjit is imported (config.py says which variables).
DISABLE_JIT: bool
BOUNDSCHECK: bool
OPT: int
NUMBA_DEFAULT_NUM_THREADS: int
NUMBA_NUM_THREADS: int
