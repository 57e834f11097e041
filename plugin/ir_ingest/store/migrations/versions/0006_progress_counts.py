"""A harvest's counts per outcome as it goes (``progress_counts``), committed with each page.

Its report is kept every few seconds: a killed run's had left out the pages of its last few,
and ``report --list`` counted fewer records than it had stored.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``harvest_runs.progress_counts``."""
    op.add_column("harvest_runs", sa.Column("progress_counts", sa.Text, nullable=True))


def downgrade() -> None:
    """Drop it."""
    op.drop_column("harvest_runs", "progress_counts")
