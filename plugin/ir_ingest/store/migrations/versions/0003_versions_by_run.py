"""An index on the run that wrote each version: ``export --run`` reads one run's versions, and
a harvest of a set asks whether any run of its source ever wrote one (both scanned the whole
table without it; a review measured 0.1 s a run for 10,000 versions, growing with the store).

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Index ``record_versions.run_id``."""
    op.create_index("ix_record_versions_run_id", "record_versions", ["run_id"])


def downgrade() -> None:
    """Drop the index."""
    op.drop_index("ix_record_versions_run_id", table_name="record_versions")
