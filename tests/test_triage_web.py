"""The triage web pages: end to end in a real headless Chromium (Debian's, driven by Playwright)
against the service running under uvicorn with its analysis worker; and, through the test client,
that anonymous visitors are sent to the login page and that form posts need their CSRF token."""

import re
import shutil
import socket
import threading
import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from nlp_pipeline.triage.models import AuditEntry, LabelCorrection, Petition
from nlp_pipeline.triage.security import MASK
from nlp_pipeline.triage.service import add_user, create_app

SERIOUS = ("举报青川县交通运输局党组书记、局长周海峰：公路养护工程的施工单位是他会前就定了的，"
           "今天上会只是走个程序，他还收受施工方老板现金二十万元。")
MINOR = "小区门口的路灯坏了一个月，希望有关部门修一下。"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


# --- through the test client -------------------------------------------------------------

@pytest.fixture
def pages(tmp_path):
    url = f"sqlite:///{tmp_path / 'triage.sqlite'}"
    tokens = {role: add_user(url, role, f"{role}-password", role) for role in ("clerk", "reviewer", "admin")}
    app = create_app(url, pipeline_factory=lambda: None, start_worker=False)
    with TestClient(app, follow_redirects=False) as client:
        yield client, app, tokens
    app.state.engine.dispose()


def log_in(client, username: str, password: str) -> str:
    """Log in through the form; returns the CSRF token of the new session."""
    form = client.get("/login")
    response = client.post("/login", data={"username": username, "password": password,
                                           "csrf_token": CSRF.search(form.text).group(1)})
    assert response.status_code == 303 and response.headers["location"] == "/queue"
    session_cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("triage_session="))
    assert "HttpOnly" in session_cookie and "SameSite=strict" in session_cookie
    return CSRF.search(client.get("/queue").text).group(1)


def test_anonymous_visitors_are_sent_to_the_login_page(pages):
    client, _, _ = pages
    for path in ("/", "/queue", "/queue?all=1", "/submit", "/petitions/1"):
        response = client.get(path)
        assert response.status_code == 303 and response.headers["location"] == "/login", path
    assert client.post("/petitions/1/claim", data={"csrf_token": "x"}).headers["location"] == "/login"
    login = client.get("/login")
    assert login.status_code == 200 and "登录" in login.text and "default-src 'none'" in login.headers["content-security-policy"]


def test_form_posts_need_the_csrf_token_of_their_session(pages):
    client, app, _ = pages
    assert client.post("/login", data={"username": "reviewer", "password": "reviewer-password"}).status_code == 403
    form = client.get("/login")
    wrong = client.post("/login", data={"username": "reviewer", "password": "nope",
                                        "csrf_token": CSRF.search(form.text).group(1)})
    assert wrong.status_code == 401 and "用户名或密码错误" in wrong.text
    csrf = log_in(client, "reviewer", "reviewer-password")
    other = TestClient(app, follow_redirects=False)
    other_csrf = log_in(other, "clerk", "clerk-password")

    for token in (None, "", "0" * 64, other_csrf):
        data = {"text": MINOR} | ({"csrf_token": token} if token is not None else {})
        refused = client.post("/submit", data=data)
        assert refused.status_code == 403 and "CSRF" in refused.text
    with app.state.sessions.begin() as session:
        assert session.scalars(select(Petition)).all() == []
    stored = client.post("/submit", data={"text": MINOR, "petitioner_name": "王小明", "csrf_token": csrf})
    assert stored.status_code == 303 and stored.headers["location"].startswith("/petitions/")
    petition = int(stored.headers["location"].split("/")[2].split("?")[0])
    for path, data in ((f"/petitions/{petition}/claim", {}), (f"/petitions/{petition}/labels", {"labels": "formalism"}),
                       (f"/petitions/{petition}/state", {"state": "forwarded", "forwarded_to": "市城市管理局"}),
                       ("/logout", {})):
        assert client.post(path, data=data).status_code == 403, path
    with app.state.sessions.begin() as session:
        assert session.get(Petition, petition).status == "new"
        assert session.scalars(select(LabelCorrection)).all() == []
    assert client.post("/logout", data={"csrf_token": csrf}).headers["location"] == "/login"
    assert client.get("/queue").status_code == 303


def test_pages_mask_identity_for_clerks_and_audit_like_the_api(pages):
    client, _, tokens = pages
    clerk_csrf = log_in(client, "clerk", "clerk-password")
    stored = client.post("/submit", data={"text": SERIOUS, "petitioner_name": "陈秀兰", "petitioner_contact": "13800000000",
                                          "csrf_token": clerk_csrf})
    petition = int(stored.headers["location"].split("/")[2].split("?")[0])
    shown = client.get(f"/petitions/{petition}").text
    assert MASK in shown and "陈秀兰" not in shown and "13800000000" not in shown and "分析中" in shown
    assert f'action="/petitions/{petition}/claim"' not in shown
    assert client.post(f"/petitions/{petition}/claim", data={"csrf_token": clerk_csrf}).status_code == 403
    client.post("/logout", data={"csrf_token": clerk_csrf})
    log_in(client, "reviewer", "reviewer-password")
    shown = client.get(f"/petitions/{petition}").text
    assert "陈秀兰" in shown and "13800000000" in shown and "认领" in shown
    audit = client.get(f"/api/audit?petition_id={petition}", headers={"Authorization": f"Bearer {tokens['admin']}"}).json()
    assert [(a["action"], a["detail"].get("identity_shown")) for a in audit] == [("submit", None), ("view", False),
                                                                                ("view", True)]


def test_the_queue_page_shows_one_page_at_a_time(pages):
    client, app, _ = pages
    app.state.triage.settings["queue_page_size"] = 2
    csrf = log_in(client, "reviewer", "reviewer-password")
    for text in (MINOR, SERIOUS, "村里的垃圾三天没人清运，请尽快处理。"):
        assert client.post("/submit", data={"text": text, "csrf_token": csrf}).status_code == 303
    rows = re.compile(r'<tr id="petition-(\d+)"')
    first, second = client.get("/queue"), client.get("/queue?page=2")
    assert len(rows.findall(first.text)) == 2 and len(rows.findall(second.text)) == 1
    assert sorted(rows.findall(first.text) + rows.findall(second.text)) == ["1", "2", "3"]
    assert "共 3 件" in first.text and "第 1 / 2 页" in first.text and 'href="/queue?page=2"' in first.text
    assert 'href="/queue?page=1"' in second.text and "下一页" not in second.text
    assert "没有第 5 页" in client.get("/queue?page=5").text
    assert client.get("/queue?page=0").status_code == 422


# --- in a real browser -------------------------------------------------------------------

@pytest.fixture
def browser():
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Debian's chromium is not installed (make chromium): the browser test needs it")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (the test extra has it)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True,
                                             args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield browser
        browser.close()


@pytest.fixture
def live(tmp_path, pipeline):
    """The real service with its worker, under uvicorn on a free local port."""
    import uvicorn

    url = f"sqlite:///{tmp_path / 'triage.sqlite'}"
    add_user(url, "reviewer", "reviewer-password", "reviewer")
    add_user(url, "clerk", "clerk-password", "clerk")
    app = create_app(url, pipeline_factory=lambda: pipeline)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}", app
    server.should_exit = True
    thread.join(timeout=30)
    sock.close()
    app.state.engine.dispose()


def browser_login(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/queue")
    assert page.url == f"{base}/login"
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url(f"{base}/queue")


def browser_submit(page, base: str, text: str, name: str, contact: str) -> int:
    page.get_by_role("link", name="登记信访件").click()
    page.fill("textarea[name=text]", text)
    page.fill("input[name=petitioner_name]", name)
    page.fill("input[name=petitioner_contact]", contact)
    page.get_by_role("button", name="登记", exact=True).click()
    page.wait_for_url(re.compile(r"/petitions/\d+\?ok=submitted$"))
    assert "已收件" in page.inner_text(".notice")
    return int(re.search(r"/petitions/(\d+)", page.url).group(1))


def test_in_a_browser_submit_rank_claim_correct_conclude_and_mask(live, browser):
    base, app = live
    reviewer = browser.new_context(locale="zh-CN")
    page = reviewer.new_page()
    page.set_default_timeout(30000)
    browser_login(page, base, "reviewer", "reviewer-password")
    minor = browser_submit(page, base, MINOR, "王小明", "13900000000")
    serious = browser_submit(page, base, SERIOUS, "陈秀兰", "13800000000")

    deadline = time.monotonic() + 240
    while True:  # the worker analyses in the background; the queue says 分析中 until then
        page.goto(f"{base}/queue")
        if page.locator('tbody tr[data-analysis="done"]').count() == 2:
            break
        assert page.locator('tbody tr[data-analysis="failed"]').count() == 0, page.inner_text("table")
        assert time.monotonic() < deadline, "the worker did not analyse both petitions in time"
        page.wait_for_timeout(1000)
    rows = page.locator("tbody tr")
    assert [rows.nth(i).get_attribute("id") for i in range(2)] == [f"petition-{serious}", f"petition-{minor}"]
    top = rows.nth(0)
    reasons = top.locator(".reasons").inner_text()
    assert "周海峰" in reasons and "会议程序问题" in reasons and "问题类型" in reasons
    assert top.locator(".badge").count() >= 1
    assert float(top.locator(".priority").inner_text()) > float(rows.nth(1).locator(".priority").inner_text())
    assert top.locator(".petitioner").inner_text() == "陈秀兰"
    assert rows.nth(1).locator(".petitioner").inner_text() == "王小明"
    assert "办结" in top.locator(".due").inner_text()

    top.get_by_role("link", name=f"第 {serious} 号").click()
    page.wait_for_url(f"{base}/petitions/{serious}")
    assert page.inner_text("#petitioner-name") == "陈秀兰"
    assert "周海峰" in page.inner_text("#reasons")
    page.click("button#claim")
    page.wait_for_url(re.compile(r"ok=claim$"))
    assert "已认领" in page.inner_text(".notice") and page.inner_text("#assignee") == "本人"

    abuse = page.get_by_label("滥用职权/以权谋私")
    abuse.check()
    out_of_scope = page.get_by_label("不属于纪检监察受理范围")
    if out_of_scope.is_checked():
        out_of_scope.uncheck()
    page.get_by_role("button", name="保存更正").click()
    page.wait_for_url(re.compile(r"ok=labels$"))
    assert "已更正" in page.inner_text(".notice") and page.get_by_label("滥用职权/以权谋私").is_checked()

    page.get_by_role("button", name="办结", exact=True).click()
    page.wait_for_url(re.compile(r"ok=concluded$"))
    assert page.inner_text("#status") == "已办结"
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url(f"{base}/login")
    page.goto(f"{base}/queue")
    assert page.url == f"{base}/login"
    reviewer.close()

    clerk = browser.new_context(locale="zh-CN")
    page = clerk.new_page()
    page.set_default_timeout(30000)
    browser_login(page, base, "clerk", "clerk-password")
    assert page.locator("tbody tr").count() == 1  # the concluded one has left the open queue
    assert page.locator(f"#petition-{minor} .petitioner").inner_text() == MASK
    page.get_by_role("link", name="全部信访件").click()
    page.wait_for_url(f"{base}/queue?all=1")
    assert page.locator(f"#petition-{serious} .petitioner").inner_text() == MASK
    page.get_by_role("link", name=f"第 {serious} 号").click()
    page.wait_for_url(f"{base}/petitions/{serious}")
    assert page.inner_text("#petitioner-name") == MASK and page.inner_text("#petitioner-contact") == MASK
    content = page.content()
    assert "陈秀兰" not in content and "13800000000" not in content
    assert page.get_by_role("button", name="认领").count() == 0 and page.get_by_role("button", name="保存更正").count() == 0
    clerk.close()

    with app.state.sessions.begin() as session:
        assert session.get(Petition, serious).status == "concluded"
        [correction] = session.scalars(select(LabelCorrection).where(LabelCorrection.petition_id == serious)).all()
        assert "abuse_of_power" in correction.labels and "out_of_scope" not in correction.labels
        actions = [a.action for a in session.scalars(select(AuditEntry).where(AuditEntry.petition_id == serious)
                                                     .order_by(AuditEntry.id))]
        everything = {a.action for a in session.scalars(select(AuditEntry))}
    assert actions[0] == "submit" and actions.count("view") >= 3
    assert [a for a in actions if a not in ("submit", "view")] == ["claim", "correct_labels", "state"]
    assert {"login", "logout", "view_queue", "view_form"} <= everything
