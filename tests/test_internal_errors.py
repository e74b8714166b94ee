"""Internal compiler errors: a failure (or panic) in any compile stage raises
``InternalCompilerError`` naming the function and the stage, and leaves the
dispatcher or ufunc usable. ``OXJIT_INJECT_PANIC=<stage>`` makes a stage panic."""

import numpy as np
import oxjit
import pytest
from oxjit import guvectorize, njit, vectorize
from oxjit.errors import InternalCompilerError, TypingError

STAGES = [("unit", "reading the unit"), ("typing", "typing"), ("lowering", "lowering"), ("llvm", "LLVM")]


@pytest.mark.parametrize("env,stage", STAGES)
def test_panic_in_a_stage_names_function_and_stage(monkeypatch, env, stage):
    @njit
    def add_one(x):
        return x + 1

    monkeypatch.setenv("OXJIT_INJECT_PANIC", env)
    with pytest.raises(InternalCompilerError) as info:
        add_one(1)
    err = info.value
    assert err.stage == stage
    assert err.function == "add_one"
    assert f"`add_one` ({stage} stage)" in str(err)
    assert "injected panic" in str(err)
    assert not isinstance(err, TypingError)
    # The dispatcher is still usable once the fault is gone.
    monkeypatch.delenv("OXJIT_INJECT_PANIC")
    assert add_one(1) == 2
    assert add_one.signatures == [(oxjit.int64,)]


@pytest.mark.parametrize("env,stage", STAGES)
def test_panic_in_eager_signature_compile(monkeypatch, env, stage):
    def half(x):
        return x / 2

    monkeypatch.setenv("OXJIT_INJECT_PANIC", env)
    with pytest.raises(InternalCompilerError, match=f"`half` \\({stage} stage\\)"):
        njit("float64(float64)")(half)


@pytest.mark.parametrize("env,stage", STAGES)
def test_panic_in_a_lazy_vectorize_loop(monkeypatch, env, stage):
    @vectorize
    def twice(x):
        return 2 * x

    monkeypatch.setenv("OXJIT_INJECT_PANIC", env)
    with pytest.raises(InternalCompilerError) as info:
        twice(np.arange(3.0))
    assert info.value.stage == stage
    monkeypatch.delenv("OXJIT_INJECT_PANIC")
    np.testing.assert_array_equal(twice(np.arange(3.0)), [0.0, 2.0, 4.0])


@pytest.mark.parametrize("env,stage", STAGES)
def test_panic_in_a_gufunc_loop(monkeypatch, env, stage):
    def total(x, out):
        s = 0.0
        for v in x:
            s += v
        out[0] = s

    monkeypatch.setenv("OXJIT_INJECT_PANIC", env)
    with pytest.raises(InternalCompilerError) as info:
        guvectorize(["void(float64[:], float64[:])"], "(n)->()")(total)
    assert info.value.stage == stage
    monkeypatch.delenv("OXJIT_INJECT_PANIC")
    g = guvectorize(["void(float64[:], float64[:])"], "(n)->()")(total)
    np.testing.assert_array_equal(g(np.ones((2, 3))), [3.0, 3.0])


def test_user_errors_are_still_typing_errors(monkeypatch):
    monkeypatch.setenv("OXJIT_INJECT_PANIC", "nothing-matches")

    @njit
    def bad(x):
        return x + (1, 2)

    with pytest.raises(TypingError, match="unsupported operand types"):
        bad(1.0)
