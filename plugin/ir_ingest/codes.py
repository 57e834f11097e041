"""The catalogue of stable issue codes: what each means and what a repository manager does.

Plain data, one entry per code the package emits (on an :class:`~ir_ingest.entry.Issue`, or as
the ``code`` of an error in :mod:`ir_ingest.errors`), kept in pipeline order by stage.  Reports
explain the codes that occur in a run from here, and ``ir-ingest codes`` shows them all.  A test
walks the package's source and fails when a code is emitted but missing here, or listed here
but emitted nowhere.

Severity is not repeated: it is on each issue, and some codes have more than one (a
``crosswalk.bad_value`` is an error only where the crosswalk's rule says ``on_error: reject``).
Text between backticks is a command or option; the HTML report shows it as code.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ir_ingest.xmlsafe import DEFAULT_MAX_BYTES, DEFAULT_MAX_TAGS

if TYPE_CHECKING:
    from collections.abc import Iterable


@dataclass(frozen=True, slots=True)
class CodeHelp:
    """One code's ``meaning`` and ``action`` (what to do about it), a line each."""

    meaning: str
    action: str


#: Stage prefix -> what the stage does, in pipeline order (``ir-ingest codes`` groups by it).
STAGES: dict[str, str] = {
    "xml": "reading the XML",
    "oai": "the OAI-PMH response and the record's header",
    "crosswalk": "crosswalking the metadata into a record",
    "validate": "validating the record",
    "store": "storing: which copy of a record is kept",
    "harvest": "the harvest run itself, not one record",
    "reprocess": "a reprocess run itself, not one record",
}

_HARVEST_AGAIN = (
    "nothing urgent: the next incremental harvest asks again from the last completed run; "
    "if it happens every time, tell the endpoint's owner, and try `--window monthly` or "
    "`--window daily` (shorter lists)"
)

CODES: dict[str, CodeHelp] = {
    "xml.empty": CodeHelp(
        "the document is empty (no bytes, or white space only): a file given to import or "
        "crosswalk, or an endpoint's answer (fetched again; the run fails if it stays empty)",
        "check the file; for an endpoint, open its base URL with `?verb=Identify` in a browser, "
        "then harvest again (the run continues from its checkpoint)",
    ),
    "xml.malformed": CodeHelp(
        "the XML is not well-formed (a bare &, an HTML entity such as &nbsp; pasted from a "
        "CRIS, a tag cut off); in a harvest the page's other records are stored and this one "
        "is kept raw as a reject (failed)",
        "the message gives the line and column; ask the endpoint's owner to fix the record: "
        "the next harvest that receives it fixed stores it (`--full` if its datestamp stays "
        "the same); `ir-ingest reprocess` reads the same bytes and fails again",
    ),
    "xml.forbidden_dtd": CodeHelp(
        "the document has a DOCTYPE (a DTD, entity declarations), refused for safety; a page "
        "with one fails the run at once, a file is refused by import and crosswalk",
        "ask the endpoint's owner to send its responses without a DOCTYPE (OAI-PMH has none); "
        "for a file, remove the DOCTYPE and the entities it declares, then import it again",
    ),
    "xml.too_large": CodeHelp(
        f"the document is over {DEFAULT_MAX_BYTES // 2**20} MiB or over {DEFAULT_MAX_TAGS:,} "
        "tags, refused before parsing (its tree "
        "would take gigabytes); a page so large fails the run at once, a file is refused",
        "ask the endpoint's owner for smaller pages (a resumption token every few hundred "
        "records); one that sends a whole list in one answer may send less with "
        "`--window daily`; split a large file into several",
    ),
    "xml.illegal_characters": CodeHelp(
        "characters XML 1.0 does not allow (control characters, often pasted from a word "
        "processor) were removed so that the record could be read, a space put for those that "
        "separate words (line and page breaks, 0x1C-0x1F); references to the two UTF-16 halves "
        "of one character (an emoji as Java writes it) were joined into that character; the "
        "record is stored, and the message names the lines they were on",
        "nothing is lost but those characters; if the text around them looks wrong, ask the "
        "endpoint's owner to clean the record",
    ),
    "xml.wrong_encoding": CodeHelp(
        "the record's bytes were not in the encoding declared: bytes that are not UTF-8 in a "
        "UTF-8 document (text pasted in Windows-1252) were read as Windows-1252; a document "
        "declaring ISO-8859-1 or Windows-1252 but written in UTF-8 was read as UTF-8 (it would "
        "have read `café` as `cafÃ©`); or one read as declared had ISO-8859-1's control bytes "
        "0x80-0x9F (read as Windows-1252's quotes), bytes Windows-1252 leaves undefined (kept "
        "as control characters) or letters that look like UTF-8; the record is stored, and "
        "the message names the lines",
        "check the text on those lines; ask the endpoint's owner to fix the record's encoding "
        "or the XML declaration",
    ),
    "xml.unreadable": CodeHelp(
        "import or crosswalk could not read the file (missing, a folder, no permission, a "
        "gzip file whose compressed data is broken); the command stops",
        "check the path and the file's permissions; a cut gzip file (an archive page copied "
        "while written) cannot be read: copy it again",
    ),
    "xml.not_xml": CodeHelp(
        "the document is JSON or an HTML page, not XML: a file `ir-ingest export` wrote (import "
        "and crosswalk read OAI-PMH responses and metadata records), or an endpoint answering "
        "with a login, error or home page (fetched once more, then the run fails and keeps "
        "its checkpoint)",
        "give the record's XML (a saved GetRecord or ListRecords response, or the metadata); "
        "for an endpoint, open its base URL with `?verb=Identify` in a browser: it must "
        "answer with an <OAI-PMH> document; then harvest again",
    ),
    "oai.not_oai_pmh": CodeHelp(
        "the URL answered with XML that is no OAI-PMH response (a login or maintenance page, "
        "another API); the run fails",
        "check the base URL: it must answer `?verb=Identify` with an <OAI-PMH> document; "
        "then harvest again",
    ),
    "oai.no_identify": CodeHelp(
        "the URL answered Identify with an OAI-PMH response that holds no Identify element "
        "(a saved file or another verb's answer served in its place); a run that needs "
        "Identify (date windows, --from) fails, others go on without it",
        "check the base URL: it must answer `?verb=Identify` with the repository's description",
    ),
    "oai.error_response": CodeHelp(
        "the file given to import or crosswalk is a saved OAI-PMH error answer "
        "(<error code=…>) with no record in it; the command stops",
        "save a response that holds the record (GetRecord or ListRecords) and import that",
    ),
    "oai.no_metadata": CodeHelp(
        "a record not marked deleted has no <metadata> element, or a response given to import "
        "holds no record; a harvested one is kept raw as a reject (failed)",
        "ask the endpoint's owner why the record has no metadata in this format; another "
        "`--prefix` may have it; the next harvest that receives metadata stores it",
    ),
    "oai.no_identifier": CodeHelp(
        "the record's header has no <identifier>, so the record cannot be tracked; it is kept "
        "raw as a reject (failed), under a name made from its XML, and reprocess skips it; "
        "import refuses a document with a deletion that names none",
        "ask the endpoint's owner to fix the header; the next harvest that receives it with "
        "an identifier stores it",
    ),
    "oai.long_datestamp": CodeHelp(
        "the datestamp is over 64 characters (OAI-PMH's are 20 at most); the record is stored "
        "and keeps it whole, but the store's columns keep its first 64, so telling which copy "
        "is newer may go wrong",
        "ask the endpoint's owner to send datestamps as YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ",
    ),
    "oai.bad_datestamp": CodeHelp(
        "the record header's datestamp is no date (written as `01/02/2020`, say); the "
        "record is stored, but which of its copies is newer cannot be told by its datestamp, "
        "so a later copy is stored whatever it says",
        "ask the endpoint's owner to send datestamps as YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ",
    ),
    "crosswalk.unknown_format": CodeHelp(
        "no crosswalk reads the record: the one named (`--crosswalk`, the source's, or the one "
        "a stored record was made with) does not exist, or neither the prefix nor the root "
        "element names a known format; a harvested record is kept as a reject (failed)",
        "add the folder that holds the crosswalk to `crosswalk_dirs` in the config (a "
        "crosswalk is named by its `format:` key), or give `--crosswalk`; then "
        "`ir-ingest reprocess` stores the rejects",
    ),
    "crosswalk.wrong_root": CodeHelp(
        "the metadata's root element is not the one the chosen format reads (MODS sent under "
        "prefix oai_dc, say), or is part of OAI-PMH's envelope (an endpoint that puts a whole "
        "OAI-PMH response inside each record's <metadata>, or a file saved as part of a "
        "response); a harvested record is kept as a reject (failed)",
        "see what the endpoint sends (`ir-ingest crosswalk FILE` on a saved record detects the "
        "format) and harvest with the `--prefix` or `--crosswalk` that reads it; if your own "
        "crosswalk names the wrong `root:`, fix it and run `ir-ingest reprocess`; an endpoint "
        "that wraps responses in its records is for its owner to fix; a file, save it whole",
    ),
    "crosswalk.wrong_namespace": CodeHelp(
        "the root element has the format's name but another namespace (a dc element written "
        "in the OAI-PMH namespace, as one OJS export does); a harvested record is kept as a "
        "reject (failed)",
        "ask the endpoint's owner to use the format's namespace, or write a crosswalk of your "
        "own whose `root:` is in that namespace (`crosswalk_dirs`), then `ir-ingest reprocess`",
    ),
    "crosswalk.invalid_output": CodeHelp(
        "the crosswalk made a record the schema refuses (a value of the wrong type for its "
        "field): a fault of the crosswalk file, not of the source; the record is a reject",
        "if the crosswalk is yours, fix the rule for the field the message names "
        "(`ir-ingest crosswalk FILE --explain` shows where fields come from); if it is a "
        "shipped one, report it with the record's XML; then `ir-ingest reprocess`",
    ),
    "crosswalk.internal_error": CodeHelp(
        "the crosswalk failed on this record with an unexpected error, a bug in ir-ingest (the "
        "log has the traceback); the record is kept raw as a reject (failed)",
        "report it with the message and the record's XML; once a fixed version is installed, "
        "`ir-ingest reprocess` stores the record",
    ),
    "crosswalk.bad_pattern": CodeHelp(
        "a crosswalk path takes a regular expression from the record's data (EXSLT's "
        "`re:test(., @pattern)`) and this record's is one RE2 cannot run (a backreference, "
        "lookaround): the record is kept raw as a reject (failed); the run goes on",
        "ask the endpoint's owner to correct the pattern the message names (crosswalk "
        "patterns are run by RE2, without backreferences or lookaround); the harvest after "
        "the correction stores the record; a crosswalk of yours that should not read patterns "
        "from the data: change its path, then `ir-ingest reprocess`",
    ),
    "crosswalk.unmapped_type": CodeHelp(
        "no type the source gives maps to a COAR resource type, so the record's type is "
        "'other'; the source's own type labels are kept, in resource_type.source (MODS) or "
        "in extra under their path (dc:type)",
        "add a row for the source's label to a resource_types.csv of your own, with the "
        "shipped table's columns, in a `lookups/` folder beside your crosswalks "
        "(`crosswalk_dirs`): its rows are added to the shipped table's; then "
        "`ir-ingest reprocess`; or ask the endpoint's owner to use a standard type vocabulary",
    ),
    "crosswalk.bad_value": CodeHelp(
        "a source value could not be read for its field (a date that is no date, an ISBN whose "
        "check digit is wrong…); it is left out of the field and kept in the record's extra; "
        "an error (record invalid) only where the crosswalk's rule says `on_error: reject`",
        "ask the endpoint's owner to correct the value the message names; if it is written in "
        "a form that should be read, report it with the value",
    ),
    "crosswalk.format_limit": CodeHelp(
        "the metadata format has no place for this field for this kind of record (simple DC "
        "cannot say who edited a chapter's book, or whether it was peer reviewed): the gap is "
        "the format's, not the source's",
        "nothing; harvest a richer format when the endpoint offers one (MODS, qualified DC: "
        "`--prefix auto` takes the richest)",
    ),
    "crosswalk.inferred_host": CodeHelp(
        "the containing book or journal (the host) was read from a citation or identifier text "
        "(a dc:source such as 'Journal, 11(5), 613-616', or the record's own reference after "
        "its title, as EPrints writes it into dc:identifier), or the meeting of a conference "
        "paper or talk (conference.name) from one naming it; that text stays as written.  "
        "Or a host known by a title alone that names the record's own organisation (a DSpace "
        "community) was taken as the collection it is filed in, not its host: its title is in "
        "extra",
        "nothing; if the source writes its citations in an unusual way, check the host of a "
        "few such records (`ir-ingest export`)",
    ),
    "crosswalk.inferred_series": CodeHelp(
        "an ISSN given as a book's, a report's or a thesis's own identifier was taken as its "
        "series' ISSN (series.issn): a monograph has no ISSN of its own; or the series' title "
        "and number were read from DSpace's dc:relation ('Series;number'), which stays in extra",
        "nothing; if the source means another serial, check such records (`ir-ingest export`)",
    ),
    "crosswalk.inferred_type": CodeHelp(
        "the record's only type is 'other' (OpenAIRE's info:eu-repo/semantics/other, as "
        "Zenodo writes it), and the type was read from the set it is harvested in (Zenodo's "
        "software, openaire_data: the set_types lookup table); or a MODS record typed only "
        "'text' has an ISBN of its own and no host, and is a book",
        "nothing; a set of your own that names a kind goes into a set_types.csv of your "
        "crosswalk folder's lookups; a record with an ISBN that is no book needs a genre",
    ),
    "crosswalk.inferred_date": CodeHelp(
        "the source gives no publication date; another of its dates (when the work was "
        "created, copyrighted, accepted or submitted, or a date of no stated kind), or the "
        "year of an approximate one "
        "('ca. 1850', '[1891?]'), stands for it, as OpenAIRE advises",
        "nothing; if the record was published at another date, ask the endpoint's owner to add it",
    ),
    "crosswalk.date_qualifier": CodeHelp(
        "the source qualifies a date (MODS approximate, inferred, questionable); the date is "
        "kept as written, as EDTF level 0 cannot qualify it, and the qualifier is in extra",
        "nothing; a repository that needs the qualifier finds it in the record's extra",
    ),
    "validate.missing_title": CodeHelp(
        "the record has no title; it is stored, marked invalid "
        "(`ir-ingest export --valid-only` leaves it out)",
        "look for the title in the record's extra (`ir-ingest export`): if it is there, a "
        "crosswalk rule misses it (fix or add one, then `ir-ingest reprocess`); if not, ask "
        "the endpoint's owner to add it",
    ),
    "validate.short_title": CodeHelp(
        "the title is shorter than 3 characters, often a placeholder or a value cut off",
        "check the record at the source; nothing to do if the title is right",
    ),
    "validate.missing_creator": CodeHelp(
        "the record names no creator (no person or organisation with a name); it is stored, "
        "marked invalid (`ir-ingest export --valid-only` leaves it out)",
        "look for the creators in the record's extra (`ir-ingest export`): if they are there, "
        "a crosswalk rule misses them (fix or add one, then `ir-ingest reprocess`); if not, "
        "ask the endpoint's owner to add them",
    ),
    "validate.person_without_given_name": CodeHelp(
        "a creator, a contributor, or an editor or author of the containing book is a person "
        "with a name but no given name (the message gives the first such name): most often an "
        "organisation the crosswalk could not tell from a person, a user name (Zenodo's) or a "
        "placeholder such as 'Anonymous'; a name in Chinese, Japanese or Korean script, "
        "written whole, is not counted",
        "check the name at the source: a person's is best written 'Family, Given'; an "
        "organisation is recognised by a word such as University, Institute or Ltd in its "
        "name, or in MODS by name type='corporate'; a given name in the record's extra "
        "(`ir-ingest export`) is one a crosswalk rule misses; a person known by one name "
        "needs nothing",
    ),
    "validate.missing_date": CodeHelp(
        "the record has no publication date (or none the crosswalk could read: see "
        "`crosswalk.bad_value`)",
        "ask the endpoint's owner to add the date; a date in a form we should read: report it",
    ),
    "validate.missing_language": CodeHelp(
        "the record names no language; OpenAIRE's guidelines make it mandatory if applicable "
        "(a text has one)",
        "nothing required; ask the endpoint's owner to add it if your repository or OpenAIRE "
        "needs it",
    ),
    "validate.missing_abstract": CodeHelp(
        "the record has no abstract; OpenAIRE's guidelines make a description mandatory if "
        "applicable (when there is one), and readers and search engines rely on it",
        "nothing required; if the source shows one, look for it in the record's extra "
        "(`ir-ingest export`): a crosswalk rule misses it; else ask the endpoint's owner",
    ),
    "validate.missing_subject": CodeHelp(
        "the record has no subject, keyword or classification; OpenAIRE's guidelines make "
        "subjects mandatory if applicable",
        "nothing required; ask the endpoint's owner to add keywords if your repository or "
        "OpenAIRE needs them",
    ),
    "validate.missing_publisher": CodeHelp(
        "the record names no publisher (a chapter's is its book's, when the book names one); "
        "OpenAIRE's guidelines make it mandatory if applicable: a published output has one",
        "nothing required; for a published output ask the endpoint's owner to add it; a "
        "working paper or a dataset may have none",
    ),
    "validate.embargo_without_end": CodeHelp(
        "the record's access right is embargoed (COAR c_f1cf), but no embargo end date says "
        "when the files open; it is stored, marked invalid",
        "ask the endpoint's owner to add the end date (OpenAIRE: info:eu-repo/date/embargoEnd/"
        "YYYY-MM-DD in dc:date); if the source writes it elsewhere, a crosswalk rule misses it",
    ),
    "validate.host_without_title": CodeHelp(
        "the record says where it sits in a containing publication (volume, issue, pages) but "
        "not in which: the host has no title",
        "look for the journal or book title in the record's extra (`ir-ingest export`): if it "
        "is there, a crosswalk rule misses it",
    ),
    "validate.part_without_host": CodeHelp(
        "a chapter, article, review or conference paper or poster names no book, journal or "
        "proceedings it is part of",
        "nothing required; a repository that shows the citation needs it: ask the endpoint's "
        "owner, or look in the record's extra for a source (dc:source) not read",
    ),
    "validate.page_count_without_range": CodeHelp(
        "the record says how many pages it has, but not on which pages of the containing book "
        "or journal it is (first and last page), so a citation cannot give them; simple DC "
        "has no field for them, and Pure's oai_dc gives the count alone",
        "nothing required; a richer format may have them (MODS part/extent start and end: "
        "`--prefix auto` takes the richest the endpoint offers)",
    ),
    "validate.not_an_output": CodeHelp(
        "the record describes a person, not a research output: a Pure persons set was "
        "harvested (Pure names such records persons/ in their OAI identifier); it is stored "
        "as invalid",
        "harvest a set of outputs instead (Pure's publications:all, say: `ir-ingest harvest "
        "URL --set publications:all`); the persons' records stay in the store as invalid, and "
        "`ir-ingest export --valid-only` leaves them out",
    ),
    "store.older_than_stored": CodeHelp(
        "not stored (skipped): the store holds a later datestamp of this record, a newer "
        "version or a deletion (an old saved response imported after a harvest, say)",
        "nothing, usually; to have this copy kept, the endpoint must send it with a newer "
        "datestamp",
    ),
    "store.valid_copy_stored": CodeHelp(
        "not stored (skipped): this copy is invalid, and the store keeps a valid copy of the "
        "record in another format with the same datestamp",
        "fix the cause the message names (at the source, or in the crosswalk); then a "
        "`--full` harvest in this format stores it",
    ),
    "store.richer_format_stored": CodeHelp(
        "not stored (skipped): the store holds this record, with the same datestamp, in a "
        "richer format (a crosswalk of higher precedence: mods, then qdc, then oai_dc)",
        "nothing: of a repository harvested in two formats the richer copy is kept",
    ),
    "harvest.repeated_token": CodeHelp(
        "the endpoint sent a resumption token it had sent before; the window ended there "
        "instead of looping, and the run is incomplete",
        _HARVEST_AGAIN,
    ),
    "harvest.repeated_page": CodeHelp(
        "the endpoint sent a page it had sent before under a new resumption token; the window "
        "ended there instead of looping, and the run is incomplete",
        _HARVEST_AGAIN,
    ),
    "harvest.empty_pages": CodeHelp(
        "page after page (25 by default) had no records but a "
        "resumption token; the window "
        "ended there, and the run is incomplete",
        _HARVEST_AGAIN,
    ),
    "harvest.request_cap": CodeHelp(
        "a window reached its cap of requests (100,000 by default); it ended "
        "there, and the "
        "run is incomplete",
        "harvest with `--window monthly` or `--window daily`, so that each window needs fewer "
        "requests",
    ),
    "harvest.token_recovered": CodeHelp(
        "the endpoint refused a resumption token (badResumptionToken, often one that expired) "
        "and the list was asked for again from the newest datestamp seen; records sharing a "
        "datestamp across the cut may be missed, so the run is incomplete",
        _HARVEST_AGAIN,
    ),
    "harvest.crosswalk_process_failed": CodeHelp(
        "the second process that crosswalks a long harvest's pages could not start or "
        "ended; the harvest crosswalked the rest itself, more slowly, and lost nothing",
        "nothing, unless it comes back: then see the process's words on stderr, and harvest "
        "with `--no-crosswalk-process` meanwhile",
    ),
    "harvest.format_fallback": CodeHelp(
        "the record failed in the run's format (a reject, or invalid: the message gives the "
        "first error) and was asked for again alone in the `--fallback-prefix` format "
        "(GetRecord), whose copy was better: that copy is stored, a reject's raw XML kept too "
        "(unless the store holds a valid copy in a richer format with the same datestamp: "
        "then skipped, `store.richer_format_stored`)",
        "fix the record (or the crosswalk) in the run's format at the source; the next run "
        "that reads it well there stores the richer copy",
    ),
    "harvest.format_fallback_failed": CodeHelp(
        "the record failed in the run's format and was asked for again in the "
        "`--fallback-prefix` format, which did not help: the endpoint cannot give it in that "
        "format, the request failed (after its retries), or that copy was no better; the "
        "record keeps its outcome in the run's format",
        "see the message; fix the record at the source",
    ),
    "harvest.format_fallback_unavailable": CodeHelp(
        "the endpoint does not offer the `--fallback-prefix` format, or failed to say "
        "(ListMetadataFormats, asked once a run), or failed a GetRecord in it other than by "
        "answering for that record (down, 5xx or an error code §3.6 does not define after its "
        "retries, an unreadable answer; the message says which): no later record of the run "
        "was asked for in it, each of which would have waited out the same retry budget",
        "name a format the endpoint offers (`ir-ingest check` lists them), or leave the option "
        "out; an endpoint that failed: once it answers again, a `--full` harvest asks again "
        "for the records that failed",
    ),
    "harvest.format_fallback_is_the_format": CodeHelp(
        "the run's prefix `auto` took the `--fallback-prefix` format itself (the endpoint "
        "offers no richer format a crosswalk reads): the run harvested in it, without a "
        "fallback (a prefix named as the fallback prefix is refused instead)",
        "nothing: when the endpoint offers a richer format, `auto` takes it and the fallback "
        "works again; or name the prefix, or leave the fallback out, to stop the note",
    ),
    "harvest.format_fallback_budget": CodeHelp(
        "the run asked for as many records again in the `--fallback-prefix` format as a run "
        "does (200); the later records that failed kept their outcome in the run's format",
        "look at why so many records fail in the run's format (a crosswalk, the endpoint); "
        "once fixed, a `--full` harvest stores them",
    ),
    "harvest.unknown_set": CodeHelp(
        "a run that found nothing asked for a set the endpoint does not list (ListSets): a "
        "mistyped set looks like an empty one",
        "compare the set with those the message lists (the setSpec, not the set's name) and "
        "harvest again with `--set`",
    ),
    "harvest.unfinished_run_left": CodeHelp(
        "an earlier run of this source did not finish, and this run, asking for less, did not "
        "continue it: some records it asked for may not have been harvested",
        "harvest with the options the message names (`--full`, or its `--from` and `--until`)",
    ),
    "harvest.gone_from_source": CodeHelp(
        "a `--full` run's sweep found stored records the source no longer lists, and it sent "
        "no deletion for them; they are kept, and listed in the report",
        "check a few at the source: if they were withdrawn, deal with them in your repository "
        "by hand, and ask the endpoint's owner to keep deletions (deletedRecord persistent)",
    ),
    "harvest.outside_dates": CodeHelp(
        "the endpoint sent records dated before the from= or after the until= the run asked "
        "for: it ignores them (or filters on another date than the datestamp), so every "
        "incremental run gets more than what changed; the records were stored as any other, "
        "and those that did not change got no new version",
        "nothing is lost; if runs take too long, tell the endpoint's owner (OAI-PMH §3.3.1), "
        "and harvest it less often",
    ),
    "harvest.outside_set": CodeHelp(
        "the endpoint sent records whose headers name other sets, none of them the one the run "
        "asked for: it ignores set= (or loses it in its resumption tokens after the first "
        "page); the records were stored as any other",
        "nothing is lost; tell the endpoint's owner; records of other sets are in the store "
        "under the same repository",
    ),
    "harvest.retried": CodeHelp(
        "requests of the run failed (HTTP 503 or 429, another 5xx, a timeout, a dropped "
        "connection, an answer cut short) and were sent again: how many, why, and the seconds "
        "waited; an endpoint that answered 429 or 503 was then asked less often by every "
        "window of the run",
        "nothing, unless it happens on every run: then ask the endpoint's owner, or harvest "
        "with --delay (and fewer --parallel windows)",
    ),
    "harvest.identify_failed": CodeHelp(
        "the endpoint answered Identify with an OAI-PMH error or with no Identify element: "
        "its clock is unknown, and the run (a first or --full one, which needs no more) went "
        "on without it; incremental runs, date windows and --from need Identify and fail",
        "check the base URL (a saved response or a file served in the endpoint's place "
        "answers every request alike); if it is right, tell the endpoint's owner",
    ),
    "harvest.clock_skew": CodeHelp(
        "the endpoint's clock (the responseDate of its Identify answer) is a minute or more off "
        "this machine's; when it is behind (set wrong, or its local time sent as UTC), the "
        "run keeps how far, and incremental runs ask from that much earlier, so that records "
        "it stamped by its own clock are not missed (a day or more behind is taken for a "
        "cached Identify answer, and not followed)",
        "nothing; if it is hours off, tell the endpoint's owner (OAI-PMH datestamps are UTC)",
    ),
    "reprocess.rejects_superseded": CodeHelp(
        "rejects (records that had failed) of records the store now holds as new or newer "
        "(deleted, or in the reject's format) were forgotten",
        "nothing",
    ),
    "reprocess.rejects_other_format": CodeHelp(
        "rejects of records the store holds, as new or newer, in another format were left as "
        "they are: storing them would replace that version",
        "nothing, unless you want those records in the rejects' format: then harvest it again",
    ),
    "reprocess.crosswalk_switched": CodeHelp(
        "records made with another crosswalk than the one their source in the config names "
        "(`crosswalk =`), or `reprocess --crosswalk` names, were crosswalked with that one "
        "this time (a one-off `harvest --crosswalk`, or a crosswalk set in the config since)",
        "nothing: the report of this run shows what the switch changed in each record",
    ),
    "reprocess.source_url_unknown": CodeHelp(
        "a source of the config names a crosswalk, but its records could not be told: they "
        "are kept under its URL, which its `url_env` variable holds, and that variable is "
        "not set where reprocess ran; each was made with the crosswalk that made it before "
        "(`--strict` exits 3)",
        "run reprocess where the variable is set, as it is for the source's harvests; "
        "`ir-ingest reprocess --source` of another source does not need it",
    ),
    "reprocess.crosswalk_kept": CodeHelp(
        "records were made with their own crosswalk again although their source's names "
        "another: that one does not read their format (MODS records, an oai_dc crosswalk "
        "named), or two sources of the config name two crosswalks for them",
        "name a crosswalk for the source that reads what it sends, or give the sources of "
        "one repository one crosswalk (or sets of their own); "
        "`ir-ingest reprocess --source S --crosswalk NAME` makes a source's records with "
        "the crosswalk you name",
    ),
}


def explain(code: str) -> list[str]:
    """Lines saying what a catalogued ``code`` means and what to do about it."""
    help_ = CODES[code]
    return [
        f"{code} ({STAGES[code.partition('.')[0]]})",
        f"  What it means: {help_.meaning}",
        f"  What to do: {help_.action}",
    ]


def listing(stages: Iterable[str]) -> list[str]:
    """Each stage's codes with what they mean, a line a code; a blank line between stages."""
    lines: list[str] = []
    for stage in stages:
        if lines:
            lines.append("")
        lines.append(f"{stage}: {STAGES[stage]}")
        lines += code_lines(stage_codes(stage))
    return lines


def code_lines(codes: Iterable[str]) -> list[str]:
    """A line a code with what it means, the meanings in one column (that of every code)."""
    width = max(map(len, CODES))
    return [f"  {code:<{width}}  {CODES[code].meaning}" for code in codes]


def starting_with(asked: str) -> list[str]:
    """The catalogued codes that begin with ``asked`` (normalized), in catalogue order: a
    family of codes such as ``validate.missing``; none for a stage or a whole code."""
    begun = normalized(asked)
    if "." not in begun:  # a stage's name is a stage, or a misspelling of one
        return []
    return [code for code in CODES if code.startswith(begun) and code != begun]


def stage_codes(stage: str) -> list[str]:
    """The codes of ``stage`` (a :data:`STAGES` key), in catalogue order."""
    return [code for code in CODES if code.partition(".")[0] == stage]


def in_order(codes: set[str]) -> list[str]:
    """``codes`` in catalogue order; codes it does not hold (a report kept by an older
    version) after them, sorted."""
    return [code for code in CODES if code in codes] + sorted(codes - CODES.keys())


def normalized(asked: str) -> str:
    """``asked`` as the catalogue spells codes and stages: lower case, without the spaces
    around it or a trailing dot (``XML.MALFORMED``, `` Harvest``, ``xml.``), which a reader
    copying a code out of a sentence or a table brings along."""
    return asked.strip().rstrip(".").rstrip().lower()


def close_matches(asked: str) -> list[str]:
    """The stages and catalogued codes ``asked`` may be a misspelling of, closest first."""
    return difflib.get_close_matches(normalized(asked), [*STAGES, *CODES], n=3)
