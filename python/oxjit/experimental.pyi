from ._jitclass import jitclass as jitclass

__all__ = ["jitclass"]
