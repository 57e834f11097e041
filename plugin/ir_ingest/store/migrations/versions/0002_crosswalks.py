"""Crosswalks other than the one a prefix names: a harvest run keeps the one it read records
with (its rejects are tried with it again), and a record the one it was made with (a copy made
by a richer crosswalk wins over a poorer one).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``harvest_runs.crosswalk`` and ``records.crosswalk`` (NULL: the prefix's own)."""
    op.add_column("harvest_runs", sa.Column("crosswalk", sa.String(64), nullable=True))
    op.add_column("records", sa.Column("crosswalk", sa.String(64), nullable=True))
