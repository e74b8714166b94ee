"""Named tuples (`collections.namedtuple`, `typing.NamedTuple`) in compiled code, compared with
the same functions run by CPython: arguments, returns (the same class comes back), construction
inside compiled code with keywords and defaults, field access, indexing, unpacking, iteration,
`len`, `==`, `_replace`; diagnostics; no leaks."""

import pickle
from collections import namedtuple
from typing import NamedTuple

import numpy as np
import pytest
from oxjit import njit
from oxjit.errors import TypingError

Settings = namedtuple("Settings", ["steps", "burn_in", "discount"])
Pt = namedtuple("Pt", "x y", defaults=[0.5])
Other = namedtuple("Other", "x y")  # same fields as Pt, another class


class Model(NamedTuple):
    beta: float
    grid: np.ndarray
    n: int = 3


def fields(s):
    return s.steps + s.burn_in, s.discount * 2, s[0], s[-1], len(s), s


def make(a, b):
    p = Pt(a)
    q = Pt(y=b, x=a)
    return p, q, p.y + q.x, Pt(1, 2) == (1, 2)


def model_sum(m):
    total = 0.0
    for v in m.grid:
        total += v * m.beta
    beta, grid, n = m
    return total, n, Model(beta * 2, grid, n + 1)


def iterate(s):
    t = 0.0
    for v in s:
        t += v
    return t, s[:2], s[1:]


def replace(p):
    return p._replace(y=2.5), p._replace(x=p.y, y=p.x)


def compare(a, b):
    return a == b, a != b, a == (a.x, a.y)


def nested(p):
    return (p, p.x), Pt(p, 1)


def truth(p):
    return 1 if p else 0


def write_field_array(m):
    m.grid[0] = 99.0
    return m.grid.sum()


def same(want, got):
    if isinstance(want, np.generic):  # compiled code returns Python scalars (as Numba)
        want = want.item()
    assert type(want) is type(got), (want, got)
    if isinstance(want, tuple):
        assert len(want) == len(got)
        for w, g in zip(want, got):
            same(w, g)
    elif isinstance(want, np.ndarray):
        np.testing.assert_array_equal(want, got, strict=True)
    else:
        assert want == got


CASES = [
    (fields, lambda: (Settings(10, 3, 0.9),)),
    (make, lambda: (1.5, 2.5)),
    (model_sum, lambda: (Model(0.5, np.arange(4.0)),)),
    (iterate, lambda: (Settings(10, 3, 0.9),)),
    (replace, lambda: (Pt(1, 2),)),
    (compare, lambda: (Pt(1, 2), Pt(1, 2))),
    (compare, lambda: (Pt(1, 2), Pt(1, 3))),
    (nested, lambda: (Pt(1.0, np.ones(2)),)),
    (truth, lambda: (Pt(0, 0),)),
    (write_field_array, lambda: (Model(1.0, np.zeros(3)),)),
]


@pytest.mark.parametrize("fn,args", CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_same_as_cpython(fn, args):
    want_args, got_args = args(), args()
    same(fn(*want_args), njit(fn)(*got_args))
    same(want_args, got_args)  # fields that are arrays were written alike


def test_returned_instance_is_of_the_class_and_pickles():
    p, q, _, _ = njit(make)(1.5, 2.5)
    assert type(p) is Pt and p == Pt(1.5, 0.5) and q.y == 2.5
    assert pickle.loads(pickle.dumps(q)) == q


def test_array_field_is_the_same_buffer():
    grid = np.arange(3.0)
    _, _, m = njit(model_sum)(Model(1.0, grid))
    assert type(m) is Model
    m.grid[1] = -1.0
    assert grid[1] == -1.0


def test_classes_with_the_same_fields_are_different_types():
    f = njit(compare)
    f(Pt(1, 2), Pt(1, 2))
    f(Other(1, 2), Other(1, 2))
    assert len(f.signatures) == 2
    assert all("Pt(" in str(s) or "Other(" in str(s) for s in f.signatures)


def bad_field(p):
    return p.z


def missing_arg():
    return Pt()


def too_many():
    return Pt(1, 2, 3)


def bad_keyword():
    return Pt(1, w=2)


def bad_method(p):
    return p.count(1)


@pytest.mark.parametrize(
    "fn,args,msg",
    [
        (bad_field, (Pt(1, 2),), "named tuple `Pt` has no field `z`"),
        (missing_arg, (), "Pt() missing 1 required positional argument: 'x'"),
        (too_many, (), "Pt() takes 2 positional arguments but 3 were given"),
        (bad_keyword, (), "Pt() got an unexpected keyword argument 'w'"),
        (bad_method, (Pt(1, 2),), "has no method `count`"),
    ],
    ids=["field", "missing", "too-many", "keyword", "method"],
)
def test_diagnostics_point_at_the_line(fn, args, msg):
    with pytest.raises(TypingError) as ei:
        njit(fn)(*args)
    text = str(ei.value)
    assert msg in text
    assert "test_namedtuple.py" in text


def test_no_leak_of_array_fields():
    from oxjit import _native

    f = njit(model_sum)
    f(Model(1.0, np.ones(5)))
    before = _native.allocation_stats()
    for _ in range(200):
        f(Model(1.0, np.ones(5)))
    after = _native.allocation_stats()
    assert after == before


PARAMS = Settings(7, 2, 0.5)


def read_global(x):
    return PARAMS.steps * x + PARAMS.burn_in, PARAMS, PARAMS[2]


def test_global_instance_is_frozen_like_a_tuple():
    same(read_global(3), njit(read_global)(3))
    assert type(njit(read_global)(3)[1]) is Settings


NT3 = namedtuple("NT3", "p q r", defaults=[0.25])


def keyword_order(x):
    return NT3(r=int(x), q=2, p=1 // x)


def replace_order(x):
    n = NT3(1, 2)
    return n._replace(r=int(x), p=1 // x)


@pytest.mark.parametrize("fn", [keyword_order, replace_order])
@pytest.mark.parametrize("x", [float("nan"), 0.0, 2.0])
def test_keyword_arguments_are_evaluated_in_source_order(fn, x):
    # NaN: int() raises ValueError before 1 // x would; 0.0: ZeroDivisionError from 1 // x.
    try:
        want = fn(x)
    except Exception as e:  # noqa: BLE001 - the exception class is compared
        with pytest.raises(type(e)):
            njit(fn)(x)
        return
    same(want, njit(fn)(x))
