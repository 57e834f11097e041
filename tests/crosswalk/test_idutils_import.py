"""idutils imported with its RFC 3987 patterns deferred (crosswalk/idutils_import.py).

Each test runs in a fresh interpreter: this one has imported idutils long ago.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap


def _run(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def test_only_the_rfc3987_patterns_are_deferred() -> None:
    out = _run(
        """
        import re
        from ir_ingest.crosswalk.idutils_import import DeferredPattern, import_idutils
        compile_before = re.compile
        idutils = import_idutils()
        kinds = {type(p).__name__ for p in idutils.utils.rfc3987_reg_exps.values()}
        # re.compile is idutils_import's only for the import: given back after it.
        print(sorted(kinds), type(idutils.utils.doi_regexp).__name__, re.compile is compile_before)
        print(type(re.compile("a")).__name__)
        """
    )
    assert out.splitlines() == ["['DeferredPattern'] Pattern True", "Pattern"]


def test_a_deferred_pattern_tests_as_the_compiled_one() -> None:
    # A SWHID's origin must be an IRI and its path an absolute path: the deferred patterns.
    swhid = "swh:1:cnt:94a9ed024d3859793618152ea559a168bbcbb5e2"
    out = _run(
        f"""
        from ir_ingest.crosswalk.idutils_import import import_idutils
        idutils = import_idutils()
        print(
            idutils.is_swh("{swhid};origin=https://example.org/repo.git;path=/src/a.py"),
            idutils.is_swh("{swhid};origin=not an iri"),
            idutils.is_swh("{swhid};path=relative/a.py"),
        )
        """
    )
    assert out == "True False False"


def test_idutils_imported_before_is_used_as_it_is() -> None:
    out = _run(
        """
        import idutils
        from ir_ingest.crosswalk.idutils_import import import_idutils
        print(import_idutils() is idutils, type(idutils.utils.rfc3987_reg_exps["iri"]).__name__)
        """
    )
    assert out == "True Pattern"


def test_re_compile_is_called_as_ever_while_idutils_imports() -> None:
    # Another thread may compile a pattern during the import, through the swapped re.compile,
    # naming its argument as re.compile does (hypothesis writes pattern=): it had been a
    # TypeError.  A finder asked for idutils.utils runs inside the import, where a thread could.
    out = _run(
        """
        import re
        import sys
        from ir_ingest.crosswalk.idutils_import import import_idutils

        class During:
            def find_spec(self, name, path=None, target=None):
                if name == "idutils.utils":
                    compiled = re.compile(pattern="a+", flags=re.IGNORECASE)
                    print(compiled.fullmatch("AA") is not None)
                return None

        sys.meta_path.insert(0, During())
        import_idutils()
        """
    )
    assert out == "True"
