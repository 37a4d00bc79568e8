"""The follow-up store: analysed documents, their findings and the officials they name, kept in a
database (SQLAlchemy; SQLite by default, PostgreSQL or any other by URL) so that staff can follow
up person by person.

Documents are keyed by their analysis id: analysing a document again replaces its findings
instead of adding a second copy. Officials are linked to the registry when saved, and every
mention is linked again when the registry changes. Petitioners are not kept here: their identity
stays in the analysis output, and a follow-up file lists officials only.
"""

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import JSON, ForeignKey, String, Text, create_engine, event, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

from .document import Analysis
from .registry import REVIEW, Person, Registry

DEFAULT_URL = "sqlite:///nlp_pipeline.sqlite"


class Base(DeclarativeBase):
    type_annotation_map = {dict: JSON, list: JSON}


class PersonRow(Base):
    __tablename__ = "persons"
    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    aliases: Mapped[list]
    posts: Mapped[list]
    source: Mapped[str | None] = mapped_column(Text)

    def person(self) -> Person:
        return Person(id=self.id, name=self.name, aliases=self.aliases, posts=self.posts, source=self.source)


class DocumentRow(Base):
    __tablename__ = "documents"
    id: Mapped[str] = mapped_column(String(500), primary_key=True)
    source: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str | None] = mapped_column(String(20))
    date: Mapped[str | None] = mapped_column(String(10), index=True)
    chars: Mapped[int]
    labels: Mapped[list]
    errors: Mapped[list]
    analysed_at: Mapped[datetime.datetime]
    flags: Mapped[list["FlagRow"]] = relationship(cascade="all, delete-orphan", order_by="FlagRow.start")
    mentions: Mapped[list["MentionRow"]] = relationship(cascade="all, delete-orphan", back_populates="document",
                                                        order_by="MentionRow.start")


class FlagRow(Base):
    __tablename__ = "flags"
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    type: Mapped[str] = mapped_column(String(50))
    evidence: Mapped[str] = mapped_column(Text)
    start: Mapped[int]
    end: Mapped[int]
    score: Mapped[float]
    page: Mapped[int | None]


class MentionRow(Base):
    __tablename__ = "mentions"
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    title: Mapped[str | None] = mapped_column(Text)
    unit: Mapped[str | None] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(20))
    start: Mapped[int]
    end: Mapped[int]
    page: Mapped[int | None]
    person_id: Mapped[str | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    candidates: Mapped[list]
    reason: Mapped[str] = mapped_column(Text, default="")
    document: Mapped[DocumentRow] = relationship(back_populates="mentions")


@dataclass
class FileEntry:
    """One document in an official's file."""

    document_id: str
    source: str | None
    date: str | None
    kind: str | None
    roles: list[str]
    titles: list[str]
    labels: list[str]
    flags: list[str]


@dataclass
class OfficialFile:
    """Everything the store holds on one official, newest document first."""

    key: str
    name: str
    person_id: str | None
    units: list[str]
    titles: list[str]
    documents: list[FileEntry] = field(default_factory=list)

    @property
    def latest(self) -> str | None:
        return next((d.date for d in self.documents if d.date), None)


def _sqlite_foreign_keys(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


class Store:
    def __init__(self, url: str = DEFAULT_URL):
        self.engine = create_engine(url)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_foreign_keys)
        Base.metadata.create_all(self.engine)

    def registry(self, session: Session) -> Registry:
        return Registry([row.person() for row in session.scalars(select(PersonRow))])

    def import_persons(self, persons: Iterable[Person]) -> tuple[int, int]:
        """Add or replace registry persons by id; returns (added, replaced). Links every stored
        mention again, since who fits a name may have changed."""
        added = replaced = 0
        with Session(self.engine) as session, session.begin():
            existing = {row.id: row for row in session.scalars(select(PersonRow))}
            for person in persons:
                row = existing.get(person.id)
                values = {"name": person.name, "aliases": person.aliases,
                          "posts": [post.model_dump() for post in person.posts], "source": person.source}
                if row is None:
                    existing[person.id] = PersonRow(id=person.id, **values)
                    session.add(existing[person.id])
                    added += 1
                else:
                    for key, value in values.items():
                        setattr(row, key, value)
                    replaced += 1
            session.flush()
            self._relink(session)
        return added, replaced

    def _relink(self, session: Session) -> None:
        registry = self.registry(session)
        for mention in session.scalars(select(MentionRow)):
            self._link(registry, mention, mention.document.date)

    @staticmethod
    def _link(registry: Registry, mention: MentionRow, date: str | None) -> None:
        link = registry.link(mention.name, mention.title, mention.unit, date)
        mention.person_id = link.person_id if link.status == "linked" else None
        mention.status, mention.candidates, mention.reason = link.status, link.candidates, link.reason

    def save(self, analyses: Iterable[Analysis]) -> Iterator[Analysis]:
        """Store each analysis (replacing an earlier one of the same id) and yield it with its
        officials' registry ids filled in. Records of unreadable inputs are kept too."""
        with Session(self.engine) as session:
            registry = self.registry(session)
            session.commit()
            for analysis in analyses:
                with session.begin():
                    row = session.get(DocumentRow, analysis.id)
                    if row is None:
                        row = DocumentRow(id=analysis.id)
                        session.add(row)
                    row.source, row.kind, row.date, row.chars = analysis.source, analysis.kind, analysis.date, analysis.chars
                    row.labels = [label.model_dump() for label in analysis.labels]
                    row.errors = analysis.errors
                    row.analysed_at = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
                    row.flags = [FlagRow(**flag.model_dump()) for flag in analysis.meeting_flags]
                    row.mentions = []
                    officials = []
                    for official in analysis.officials:
                        if official.role == "petitioner":
                            officials.append(official)
                            continue
                        mention = MentionRow(**official.model_dump(exclude={"registry_id"}))
                        self._link(registry, mention, analysis.date)
                        row.mentions.append(mention)
                        officials.append(official.model_copy(update={"registry_id": mention.person_id}))
                yield analysis.model_copy(update={"officials": officials})

    def files(self, name: str | None = None) -> list[OfficialFile]:
        """Officials' files, one per registry person, and one per unlinked name and unit; only
        those called ``name`` (or with that registry id) when given. Most recent first."""
        with Session(self.engine) as session:
            query = select(MentionRow).join(DocumentRow)
            if name:
                query = query.where((MentionRow.name == name) | (MentionRow.person_id == name))
            files: dict[str, OfficialFile] = {}
            entries: dict[tuple[str, str], FileEntry] = {}
            persons = {row.id: row for row in session.scalars(select(PersonRow))}
            for mention in session.scalars(query):
                key = mention.person_id or f"{mention.name}｜{mention.unit or '单位不详'}"
                person = persons.get(mention.person_id)
                official = files.get(key)
                if official is None:
                    units = list(dict.fromkeys(p["unit"] for p in person.posts if p.get("unit"))) if person else []
                    official = files[key] = OfficialFile(key, person.name if person else mention.name,
                                                         mention.person_id, units, [])
                for value, seen in ((None if person else mention.unit, official.units), (mention.title, official.titles)):
                    if value and value not in seen:
                        seen.append(value)
                document = mention.document
                entry = entries.get((key, document.id))
                if entry is None:
                    entry = entries[(key, document.id)] = FileEntry(
                        document.id, document.source, document.date, document.kind, [], [],
                        [label["name"] for label in document.labels], sorted({flag.type for flag in document.flags}))
                    official.documents.append(entry)
                for value, seen in ((mention.role, entry.roles), (mention.title, entry.titles)):
                    if value and value not in seen:
                        seen.append(value)
        for official in files.values():
            official.documents.sort(key=lambda d: (d.date or "", d.document_id), reverse=True)
        return sorted(files.values(), key=lambda f: (f.latest or "", f.key), reverse=True)

    def review(self) -> list[dict]:
        """Mentions linking could not settle: nobody, several people, or an unconfirmed name."""
        with Session(self.engine) as session:
            query = select(MentionRow).where(MentionRow.status.in_(REVIEW)).order_by(MentionRow.name)
            return [{"name": m.name, "title": m.title, "unit": m.unit, "status": m.status, "reason": m.reason,
                     "candidates": m.candidates, "document": m.document_id, "start": m.start, "end": m.end}
                    for m in session.scalars(query)]

    def count(self, table: type[Base]) -> int:
        with Session(self.engine) as session:
            return session.scalar(select(func.count()).select_from(table))
