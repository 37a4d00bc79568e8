"""The triage service through FastAPI's test client: intake stores first, the worker analyses,
the queue ranks with reasons, claiming is exclusive, identity is masked, everything is audited."""

import datetime
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text, update
from sqlalchemy.exc import DBAPIError

from nlp_pipeline.triage.models import ApiToken, now
from nlp_pipeline.triage.service import add_user, create_app

SERIOUS = ("举报青川县交通运输局党组书记、局长周海峰：公路养护工程的施工单位是他会前就定了的，"
           "今天上会只是走个程序，他还收受施工方老板现金二十万元。")
MINOR = "小区门口的路灯坏了一个月，希望有关部门修一下。"


@pytest.fixture
def service(triage_db_url, pipeline):
    url = triage_db_url
    tokens = {role: add_user(url, role, f"{role}-password", role) for role in ("clerk", "reviewer", "supervisor", "admin")}
    tokens["reviewer2"] = add_user(url, "reviewer2", "pw-2", "reviewer")
    app = create_app(url, pipeline_factory=lambda: pipeline, start_worker=False)
    with TestClient(app) as client:
        yield client, app, tokens
    app.state.engine.dispose()


def auth(token):
    return {"Authorization": f"Bearer {token}"}


def test_no_anonymous_access_and_login_with_password(service):
    client, _, _ = service
    assert client.get("/api/queue").status_code == 401
    assert client.get("/api/queue", headers=auth("forged")).status_code == 401
    assert client.post("/api/login", json={"username": "clerk", "password": "wrong"}).status_code == 401
    token = client.post("/api/login", json={"username": "clerk", "password": "clerk-password"}).json()["token"]
    assert client.get("/api/queue", headers=auth(token)).status_code == 200


def test_tokens_stop_working_after_their_lifetime(service):
    client, app, tokens = service
    token = client.post("/api/login", json={"username": "clerk", "password": "clerk-password"}).json()["token"]
    assert client.get("/api/queue", headers=auth(token)).status_code == 200
    hours = app.state.triage.settings["token_hours"]
    with app.state.engine.begin() as connection:
        connection.execute(update(ApiToken).values(created_at=now() - datetime.timedelta(hours=hours, minutes=1)))
    assert client.get("/api/queue", headers=auth(token)).status_code == 401
    assert client.get("/api/queue", headers=auth(tokens["reviewer"])).status_code == 401
    fresh = client.post("/api/login", json={"username": "clerk", "password": "clerk-password"}).json()["token"]
    assert client.get("/api/queue", headers=auth(fresh)).status_code == 200
    with app.state.engine.begin() as connection:  # the login cleared the expired tokens away
        assert connection.execute(text("SELECT count(*) FROM api_tokens")).scalar() == 1


def test_intake_stores_first_then_the_worker_ranks_with_reasons(service):
    client, app, tokens = service
    clerk = auth(tokens["clerk"])
    minor = client.post("/api/petitions", json={"text": MINOR, "petitioner_name": "王小明"}, headers=clerk).json()["id"]
    serious = client.post("/api/petitions", json={"text": SERIOUS, "petitioner_name": "陈秀兰",
                                                  "petitioner_contact": "13800000000"}, headers=clerk).json()["id"]
    queue = client.get("/api/queue", headers=auth(tokens["reviewer"])).json()
    assert {r["id"]: r["analysis_state"] for r in queue} == {minor: "pending", serious: "pending"}
    while app.state.worker.run_once():
        pass
    queue = client.get("/api/queue", headers=auth(tokens["reviewer"])).json()
    assert [r["id"] for r in queue] == [serious, minor]
    page = client.get("/api/queue?limit=1&offset=1", headers=auth(tokens["reviewer"]))
    assert [r["id"] for r in page.json()] == [minor] and page.headers["X-Total-Count"] == "2"
    assert client.get("/api/queue?limit=0", headers=auth(tokens["reviewer"])).status_code == 422
    top = queue[0]
    assert top["status"] == "triaged" and top["meeting_flags"]
    reasons = "；".join(top["reasons"])
    assert top["labels"] and all(label["name"] in reasons for label in top["labels"])
    assert "周海峰" in reasons and "会议程序问题" in reasons
    assert top["conclude_by"] > top["acknowledge_by"]
    assert top["petitioner_name"] == "陈秀兰"
    masked = client.get(f"/api/petitions/{serious}", headers=auth(tokens["clerk"])).json()
    assert masked["petitioner_name"] == "＊＊＊" and masked["petitioner_contact"] == "＊＊＊"


def test_repeat_petitions_are_grouped(service):
    client, app, tokens = service
    clerk = auth(tokens["clerk"])
    first = client.post("/api/petitions", json={"text": SERIOUS}, headers=clerk).json()["id"]
    again = client.post("/api/petitions", json={"text": SERIOUS + "请尽快调查！"}, headers=clerk).json()["id"]
    while app.state.worker.run_once():
        pass
    rows = {r["id"]: r for r in client.get("/api/queue", headers=auth(tokens["reviewer"])).json()}
    assert rows[first]["group_id"] == rows[again]["group_id"] == first
    assert any("重复反映" in reason for reason in rows[again]["reasons"])


def test_a_model_error_keeps_the_petition_in_the_queue(triage_db_url):
    class Broken:
        def analyze(self, documents):
            raise RuntimeError("model file damaged")

    url = triage_db_url
    token = add_user(url, "r", "pw", "reviewer")
    app = create_app(url, pipeline_factory=Broken, start_worker=False)
    with TestClient(app) as client:
        petition = client.post("/api/petitions", json={"text": MINOR}, headers=auth(token)).json()["id"]
        app.state.worker.run_once()
        [row] = client.get("/api/queue", headers=auth(token)).json()
        assert row["id"] == petition and row["analysis_state"] == "failed" and "damaged" in row["analysis_error"]
    app.state.engine.dispose()


def test_claiming_is_exclusive_under_concurrency(service):
    client, app, tokens = service
    petition = client.post("/api/petitions", json={"text": MINOR}, headers=auth(tokens["clerk"])).json()["id"]
    app.state.worker.run_once()
    claimers = [tokens["reviewer"], tokens["reviewer2"], tokens["supervisor"], tokens["admin"]] * 5
    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(lambda t: client.post(f"/api/petitions/{petition}/claim", headers=auth(t)).status_code,
                              claimers))
    assert codes.count(200) == 1 and codes.count(409) == len(claimers) - 1
    assert client.post(f"/api/petitions/{petition}/claim", headers=auth(tokens["clerk"])).status_code == 403


def test_states_corrections_export_and_audit(service):
    client, app, tokens = service
    reviewer, supervisor = auth(tokens["reviewer"]), auth(tokens["supervisor"])
    petition = client.post("/api/petitions", json={"text": MINOR}, headers=auth(tokens["clerk"])).json()["id"]
    app.state.worker.run_once()
    assert client.post(f"/api/petitions/{petition}/state", json={"state": "concluded"}, headers=reviewer).status_code == 409
    assert client.post(f"/api/petitions/{petition}/state", json={"state": "forwarded"}, headers=reviewer).status_code == 422
    assert client.post(f"/api/petitions/{petition}/labels", json={"labels": ["nonsense"]}, headers=reviewer).status_code == 422
    assert client.post(f"/api/petitions/{petition}/labels", json={"labels": ["out_of_scope"]}, headers=reviewer).status_code == 201
    moved = client.post(f"/api/petitions/{petition}/state", json={"state": "forwarded", "forwarded_to": "市城市管理局"},
                        headers=reviewer)
    assert moved.status_code == 200
    assert client.get("/api/corrections/export", headers=reviewer).status_code == 403
    exported = client.get("/api/corrections/export", headers=supervisor).text.splitlines()
    assert '"labels": ["out_of_scope"]' in exported[0] and "路灯" in exported[0]
    actions = [a["action"] for a in client.get(f"/api/audit?petition_id={petition}", headers=auth(tokens["admin"])).json()]
    assert actions == ["submit", "correct_labels", "state"]
    assert client.get("/api/audit", headers=reviewer).status_code == 403


def test_input_limits(service):
    client, _, tokens = service
    clerk = auth(tokens["clerk"])
    assert client.post("/api/petitions", json={"text": "字" * 50001}, headers=clerk).status_code == 413
    assert client.post("/api/petitions", json={"text": ""}, headers=clerk).status_code == 422
    bad = client.post("/api/petitions/upload", files={"file": ("x.exe", b"MZ", "application/octet-stream")}, headers=clerk)
    assert bad.status_code == 415
    good = client.post("/api/petitions/upload", files={"file": ("信.txt", MINOR.encode("gb18030"), "text/plain")},
                       data={"petitioner_name": "李四"}, headers=clerk)
    assert good.status_code == 201


def test_the_database_refuses_changing_or_deleting_audit_entries(service):
    client, app, tokens = service
    client.post("/api/petitions", json={"text": MINOR}, headers=auth(tokens["clerk"]))
    engine = app.state.engine
    for statement in ("UPDATE audit_log SET action = 'forged'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))
    with engine.begin() as connection:
        actions = connection.execute(text("SELECT action FROM audit_log ORDER BY id")).scalars().all()
        connection.execute(text("INSERT INTO audit_log (at, action, detail) VALUES (CURRENT_TIMESTAMP, 'note', '{}')"))
    assert actions and "forged" not in actions and actions[-1] == "submit"


def test_a_claim_made_while_the_worker_analyses_is_kept(service, pipeline):
    client, app, tokens = service
    petition = client.post("/api/petitions", json={"text": MINOR}, headers=auth(tokens["clerk"])).json()["id"]

    class ClaimedMeanwhile:
        def analyze(self, documents):
            assert client.post(f"/api/petitions/{petition}/claim", headers=auth(tokens["reviewer"])).status_code == 200
            return pipeline.analyze(documents)

    app.state.worker.pipeline_factory = ClaimedMeanwhile
    assert app.state.worker.run_once()
    row = client.get(f"/api/petitions/{petition}", headers=auth(tokens["reviewer"])).json()
    assert row["analysis_state"] == "done" and row["status"] == "assigned" and row["assignee_id"] is not None
