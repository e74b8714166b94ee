"""Numba's ``numba.experimental`` namespace: ``jitclass``."""

from ._jitclass import jitclass

__all__ = ["jitclass"]
