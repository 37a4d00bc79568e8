"""The triage database: users and their API tokens, petitions with their analysis and place in
the queue, reviewers' label corrections, and the append-only audit log. The schema is created
and changed only by the Alembic migrations beside this module."""

import datetime

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    type_annotation_map = {dict: JSON, list: JSON}


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime.datetime] = mapped_column(default=now)


class ApiToken(Base):
    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime.datetime] = mapped_column(default=now)


class Petition(Base):
    __tablename__ = "petitions"
    id: Mapped[int] = mapped_column(primary_key=True)
    received_at: Mapped[datetime.datetime] = mapped_column(default=now, index=True)
    channel: Mapped[str] = mapped_column(String(20))
    petitioner_name: Mapped[str | None] = mapped_column(String(200))
    petitioner_contact: Mapped[str | None] = mapped_column(String(200))
    text: Mapped[str | None] = mapped_column(Text)
    filename: Mapped[str | None] = mapped_column(String(300))
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    analysis_state: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    analysis: Mapped[dict | None]
    analysis_error: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="new", index=True)
    priority: Mapped[float] = mapped_column(default=0.0)
    reasons: Mapped[list] = mapped_column(default=list)
    group_id: Mapped[int | None] = mapped_column(index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    forwarded_to: Mapped[str | None] = mapped_column(String(200))
    acknowledge_by: Mapped[datetime.date]
    conclude_by: Mapped[datetime.date]
    updated_at: Mapped[datetime.datetime] = mapped_column(default=now, onupdate=now)

    __table_args__ = (Index("ix_petitions_queue", "status", "priority"),)


class LabelCorrection(Base):
    __tablename__ = "label_corrections"
    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    labels: Mapped[list]
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime.datetime] = mapped_column(default=now)


class AuditEntry(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime.datetime] = mapped_column(default=now, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(40))
    petition_id: Mapped[int | None] = mapped_column(index=True)
    detail: Mapped[dict] = mapped_column(default=dict)
