"""jitclass instances held in lists and dicts: shared references (a field written
through one holder is seen through the others and from Python), no leaks."""

import numpy as np
import oxjit
from oxjit import njit
from oxjit.experimental import jitclass


class Particle:
    def __init__(self, x):
        self.x = x
        self.v = np.zeros(2)

    def push(self, dx):
        self.x += dx
        self.v += dx


JParticle = jitclass([("x", oxjit.float64), ("v", oxjit.float64[:])])(Particle)


def build(n):
    ps = [Particle(i * 1.0) for i in range(n)]
    by_id = {}
    for i in range(n):
        by_id[i] = ps[i]
    by_id[0].push(10.0)
    total = 0.0
    for p in ps:
        total += p.x + p.v.sum()
    ps.pop()
    return ps, total, len(by_id), by_id[n - 1].x


@njit
def build_jit(n):
    # `build` with the jitclass (the same code).
    ps = [JParticle(i * 1.0) for i in range(n)]
    by_id = {}
    for i in range(n):
        by_id[i] = ps[i]
    by_id[0].push(10.0)
    total = 0.0
    for p in ps:
        total += p.x + p.v.sum()
    ps.pop()
    return ps, total, len(by_id), by_id[n - 1].x


def test_instances_in_lists_and_dicts_are_shared(no_leaks):
    for _ in range(3):
        ps, total, n, last = build_jit(4)
        want_ps, want_total, want_n, want_last = build(4)
        assert (total, n, last) == (want_total, want_n, want_last)
        assert [p.x for p in ps] == [p.x for p in want_ps]
        assert isinstance(ps[0], JParticle) and ps[0].v.tolist() == [10.0, 10.0]
        del ps


@njit
def push_all(ps, dx):
    for p in ps:
        p.push(dx)
    return len(ps)


def test_a_list_of_instances_passed_in_shares_them():
    ps = [JParticle(1.0), JParticle(2.0)]
    assert push_all(ps, 0.5) == 2
    assert [p.x for p in ps] == [1.5, 2.5]


@jitclass([("items", oxjit.types.ListType(oxjit.types.int64)),
           ("index", oxjit.types.DictType(oxjit.types.unicode_type, oxjit.types.float64))])
class Registry:
    def __init__(self):
        self.items = oxjit.typed.List.empty_list(oxjit.types.int64)
        self.index = oxjit.typed.Dict.empty(oxjit.types.unicode_type, oxjit.types.float64)

    def add(self, name, x):
        self.items.append(x)
        self.index[name] = x * 1.5

    def total(self):
        return sum(self.items)


@njit
def registry_add(r, name, x):
    r.add(name, x)
    return len(r.items), len(r.index)


def test_list_and_dict_fields_are_shared_with_python():
    r = Registry()
    r.add("a", 3)
    items = r.items
    assert type(items) is oxjit.typed.List and items == [3]
    # Changed from Python through the field's view: compiled code sees it.
    items.append(10)
    r.index["z"] = 0.5
    assert r.total() == 13 and registry_add(r, "b", 4) == (3, 3)
    assert items == [3, 10, 4] and dict(r.index) == {"a": 4.5, "z": 0.5, "b": 6.0}
    # Assigned from Python: the typed list itself, shared.
    fresh = oxjit.typed.List([7, 8])
    r.items = fresh
    fresh.append(1)
    assert r.total() == 16
