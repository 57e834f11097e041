"""Run reports: what a harvest or import did, per outcome and per issue code, and how to show it."""
