"""Alembic environment: the connection comes from the caller (``database.migrate``)."""

from alembic import context

from nlp_pipeline.triage.models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
