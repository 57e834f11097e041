"""Each oai_dc record of the corpus and the MODS LoC's ``simpleDC2MODS.xsl`` makes of it.

The stylesheet (``xslt/loc`` in the shared corpus, run by libxslt with access control denied,
its included vocabularies stand-ins: see ``stylesheets.LOC_STAND_INS``) writes each dc element
as MODS: dc:description as a note, dc:contributor as a name without a role, every identifier
as type "local", a dc:format that starts with a digit (a file's size in bytes) as an extent,
dc:type lower-cased as a genre, and a value packed "a; b" as it is.  The MODS record may then
say less than the oai_dc (our DC heuristics read hosts, series and files that MODS holds in
notes and titles), but in the fields both formats say alike, the records agree.  Before this
test, OJS's dc:type "info:eu-repo/semantics/publishedVersion" was the version in oai_dc and
the type's second label in MODS.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from bench.corpus import corpus_records, standalone

from tests.crosswalk.stylesheets import (
    LOC_STAND_INS,
    converted,
    not_in,
    record,
    stylesheet,
    values,
)

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.corpus

MERGED = {"publication_date": "dates"}
#: Fields both formats say alike, the same in each of the corpus's records.
ALIKE = ("title.value", "publisher", "languages", "version_type", "peer_reviewed", "dates",
         "coverage.spatial", "coverage.temporal", "resource_type.uri", "licenses",
         "rights_statements")  # fmt: skip
#: Fields the MODS may say less in (a dc:format that is a file's link stays a note).
WITHIN = ("formats", "additional_titles")


def test_the_corpus_oai_dc_records_and_their_mods_agree_where_both_say_alike(
    corpus: Path,
) -> None:
    simple_dc2mods = stylesheet(corpus / "xslt" / "loc" / "simpleDC2MODS.xsl", LOC_STAND_INS)
    compared = 0
    for path, element, _ in corpus_records("oai_dc"):
        dc = values(record(element, "oai_dc"), MERGED)
        mods = values(record(converted(simple_dc2mods, standalone(element)), "mods"), MERGED)
        assert {n: mods.get(n) for n in ALIKE} == {n: dc.get(n) for n in ALIKE}, path
        within = {n: mods[n] for n in WITHIN if n in mods}
        assert not_in(within, dc) == {}, path
        compared += 1
    assert compared > 300
