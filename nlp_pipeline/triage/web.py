"""The web pages of the triage service, server-rendered in Chinese: log in, the ranked queue,
submitting a petition (text or file), and a petition's page with claiming, label correction and
state changes. Every operation goes through ``service.Triage``, the same checks and audit entries
as the JSON API.

A login creates an API token row like ``/api/login`` does; the token travels in an HttpOnly,
SameSite=Strict cookie and logging out deletes the row. Every form POST carries a CSRF token
derived from the session token (an HMAC keyed by it, so only a holder of the cookie can know it),
compared in constant time; the login form uses a random one, double-submitted as a cookie.
Pages send no external assets and a strict Content-Security-Policy."""

import datetime
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from fastapi import FastAPI, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import select
from starlette import datastructures

from ..labels import load_labels
from .models import User, now
from .security import can

TEMPLATES = Path(__file__).parent / "templates"
SESSION_COOKIE = "triage_session"
LOGIN_COOKIE = "triage_login"
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
ROLE_NAMES = {"clerk": "登记员", "reviewer": "审核员", "supervisor": "主管", "admin": "管理员"}
STATUS_NAMES = {"new": "新收", "triaged": "已分拣", "assigned": "已认领", "in_progress": "办理中",
                "concluded": "已办结", "forwarded": "已转办", "closed": "已结案"}
CHANNEL_NAMES = {"web": "网上", "letter": "来信", "visit": "来访", "phone": "来电", "email": "电子邮件", "upload": "上传文件"}
ROLE_IN_TEXT = {"subject": "被反映人", "petitioner": "反映人", "mentioned": "提及"}
ACTIONS = {  # state change: (button, done message)
    "in_progress": ("开始办理", "已开始办理。"),
    "concluded": ("办结", "已办结。"),
    "forwarded": ("转办", "已转办。"),
    "closed": ("结案", "已结案。"),
}
NOTICES = {"submitted": "已收件，正在后台自动分析。", "claim": "已认领，本件由您办理。",
           "labels": "问题类型已更正，将作为训练数据。", **{state: done for state, (_, done) in ACTIONS.items()}}
ERRORS = {"claim-409": "无法认领：该件已被他人认领、已办结或不存在。",
          "state-409": "当前状态下不能进行此操作。",
          "state-422": "转办须填写接收部门。",
          "labels-422": "包含未知的问题类型。"}


class LoginRequired(Exception):
    pass


class PageError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


@dataclass
class Visitor:
    user: User
    token: str

    @property
    def csrf(self) -> str:
        return csrf_token(self.token)


def csrf_token(session_token: str) -> str:
    return hmac.new(session_token.encode(), b"triage-web-form", hashlib.sha256).hexdigest()


def same(given: str | None, expected: str | None) -> bool:
    return bool(given and expected) and hmac.compare_digest(given.encode(), expected.encode())


def beijing(iso: str | None) -> str:
    """Stored times are UTC; shown in Beijing time (UTC+8, no daylight saving)."""
    if not iso:
        return ""
    return (datetime.datetime.fromisoformat(iso) + datetime.timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")


def add_web(app: FastAPI, triage) -> None:
    """Mount the pages on ``app``; ``triage`` is the service's ``Triage``."""
    from .service import TRANSITIONS

    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["beijing"] = beijing
    env.globals.update(ROLE_NAMES=ROLE_NAMES, STATUS_NAMES=STATUS_NAMES, CHANNEL_NAMES=CHANNEL_NAMES,
                       FLAG_NAMES=triage.settings.get("flag_names", {}), ROLE_IN_TEXT=ROLE_IN_TEXT, ACTIONS=ACTIONS)

    def secure(response: Response) -> Response:
        response.headers.update(HEADERS)
        return response

    def page(name: str, visitor: Visitor | None, status: int = 200, **context) -> HTMLResponse:
        html = env.get_template(name).render(visitor=visitor, can=lambda right: visitor and can(visitor.user.role, right),
                                             **context)
        return secure(HTMLResponse(html, status_code=status))

    def redirect(url: str) -> Response:
        return secure(RedirectResponse(url, status_code=303))

    def visitor_of(request: Request) -> Visitor:
        token = request.cookies.get(SESSION_COOKIE)
        user = triage.user_for_token(token)
        if user is None:
            raise LoginRequired()
        return Visitor(user, token)

    def checked(request: Request, given: str | None) -> Visitor:
        """The visitor of a form POST, whose CSRF token must match the session's."""
        visitor = visitor_of(request)
        if not same(given, visitor.csrf):
            raise PageError(403, "表单校验失败（缺少或错误的 CSRF 令牌），操作未执行。请返回页面刷新后重试。")
        return visitor

    def messages(request: Request) -> dict:
        return {"notice": NOTICES.get(request.query_params.get("ok", "")),
                "error": ERRORS.get(request.query_params.get("error", ""))}

    def attempt(action: str, call, petition_id: int, ok: str) -> Response:
        """Run an operation and come back to the petition's page with what happened."""
        try:
            call()
        except HTTPException as err:
            if err.status_code == 403:
                raise PageError(403, "您的角色无权进行此操作。") from err
            if err.status_code == 404:
                raise PageError(404, "没有这件信访件。") from err
            return redirect(f"/petitions/{petition_id}?error={action}-{err.status_code}")
        return redirect(f"/petitions/{petition_id}?ok={ok}")

    def usernames() -> dict[int, str]:
        with triage.sessions.begin() as session:
            return dict(session.execute(select(User.id, User.username)).all())

    async def login_required(request: Request, _exc: LoginRequired) -> Response:
        return redirect("/login")

    async def page_error(request: Request, exc: PageError) -> Response:
        try:
            visitor = visitor_of(request)
        except LoginRequired:
            visitor = None
        return page("error.html", visitor, exc.status, message=exc.message)

    app.add_exception_handler(LoginRequired, login_required)
    app.add_exception_handler(PageError, page_error)

    @app.get("/static/triage.css", include_in_schema=False)
    def stylesheet() -> Response:
        return secure(Response((TEMPLATES / "triage.css").read_text(encoding="utf-8"), media_type="text/css"))

    @app.get("/", include_in_schema=False)
    def home(request: Request) -> Response:
        visitor_of(request)
        return redirect("/queue")

    def login_form(error: str | None = None, status: int = 200, username: str = "") -> Response:
        nonce = secrets.token_urlsafe(32)
        response = page("login.html", None, status, csrf=nonce, error=error, username=username)
        response.set_cookie(LOGIN_COOKIE, nonce, max_age=3600, path="/login", httponly=True, samesite="strict")
        return response

    @app.get("/login", include_in_schema=False)
    def login_page(request: Request) -> Response:
        if triage.user_for_token(request.cookies.get(SESSION_COOKIE)) is not None:
            return redirect("/queue")
        return login_form()

    @app.post("/login", include_in_schema=False)
    def login(request: Request, username: Annotated[str, Form()] = "", password: Annotated[str, Form()] = "",
              csrf_token: Annotated[str | None, Form()] = None) -> Response:
        if not same(csrf_token, request.cookies.get(LOGIN_COOKIE)):
            raise PageError(403, "登录表单校验失败（缺少或错误的 CSRF 令牌）。请重新打开登录页。")
        if len(username) > 80 or len(password) > 200:
            return login_form("用户名或密码错误。", 401, username[:80])
        try:
            token, _user = triage.login(username, password)
        except HTTPException:
            return login_form("用户名或密码错误。", 401, username)
        response = redirect("/queue")
        response.set_cookie(SESSION_COOKIE, token, path="/", httponly=True, samesite="strict",
                            max_age=triage.settings["token_hours"] * 3600,
                            secure=request.url.scheme == "https")
        response.delete_cookie(LOGIN_COOKIE, path="/login", httponly=True, samesite="strict")
        return response

    @app.post("/logout", include_in_schema=False)
    def logout(request: Request, csrf_token: Annotated[str | None, Form()] = None) -> Response:
        visitor = checked(request, csrf_token)
        triage.logout(visitor.user, visitor.token)
        response = redirect("/login")
        response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict",
                               secure=request.url.scheme == "https")
        return response

    @app.get("/queue", include_in_schema=False)
    def queue_page(request: Request, include_closed: Annotated[bool, Query(alias="all")] = False,
                   number: Annotated[int, Query(alias="page", ge=1)] = 1) -> Response:
        visitor = visitor_of(request)
        size = triage.settings["queue_page_size"]
        try:
            rows, total = triage.queue(visitor.user, include_closed, size, (number - 1) * size)
        except HTTPException as err:
            raise PageError(err.status_code, "您的角色无权查看队列。") from err
        waiting = any(row["analysis_state"] in ("pending", "running") for row in rows)
        return page("queue.html", visitor, rows=rows, all=include_closed, names=usernames(), total=total,
                    number=number, pages=max(1, -(-total // size)), first=(number - 1) * size + 1,
                    today=now().date().isoformat(), refresh=5 if waiting else None, **messages(request))

    def submit_form(visitor: Visitor, status: int = 200, error: str | None = None, **values) -> Response:
        return page("submit.html", visitor, status, error=error, values=values, max_chars=triage.settings["max_text_chars"])

    @app.get("/submit", include_in_schema=False)
    def submit_page(request: Request) -> Response:
        visitor = visitor_of(request)
        if not can(visitor.user.role, "submit"):
            raise PageError(403, "您的角色无权登记信访件。")
        with triage.sessions.begin() as session:
            triage.audit(session, visitor.user, "view_form", form="submit")
        return submit_form(visitor)

    @app.post("/submit", include_in_schema=False)
    async def submit(request: Request, csrf_token: Annotated[str | None, Form()] = None,
                     text: Annotated[str, Form()] = "", petitioner_name: Annotated[str, Form()] = "",
                     petitioner_contact: Annotated[str, Form()] = "", channel: Annotated[str, Form()] = "web",
                     file: Annotated[UploadFile | str | None, File()] = None) -> Response:
        visitor = checked(request, csrf_token)
        values = {"text": text, "petitioner_name": petitioner_name, "petitioner_contact": petitioner_contact,
                  "channel": channel}
        has_file = isinstance(file, datastructures.UploadFile) and bool(file.filename)  # the parser gives starlette's
        name, contact = petitioner_name.strip() or None, petitioner_contact.strip() or None
        if len(petitioner_name) > 200 or len(petitioner_contact) > 200:
            return submit_form(visitor, 422, "反映人姓名和联系方式各不超过 200 字。", **values)
        if channel not in CHANNEL_NAMES or channel == "upload":
            return submit_form(visitor, 422, "请选择来源渠道。", **values)
        if has_file and text.strip():
            return submit_form(visitor, 422, "请填写正文或上传文件，二者选一。", **values)
        if not has_file and not text.strip():
            return submit_form(visitor, 422, "请填写信访内容或上传文件。", **values)
        try:
            if has_file:
                petition_id = await triage.submit_file(visitor.user, file, name, contact)
            else:
                petition_id = triage.submit_text(visitor.user, text, name, contact, channel)
        except HTTPException as err:
            if err.status_code == 403:
                raise PageError(403, "您的角色无权登记信访件。") from err
            message = {413: "内容过长或文件过大。", 415: "不支持的文件类型（可上传 txt、docx、pdf 或图片）。",
                       422: "上传的文件是空的。"}.get(err.status_code, "无法登记。")
            return submit_form(visitor, err.status_code, message, **values)
        return redirect(f"/petitions/{petition_id}?ok=submitted")

    @app.get("/petitions/{petition_id}", include_in_schema=False)
    def petition_page(request: Request, petition_id: int) -> Response:
        visitor = visitor_of(request)
        try:
            petition = triage.show(visitor.user, petition_id)
        except HTTPException as err:
            raise PageError(err.status_code, "没有这件信访件。" if err.status_code == 404 else "您的角色无权查看。") from err
        chosen = petition["corrected_labels"]
        if chosen is None:
            chosen = [label["code"] for label in petition["labels"]]
        moves = [state for state in ACTIONS if petition["status"] in TRANSITIONS[state]]
        return page("petition.html", visitor, p=petition, taxonomy=load_labels(), chosen=set(chosen), moves=moves,
                    names=usernames(), today=now().date().isoformat(),
                    refresh=5 if petition["analysis_state"] in ("pending", "running") else None, **messages(request))

    @app.post("/petitions/{petition_id}/claim", include_in_schema=False)
    def claim(request: Request, petition_id: int, csrf_token: Annotated[str | None, Form()] = None) -> Response:
        visitor = checked(request, csrf_token)
        return attempt("claim", lambda: triage.claim(visitor.user, petition_id), petition_id, "claim")

    @app.post("/petitions/{petition_id}/labels", include_in_schema=False)
    def correct(request: Request, petition_id: int, csrf_token: Annotated[str | None, Form()] = None,
                labels: Annotated[list[str], Form()] = [], note: Annotated[str, Form()] = "") -> Response:  # noqa: B006
        visitor = checked(request, csrf_token)
        return attempt("labels", lambda: triage.correct(visitor.user, petition_id, labels, note.strip()[:2000] or None),
                       petition_id, "labels")

    @app.post("/petitions/{petition_id}/state", include_in_schema=False)
    def change_state(request: Request, petition_id: int, csrf_token: Annotated[str | None, Form()] = None,
                     state: Annotated[str, Form()] = "", forwarded_to: Annotated[str, Form()] = "") -> Response:
        visitor = checked(request, csrf_token)
        if state not in ACTIONS:
            raise PageError(422, "未知的状态。")
        department = forwarded_to.strip()[:200] or None
        return attempt("state", lambda: triage.change_state(visitor.user, petition_id, state, department),
                       petition_id, state)
