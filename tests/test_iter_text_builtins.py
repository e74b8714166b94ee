"""Builtins over iterables (`reversed`, `map`, `filter`, `min`/`max` of
containers and strings), sorting by strings and tuples holding them, tuple
keys holding strings, and text formatting (`%`, `str.format`, `repr`, `!r`,
`format` of strings, stepped string slices): differential against CPython,
with leak checks."""

# The `%` templates and `str.format` calls are what these tests exercise.
# ruff: noqa: UP030, UP031, UP032, F507, F524

import copy
import math

import pytest
from conftest import outcome
from hypothesis import given, settings
from hypothesis import strategies as st
from oxjit import njit
from oxjit.errors import TypingError


def check(fn, *args):
    # Each run gets its own copy of the arguments (some sort them in place).
    want = outcome(fn, *copy.deepcopy(args))
    got = outcome(njit(fn), *copy.deepcopy(args))
    assert got[0] == want[0], (got, want)
    if want[0] == "ok":
        assert type(got[1]) is type(want[1]) and got[1] == want[1], (got, want)
    else:
        assert got[1] is want[1] and got[2] == want[2], (got, want)


# ---------------------------------------------------------------------------
# reversed
# ---------------------------------------------------------------------------


def rev_range(a, b, c):
    return [i for i in reversed(range(a, b, c))]


@pytest.mark.parametrize("a,b,c", [(0, 10, 1), (0, 10, 3), (10, 0, -1), (10, 0, -4), (5, 5, 1),
                                   (3, 1, 1), (-7, 8, 5), (0, 1, 1)])
def test_reversed_range(a, b, c):
    check(rev_range, a, b, c)


def rev_loop(n):
    total = 0
    for i in reversed(range(n)):
        total = total * 3 + i
    return total


def test_reversed_range_in_a_loop():
    check(rev_loop, 12)
    check(rev_loop, 0)


def rev_containers(l, s, t):
    d = {}
    for x in l:
        d[x] = x * 2
    return (list(reversed(l)), [c for c in reversed(s)], list(reversed(t)), list(reversed(d)),
            sorted(reversed(l)))


def test_reversed_of_sequences():
    check(rev_containers, [3, 1, 2], "héllo", (1.5, 2.5))
    check(rev_containers, [5], "", (1.0,))


# ---------------------------------------------------------------------------
# map, filter
# ---------------------------------------------------------------------------


def double(x):
    return 2 * x


jdouble = njit(double)


def mapped(l, a):
    return (list(map(lambda v: v + 1, l)), [v for v in map(jdouble, l)],
            list(map(lambda x, y: x * y, l, a)), sum(map(abs, l)),
            list(map(str, l)))


def test_map():
    check(mapped, [1, -2, 3], [0.5, 1.5, 2.5, 9.0])
    check(mapped, [7], [1.0])


def filtered(l):
    return (list(filter(lambda v: v > 1, l)), [v for v in filter(None, l)],
            len(list(filter(lambda v: v % 2 == 0, l))))


def test_filter():
    check(filtered, [0, 1, 2, 3, 0, 4])
    check(filtered, [0])


# ---------------------------------------------------------------------------
# min / max of containers and strings
# ---------------------------------------------------------------------------


def extremes(l, s):
    d = {}
    st = set()
    for x in l:
        d[x] = 1
        st.add(x)
    return min(d), max(d), min(st), max(st), min(s), max(s), min(range(3, 9)), max(range(3, 9))


def test_min_max_of_containers():
    check(extremes, [3, -1, 7, 2], "hello")


def str_extremes(words):
    return min(words), max(words)


def test_min_max_of_strings():
    check(str_extremes, ["pear", "apple", "zoo", "Zed"])


def tuple_extremes(l):
    return min(l), max(l)


def test_min_max_of_tuples():
    check(tuple_extremes, [(2, "b"), (1, "z"), (2, "a")])


def empty_min(l, n):
    d = {}
    for x in l[:n]:
        d[x] = 1
    return min(d)


def test_min_of_empty_raises():
    check(empty_min, [1], 1)
    check(empty_min, [1], 0)


def first_of_equal_nan(l):
    return min(l), max(l)


def test_min_max_keep_python_scan_with_nan():
    check(first_of_equal_nan, [1.0, math.nan, 0.5])


# ---------------------------------------------------------------------------
# Sorting by strings and tuples holding strings
# ---------------------------------------------------------------------------


def sort_pairs(l):
    a = sorted(l)
    b = sorted(l, reverse=True)
    c = sorted(l, key=lambda p: p[1])
    d = sorted(l, key=lambda p: (p[1], -p[0]))
    l.sort(key=lambda p: p[0])
    return a, b, c, d, l


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(-3, 3), st.text(alphabet="abé", max_size=3)), min_size=1, max_size=8))
def test_sort_tuples_with_strings(l):
    check(sort_pairs, l)


def sort_words(words):
    return sorted(words, key=lambda w: w[::-1]), sorted(words, key=len), sorted(words, key=lambda w: (len(w), w))


def test_sort_by_string_and_tuple_keys():
    check(sort_words, ["banana", "kiwi", "apple", "fig", "date", ""])


# ---------------------------------------------------------------------------
# Tuple keys holding strings
# ---------------------------------------------------------------------------


def pair_counts(words, nums):
    d = {}
    for w, n in zip(words, nums):
        k = (w, n % 2)
        d[k] = d.get(k, 0) + 1
    s = set()
    for w in words:
        s.add((w[:1], len(w)))
    return d, s, ("a", 1) in d, len(s)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(alphabet="abé", max_size=3), min_size=1, max_size=10),
       st.lists(st.integers(-5, 5), min_size=1, max_size=10))
def test_tuple_keys_with_strings(words, nums):
    check(pair_counts, words, nums)


def keyed_by_arg(d, w):
    return d[(w, 1)], (w, 2) in d


def test_tuple_keyed_dict_argument():
    d = {("x", 1): 5.0, ("yé", 2): 6.0}
    check(keyed_by_arg, d, "x")


def nested_key(n):
    d = {}
    for i in range(n):
        d[((str(i % 3), i % 2), -0.0 if i % 2 else 0.0)] = i
    return d


def test_nested_tuple_keys_and_signed_zero():
    check(nested_key, 9)


def tuple_key_leaks(n):
    d = {}
    for i in range(n):
        d[(str(i % 5), i)] = str(i)
        del d[(str(i % 5), i)]
        d[("k" + str(i % 5), 0)] = "v"
    return len(d)


def test_tuple_keys_do_not_leak(no_leaks):
    check(tuple_key_leaks, 200)


# ---------------------------------------------------------------------------
# Text formatting
# ---------------------------------------------------------------------------


def percent(i, x, s):
    return ("%d items" % i, "%5.2f|%-8.3e|%+d" % (x, x, i), "%s and %r" % (s, s),
            "%05d|%x|%#o|%X" % (i, i, i, i), "%10s|%-6s|%.2s" % (s, s, s), "100%%", "%g" % x,
            "%i%%" % i, "%s" % x, "%d" % x)


@pytest.mark.parametrize("i,x,s", [(42, 3.14159, "hé"), (-7, -0.0, "a'b"), (0, 1e15, ""), (255, 2.5e-7, "x\ny")])
def test_percent_format(i, x, s):
    check(percent, i, x, s)


def percent_tuple(t):
    return "%d-%d" % t


def test_percent_format_of_a_tuple_name():
    check(percent_tuple, (3, 4))


def formatting(i, x, s):
    return ("{} {}".format(i, x), "{1}/{0}".format(i, s), "{:>6.2f}|{:<5d}|{:^7}".format(x, i, s),
            "{name}={val:.1f}".format(name=s, val=x), "{!r}".format(s), "{{}}{}".format(i))


@pytest.mark.parametrize("i,x,s", [(42, 3.14159, "hé"), (-7, -2.5, 'q"uote'), (0, 0.0, "")])
def test_str_format(i, x, s):
    check(formatting, i, x, s)


def reprs(s, i, x, b):
    return repr(s), repr(i), repr(x), repr(b), f"{s!r}", f"{s!r:>12}", f"{x!r}"


@pytest.mark.parametrize("s", ["plain", "it's", "both ' and \"", "tab\tnew\nline\\", "\x00\x7f\x9f\xa0é\u2028",
                               "", "\""])
def test_repr_of_strings(s):
    check(reprs, s, -3, 0.1, True)


def format_text(s):
    return format(s, ">6"), format(s, "*^7"), format(s, ".2"), format(s, ""), f"{s:<5}|", format(s, "s")


def test_format_of_strings():
    check(format_text, "ab")
    check(format_text, "héllo wörld")


def bad_text_spec(s):
    return format(s, "+5")


def test_format_of_string_with_a_bad_spec_raises():
    check(bad_text_spec, "ab")


def alt_forms(i):
    return format(i, "#x"), format(i, "#X"), format(i, "#o"), format(i, "#b"), format(i, "#010x")


def test_alternate_forms():
    check(alt_forms, 255)
    check(alt_forms, -5)


def step_slices(s):
    return s[::-1], s[::2], s[1::3], s[-2::-2], s[10:0:-3], s[::100], s[5:1:1]


@pytest.mark.parametrize("s", ["hello world", "héllo wörld ✓", "", "a"])
def test_string_slices_with_steps(s):
    check(step_slices, s)


def zero_step(s):
    return s[::0]


def test_string_slice_step_zero_raises():
    check(zero_step, "abc")


def printed(words):
    print(words, ("it's", "x\ny"))


def test_print_of_strings_in_containers_is_repr(capfd):
    words = ["a'b", 'say "hi"', "plain"]
    printed(words)
    want = capfd.readouterr().out
    njit(printed)(words)
    assert capfd.readouterr().out == want


# ---------------------------------------------------------------------------
# Diagnostics
# ---------------------------------------------------------------------------


def too_few(i):
    return "%d %d" % (i,)


def mapping_format(i):
    return "%(a)d" % i


def missing_field(i):
    return "{} {}".format(i)


def computed_map(l, fs):
    return list(map(fs[0], l))


@pytest.mark.parametrize("fn,args,needle", [
    (too_few, (1,), "a `%` format with 2 conversion(s) and 1 argument(s)"),
    (mapping_format, (1,), "a `%(name)` format"),
    (missing_field, (1,), "`str.format` with no argument 1"),
])
def test_format_diagnostics(fn, args, needle):
    with pytest.raises(TypingError) as info:
        njit(fn)(*args)
    assert needle in str(info.value)
