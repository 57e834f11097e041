"""A harvest run keeps the crosswalk it read records with (a source's ``crosswalk`` setting),
so that its rejects are tried with it again.

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
    """Add ``harvest_runs.crosswalk`` (NULL: the crosswalk the prefix names)."""
    op.add_column("harvest_runs", sa.Column("crosswalk", sa.String(64), nullable=True))
