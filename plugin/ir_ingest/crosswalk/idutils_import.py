"""idutils, imported without compiling the RFC 3987 patterns it needs only for SWHIDs.

idutils 1.x compiles about forty patterns at import (``idutils.utils._create_rfc3987_reg_exps``),
every piece of the RFC 3987 IRI grammar, some of them tens of kilobytes long.  Only its
Software Heritage test (``is_swh``, for a SWHID's ``origin`` and ``path`` qualifiers) uses
them, and a record almost never has one; yet compiling them is about 0.3 s of CPU, which each
process that crosswalks pays: a single-record ``import``, and the crosswalk process a harvest
starts (``ir_ingest.worker``), whose warm-up the harvest waits out.

:func:`import_idutils` imports idutils with those patterns compiled on first use instead.
Every other pattern, idutils' own and any other module's, is compiled as usual: only calls
made from that one function are deferred.  Should idutils rename it, nothing is deferred and
the import is merely slower.
"""

from __future__ import annotations

import importlib
import re
import sys
import threading
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from types import ModuleType

#: Where idutils builds its RFC 3987 patterns: the function, and the comprehension inside it
#: (its own frame before Python 3.12's inlined comprehensions, PEP 709).
_DEFERRED_IN = ("idutils.utils", frozenset({"_create_rfc3987_reg_exps", "<dictcomp>"}))

_IMPORTING = threading.Lock()


class DeferredPattern:
    """A pattern compiled when it is first used; then it behaves as the compiled one.

    idutils uses its patterns only through their methods (``match``, ``fullmatch``), which
    ``__getattr__`` hands over from the compiled pattern.
    """

    __slots__ = ("_compiled", "_flags", "_source")

    def __init__(self, source: str, flags: int) -> None:
        self._source = source
        self._flags = flags
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:
        # Two threads may both compile it once; either result is the same pattern.
        if self._compiled is None:
            self._compiled = re.compile(self._source, self._flags)
        return getattr(self._compiled, name)


@cache
def import_idutils() -> ModuleType:
    """idutils, imported once per process, its RFC 3987 patterns deferred (module docstring)."""
    compile_now = re.compile

    # Its parameters are re.compile's, names too: another thread may call it meanwhile.
    def compile_or_defer(pattern: Any, flags: int = 0) -> Any:
        caller = sys._getframe(1)
        module, functions = _DEFERRED_IN
        if caller.f_globals.get("__name__") == module and caller.f_code.co_name in functions:
            return DeferredPattern(pattern, flags)
        return compile_now(pattern, flags)

    with _IMPORTING:
        if "idutils" not in sys.modules:  # if someone imported it before, nothing is deferred
            # re.compile is swapped for the import only; a thread compiling meanwhile gets
            # compile_now through it.
            re.compile = compile_or_defer
            try:
                importlib.import_module("idutils")
            finally:
                re.compile = compile_now
        return sys.modules["idutils"]
