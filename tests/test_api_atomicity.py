"""Kill -9 during an upload's ingest: after a restart the corpus is exactly as before, and the upload
can be retried.

A real ``budgetqa serve`` runs as a subprocess over a copy of the ingested sample.
A variant budget is uploaded; once its job is ``running`` and its embedding is
under way (the vector count has started to grow) the server's process group gets
SIGKILL. The SQLite commit is the ingest's commit point, so the restarted server
must list the same documents, still answer, and never return a passage of the
half-ingested document; retrying the upload must then succeed.

The scenario runs once (a module fixture, ~80 s after the session's sample ingest)
and records what it saw; each test checks one property of the record.

Observed timing on a 2-CPU box: the job turns ``running`` ~0.05 s after the
upload; the variant's whole ingest takes ~30 s; its first batch of 64 vectors
reaches Chroma ~10-13 s in, and the kill follows within 0.1 s — some 15-20 s before
the SQLite commit would have happened.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
VARIANT = ROOT / "evals" / "suites" / "docs" / "variant_11.txt"
UPLOAD_NAME = "copy-of-variant.txt"
TOKEN = "t"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
WAIT = 120.0  # every wait is bounded by this many seconds
KILL_AFTER_RUNNING_MAX = 20.0  # kill by then even if no vector has landed yet
#: Queries near the uploaded variant (密云区市场监督管理局) and the sample; searched with k=20 in two modes.
SEARCHES = [
    "北京市密云区市场监督管理局 计量检定运行维护经费",
    "计量检定",
    "第三方绩效评价服务费",
    "防疫核酸检测预约热线服务费",
]
MODES = ("hybrid", "dense")
K = 20

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _budgetqa() -> str:
    beside = Path(sys.executable).with_name("budgetqa")
    found = str(beside) if beside.exists() else shutil.which("budgetqa")
    if not found:
        pytest.skip("the budgetqa command is not installed")
    return found


class Server:
    """``budgetqa serve`` in its own session (so its whole group can be SIGKILLed)."""

    def __init__(self, data_dir: Path, log: Path) -> None:
        self.data_dir, self.log = data_dir, log
        self.proc: subprocess.Popen | None = None
        self.url = ""

    def start(self) -> dict:
        port = _free_port()
        self.url = f"http://127.0.0.1:{port}"
        env = dict(os.environ, BUDGETQA_API_TOKEN=TOKEN, HF_HUB_OFFLINE="1", ANONYMIZED_TELEMETRY="False")
        for key in ("BUDGETQA_LLM_MODEL", "BUDGETQA_CHROMA_URL", "BUDGETQA_DATA_DIR"):
            env.pop(key, None)
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [
                    _budgetqa(),
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--data-dir",
                    str(self.data_dir),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=ROOT,
                start_new_session=True,
            )
        return self.wait_ready()

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=60, trust_env=False)

    def wait_ready(self) -> dict:
        deadline = time.monotonic() + WAIT
        last = "no answer"
        with self.client() as client:
            while time.monotonic() < deadline:
                assert self.proc is not None
                if self.proc.poll() is not None:
                    pytest.fail(f"the server exited ({self.proc.returncode}):\n{self.tail()}")
                try:
                    response = client.get("/readyz")
                    if response.status_code == 200:
                        return response.json()
                    last = f"{response.status_code} {response.text[:200]}"
                except httpx.TransportError as exc:
                    last = repr(exc)
                time.sleep(0.25)
        pytest.fail(f"/readyz not ready after {WAIT:.0f} s ({last}):\n{self.tail()}")

    def kill9(self) -> None:
        """SIGKILL the server's whole process group and reap it."""
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill9()

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-4000:] if self.log.exists() else ""


def _upload(client: httpx.Client) -> str:
    response = client.post(
        "/api/documents", headers=AUTH, files={"file": (UPLOAD_NAME, VARIANT.read_bytes(), "text/plain")}
    )
    assert response.status_code == 202, response.text
    return response.json()["id"]


def _job(client: httpx.Client, job_id: str) -> dict:
    response = client.get(f"/api/jobs/{job_id}", headers=AUTH)
    assert response.status_code == 200, response.text
    return response.json()


def _poll(predicate, what: str, seconds: float = WAIT, every: float = 0.05):
    """Call ``predicate`` until it returns something truthy; fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(every)
    pytest.fail(f"timed out after {seconds:.0f} s waiting for {what}")


def _search(client: httpx.Client) -> dict[str, list[str]]:
    """``"query | mode"`` → the doc_id of each hit, best first."""
    found: dict[str, list[str]] = {}
    for query in SEARCHES:
        for mode in MODES:
            response = client.get("/api/search", params={"q": query, "k": K, "mode": mode})
            assert response.status_code == 200, response.text
            found[f"{query} | {mode}"] = [hit["doc_id"] for hit in response.json()]
    return found


@pytest.fixture(scope="module")
def killed(sample_corpus, tmp_path_factory) -> dict:
    """Run the whole scenario once and return what was seen at each stage (the tests check it).

    before → upload, kill -9 mid-embedding → restart (``after``) → the same upload again (``final``).
    """
    from index.chunk import passages
    from index.ingest import parse_file

    expected = parse_file(UPLOAD_NAME, VARIANT.read_bytes())
    seen: dict = {"new_id": expected.doc_id, "new_passages": len(passages(expected)), "timing": {}}
    tmp = tmp_path_factory.mktemp("kill9")
    data_dir = tmp / "data"
    shutil.copytree(sample_corpus.root, data_dir)
    server = Server(data_dir, tmp / "server.log")
    timing = seen["timing"]
    try:
        # -- before: what the corpus holds --------------------------------------------------
        seen["ready_before"] = server.start()
        with server.client() as client:
            seen["docs_before"] = client.get("/api/documents").json()
            seen["search_before"] = _search(client)
        assert seen["new_id"] not in {d["doc_id"] for d in seen["docs_before"]}
        vectors_before = seen["ready_before"]["vectors"]

        # -- upload, wait until embedding is under way, kill -9 -----------------------------
        with server.client() as client:
            uploaded = time.monotonic()
            job_id = _upload(client)
            _poll(lambda: _job(client, job_id)["status"] != "queued", "the job to start")
            running = time.monotonic()
            assert _job(client, job_id)["status"] == "running", _job(client, job_id)
            time.sleep(1.0)
            vectors = vectors_before
            while time.monotonic() < running + KILL_AFTER_RUNNING_MAX:
                vectors = client.get("/readyz").json()["vectors"]
                if vectors > vectors_before:  # the first batch of the new document is in Chroma
                    break
                time.sleep(0.1)
            status = _job(client, job_id)["status"]
            if status != "running":
                pytest.fail(
                    f"the ingest was over ({status}) {time.monotonic() - running:.1f} s after it started, "
                    "before the kill: upload a larger document"
                )
            server.kill9()
            killed_at = time.monotonic()
        timing |= {
            "upload_to_running_s": round(running - uploaded, 2),
            "running_to_kill_s": round(killed_at - running, 2),
            "new_vectors_at_kill": vectors - vectors_before,
        }
        seen["leftover_uploads"] = sorted(p.name for p in (data_dir / "uploads").glob("*"))

        # -- after the restart ----------------------------------------------------------------
        seen["ready_after"] = server.start()
        with server.client() as client:
            seen["docs_after"] = client.get("/api/documents").json()
            seen["ask_after"] = client.post("/api/ask", json={"question": "防疫热线花了多少？"})
            seen["search_after"] = _search(client)
            seen["old_job_after"] = client.get(f"/api/jobs/{job_id}", headers=AUTH).status_code
            timing["orphan_vectors_after_restart"] = seen["ready_after"]["vectors"] - vectors_before

            # -- the same upload again --------------------------------------------------------
            began = time.monotonic()
            retry = _upload(client)
            seen["retry_job"] = _poll(
                lambda: (j := _job(client, retry))["status"] in ("done", "failed") and j,
                "the retried upload",
                every=0.25,
            )
            timing["retry_ingest_s"] = round(time.monotonic() - began, 1)
            seen["docs_final"] = client.get("/api/documents").json()
            seen["ready_final"] = client.get("/readyz").json()
            seen["search_final"] = _search(client)
        timing["leftover_upload_files"] = seen["leftover_uploads"]
        timing["hits_before→after"] = {
            q: f"{len(seen['search_before'][q])}→{len(ids)}" for q, ids in seen["search_after"].items()
        }
        print(f"\nkill -9 scenario: {timing}")
        return seen
    finally:
        server.stop()  # SIGTERM, then SIGKILL to the group if it lingers


def _ids(docs: list[dict]) -> list[str]:
    return [d["doc_id"] for d in docs]


def test_documents_unchanged_after_kill(killed):
    assert _ids(killed["docs_after"]) == _ids(killed["docs_before"])
    assert killed["docs_after"] == killed["docs_before"]
    assert (
        killed["ready_after"]["documents"]
        == killed["ready_before"]["documents"]
        == len(killed["docs_before"])
    )
    assert killed["old_job_after"] == 404  # jobs live in memory: the killed one is simply gone


def test_question_still_answers_after_kill(killed):
    response = killed["ask_after"]
    assert response.status_code == 200, response.text
    assert response.json()["value"] == "128.00", response.json()["answer"]
    assert not response.json()["refused"]


def test_search_returns_no_passage_of_unknown_document_after_kill(killed):
    known = set(_ids(killed["docs_after"]))
    for search, doc_ids in killed["search_after"].items():
        assert set(doc_ids) <= known, search


def test_search_not_starved_by_orphan_vectors_after_kill(killed):
    before = {search: len(ids) for search, ids in killed["search_before"].items()}
    after = {search: len(ids) for search, ids in killed["search_after"].items()}
    assert after == before


def test_retried_upload_completes(killed):
    job, new_id = killed["retry_job"], killed["new_id"]
    assert job["status"] == "done", job
    assert job["doc_id"] == new_id
    assert set(_ids(killed["docs_final"])) == {*_ids(killed["docs_before"]), new_id}
    assert killed["ready_final"]["documents"] == killed["ready_before"]["documents"] + 1
    # the killed ingest's vectors were overwritten or swept: exactly one vector per passage
    assert killed["ready_final"]["vectors"] == killed["ready_before"]["vectors"] + killed["new_passages"]
    hits = [doc_id for ids in killed["search_final"].values() for doc_id in ids]
    assert new_id in hits
    assert set(hits) <= set(_ids(killed["docs_final"]))
