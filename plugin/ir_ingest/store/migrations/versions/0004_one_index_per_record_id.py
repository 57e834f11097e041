"""Drop ``ix_record_versions_record_id``: the unique ``(record_id, version)`` index begins with
``record_id`` and serves every lookup of a record's versions.

Record ids are uuid5 hashes, so each index on them takes a page's inserts at random places:
a commit of 100 records rewrote some 100 leaf pages of each.  Without the duplicate index a
page's ``save_page`` took 78 instead of 92 µs a record (20,000 records replayed into SQLite).

Revision ID: 0004
Revises: 0003
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Drop the index that repeats the unique constraint's."""
    op.drop_index("ix_record_versions_record_id", table_name="record_versions")


def downgrade() -> None:
    """Make it again.

    Since this revision a record's current version keeps no copy of its JSON and raw XML
    (its record row holds them, see ``store/pagewrite.py``): an older ir-ingest writing to a
    store taken back to 0003 would supersede such versions without copying them.
    """
    op.create_index("ix_record_versions_record_id", "record_versions", ["record_id"])
