"""Ways in besides single CLI commands: the demo job (scheduled jobs and Celery come later)."""
