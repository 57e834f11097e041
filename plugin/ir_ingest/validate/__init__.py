"""Validation: rules with stable codes that check a crosswalked record.

Only the core checks exist so far (reference/targets.md §4.3 "core-valid" and its warnings);
profiles per target come later.  Errors make a record invalid (stored, flagged, not pushed);
warnings ask for a look, and information (OpenAIRE's advice, most of it) is advice alone.
"""

from __future__ import annotations

from ir_ingest.validate.rules import CODES, validate_record

__all__ = ["CODES", "validate_record"]
