"""The triage queue for incoming petitions: a FastAPI service over its own database."""
