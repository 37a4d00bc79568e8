"""The triage service (FastAPI): intake that only stores, the queue ranked with its reasons,
safe claiming, state changes, label corrections, and an audit entry for every view and change.
Every request is authenticated (API token from /api/login or issued by an admin); what a role
may do is in ``security.RIGHTS``. The JSON API and the web pages (``web.py``) both go through
``Triage``, so a check, a change and its audit entry are written once."""

import datetime
import json
import subprocess
import sys
from collections import Counter
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Literal

from fastapi import Depends, FastAPI, File, Form, Header, HTTPException, Query, Request, Response, UploadFile
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field
from sqlalchemy import delete, select, update

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


class Triage:
    """Every operation of the service with its rights check and audit entry. Failures are
    ``HTTPException``s: the API returns them as they are, the web pages show them in Chinese."""

    def __init__(self, maker, settings: dict):
        self.sessions, self.settings = maker, settings

    @staticmethod
    def audit(session, user: User | None, action: str, petition_id: int | None = None, **detail) -> None:
        session.add(AuditEntry(user_id=user.id if user else None, action=action, petition_id=petition_id, detail=detail))

    @staticmethod
    def require(user: User, right: str) -> None:
        if not can(user.role, right):
            raise HTTPException(403, f"role {user.role} may not {right}")

    def _oldest_valid(self) -> datetime.datetime:
        return now() - datetime.timedelta(hours=self.settings["token_hours"])

    def user_for_token(self, token: str | None) -> User | None:
        """The token's user while the token is younger than ``token_hours``; None otherwise."""
        if not token:
            return None
        with self.sessions.begin() as session:
            return session.execute(select(User).join(ApiToken, ApiToken.user_id == User.id)
                                   .where(ApiToken.token_hash == token_hash(token),
                                          ApiToken.created_at >= self._oldest_valid())).scalar_one_or_none()

    def login(self, username: str, password: str) -> tuple[str, User]:
        """A new token for the user (only its hash is stored), or 401."""
        with self.sessions.begin() as session:
            user = session.scalars(select(User).where(User.username == username)).one_or_none()
            if user is None or not verify_password(password, user.password_hash):
                self.audit(session, None, "login_failed", username=username)
                raise HTTPException(401, "wrong user name or password")
            session.execute(delete(ApiToken).where(ApiToken.created_at < self._oldest_valid()))
            token, hashed = new_token()
            session.add(ApiToken(user_id=user.id, token_hash=hashed))
            self.audit(session, user, "login")
        return token, user

    def logout(self, user: User, token: str) -> None:
        with self.sessions.begin() as session:
            session.execute(delete(ApiToken).where(ApiToken.token_hash == token_hash(token), ApiToken.user_id == user.id))
            self.audit(session, user, "logout")

    def view(self, petition: Petition, role: str, repeats: int) -> dict:
        priority, reasons = score(petition.analysis, repeats, petition.received_at, now(), self.settings)
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

    def _store(self, session, user: User, **fields) -> Petition:
        received = now()
        acknowledge, conclude = due_dates(received, self.settings)
        petition = Petition(received_at=received, acknowledge_by=acknowledge, conclude_by=conclude, status="new",
                            analysis_state="pending", priority=0.0, reasons=["尚未完成自动分析"], **fields)
        session.add(petition)
        session.flush()
        self.audit(session, user, "submit", petition.id, channel=petition.channel)
        return petition

    def submit_text(self, user: User, text: str, petitioner_name: str | None = None,
                    petitioner_contact: str | None = None, channel: str = "web") -> int:
        self.require(user, "submit")
        if len(text) > self.settings["max_text_chars"]:
            raise HTTPException(413, f"text longer than {self.settings['max_text_chars']} characters")
        with self.sessions.begin() as session:
            return self._store(session, user, channel=channel, text=text, petitioner_name=petitioner_name,
                               petitioner_contact=petitioner_contact).id

    async def submit_file(self, user: User, file: UploadFile, petitioner_name: str | None = None,
                          petitioner_contact: str | None = None) -> int:
        self.require(user, "submit")
        suffix = Path(file.filename or "").suffix.lower()
        if suffix not in UPLOAD_SUFFIXES:
            raise HTTPException(415, f"unsupported file type '{suffix}' (expected {', '.join(sorted(UPLOAD_SUFFIXES))})")
        data = await file.read(self.settings["max_upload_bytes"] + 1)
        if len(data) > self.settings["max_upload_bytes"]:
            raise HTTPException(413, f"file larger than {self.settings['max_upload_bytes']} bytes")
        if not data:
            raise HTTPException(422, "empty file")
        with self.sessions.begin() as session:
            return self._store(session, user, channel="upload", filename=file.filename, content=data,
                               petitioner_name=petitioner_name, petitioner_contact=petitioner_contact).id

    @staticmethod
    def _repeats(session) -> Counter:
        return Counter(session.scalars(select(Petition.group_id).where(Petition.group_id.is_not(None))))

    def queue(self, user: User, include_closed: bool = False, limit: int | None = None,
              offset: int = 0) -> tuple[list[dict], int]:
        """One page of the queue, highest priority first, and the length of the whole queue. The
        priority is recomputed here (it grows with the days a petition waits), so the whole queue is
        ranked before it is cut; only the page shown is audited as shown."""
        self.require(user, "view_queue")
        with self.sessions.begin() as session:
            query = select(Petition)
            if not include_closed:
                query = query.where(Petition.status.not_in(["concluded", "forwarded", "closed"]))
            groups = self._repeats(session)
            rows = [self.view(p, user.role, groups[p.group_id] - 1 if p.group_id else 0) for p in session.scalars(query)]
            rows.sort(key=lambda r: (-r["priority"], r["id"]))
            shown = rows[offset:None if limit is None else offset + limit]
            self.audit(session, user, "view_queue", shown=len(shown), offset=offset, total=len(rows))
        return shown, len(rows)

    def show(self, user: User, petition_id: int) -> dict:
        self.require(user, "view_queue")
        with self.sessions.begin() as session:
            petition = session.get(Petition, petition_id)
            if petition is None:
                raise HTTPException(404, "no such petition")
            self.audit(session, user, "view", petition_id, identity_shown=can(user.role, "view_identity"))
            result = self.view(petition, user.role, self._repeats(session)[petition.group_id] - 1 if petition.group_id else 0)
            result["text"] = petition.text if petition.text is not None else (petition.analysis or {}).get("text")
            latest = session.scalars(select(LabelCorrection).where(LabelCorrection.petition_id == petition_id)
                                     .order_by(LabelCorrection.id.desc()).limit(1)).one_or_none()
            result["corrected_labels"] = latest.labels if latest else None
        return result

    def claim(self, user: User, petition_id: int) -> dict:
        self.require(user, "claim")
        with self.sessions.begin() as session:
            taken = session.execute(update(Petition).where(Petition.id == petition_id, Petition.assignee_id.is_(None),
                                                           Petition.status.in_(["new", "triaged"]))
                                    .values(assignee_id=user.id, status="assigned", updated_at=now()))
            if taken.rowcount != 1:
                raise HTTPException(409, "already claimed, closed, or no such petition")
            self.audit(session, user, "claim", petition_id)
        return {"id": petition_id, "status": "assigned", "assignee_id": user.id}

    def change_state(self, user: User, petition_id: int, state: str, forwarded_to: str | None = None) -> dict:
        self.require(user, "conclude")
        if state not in TRANSITIONS:
            raise HTTPException(422, f"unknown state {state}")
        if state == "forwarded" and not forwarded_to:
            raise HTTPException(422, "forwarding needs the department it goes to")
        with self.sessions.begin() as session:
            changed = session.execute(update(Petition).where(Petition.id == petition_id,
                                                             Petition.status.in_(TRANSITIONS[state]))
                                      .values(status=state, updated_at=now(),
                                              **({"forwarded_to": forwarded_to} if forwarded_to else {})))
            if changed.rowcount != 1:
                raise HTTPException(409, f"cannot move to {state} from its current state")
            self.audit(session, user, "state", petition_id, state=state, forwarded_to=forwarded_to)
        return {"id": petition_id, "status": state}

    def correct(self, user: User, petition_id: int, labels: list[str], note: str | None = None) -> dict:
        from ..labels import codes

        self.require(user, "correct")
        unknown = set(labels) - set(codes())
        if unknown:
            raise HTTPException(422, f"unknown label codes: {sorted(unknown)}")
        with self.sessions.begin() as session:
            if session.get(Petition, petition_id) is None:
                raise HTTPException(404, "no such petition")
            session.add(LabelCorrection(petition_id=petition_id, user_id=user.id, labels=labels, note=note))
            self.audit(session, user, "correct_labels", petition_id, labels=labels)
        return {"id": petition_id, "labels": labels}


def create_app(url: str = "sqlite:///triage.sqlite", pipeline_factory=None, start_worker: bool = True,
               settings_path: Path | None = None, worker_process: bool = False) -> FastAPI:
    """``worker_process``: run the analysis worker as a separate process (``nlp-pipeline triage
    worker``) rather than a thread of the service."""
    settings = load_settings(settings_path)
    engine = make_engine(url)
    migrate(engine)
    maker = sessions(engine)
    if pipeline_factory is None:
        from ..pipeline import Pipeline

        pipeline_factory = Pipeline
    worker = AnalysisWorker(maker, pipeline_factory, settings)
    triage = Triage(maker, settings)
    audit = triage.audit

    @asynccontextmanager
    async def lifespan(_app):
        process = None
        if start_worker and worker_process:
            process = subprocess.Popen([sys.executable, "-m", "nlp_pipeline.cli", "triage", "worker", "--db", url])
        elif start_worker:
            worker.start()
        yield
        if process is not None:
            process.terminate()
            process.wait(timeout=120)
        elif start_worker:
            worker.stop()

    app = FastAPI(title="信访举报分拣", docs_url=None, redoc_url=None, lifespan=lifespan)
    app.state.worker, app.state.sessions, app.state.engine = worker, maker, engine
    app.state.triage = triage

    def current_user(authorization: Annotated[str | None, Header()] = None) -> User:
        if not authorization or not authorization.startswith("Bearer "):
            raise HTTPException(401, "login required", headers={"WWW-Authenticate": "Bearer"})
        row = triage.user_for_token(authorization[7:])
        if row is None:
            raise HTTPException(401, "invalid token", headers={"WWW-Authenticate": "Bearer"})
        return row

    def requires(right: str):
        def check(user: Annotated[User, Depends(current_user)]) -> User:
            triage.require(user, right)
            return user
        return check

    @app.post("/api/login")
    def login(body: Login) -> dict:
        token, user = triage.login(body.username, body.password)
        return {"token": token, "role": user.role}

    @app.post("/api/petitions", status_code=201)
    def submit(body: Intake, user: Annotated[User, Depends(requires("submit"))]) -> dict:
        petition_id = triage.submit_text(user, body.text, body.petitioner_name, body.petitioner_contact, body.channel)
        return {"id": petition_id, "status": "new"}

    @app.post("/api/petitions/upload", status_code=201)
    async def upload(user: Annotated[User, Depends(requires("submit"))], file: Annotated[UploadFile, File()],
                     petitioner_name: Annotated[str | None, Form(max_length=200)] = None,
                     petitioner_contact: Annotated[str | None, Form(max_length=200)] = None) -> dict:
        petition_id = await triage.submit_file(user, file, petitioner_name, petitioner_contact)
        return {"id": petition_id, "status": "new"}

    @app.get("/api/queue")
    def queue(user: Annotated[User, Depends(requires("view_queue"))], response: Response, include_closed: bool = False,
              limit: Annotated[int, Query(ge=1, le=1000)] = 200, offset: Annotated[int, Query(ge=0)] = 0) -> list[dict]:
        """A page of the queue; ``X-Total-Count`` gives the length of the whole queue."""
        rows, total = triage.queue(user, include_closed, limit, offset)
        response.headers["X-Total-Count"] = str(total)
        return rows

    @app.get("/api/petitions/{petition_id}")
    def show(petition_id: int, user: Annotated[User, Depends(requires("view_queue"))]) -> dict:
        return triage.show(user, petition_id)

    @app.post("/api/petitions/{petition_id}/claim")
    def claim(petition_id: int, user: Annotated[User, Depends(requires("claim"))]) -> dict:
        return triage.claim(user, petition_id)

    @app.post("/api/petitions/{petition_id}/state")
    def change_state(petition_id: int, body: StateChange, user: Annotated[User, Depends(requires("conclude"))]) -> dict:
        return triage.change_state(user, petition_id, body.state, body.forwarded_to)

    @app.post("/api/petitions/{petition_id}/labels", status_code=201)
    def correct(petition_id: int, body: Correction, user: Annotated[User, Depends(requires("correct"))]) -> dict:
        return triage.correct(user, petition_id, body.labels, body.note)

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

    from .web import add_web

    add_web(app, triage)

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
    engine.dispose()  # no pooled connection left open behind (PostgreSQL counts them)
    return token
