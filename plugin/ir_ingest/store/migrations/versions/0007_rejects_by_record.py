"""An index on a reject's record and datestamp (``ix_rejects_record``).

A record keeps one reject a datestamp: the page that stores a new one first deletes those of
the same record and datestamp (``page_sql.DROP_SAME_REJECTS``).  Without an index each delete
read every reject: a page of 100 against 300,000 stored took 2.0 s on SQLite.

Revision ID: 0007
Revises: 0006
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Make the index."""
    op.create_index("ix_rejects_record", "rejects", ["repository", "oai_identifier", "datestamp"])


def downgrade() -> None:
    """Drop it."""
    op.drop_index("ix_rejects_record", table_name="rejects")
