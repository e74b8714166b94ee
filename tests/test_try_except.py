"""`try`/`except`/`else`/`finally` in compiled code, against CPython: which clause catches
what (by class and base class), errors raised by builtins and by called jitted functions,
`else` and `finally` on every way out (`return`, `break`, `continue`, an exception), bare
`raise` in a handler, nothing leaked when a statement is interrupted, and the diagnostics."""

import numpy as np
import pytest
from conftest import assert_same, live_allocations
from oxjit import njit, prange
from oxjit.errors import TypingError


@njit
def classify(x):
    try:
        if x == 0:
            raise ValueError("zero", x)
        if x == 1:
            raise KeyError(x)
        if x == 2:
            raise IndexError("two")
        if x == 3:
            return 10 // (x - 3)
        if x == 4:
            raise OverflowError("four")
        if x == 5:
            raise TypeError("five")
        if x == 6:
            raise RuntimeError("six")
        if x == 7:
            raise NotImplementedError("seven")
        if x == 8:
            raise AssertionError("eight")
        return x
    except ValueError:
        return -1
    except (KeyError, ZeroDivisionError):
        return -2
    except LookupError:
        return -3
    except ArithmeticError:
        return -4
    except RuntimeError:
        return -5


@pytest.mark.parametrize("x", range(10))
def test_clauses_match_by_class_and_base(x):
    assert_same(classify, x)  # TypeError and AssertionError pass through


@njit
def catch_all(x, how):
    r = 0
    if how == 0:
        try:
            r = 100 // x
        except:  # noqa: E722 - the bare form is what is tested
            r = -1
    elif how == 1:
        try:
            r = 100 // x
        except Exception:
            r = -2
    else:
        try:
            r = 100 // x
        except BaseException:
            r = -3
    return r


@pytest.mark.parametrize("x", [0, 3])
@pytest.mark.parametrize("how", [0, 1, 2])
def test_catch_all_forms(x, how):
    assert_same(catch_all, x, how)


@njit
def from_builtins(which, k):
    d = {1: 10, 2: 20}
    lst = [1.0, 2.0, 3.0]
    try:
        if which == 0:
            return d[k]
        if which == 1:
            return int(lst[k])
        if which == 2:
            return int(np.linalg.inv(np.zeros((2, 2)))[0, 0])
        if which == 3:
            return int(float(k) % 0.0 + 1) if k > 100 else k // (k - k)
        return 0
    except KeyError:
        return -1
    except IndexError:
        return -2
    except np.linalg.LinAlgError:
        return -3
    except ZeroDivisionError:
        return -4


@pytest.mark.parametrize("which,k", [(0, 1), (0, 5), (1, 2), (1, 9), (2, 0), (3, 4)])
def test_errors_raised_by_builtins(which, k):
    assert from_builtins(which, k) == {
        (0, 1): 10, (0, 5): -1, (1, 2): 3, (1, 9): -2, (2, 0): -3, (3, 4): -4}[(which, k)]


@njit
def inner_raises(x):
    if x < 0:
        raise ValueError("negative", x)
    return np.sqrt(x)


@njit
def calls_inner(x):
    try:
        return inner_raises(x)
    except ValueError:
        return -1.0


def test_exception_from_called_function():
    assert_same(calls_inner, 4.0)
    assert_same(calls_inner, -4.0)


@njit
def else_finally(x, log):
    try:
        log.append(1)
        if x < 0:
            raise ValueError("neg")
        log.append(2)
    except ValueError:
        log.append(3)
    else:
        log.append(4)
    finally:
        log.append(5)
    log.append(6)
    return len(log)


@pytest.mark.parametrize("x", [1, -1])
def test_else_and_finally(x):
    a, b = [0], [0]
    assert else_finally(x, a) == else_finally.py_func(x, b)
    assert a == b


@njit
def finally_exits(x, log):
    for i in range(4):
        try:
            if i == x:
                break
            if i == 1:
                continue
            if i == 2 and x == 10:
                return i * 100
            log.append(i)
        finally:
            log.append(-i)
    return -1


@pytest.mark.parametrize("x", [0, 1, 2, 3, 10, 99])
def test_finally_on_break_continue_return(x):
    a, b = [0], [0]
    assert finally_exits(x, a) == finally_exits.py_func(x, b)
    assert a == b


@njit
def finally_overrides(x):
    try:
        if x > 0:
            return 1
        raise ValueError("x")
    finally:
        if x > 5:
            return 2  # noqa: B012 - Python's rule is what is tested


@pytest.mark.parametrize("x", [1, 9, -1, 7])
def test_finally_return_overrides_and_reraises(x):
    assert_same(finally_overrides, x)


@njit
def reraise(x):
    try:
        try:
            raise ValueError("inner", x)
        except ValueError:
            if x > 0:
                raise
            raise KeyError(x)
    except KeyError:
        return -1
    return 0


def test_bare_raise_in_handler():
    assert_same(reraise, 3)
    assert_same(reraise, -3)


@njit
def nested_reraise(x):
    try:
        raise ValueError("outer", x)
    except ValueError:
        try:
            try:
                raise KeyError(x)
            except KeyError:
                raise IndexError("middle")
        except IndexError:
            pass
        raise  # the outer handler's ValueError


def test_bare_raise_after_nested_handlers():
    assert_same(nested_reraise, 5)


@njit
def loop_continue(xs):
    total = 0
    for x in xs:
        try:
            if x < 0:
                raise ValueError("skip")
        except ValueError:
            continue
        total += x
    return total


def test_try_in_loop_with_continue():
    assert_same(loop_continue, [1, -2, 3, -4, 5])


@njit
def handler_raises(x):
    try:
        raise ValueError("first", x)
    except ValueError:
        raise KeyError("second")


def test_exception_in_handler_replaces():
    assert_same(handler_raises, 1)


@njit
def leaky(n, k):
    caught = 0
    for i in range(n):
        try:
            a = np.ones(100)
            lst = [np.zeros(3) for _ in range(4)]
            d = {i: a * 2.0}
            for b in lst:
                if i % k == 0:
                    raise ValueError("x")
                b += a[:3] + d[i][:3]
        except ValueError:
            caught += 1
        finally:
            caught += 0
    return caught


def test_interrupted_statements_leak_nothing():
    leaky(10, 3)
    before = live_allocations()
    assert leaky(300, 3) == 100
    assert leaky(300, 1) == 300
    assert live_allocations() == before


@njit
def returns_array_through_finally(n, fail):
    out = np.zeros(n)
    try:
        return out + 1.0
    finally:
        if fail:
            raise ValueError("in finally")


def test_return_value_released_when_finally_raises():
    returns_array_through_finally(3, False)
    before = live_allocations()
    for _ in range(50):
        assert returns_array_through_finally(3, False).sum() == 3.0
        with pytest.raises(ValueError, match="in finally"):
            returns_array_through_finally(3, True)
    assert live_allocations() == before


@njit(parallel=True)
def par_try(a):
    out = np.zeros(a.size)
    for i in prange(a.size):
        try:
            if a[i] < 0:
                raise ValueError("neg")
            out[i] = np.sqrt(a[i])
        except ValueError:
            out[i] = -1.0
    return out


@njit(parallel=True)
def try_around_prange(a):
    s = 0.0
    try:
        for i in prange(a.size):
            if a[i] < 0:
                raise ValueError("neg")
            s += a[i]
    except ValueError:
        s = -1.0
    return s


def test_try_with_prange():
    a = np.array([4.0, -1.0, 9.0] * 1000)
    np.testing.assert_array_equal(par_try(a), par_try.py_func(a))
    assert try_around_prange(np.abs(a)) == np.abs(a).sum()
    assert try_around_prange(a) == -1.0


@njit
def unused_binding(x):
    try:
        return 1 // x
    except ZeroDivisionError as e:  # noqa: F841 - allowed when the handler does not read it
        return -1


def test_as_name_unused_is_allowed():
    assert_same(unused_binding, 0)


def test_reading_the_exception_object_is_diagnosed():
    @njit
    def f(x):
        try:
            return 1 // x
        except ZeroDivisionError as e:
            print(e)
            return -1

    with pytest.raises(TypingError, match=r"the exception object \(`as e`\) is not available"):
        f(0)


class AppError(Exception):
    pass


class BadInput(AppError, ValueError):
    def __init__(self, msg, value=-1):
        super().__init__(msg, value)
        self.value = value


class Quit(BaseException):
    pass


@njit
def raise_user(x):
    if x == 0:
        raise AppError("app", x)
    if x == 1:
        raise BadInput("bad", x)
    if x == 2:
        raise BadInput("bad")
    if x == 3:
        raise Quit()
    if x == 4:
        raise AppError
    return x


@pytest.mark.parametrize("x", range(6))
def test_user_defined_exceptions_reach_python(x):
    if x == 3:
        with pytest.raises(Quit):  # a BaseException: not one `outcome` compares
            raise_user(x)
        return
    assert_same(raise_user, x)
    if x in (1, 2):
        with pytest.raises(BadInput) as ei:
            raise_user(x)
        assert ei.value.value == (x if x == 1 else -1)  # its own __init__ ran


@njit
def catch_user(x):
    try:
        return raise_user(x)
    except BadInput:
        return -1
    except AppError:
        return -2
    except Exception:
        return -3


@njit
def catch_user_by_base(x):
    try:
        raise_user(x)
    except ValueError:  # BadInput derives from ValueError too
        return -1
    except (KeyError, AppError):
        return -2
    except:  # noqa: E722 - Quit is a BaseException
        return -4
    return 0


@pytest.mark.parametrize("x", range(6))
def test_user_defined_exceptions_are_caught_by_class_and_base(x):
    if x == 3:
        with pytest.raises(Quit):
            catch_user(x)  # a BaseException passes `except Exception`
    else:
        assert_same(catch_user, x)
    assert_same(catch_user_by_base, x)


def test_bad_except_classes_are_diagnosed():
    @njit
    def g(x, cls):
        try:
            return 1 // x
        except cls:
            return -1

    with pytest.raises(TypingError, match="`except` needs an exception class"):
        g(0, 3)

    @njit
    def h(x):
        try:
            return 1 // x
        except np.float64:
            return -1

    with pytest.raises(TypingError, match="`except` needs an exception class"):
        h(0)


@njit
def never_raised(x):
    try:
        return 10 // x
    except (OSError, KeyboardInterrupt):
        return -1


def test_builtin_class_never_raised_matches_nothing():
    assert_same(never_raised, 2)
    assert_same(never_raised, 0)


@njit(parallel=True)
def par_reduce_in_try(a):
    s = 0.0
    for i in prange(a.size):
        try:
            if a[i] < 0:
                raise ValueError("x")
            s += a[i]
        except ValueError:
            s += 100.0
    return s


def test_prange_reduction_inside_try():
    a = np.array([1.0, -1.0, 2.0] * 10000)
    assert par_reduce_in_try(a) == par_reduce_in_try.py_func(a) == 1030000.0


@njit
def while_break_in_handler(n):
    k = 0
    while True:
        try:
            k += 1
            if k > n:
                raise IndexError("done")
        except IndexError:
            break
        finally:
            k += 10
    return k


def test_break_from_handler_runs_finally():
    assert_same(while_break_in_handler, 3)
    assert_same(while_break_in_handler, 0)


@njit
def finally_continue(n):
    for i in range(n):
        try:
            return np.zeros(10)
        finally:
            if i < n - 1:
                continue  # noqa: B012 - discards the return, as Python does
    return np.ones(1)


def test_return_overridden_by_continue_in_finally_leaks_nothing():
    finally_continue(3)
    before = live_allocations()
    for _ in range(20):
        assert finally_continue(5).shape == (10,)
    assert live_allocations() == before


@njit
def helper_reraises():
    raise  # noqa: PLE0704 - re-raises what the caller's handler is handling


@njit
def handler_calls_reraiser(x):
    try:
        raise KeyError(x)
    except KeyError:
        helper_reraises()
    return 0


def test_bare_raise_in_a_function_called_from_a_handler():
    assert_same(handler_calls_reraiser, 7)


@njit
def finally_continue_tuple(n):
    for i in range(n):
        try:
            return np.zeros(3), i  # a tuple: its array is a statement temporary
        finally:
            if i < n - 1:
                continue  # noqa: B012
    return np.ones(3), -1


def test_tuple_return_overridden_by_continue_leaks_nothing():
    finally_continue_tuple(3)
    before = live_allocations()
    for _ in range(20):
        assert finally_continue_tuple(5)[1] == 4
    assert live_allocations() == before
