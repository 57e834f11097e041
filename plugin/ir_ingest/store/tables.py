"""The store's tables (SQLAlchemy Core), the same on SQLite and PostgreSQL.

- ``records``: the current state of each record (one row per record id), with its raw XML.
- ``record_versions``: every distinct content a record had; an unchanged record adds no row, a
  deletion adds a tombstone version that keeps the last record data.  The current version's
  ``record_json`` is empty and its ``raw`` NULL: the record's row holds them (its JSON and raw
  XML as last received), and they are copied into the version when a newer one supersedes it
  (a store written before keeps them in both).
- ``rejects``: harvested records that could not be parsed or crosswalked, raw XML kept.
- ``harvest_runs``: one row per run, with its report.
- ``checkpoints``: per source (endpoint, prefix, set), or per date window of a windowed run,
  where the last run got to; written in the same transaction as the page it follows.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ColumnElement,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
)

from ir_ingest.entry import DATESTAMP_LENGTH

metadata = MetaData()

records = Table(
    "records",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("repository", Text, nullable=False),
    Column("oai_identifier", Text, nullable=False),
    Column("metadata_prefix", String(64), nullable=False),
    # The crosswalk the record was made with, when not the one its prefix names.
    Column("crosswalk", String(64), nullable=True),
    # "" for a record without an OAI header (a file import), whose record has no datestamp:
    # copies are ranked and rows matched by this column, which is never NULL.
    Column("datestamp", String(DATESTAMP_LENGTH), nullable=False),
    Column("deleted", Boolean, nullable=False, default=False),
    Column("valid", Boolean, nullable=False, default=True),
    Column("version", Integer, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("record_json", LargeBinary, nullable=False),
    Column("issues_json", LargeBinary, nullable=False),
    Column("raw", LargeBinary, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    # The last run that received the record (changed or not): a re-sent page is recognised.
    Column("run_id", Integer, nullable=True),
    # The last full run whose ListIdentifiers sweep found the record at the source.
    Column("swept_run_id", Integer, nullable=True),
)

record_versions = Table(
    "record_versions",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    # Not indexed alone: the unique (record_id, version) index serves its lookups.
    Column("record_id", String(36), ForeignKey("records.id"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("deleted", Boolean, nullable=False),
    Column("record_json", LargeBinary, nullable=False),
    Column("raw", LargeBinary, nullable=True),
    Column("run_id", Integer, nullable=True, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("record_id", "version"),
)

rejects = Table(
    "rejects",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("run_id", Integer, nullable=True, index=True),
    Column("repository", Text, nullable=False),
    Column("oai_identifier", Text, nullable=False),
    Column("datestamp", String(DATESTAMP_LENGTH), nullable=False),
    Column("raw", LargeBinary, nullable=True),
    Column("issues_json", LargeBinary, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # A record's rejects of one datestamp, which its next one replaces (page_sql).
    Index("ix_rejects_record", "repository", "oai_identifier", "datestamp"),
)

harvest_runs = Table(
    "harvest_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source_key", Text, nullable=False, index=True),
    Column("repository", Text, nullable=False),
    Column("metadata_prefix", String(64), nullable=False),
    Column("set_spec", Text, nullable=True),
    Column("from_date", String(64), nullable=True),
    Column("until_date", String(64), nullable=True),
    Column("window", String(16), nullable=True),
    Column("full", Boolean, nullable=False, default=False),
    Column("status", String(16), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    # When the harvest this run belongs to started: a run resuming a killed one inherits it, and
    # the next incremental run asks for what changed since then (minus a safety overlap).
    Column("sync_started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=True),
    Column("error", Text, nullable=True),
    Column("report_json", LargeBinary, nullable=True),
    # The crosswalk the run read records with, when not the one its prefix names.
    Column("crosswalk", String(64), nullable=True),
    # How far the endpoint's clock was behind ours as the run began (oai/plan.py), where it
    # was by a minute or more: the next incremental run asks from that much earlier.
    Column("clock_lag_seconds", Float, nullable=True),
    # A run that failed before it had a plan (the endpoint down as it asked Identify or its
    # formats): kept for the record, passed over by the next run looking for one to continue.
    Column("unplanned", Boolean, nullable=True),
    # A harvest going on: its counts per outcome and its pages (JSON, see
    # run_reports.Committed), committed with each page, so that a killed run's are exact (its
    # report is kept every few seconds: report/keeper.py).  Cleared when the run finishes: its
    # report has them then.
    Column("progress_counts", Text, nullable=True),
)

checkpoints = Table(
    "checkpoints",
    metadata,
    Column("source_key", Text, primary_key=True),
    Column("run_id", Integer, ForeignKey("harvest_runs.id"), nullable=False),
    Column("token", Text, nullable=True),
    Column("cursor", Integer, nullable=True),
    Column("complete_list_size", Integer, nullable=True),
    Column("last_datestamp", String(DATESTAMP_LENGTH), nullable=True),
    Column("pages", Integer, nullable=False, default=0),
    Column("records", Integer, nullable=False, default=0),
    # A guard ended this window early: it is "done" but incomplete (see oai/store_pages.py).
    Column("cut_short", Boolean, nullable=False, default=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)


def begins_with(column: Column[str], prefix: str) -> ColumnElement[bool]:
    """Whether ``column`` begins with ``prefix``, in its case.  Not LIKE: SQLite's ignores
    ASCII case (a source ``http://h/OAI``'s window checkpoints had been cleared with
    ``http://h/oai``'s), and neither database serves such a LIKE from these columns' indexes."""
    return func.substr(column, 1, len(prefix)) == prefix
