"""Users, API tokens, petitions, label corrections and the append-only audit log.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

APPEND_ONLY = {
    "sqlite": ["""CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
                  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""",
               """CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
                  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"""],
    "postgresql": ["""CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
                      BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$ LANGUAGE plpgsql""",
                   """CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
                      FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"""],
}


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(80), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(300), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False, index=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "petitions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("received_at", sa.DateTime, nullable=False, index=True),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("petitioner_name", sa.String(200)),
        sa.Column("petitioner_contact", sa.String(200)),
        sa.Column("text", sa.Text),
        sa.Column("filename", sa.String(300)),
        sa.Column("content", sa.LargeBinary),
        sa.Column("analysis_state", sa.String(20), nullable=False, index=True),
        sa.Column("analysis", sa.JSON),
        sa.Column("analysis_error", sa.Text),
        sa.Column("status", sa.String(20), nullable=False, index=True),
        sa.Column("priority", sa.Float, nullable=False),
        sa.Column("reasons", sa.JSON, nullable=False),
        sa.Column("group_id", sa.Integer, index=True),
        sa.Column("assignee_id", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("forwarded_to", sa.String(200)),
        sa.Column("acknowledge_by", sa.Date, nullable=False),
        sa.Column("conclude_by", sa.Date, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_petitions_queue", "petitions", ["status", "priority"])
    op.create_table(
        "label_corrections",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("petition_id", sa.Integer, sa.ForeignKey("petitions.id"), nullable=False, index=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("labels", sa.JSON, nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime, nullable=False, index=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("petition_id", sa.Integer, index=True),
        sa.Column("detail", sa.JSON, nullable=False),
    )
    for statement in APPEND_ONLY.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    for table in ("audit_log", "label_corrections", "petitions", "api_tokens", "users"):
        op.drop_table(table)
