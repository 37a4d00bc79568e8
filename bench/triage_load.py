"""Load test of the triage service on loopback: concurrent clients submit petitions and reviewers
claim them from the queue for a fixed time, while the analysis worker runs the real pipeline.

    python bench/triage_load.py [--clients 50] [--reviewers 10] [--seconds 60] [--pause 1]
                                [--queue-every 10] [--databases sqlite,postgresql] [--no-worker]

For each database (a fresh SQLite file; a fresh database in a throwaway PostgreSQL cluster when the
server is installed, see nlp_pipeline/triage/pgtest.py) the service runs in its own process
(uvicorn on 127.0.0.1, a free port). ``--clients`` is the number of concurrent clients in all,
``--reviewers`` of them claim, the others submit texts of the written corpus. Each client waits a
random pause (mean ``--pause`` seconds) between its requests, so 50 clients offer about 50
requests/s; ``--pause 0`` runs them back to back, which measures saturation: the latency is then
the number of clients over the throughput. A reviewer looks at the whole queue every
``--queue-every`` seconds and claims from its top, in a random order, so that reviewers race for
the same petitions.

Printed per database: submissions/s and claims/s, intake latency p50/p95/p99 (target p95 <= 200
ms), and checks made directly in the database afterwards: every petition answered 201 is stored
with its text (nothing lost), no petition was claimed successfully twice, each claimed petition
is still 'assigned' to its claimer, and the audit log has exactly one 'claim' per claimed
petition. Exit status 1 when a check fails.
"""

import argparse
import asyncio
import math
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx

TARGET_P95_MS = 200
NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄勇", "周杰", "吴霞", "徐鹏", "孙丽"]


def serve(url: str, port: int, worker: bool = True) -> None:
    """The service as deployed (nlp-pipeline serve): the analysis worker in a process of its own."""
    import uvicorn

    from nlp_pipeline.triage.service import create_app

    app = create_app(url, start_worker=worker, worker_process=True)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)] if ordered else float("nan")


class Results:
    def __init__(self):
        self.submitted: dict[int, int] = {}  # petition id -> index of the text sent
        self.intake_ms: list[float] = []
        self.claims: list[tuple[int, int]] = []  # (petition id, assignee id) of each 200
        self.conflicts = 0
        self.queue_ms: list[float] = []
        self.errors: Counter = Counter()


async def pause(chance: random.Random, mean: float, deadline: float) -> None:
    if mean > 0:
        await asyncio.sleep(max(0.0, min(chance.expovariate(1 / mean), deadline - time.monotonic())))


async def submitter(base: str, token: str, texts: list[str], deadline: float, out: Results, seed: int,
                    mean_pause: float) -> None:
    chance = random.Random(seed)
    async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
        await pause(chance, mean_pause, deadline)
        while time.monotonic() < deadline:
            index = chance.randrange(len(texts))
            body = {"text": texts[index], "channel": "web"}
            if chance.random() < 0.5:
                body["petitioner_name"] = chance.choice(NAMES)
            started = time.perf_counter()
            try:
                response = await client.post("/api/petitions", json=body)
            except httpx.HTTPError as err:
                out.errors[f"submit {type(err).__name__}"] += 1
                continue
            out.intake_ms.append((time.perf_counter() - started) * 1000)
            if response.status_code == 201:
                out.submitted[response.json()["id"]] = index
            else:
                out.errors[f"submit HTTP {response.status_code}"] += 1
            await pause(chance, mean_pause, deadline)


async def reviewer(base: str, token: str, deadline: float, out: Results, seed: int, queue_every: float,
                   mean_pause: float) -> None:
    chance = random.Random(seed)
    candidates: list[int] = []
    looked = -math.inf
    async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60) as client:
        await pause(chance, mean_pause, deadline)
        while time.monotonic() < deadline:
            try:
                if not candidates or time.monotonic() - looked > queue_every:
                    started = time.perf_counter()
                    response = await client.get("/api/queue")
                    out.queue_ms.append((time.perf_counter() - started) * 1000)
                    looked = time.monotonic()
                    candidates = [row["id"] for row in response.json()
                                  if row["assignee_id"] is None and row["status"] in ("new", "triaged")][:50]
                    chance.shuffle(candidates)
                    if not candidates:
                        await asyncio.sleep(0.2)
                        continue
                petition = candidates.pop()
                response = await client.post(f"/api/petitions/{petition}/claim")
            except httpx.HTTPError as err:
                out.errors[f"claim {type(err).__name__}"] += 1
                continue
            if response.status_code == 200:
                out.claims.append((petition, response.json()["assignee_id"]))
            elif response.status_code == 409:
                out.conflicts += 1
            else:
                out.errors[f"claim HTTP {response.status_code}"] += 1
            await pause(chance, mean_pause, deadline)


async def load(base: str, clerks: list[str], reviewers: list[str], texts: list[str], args) -> tuple[Results, float]:
    out = Results()
    started = time.monotonic()
    deadline = started + args.seconds
    await asyncio.gather(*[submitter(base, token, texts, deadline, out, i, args.pause) for i, token in enumerate(clerks)],
                         *[reviewer(base, token, deadline, out, 1000 + i, args.queue_every, args.pause)
                           for i, token in enumerate(reviewers)])
    return out, time.monotonic() - started


def wait_ready(base: str, token: str, server: subprocess.Popen, limit: float = 300) -> None:
    until = time.monotonic() + limit
    while time.monotonic() < until:
        if server.poll() is not None:
            raise RuntimeError(f"the service exited with status {server.returncode}")
        try:
            if httpx.get(f"{base}/api/queue", headers={"Authorization": f"Bearer {token}"}, timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the service did not answer within {limit:.0f} s")


def check(url: str, out: Results, texts: list[str]) -> tuple[list[str], dict]:
    """Problems found directly in the database (empty when none), and the worker's progress."""
    from sqlalchemy import func, select

    from nlp_pipeline.triage.database import make_engine
    from nlp_pipeline.triage.models import AuditEntry, Petition

    problems = []
    engine = make_engine(url)
    with engine.connect() as connection:
        stored = dict(connection.execute(select(Petition.id, Petition.text)).all())
        assigned = {pid: (assignee, status) for pid, assignee, status in connection.execute(
            select(Petition.id, Petition.assignee_id, Petition.status).where(Petition.assignee_id.is_not(None)))}
        audited = Counter(connection.execute(select(AuditEntry.petition_id)
                                             .where(AuditEntry.action == "claim")).scalars())
        states = dict(connection.execute(select(Petition.analysis_state, func.count())
                                         .group_by(Petition.analysis_state)).all())
    engine.dispose()
    lost = [pid for pid in out.submitted if pid not in stored]
    altered = [pid for pid, index in out.submitted.items() if pid in stored and stored[pid] != texts[index]]
    if lost:
        problems.append(f"{len(lost)} petitions answered 201 are missing, e.g. {lost[:5]}")
    if altered:
        problems.append(f"{len(altered)} petitions are stored with another text, e.g. {altered[:5]}")
    twice = [pid for pid, n in Counter(pid for pid, _ in out.claims).items() if n > 1]
    if twice:
        problems.append(f"{len(twice)} petitions were claimed successfully more than once, e.g. {twice[:5]}")
    wrong = [pid for pid, assignee in out.claims if assigned.get(pid, (None,))[0] != assignee]
    if wrong:
        problems.append(f"{len(wrong)} successful claims do not match the assignee stored, e.g. {wrong[:5]}")
    unassigned = [pid for pid, (_, status) in assigned.items() if status != "assigned"]
    if unassigned:
        problems.append(f"{len(unassigned)} claimed petitions are no longer 'assigned', e.g. {unassigned[:5]}")
    unclaimed = set(assigned) - {pid for pid, _ in out.claims}
    if unclaimed:
        problems.append(f"{len(unclaimed)} petitions have an assignee without a successful claim seen")
    audited_twice = [pid for pid, n in audited.items() if n > 1]
    if audited_twice:
        problems.append(f"{len(audited_twice)} petitions have more than one 'claim' in the audit log")
    unaudited = [pid for pid, _ in out.claims if audited[pid] != 1]
    if unaudited:
        problems.append(f"{len(unaudited)} successful claims have no 'claim' audit entry")
    progress = {"stored": len(stored), "extra (no 201 seen)": len(set(stored) - set(out.submitted)), **states}
    return problems, progress


def run_one(name: str, url: str, args, texts: list[str], folder: Path) -> bool:
    from nlp_pipeline.triage.service import add_user

    print(f"\n== {name}: {args.clients} clients ({args.clients - args.reviewers} submitting, "
          f"{args.reviewers} claiming) for {args.seconds:g} s, mean pause {args.pause:g} s between requests"
          f"{', analysis worker off' if args.no_worker else ''}", flush=True)
    clerks = [add_user(url, f"clerk{i}", f"clerk-{i}-pw", "clerk") for i in range(args.clients - args.reviewers)]
    reviewers = [add_user(url, f"reviewer{i}", f"reviewer-{i}-pw", "reviewer") for i in range(args.reviewers)]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = folder / f"{name}-server.log"
    command = [sys.executable, __file__, "--serve", url, "--port", str(port), *(["--no-worker"] if args.no_worker else [])]
    with open(log_path, "w") as log, subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT) as server:
        try:
            wait_ready(base, reviewers[0] if reviewers else clerks[0], server)
            out, elapsed = asyncio.run(load(base, clerks, reviewers, texts, args))
        except RuntimeError:
            print(log_path.read_text(errors="replace")[-3000:], file=sys.stderr)
            raise
        finally:
            server.send_signal(signal.SIGINT)  # uvicorn shuts down, the worker finishes its petition
            try:
                server.wait(timeout=90)
            except subprocess.TimeoutExpired:
                server.kill()
    problems, progress = check(url, out, texts)
    p50, p95, p99 = (percentile(out.intake_ms, q) for q in (0.50, 0.95, 0.99))
    print(f"submissions      {len(out.submitted):6d}   {len(out.submitted) / elapsed:7.1f}/s")
    print(f"claims           {len(out.claims):6d}   {len(out.claims) / elapsed:7.1f}/s   "
          f"({out.conflicts} refused with 409: another reviewer was first)")
    print(f"intake latency   p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   p99 {p99:7.1f} ms   max {max(out.intake_ms, default=0):7.1f} ms"
          f"   (target p95 <= {TARGET_P95_MS} ms: {'met' if p95 <= TARGET_P95_MS else 'MISSED'})")
    print(f"queue views      {len(out.queue_ms):6d}   p50 {percentile(out.queue_ms, 0.5):7.1f} ms   "
          f"p95 {percentile(out.queue_ms, 0.95):7.1f} ms")
    print("petitions in db  " + ", ".join(f"{key} {value}" for key, value in progress.items()))
    if out.errors:
        print("request errors   " + ", ".join(f"{key}: {n}" for key, n in out.errors.most_common()))
    tail = log_path.read_text(errors="replace").strip()
    if tail:
        print("server log (tail):\n" + tail[-1500:])
    for problem in problems:
        print(f"CHECK FAILED: {problem}")
    if not problems:
        print("checks           nothing lost, nothing assigned twice, claimed petitions stay assigned, "
              "one audit 'claim' per claimed petition")
    return not problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients in all")
    parser.add_argument("--reviewers", type=int, default=10, help="how many of the clients claim")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--pause", type=float, default=1.0,
                        help="mean seconds a client waits between its requests (exponential; 0: none, saturation)")
    parser.add_argument("--queue-every", type=float, default=10.0, help="seconds between a reviewer's queue views")
    parser.add_argument("--no-worker", action="store_true", help="baseline: the analysis worker does not run")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        return serve(args.serve, args.port, not args.no_worker)
    if not 0 <= args.reviewers < args.clients:
        parser.error("--reviewers must be at least 0 and fewer than --clients")

    from nlp_pipeline import corpus
    from nlp_pipeline.triage import pgtest

    texts = [example.text for example in corpus.written()]
    ok = True
    with tempfile.TemporaryDirectory(prefix="triage-load-") as folder:
        for name in args.databases.split(","):
            if name == "sqlite":
                ok &= run_one(name, f"sqlite:///{Path(folder) / 'triage.sqlite'}", args, texts, Path(folder))
            elif name == "postgresql":
                reason = pgtest.unavailable()
                if reason:
                    print(f"\n== postgresql: skipped, {reason}")
                    continue
                with pgtest.Cluster() as cluster:
                    ok &= run_one(name, cluster.create_database("triage_load"), args, texts, Path(folder))
            else:
                parser.error(f"unknown database {name!r} (sqlite, postgresql)")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    main()
