"""Automatic first-pass classification of a failing Numba test run under oxjit.

Categories (the keys used in ``classified.json``):

``internals``  a test of Numba's own machinery: ``numba.types``/``typeof`` objects, dispatcher
               internals (``.signatures``, ``.overloads``, ``inspect_types``), object mode,
               Numba's compiler pipeline, or Numba's exact error texts.
``missing``    a feature oxjit does not have and refuses cleanly (a typing/unsupported
               diagnostic, an argument type it cannot take).
``wrong``      a wrong answer or crash: a different value/type/dtype/exception for behaviour
               oxjit supports, an internal compiler error, a segfault, a hang.
``unknown``    no rule matched: look at it by hand.

``wrong`` from these rules only means *candidate*: every one is checked by hand with a
standalone reproducer before it is recorded as confirmed in ``classified.json``.
"""

from __future__ import annotations

import re

INTERNALS = "internals"
MISSING = "missing"
WRONG = "wrong"
UNKNOWN = "unknown"

# Attributes of Numba's dispatcher/ufunc objects (or Numba internals) whose absence
# from oxjit's objects means the test inspects Numba's machinery.
_NUMBA_ATTRS = {
    "overloads",
    "signatures",
    "nopython_signatures",
    "inspect_types",
    "inspect_cfg",
    "inspect_llvm",
    "get_metadata",
    "targetoptions",
    "typeof_pyval",
    "get_call_template",
    "_cache",
    "_compiler",
    "stats",
    "_dispatcher",
    "ntypes",
    "types",
    "_get_dispatcher_for_current_target",
    "get_annotation_info",
    "locals",
    "typingctx",
    "targetctx",
    "_can_compile",
    "py_func",
    "disable_compile",
    "recompile",
    "_reduce_states",
    "lower",
    "library",
    "fndesc",
    "type_annotation",
    "typing_context",
    "target_context",
    "get_overload",
    "get_compile_result",
    "_explain_ambiguous",
    "ufunc",
    "_install_type",
    "add",
    "build_ufunc",
}


# oxjit's "global `x` is a <class> object" for Numba's type objects and helpers.
_NUMBA_OBJECT = re.compile(
    r"is a (Integer|Float|Complex|Boolean|NPDatetime|NPTimedelta|Array|NoneType|UniTuple|Tuple|"
    r"\w+Type|\w+Literal|Dispatcher|CPUDispatcher) object|module 'numba|callable '(length_of_iterator|"
    r"literally|literal_unroll|typeof|register_jitable|overload\w*)'"
)


_NUMBA_TYPE_CLASSES = {
    "Integer",
    "Float",
    "Complex",
    "Boolean",
    "UnicodeType",
    "Dummy",
    "NPDatetime",
    "NPTimedelta",
    "Array",
    "UniTuple",
    "Tuple",
    "NoneType",
    "Opaque",
    "Literal",
    "IntegerLiteral",
    "StringLiteral",
    "DictType",
    "ListType",
}


def _first(rec: dict) -> tuple[str, str]:
    chain = rec.get("chain") or [{}]
    return chain[0].get("type", ""), chain[0].get("message", "")


def _any_type(rec: dict, needle: str) -> bool:
    return any(needle in c.get("type", "") for c in rec.get("chain") or [])


def classify(rec: dict) -> tuple[str, str]:
    """(category, one-line reason) for one failed test record from the plugin."""
    outcome = rec.get("outcome")
    if outcome == "crash":
        return WRONG, f"crash: {rec.get('detail', 'process died')}"
    if outcome == "hang":
        return WRONG, f"hang: {rec.get('detail', 'no progress')}"
    etype, msg = _first(rec)
    first_line = msg.strip().splitlines()[0][:160] if msg.strip() else ""
    frames = " ".join(rec.get("frames") or [])

    if etype.endswith("NumbaInternalsOnly"):
        return INTERNALS, f"Numba-only compile mode: {first_line}"
    if etype.endswith("UnmappableType"):
        cat = MISSING if "[missing feature]" in msg else INTERNALS
        return cat, first_line
    if _any_type(rec, "InternalCompilerError") and "oxjit" in etype:
        return WRONG, f"oxjit internal compiler error: {first_line}"
    if etype.startswith("oxjit.") and _NUMBA_OBJECT.search(msg):
        return INTERNALS, "uses a Numba object (numba.types / numba internals) inside compiled code"
    if etype.startswith("oxjit.") and "cannot read the source of" in msg:
        return MISSING, "function built by exec()/compile() without a source file: oxjit needs the source"
    if etype.startswith("oxjit.errors") or etype.startswith("oxjit."):
        # A clean oxjit diagnostic: quote its first error line.
        m = re.search(r"error\[([\w-]+)\]: ([^\n]*)", msg)
        why = f"{m.group(1)}: {m.group(2)}" if m else first_line
        return MISSING, f"oxjit refuses: {why[:200]}"
    if etype == "builtins.TypeError" and "No matching definition for argument type" in msg:
        return MISSING, "no conversion of call arguments to the declared signature: " + first_line[:120]
    if etype == "builtins.TypeError" and re.search(
        r"cannot (pass|take|unbox|convert)|unsupported argument", msg
    ):
        return MISSING, f"argument type not supported: {first_line}"
    m = re.search(r"argument \d+ has type (\w+)", msg)
    if etype == "builtins.TypeError" and m and "which compiled code does not support" in msg:
        if m.group(1) in _NUMBA_TYPE_CLASSES:
            return INTERNALS, f"passes a numba.types object into compiled code: {first_line[:120]}"
        return MISSING, f"argument type not supported: {first_line[:160]}"
    if etype == "builtins.KeyError" and re.match(r"\(.*(int|float|complex|bool|Array|Tuple)", msg):
        return INTERNALS, "looks up Numba's dispatcher/ufunc overload tables by numba type"
    if rec.get("module") == "test_random" and etype == "builtins.AssertionError" and "when comparing" in msg:
        return (
            INTERNALS,
            "compares with a NumPy RandomState synced to Numba's internal RNG state (_helperlib)",
        )
    if etype == "builtins.AssertionError" and "Failed in nopython mode pipeline (oxjit)" in msg:
        if re.search(r"is not supported|unsupported-|not supported in compiled code", msg):
            return MISSING, "expects Numba's error text; oxjit refuses the feature altogether"
        return INTERNALS, "both refuse the code at compile time; the test checks Numba's exact error text"
    if etype == "builtins.AttributeError":
        m = re.search(r"has no attribute '(\w+)'", msg)
        if m and (m.group(1) in _NUMBA_ATTRS or "numba" in msg or "Jitted" in msg or "Dispatcher" in msg):
            return INTERNALS, f"Numba dispatcher/ufunc internals: {first_line}"
    if etype.startswith("numba."):
        return INTERNALS, f"Numba machinery raised: {etype.rsplit('.', 1)[-1]}: {first_line[:120]}"
    if etype == "builtins.AssertionError":
        if re.search(r"TypingError not raised|UnsupportedError not raised|LoweringError not raised", msg):
            return INTERNALS, "expects Numba to reject the code; oxjit compiles it"
        if (
            re.search(
                r"not found in|does not match|Regex didn't match|!= '.*(Invalid use|No implementation|"
                r"Cannot|cannot|unsupported|Unknown attribute)",
                msg,
            )
            or "assertIn" in frames
        ):
            if (
                "TypingError" in msg
                or "Invalid use" in msg
                or "No implementation" in msg
                or "assertIn" in frames
            ):
                return INTERNALS, "Numba's exact error text"
        if " not raised" in msg:
            return WRONG, f"expected exception not raised: {first_line}"
        if "different strides" in msg or "c_contiguous" in frames:
            return MISSING, "result memory layout differs from NumPy's (values equal): no order='K' layouts"
        return WRONG, f"value mismatch: {first_line}"
    if etype.startswith("builtins."):
        return WRONG, f"unexpected exception {etype[9:]}: {first_line}"
    return UNKNOWN, f"{etype}: {first_line}"
