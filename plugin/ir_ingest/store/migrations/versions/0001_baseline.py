"""The store's tables as ir-ingest first made them (with ``create_all``, before migrations).

A store made then has no ``alembic_version`` table; it is stamped with this revision, which
describes it exactly, and migrated on from here.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

#: The datestamp columns' length (``ir_ingest.entry.DATESTAMP_LENGTH`` when this was written).
_DATESTAMP = 64


def upgrade() -> None:
    """Create the five tables of ``store/tables.py`` as of this revision."""
    op.create_table(
        "records",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("repository", sa.Text, nullable=False),
        sa.Column("oai_identifier", sa.Text, nullable=False),
        sa.Column("metadata_prefix", sa.String(64), nullable=False),
        sa.Column("datestamp", sa.String(_DATESTAMP), nullable=False),
        sa.Column("deleted", sa.Boolean, nullable=False),
        sa.Column("valid", sa.Boolean, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("record_json", sa.LargeBinary, nullable=False),
        sa.Column("issues_json", sa.LargeBinary, nullable=False),
        sa.Column("raw", sa.LargeBinary, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("run_id", sa.Integer, nullable=True),
        sa.Column("swept_run_id", sa.Integer, nullable=True),
    )
    op.create_table(
        "record_versions",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("record_id", sa.String(36), sa.ForeignKey("records.id"), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("deleted", sa.Boolean, nullable=False),
        sa.Column("record_json", sa.LargeBinary, nullable=False),
        sa.Column("raw", sa.LargeBinary, nullable=True),
        sa.Column("run_id", sa.Integer, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("record_id", "version"),
    )
    op.create_index("ix_record_versions_record_id", "record_versions", ["record_id"])
    op.create_table(
        "rejects",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.Integer, nullable=True),
        sa.Column("repository", sa.Text, nullable=False),
        sa.Column("oai_identifier", sa.Text, nullable=False),
        sa.Column("datestamp", sa.String(_DATESTAMP), nullable=False),
        sa.Column("raw", sa.LargeBinary, nullable=True),
        sa.Column("issues_json", sa.LargeBinary, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_rejects_run_id", "rejects", ["run_id"])
    op.create_table(
        "harvest_runs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source_key", sa.Text, nullable=False),
        sa.Column("repository", sa.Text, nullable=False),
        sa.Column("metadata_prefix", sa.String(64), nullable=False),
        sa.Column("set_spec", sa.Text, nullable=True),
        sa.Column("from_date", sa.String(64), nullable=True),
        sa.Column("until_date", sa.String(64), nullable=True),
        sa.Column("window", sa.String(16), nullable=True),
        sa.Column("full", sa.Boolean, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sync_started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("report_json", sa.LargeBinary, nullable=True),
    )
    op.create_index("ix_harvest_runs_source_key", "harvest_runs", ["source_key"])
    op.create_table(
        "checkpoints",
        sa.Column("source_key", sa.Text, primary_key=True),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("harvest_runs.id"), nullable=False),
        sa.Column("token", sa.Text, nullable=True),
        sa.Column("cursor", sa.Integer, nullable=True),
        sa.Column("complete_list_size", sa.Integer, nullable=True),
        sa.Column("last_datestamp", sa.String(_DATESTAMP), nullable=True),
        sa.Column("pages", sa.Integer, nullable=False),
        sa.Column("records", sa.Integer, nullable=False),
        sa.Column("cut_short", sa.Boolean, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
