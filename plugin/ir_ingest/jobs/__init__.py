"""Ways in besides the CLI's single commands: the demo job (scheduled jobs and Celery come later)."""
