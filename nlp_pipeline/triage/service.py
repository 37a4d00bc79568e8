"""The triage service (FastAPI): intake that only stores, the queue ranked with its reasons,
safe claiming, state changes, label corrections, and an audit entry for every view and change.
Every request is authenticated (API token from /api/login or issued by an admin); what a role
may do is in ``security.RIGHTS``."""

import json
from collections import Counter
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Literal

from fastapi import Depends, FastAPI, File, Form, Header, HTTPException, Request, UploadFile
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field
from sqlalchemy import select, update

from .database import make_engine, migrate, sessions
from .models import ApiToken, AuditEntry, LabelCorrection, Petition, User, now
from .priority import due_dates, load_settings, score
from .security import can, mask, new_token, token_hash, verify_password
from .worker import AnalysisWorker

States = Literal["in_progress", "concluded", "forwarded", "closed"]
TRANSITIONS = {"in_progress": {"assigned"}, "concluded": {"in_progress", "assigned"},
               "forwarded": {"new", "triaged", "assigned", "in_progress"},
               "closed": {"concluded", "forwarded"}}
UPLOAD_SUFFIXES = {".txt", ".docx", ".pdf", ".jpg", ".jpeg", ".png", ".tif", ".tiff"}


class Login(BaseModel):
    username: str = Field(max_length=80)
    password: str = Field(max_length=200)


class Intake(BaseModel):
    text: str = Field(min_length=1)
    petitioner_name: str | None = Field(None, max_length=200)
    petitioner_contact: str | None = Field(None, max_length=200)
    channel: Literal["web", "letter", "visit", "phone", "email"] = "web"


class Correction(BaseModel):
    labels: list[str]
    note: str | None = Field(None, max_length=2000)


class StateChange(BaseModel):
    state: States
    forwarded_to: str | None = Field(None, max_length=200)


def create_app(url: str = "sqlite:///triage.sqlite", pipeline_factory=None, start_worker: bool = True,
               settings_path: Path | None = None) -> FastAPI:
    settings = load_settings(settings_path)
    engine = make_engine(url)
    migrate(engine)
    maker = sessions(engine)
    if pipeline_factory is None:
        from ..pipeline import Pipeline

        pipeline_factory = Pipeline
    worker = AnalysisWorker(maker, pipeline_factory, settings)

    @asynccontextmanager
    async def lifespan(_app):
        if start_worker:
            worker.start()
        yield
        if start_worker:
            worker.stop()

    app = FastAPI(title="信访举报分拣", docs_url=None, redoc_url=None, lifespan=lifespan)
    app.state.worker, app.state.sessions, app.state.engine = worker, maker, engine

    def audit(session, user: User | None, action: str, petition_id: int | None = None, **detail) -> None:
        session.add(AuditEntry(user_id=user.id if user else None, action=action, petition_id=petition_id, detail=detail))

    def current_user(authorization: Annotated[str | None, Header()] = None) -> User:
        if not authorization or not authorization.startswith("Bearer "):
            raise HTTPException(401, "login required", headers={"WWW-Authenticate": "Bearer"})
        with maker.begin() as session:
            row = session.execute(select(User).join(ApiToken, ApiToken.user_id == User.id)
                                  .where(ApiToken.token_hash == token_hash(authorization[7:]))).scalar_one_or_none()
        if row is None:
            raise HTTPException(401, "invalid token", headers={"WWW-Authenticate": "Bearer"})
        return row

    def requires(right: str):
        def check(user: Annotated[User, Depends(current_user)]) -> User:
            if not can(user.role, right):
                raise HTTPException(403, f"role {user.role} may not {right}")
            return user
        return check

    def view(petition: Petition, role: str, repeats: int) -> dict:
        priority, reasons = score(petition.analysis, repeats, petition.received_at, now(), settings)
        analysis = petition.analysis or {}
        return {"id": petition.id, "received_at": petition.received_at.isoformat(timespec="seconds"),
                "channel": petition.channel, "status": petition.status, "analysis_state": petition.analysis_state,
                "analysis_error": petition.analysis_error,
                "petitioner_name": mask(petition.petitioner_name, role),
                "petitioner_contact": mask(petition.petitioner_contact, role),
                "labels": analysis.get("labels", []), "meeting_flags": analysis.get("meeting_flags", []),
                "officials": [o if o["role"] != "petitioner" or can(role, "view_identity") else {**o, "name": mask(o["name"], role)}
                              for o in analysis.get("officials", [])],
                "priority": priority, "reasons": reasons, "group_id": petition.group_id, "repeats": repeats,
                "assignee_id": petition.assignee_id, "forwarded_to": petition.forwarded_to,
                "acknowledge_by": petition.acknowledge_by.isoformat(), "conclude_by": petition.conclude_by.isoformat()}

    def store(session, user: User, **fields) -> Petition:
        received = now()
        acknowledge, conclude = due_dates(received, settings)
        petition = Petition(received_at=received, acknowledge_by=acknowledge, conclude_by=conclude, status="new",
                            analysis_state="pending", priority=0.0, reasons=["尚未完成自动分析"], **fields)
        session.add(petition)
        session.flush()
        audit(session, user, "submit", petition.id, channel=petition.channel)
        return petition

    @app.post("/api/login")
    def login(body: Login) -> dict:
        with maker.begin() as session:
            user = session.scalars(select(User).where(User.username == body.username)).one_or_none()
            if user is None or not verify_password(body.password, user.password_hash):
                audit(session, None, "login_failed", username=body.username)
                raise HTTPException(401, "wrong user name or password")
            token, hashed = new_token()
            session.add(ApiToken(user_id=user.id, token_hash=hashed))
            audit(session, user, "login")
        return {"token": token, "role": user.role}

    @app.post("/api/petitions", status_code=201)
    def submit(body: Intake, user: Annotated[User, Depends(requires("submit"))]) -> dict:
        if len(body.text) > settings["max_text_chars"]:
            raise HTTPException(413, f"text longer than {settings['max_text_chars']} characters")
        with maker.begin() as session:
            petition = store(session, user, channel=body.channel, text=body.text,
                             petitioner_name=body.petitioner_name, petitioner_contact=body.petitioner_contact)
        return {"id": petition.id, "status": "new"}

    @app.post("/api/petitions/upload", status_code=201)
    async def upload(user: Annotated[User, Depends(requires("submit"))], file: Annotated[UploadFile, File()],
                     petitioner_name: Annotated[str | None, Form(max_length=200)] = None,
                     petitioner_contact: Annotated[str | None, Form(max_length=200)] = None) -> dict:
        suffix = Path(file.filename or "").suffix.lower()
        if suffix not in UPLOAD_SUFFIXES:
            raise HTTPException(415, f"unsupported file type '{suffix}' (expected {', '.join(sorted(UPLOAD_SUFFIXES))})")
        data = await file.read(settings["max_upload_bytes"] + 1)
        if len(data) > settings["max_upload_bytes"]:
            raise HTTPException(413, f"file larger than {settings['max_upload_bytes']} bytes")
        if not data:
            raise HTTPException(422, "empty file")
        with maker.begin() as session:
            petition = store(session, user, channel="upload", filename=file.filename, content=data,
                             petitioner_name=petitioner_name, petitioner_contact=petitioner_contact)
        return {"id": petition.id, "status": "new"}

    def repeats_of(session) -> Counter:
        return Counter(session.scalars(select(Petition.group_id).where(Petition.group_id.is_not(None))))

    @app.get("/api/queue")
    def queue(user: Annotated[User, Depends(requires("view_queue"))], include_closed: bool = False) -> list[dict]:
        with maker.begin() as session:
            query = select(Petition)
            if not include_closed:
                query = query.where(Petition.status.not_in(["concluded", "forwarded", "closed"]))
            groups = repeats_of(session)
            rows = [view(p, user.role, groups[p.group_id] - 1 if p.group_id else 0) for p in session.scalars(query)]
            audit(session, user, "view_queue", shown=len(rows))
        return sorted(rows, key=lambda r: (-r["priority"], r["id"]))

    @app.get("/api/petitions/{petition_id}")
    def show(petition_id: int, user: Annotated[User, Depends(requires("view_queue"))]) -> dict:
        with maker.begin() as session:
            petition = session.get(Petition, petition_id)
            if petition is None:
                raise HTTPException(404, "no such petition")
            audit(session, user, "view", petition_id, identity_shown=can(user.role, "view_identity"))
            result = view(petition, user.role, repeats_of(session)[petition.group_id] - 1 if petition.group_id else 0)
            result["text"] = petition.text if petition.text is not None else (petition.analysis or {}).get("text")
        return result

    @app.post("/api/petitions/{petition_id}/claim")
    def claim(petition_id: int, user: Annotated[User, Depends(requires("claim"))]) -> dict:
        with maker.begin() as session:
            taken = session.execute(update(Petition).where(Petition.id == petition_id, Petition.assignee_id.is_(None),
                                                           Petition.status.in_(["new", "triaged"]))
                                    .values(assignee_id=user.id, status="assigned", updated_at=now()))
            if taken.rowcount != 1:
                raise HTTPException(409, "already claimed, closed, or no such petition")
            audit(session, user, "claim", petition_id)
        return {"id": petition_id, "status": "assigned", "assignee_id": user.id}

    @app.post("/api/petitions/{petition_id}/state")
    def change_state(petition_id: int, body: StateChange, user: Annotated[User, Depends(requires("conclude"))]) -> dict:
        if body.state == "forwarded" and not body.forwarded_to:
            raise HTTPException(422, "forwarding needs the department it goes to")
        with maker.begin() as session:
            changed = session.execute(update(Petition).where(Petition.id == petition_id,
                                                             Petition.status.in_(TRANSITIONS[body.state]))
                                      .values(status=body.state, updated_at=now(),
                                              **({"forwarded_to": body.forwarded_to} if body.forwarded_to else {})))
            if changed.rowcount != 1:
                raise HTTPException(409, f"cannot move to {body.state} from its current state")
            audit(session, user, "state", petition_id, state=body.state, forwarded_to=body.forwarded_to)
        return {"id": petition_id, "status": body.state}

    @app.post("/api/petitions/{petition_id}/labels", status_code=201)
    def correct(petition_id: int, body: Correction, user: Annotated[User, Depends(requires("correct"))]) -> dict:
        from ..labels import codes

        unknown = set(body.labels) - set(codes())
        if unknown:
            raise HTTPException(422, f"unknown label codes: {sorted(unknown)}")
        with maker.begin() as session:
            if session.get(Petition, petition_id) is None:
                raise HTTPException(404, "no such petition")
            session.add(LabelCorrection(petition_id=petition_id, user_id=user.id, labels=body.labels, note=body.note))
            audit(session, user, "correct_labels", petition_id, labels=body.labels)
        return {"id": petition_id, "labels": body.labels}

    @app.get("/api/corrections/export", response_class=PlainTextResponse)
    def export_corrections(user: Annotated[User, Depends(requires("export"))]) -> str:
        """The latest correction per petition with its text, as training-data JSONL."""
        with maker.begin() as session:
            latest: dict[int, LabelCorrection] = {}
            for row in session.scalars(select(LabelCorrection).order_by(LabelCorrection.id)):
                latest[row.petition_id] = row
            lines = []
            for petition_id, row in sorted(latest.items()):
                petition = session.get(Petition, petition_id)
                text = petition.text if petition.text is not None else (petition.analysis or {}).get("text")
                lines.append(json.dumps({"id": f"petition-{petition_id}", "text": text, "labels": row.labels,
                                         "corrected_at": row.created_at.isoformat(timespec="seconds")},
                                        ensure_ascii=False))
            audit(session, user, "export_corrections", count=len(lines))
        return "\n".join(lines) + ("\n" if lines else "")

    @app.get("/api/audit")
    def audit_log(user: Annotated[User, Depends(requires("audit"))], petition_id: int | None = None) -> list[dict]:
        with maker.begin() as session:
            query = select(AuditEntry).order_by(AuditEntry.id)
            if petition_id is not None:
                query = query.where(AuditEntry.petition_id == petition_id)
            rows = [{"at": a.at.isoformat(timespec="seconds"), "user_id": a.user_id, "action": a.action,
                     "petition_id": a.petition_id, "detail": a.detail} for a in session.scalars(query)]
            audit(session, user, "view_audit", petition_id)
        return rows

    @app.middleware("http")
    async def limit_body(request: Request, call_next):
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > settings["max_upload_bytes"] + 65536:
            return PlainTextResponse("request too large", status_code=413)
        return await call_next(request)

    return app


def add_user(url: str, username: str, password: str, role: str) -> str:
    """Create a user and return an API token for them (shown once)."""
    from .security import ROLES, hash_password

    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}")
    engine = make_engine(url)
    migrate(engine)
    with sessions(engine).begin() as session:
        user = User(username=username, password_hash=hash_password(password), role=role)
        session.add(user)
        session.flush()
        token, hashed = new_token()
        session.add(ApiToken(user_id=user.id, token_hash=hashed))
        session.add(AuditEntry(user_id=None, action="add_user", detail={"username": username, "role": role}))
    return token
