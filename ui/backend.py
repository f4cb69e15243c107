"""Where the page gets its answers: the assistant in this process, or a running ``budgetqa serve``.

Both backends offer the same few calls, so the page does not care which it has.
``BUDGETQA_API_URL`` selects the remote one.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Callable, Iterator
from typing import Any

from assistant.contract import Answer, Turn

Progress = Callable[[str, int, int], None]


class UploadRefused(Exception):
    """The upload was not accepted (no or wrong token, bad file); the message says why."""


class LocalBackend:
    """The assistant and the corpus opened in this process."""

    mode = "in-process"

    def __init__(self, data_dir: str | None = None):
        from assistant.agent import Assistant
        from index.corpus import open_corpus

        self.corpus = open_corpus(data_dir)
        self.assistant = Assistant.from_env(self.corpus)
        self.token = os.environ.get("BUDGETQA_API_TOKEN") or None

    def steps(self, question: str, history: list[Turn], doc: str | None) -> Iterator[tuple[str, Any]]:
        return self.assistant.steps(question, history, doc=doc)

    def documents(self) -> list[dict]:
        return self.corpus.store.documents()

    def checks(self, doc_id: str) -> list[dict]:
        return self.corpus.store.checks(doc_id)

    def table_numbers(self, doc_id: str) -> list[str]:
        return self.corpus.store.table_numbers(doc_id)

    def table(self, doc_id: str, number: str) -> dict | None:
        return self.corpus.store.table(doc_id, number)

    def upload(self, name: str, data: bytes, token: str, progress: Progress | None = None) -> dict:
        from index.ingest import IngestError, ingest

        if not self.token:
            raise UploadRefused("上传已关闭：服务端未设置 BUDGETQA_API_TOKEN。")
        if not secrets.compare_digest(token or "", self.token):
            raise UploadRefused("令牌不正确。")
        try:
            result = ingest(self.corpus, name, data=data, progress=progress)
        except IngestError as exc:
            raise UploadRefused(str(exc)) from None
        counts = result.status_counts
        return {
            "doc_id": result.doc.doc_id,
            "department": result.doc.department,
            "year": result.doc.year,
            "checks": counts,
            "gaps": [g.message for g in result.doc.gaps],
        }


class RemoteBackend:
    """A running ``budgetqa serve`` reached over HTTP."""

    mode = "remote"

    def __init__(self, url: str):
        import httpx

        self.url = url.rstrip("/")
        self.http = httpx.Client(base_url=self.url, timeout=120)

    def steps(self, question: str, history: list[Turn], doc: str | None) -> Iterator[tuple[str, Any]]:
        body = {"question": question, "history": [t.model_dump() for t in history], "doc": doc}
        with self.http.stream("POST", "/api/ask/stream", json=body) as response:
            if response.status_code >= 400:
                response.read()
                raise ValueError(response.json().get("error", response.text))
            event = ""
            for line in response.iter_lines():
                if line.startswith("event:"):
                    event = line.split(":", 1)[1].strip()
                elif line.startswith("data:"):
                    data = json.loads(line[5:])
                    if event == "answer":
                        yield "answer", Answer.model_validate(data)
                    elif event == "error":
                        raise ValueError(data.get("error"))
                    else:
                        yield event, data

    def documents(self) -> list[dict]:
        return self.http.get("/api/documents").json()

    def checks(self, doc_id: str) -> list[dict]:
        return self.http.get(f"/api/documents/{doc_id}/reconciliation").json()["checks"]

    def table_numbers(self, doc_id: str) -> list[str]:
        return self.http.get(f"/api/documents/{doc_id}").json()["tables"]

    def table(self, doc_id: str, number: str) -> dict | None:
        response = self.http.get(f"/api/documents/{doc_id}/tables/{number}")
        return response.json() if response.status_code == 200 else None

    def upload(self, name: str, data: bytes, token: str, progress: Progress | None = None) -> dict:
        import time

        response = self.http.post(
            "/api/documents", files={"file": (name, data)}, headers={"Authorization": f"Bearer {token}"}
        )
        if response.status_code != 202:
            raise UploadRefused(response.json().get("error", response.text))
        job = response.json()
        for tick in range(600):
            job = self.http.get(f"/api/jobs/{job['id']}", headers={"Authorization": f"Bearer {token}"}).json()
            if progress:
                progress(job["status"], tick % 100, 100)
            if job["status"] in ("done", "failed"):
                break
            time.sleep(0.5)
        if job["status"] != "done":
            raise UploadRefused(job.get("error") or "导入未完成")
        return {"doc_id": job["doc_id"]}


def backend_from_env() -> LocalBackend | RemoteBackend:
    url = os.environ.get("BUDGETQA_API_URL")
    return RemoteBackend(url) if url else LocalBackend()
