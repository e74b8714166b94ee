"""Strings (`unicode_type`) in compiled code, differential against CPython:
literals, arguments and results, `str(x)`, f-strings and `format`, operators,
indexing and slicing in code points, iteration, methods, lists of strings."""

import math

import pytest
from conftest import same_value
from oxjit import njit
from oxjit.errors import TypingError


def check(fn, *args):
    want = fn(*args)
    got = njit(fn)(*args)
    assert type(got) is type(want), (got, want)
    if isinstance(want, tuple):
        assert len(got) == len(want)
        for g, w in zip(got, want):
            assert type(g) is type(w) and (g == w or same_value(w, g)), (got, want)
    else:
        assert got == want, (got, want)


# ---------------------------------------------------------------------------
# str(x), format(x, spec), f-strings
# ---------------------------------------------------------------------------


def str_of(x):
    return str(x)


@pytest.mark.parametrize("x", [0, -7, 2**63 - 1, -(2**63), 0.1, -0.0, 1e16, 1.5e-7, 123456789.0,
                               math.inf, -math.inf, math.nan, True, False, 1 + 2j, -1.5j, "héllo"])
def test_str_of_numbers_is_cpythons_text(x):
    check(str_of, x)


def formats(x, i):
    return (format(x, ".3f"), format(x, "10.2e"), format(x, "<8.1f"), format(x, "^9.2f"),
            format(x, "+.4g"), format(x, ",.2f"), format(x, ".1%"), format(i, "05d"),
            format(i, ">6"), format(i, "x"), format(i, ","), format(x, ""), format(i, "+d"))


@pytest.mark.parametrize("x,i", [(3.14159, 42), (-1234567.891, -9876543), (0.0, 0), (1e-5, 7)])
def test_format_specs(x, i):
    check(formats, x, i)


def fstrings(name, n, x):
    return f"{name}: {n:>4d} | {x:.3f} | {x} | {n}{n} | {{literal}} | {x:10.2e}|"


def test_fstrings():
    check(fstrings, "run", 7, 2.5)
    check(fstrings, "ünïcode", -12, -0.001)


def bad_spec(x):
    return format(x, "q")


def test_bad_format_spec_raises_value_error():
    with pytest.raises(ValueError):
        njit(bad_spec)(1.5)


# ---------------------------------------------------------------------------
# Operators, indexing, slicing, iteration
# ---------------------------------------------------------------------------


def operators(a, b):
    return (a + b, a * 3, 2 * b, a == b, a != b, a < b, a <= b, a > b, b in a, a in a, len(a),
            a[0], a[-1], a[1:3], a[:-1], a[2:], a[5:1], bool(a), not b)


@pytest.mark.parametrize("a,b", [("hello", "ell"), ("abc", "abd"), ("héllo wörld", "wö"), ("xyz", "")])
def test_operators_and_indexing(a, b):
    check(operators, a, b)


def index_error(s, i):
    return s[i]


def test_index_out_of_range():
    with pytest.raises(IndexError, match="string index out of range"):
        njit(index_error)("abc", 3)


def chars(s):
    out = []
    for c in s:
        if c.isalpha():
            out.append(c.upper())
    return "".join(out), len(out)


def test_iteration_over_characters():
    check(chars, "a1b2é3")


# ---------------------------------------------------------------------------
# Methods
# ---------------------------------------------------------------------------


def methods(s):
    return (s.upper(), s.lower(), s.strip(), s.lstrip(), s.rstrip(), s.strip(" xo"),
            s.startswith("  H"), s.endswith("d  "), s.find("o"), s.find("o", 6), s.find("zz"),
            s.find("o", 2, 5), s.count("o"), s.replace("o", "0"), s.split(), s.split("o"),
            s.isdigit(), s.isalpha(), s.isspace(), s.isupper(), s.islower(), s.isalnum())


@pytest.mark.parametrize("s", ["  Hello World  ", "12345", "abc", "ABC", "   ", "héllo", "x"])
def test_methods(s):
    check(methods, s)


def join_split(words):
    line = "-".join(words)
    parts = line.split("-")
    return line, parts, ",".join([str(i) for i in range(4)])


def test_join_and_split():
    check(join_split, ["a", "bc", "", "d"])


# ---------------------------------------------------------------------------
# Strings in containers, arguments, results, printing
# ---------------------------------------------------------------------------


def labels(n):
    out = []
    for i in range(n):
        out.append("item" + str(i))
    out.append(f"{n} items")
    return out


def test_list_of_built_strings(no_leaks):
    for _ in range(3):
        check(labels, 4)


def keep_arg(words, extra):
    words.append(extra)
    words[0] = extra + "!"
    return len(words)


def test_strings_stored_into_a_reflected_list():
    words = ["a", "b"]
    assert njit(keep_arg)(words, "zé") == 3
    assert words == ["zé!", "b", "zé"]


def prints(s):
    print(s, [s, "x"], f"<{s}>")


def test_print_strings(capsys):
    njit(prints)("héllo")
    got = capsys.readouterr().out
    prints("héllo")
    assert got == capsys.readouterr().out == "héllo ['héllo', 'x'] <héllo>\n"


def no_method(s):
    return s.casefold()


def adds_number(s):
    return s + 1


@pytest.mark.parametrize("fn,word", [(no_method, "casefold"), (adds_number, "unicode_type")])
def test_diagnostics(fn, word):
    with pytest.raises(TypingError, match=word):
        njit(fn)("x")


def augmented(n):
    s = "a"
    for i in range(n):
        s += str(i)
    nested = [[1], [2]]
    nested[0] += [5]
    sets = [{1}, {2}]
    sets[1] |= {3}
    d = {1: "v"}
    d[1] += "w"
    words = ["a", "b"]
    words[0] += "!"
    return s, nested, sets, d, words


def test_augmented_assignment_of_strings_and_container_items():
    check(augmented, 3)


def word_counts(text):
    counts = {}
    for w in text.split():
        counts[w] = counts.get(w, 0) + 1
    seen = set()
    for w in text.split():
        seen.add(w.upper())
    del counts["the"]
    return counts, "fox" in counts, "cat" not in counts, sorted(seen), sorted(counts.keys(), reverse=True)


def test_strings_as_dict_keys_and_set_items(no_leaks):
    for _ in range(3):
        check(word_counts, "the quick brown fox jumps over the lazy dog the end é")


def store_and_read(d, key):
    d["new"] = 1.5
    d[key] += 1.0
    return d[key]


def test_string_keyed_dict_arguments_are_reflected():
    d = {"a": 1.0, "b": 2.0}
    assert njit(store_and_read)(d, "a") == 2.0
    assert d == {"a": 2.0, "b": 2.0, "new": 1.5}
    with pytest.raises(KeyError, match="'zz'"):
        njit(store_and_read)(d, "zz")


def list_of_words(words, w):
    return w in words, words.count(w), words.index(w) if w in words else -1, words == ["a", "b"]


def test_lists_of_strings_search_and_compare():
    check(list_of_words, ["x", "a", "a"], "a")
    check(list_of_words, ["a", "b"], "z")
