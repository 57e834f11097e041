"""How far the endpoint's clock was behind ours when a run began (``clock_lag_seconds``).

The next incremental run asks from that run's start less the lag then or now, whichever is
the larger: an endpoint set right between two runs had stamped the changes just after the first
began by its lagging clock.  NULL: not behind (by a minute or more), or not known.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``harvest_runs.clock_lag_seconds``."""
    op.add_column("harvest_runs", sa.Column("clock_lag_seconds", sa.Float, nullable=True))


def downgrade() -> None:
    """Drop it."""
    op.drop_column("harvest_runs", "clock_lag_seconds")
