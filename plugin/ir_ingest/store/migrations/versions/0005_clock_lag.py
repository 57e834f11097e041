"""How far the endpoint's clock was behind ours when a run began (``clock_lag_seconds``), and
which runs failed before they had a plan (``unplanned``).

The next incremental run asks from that run's start less the lag then or now, whichever is
the larger: an endpoint set right between two runs had stamped the changes just after the first
began by its lagging clock.  NULL: not behind (by a minute or more), or not known.

A run that failed while asking what to ask for (Identify, the formats: the endpoint down) is
kept for ``report --list``, but does not hide the unfinished run before it from the next.

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
    """Add ``harvest_runs.clock_lag_seconds`` and ``harvest_runs.unplanned``."""
    op.add_column("harvest_runs", sa.Column("clock_lag_seconds", sa.Float, nullable=True))
    op.add_column("harvest_runs", sa.Column("unplanned", sa.Boolean, nullable=True))


def downgrade() -> None:
    """Drop them."""
    op.drop_column("harvest_runs", "unplanned")
    op.drop_column("harvest_runs", "clock_lag_seconds")
