"""``python -m ir_ingest``: the ``ir-ingest`` command where its script is not on PATH."""

from ir_ingest.cli import main

main()
