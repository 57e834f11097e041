"""Alembic's entry point: run the migrations on the connection ``store.migrate`` hands over.

ir-ingest migrates a store when it opens it, on a connection that already holds the lock that
serialises schema changes and an open transaction; so this file opens neither.
"""

from alembic import context

from ir_ingest.store.tables import metadata

context.configure(
    connection=context.config.attributes["connection"],
    target_metadata=metadata,
    version_table=context.config.get_main_option("version_table", "ir_ingest_alembic_version"),
    # SQLite cannot ALTER most things: a changed table is copied into a new one.
    render_as_batch=True,
)
with context.begin_transaction():
    context.run_migrations()
