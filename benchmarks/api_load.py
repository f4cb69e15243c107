"""HTTP load test of ``budgetqa serve``: concurrent clients asking a mix of questions, loopback only.

    python benchmarks/api_load.py                                  # 20 clients for 60 s on a fresh server
    python benchmarks/api_load.py --clients 5 --seconds 10         # lighter
    python benchmarks/api_load.py --data-dir var                   # serve a data dir that holds the sample
    python benchmarks/api_load.py --url http://127.0.0.1:8000      # an already running server

Without ``--url`` the script starts ``budgetqa serve`` on 127.0.0.1 (a free port)
over ``--data-dir``, or over a temporary directory into which it first ingests
``data/samples/`` with ``budgetqa ingest``; it stops that server at the end. It
only ever talks to 127.0.0.1/localhost and refuses any other URL.

Each client (a thread with its own ``httpx.Client``) walks round-robin, from its
own starting point, through lookups, sums, ranks, follow-ups with history,
refusals, OpenAI-style chat completions and a search, until ``--seconds`` pass
or ``--max-requests`` requests have been sent in all. Every answer is also
checked against the value expected for the sample (a mismatch is not an HTTP
error but is reported, and fails the run, since it would mean requests interfere).

Printed: total requests, errors (non-2xx or exceptions, first few messages),
wrong answers, throughput, p50/p95/max latency and per-endpoint counts. Figures
are printed, never asserted; the exit status is 1 if any request failed or
answered wrongly, 2 if the server could not be started.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"
SAMPLE_NAME = "000_3d71c1f270c17ec6.txt"
LOOPBACK = ("127.0.0.1", "localhost")
SHOW_ERRORS = 5


@dataclass(frozen=True)
class Case:
    """One request of the mix and what a right answer looks like."""

    kind: str
    method: str
    path: str
    body: dict[str, Any] | None = None
    params: dict[str, Any] | None = None
    value: tuple[str, ...] = ()  # accepted values of Answer.value (any of)
    refused: bool = False
    contains: str | None = None  # expected substring of the answer text


def _history(question: str, answer: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": question}, {"role": "assistant", "content": answer}]


def _ask(kind: str, question: str, history: list[dict[str, str]] | None = None, **expect: Any) -> Case:
    body: dict[str, Any] = {"question": question}
    if history:
        body["history"] = history
    return Case(kind, "POST", "/api/ask", body=body, **expect)


def _chat(question: str, history: list[dict[str, str]] | None = None, **expect: Any) -> Case:
    messages = [
        {"role": "system", "content": "你是部门预算助手。"},
        *(history or []),
        {"role": "user", "content": question},
    ]
    return Case(
        "chat", "POST", "/v1/chat/completions", body={"model": "budgetqa", "messages": messages}, **expect
    )


HOTLINE = _history("防疫热线花了多少？", "防疫核酸检测预约热线服务费128.00万元（预算04表）。")
LINES = _history("全区线路租用服务多少钱？", "全区线路租用服务预算487.41万元（预算04表）。")
CENTRE = _history("信息中心一共多少预算？", "北京市东城区信息中心预算674.59万元（预算02表）。")

#: The mix, expected values from evals/suites/sample-colloquial.jsonl and the seed suite.
CASES: list[Case] = [
    _ask("lookup", "防疫热线花了多少？", value=("128.00",)),
    _ask("sum", "名字带“运维”的项目加起来多少？", value=("1688.84",)),
    _ask("follow-up", "那互联网出口呢？", LINES, value=("284.60",)),
    _ask("rank", "哪个项目最贵？", contains="全区线路租用服务"),
    _ask("refusal", "2020年科信局的部门预算总额是多少？", refused=True),
    _chat("防疫热线花了多少？", value=("128.00",)),
    Case("search", "GET", "/api/search", params={"q": "公务用车运行维护费", "k": 5}),
    _ask("lookup", "信息中心一共多少预算", value=("674.59",)),
    _ask(
        "sum",
        "全区线路租用服务、互联网出口租用服务、东城区政务外网混合云平台租用项目这三个租赁项目合计多少？",
        value=("1072.00",),
    ),
    _ask("follow-up", "其中购房补贴呢？", CENTRE, value=("47.09",)),
    _ask("rank", "2022年哪个项目的预算最多？", contains="全区线路租用服务"),
    _chat("占项目支出百分之几？", HOTLINE, value=("2.56",)),
    _ask("refusal", "2023年北京市东城区科学技术和信息化局的部门预算总额是多少？", refused=True),
    _ask("lookup", "800M政务网那个运维费要多少钱？", value=("451.17", "451.170467")),
]


@dataclass
class Stats:
    """Shared by all clients; every update under ``lock``."""

    max_requests: int
    deadline: float
    lock: threading.Lock = field(default_factory=threading.Lock)
    sent: int = 0
    latencies: list[float] = field(default_factory=list)
    by_endpoint: Counter = field(default_factory=Counter)
    by_kind: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    def take(self) -> bool:
        """Reserve one request, or ``False`` when the time or the request budget is spent."""
        with self.lock:
            if self.sent >= self.max_requests or time.monotonic() >= self.deadline:
                return False
            self.sent += 1
            return True


def check(case: Case, data: Any) -> str | None:
    """Why a 2xx response is not the expected answer, or ``None``."""
    if case.kind == "search":
        if not isinstance(data, list) or not data or not all("doc_id" in hit for hit in data):
            return f"search returned {str(data)[:120]}"
        return None
    if case.path == "/v1/chat/completions":
        message = data["choices"][0]["message"]
        text, ref = message["content"], message["reference"]
        value, refused = ref.get("value"), ref.get("refused", False)
    else:
        text, value, refused = data["answer"], data.get("value"), data.get("refused", False)
    if bool(refused) != case.refused:
        return f"refused={refused} (expected {case.refused}): {text[:100]}"
    if case.value and value not in case.value:
        return f"value {value!r}, expected {' or '.join(case.value)}: {text[:100]}"
    if case.contains is not None and case.contains not in text:
        return f"answer lacks {case.contains!r}: {text[:100]}"
    return None


def client_loop(base_url: str, start: int, stats: Stats, timeout: float) -> None:
    i = start
    with httpx.Client(base_url=base_url, timeout=timeout, trust_env=False) as client:
        while stats.take():
            case = CASES[i % len(CASES)]
            i += 1
            error = wrong = None
            began = time.perf_counter()
            try:
                response = client.request(case.method, case.path, json=case.body, params=case.params)
                elapsed = time.perf_counter() - began
                if response.is_success:
                    wrong = check(case, response.json())
                else:
                    error = (
                        f"{case.method} {case.path} [{case.kind}] → {response.status_code}: "
                        f"{response.text[:200]}"
                    )
            except Exception as exc:  # a load test counts every failure, whatever it is
                elapsed = time.perf_counter() - began
                error = f"{case.method} {case.path} [{case.kind}] → {type(exc).__name__}: {exc}"
            with stats.lock:
                stats.latencies.append(elapsed)
                stats.by_endpoint[f"{case.method} {case.path}"] += 1
                stats.by_kind[case.kind] += 1
                if error:
                    stats.errors.append(error)
                elif wrong:
                    stats.wrong.append(f"[{case.kind}] {case.body or case.params}: {wrong}")


def percentile(values: list[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(q) - 1]


def loopback_url(url: str) -> str:
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or parsed.hostname not in LOOPBACK:
        raise SystemExit(
            f"refusing {url!r}: this load test only talks to http://127.0.0.1 or http://localhost"
        )
    return url.rstrip("/")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def budgetqa_command() -> str:
    beside = Path(sys.executable).with_name("budgetqa")
    found = str(beside) if beside.exists() else shutil.which("budgetqa")
    if not found:
        raise SystemExit("no budgetqa command: install the package (pip install -e .) in this environment")
    return found


def server_env() -> dict[str, str]:
    """The environment for the server: offline, embedded Chroma, no LLM endpoint (nothing leaves the host)."""
    env = dict(os.environ, HF_HUB_OFFLINE="1", ANONYMIZED_TELEMETRY="False")
    for key in ("BUDGETQA_LLM_MODEL", "BUDGETQA_CHROMA_URL", "BUDGETQA_DATA_DIR"):
        env.pop(key, None)
    return env


def wait_ready(base_url: str, seconds: float, proc: subprocess.Popen | None = None) -> dict:
    deadline = time.monotonic() + seconds
    last: str = "no answer"
    with httpx.Client(base_url=base_url, timeout=10, trust_env=False) as client:
        while time.monotonic() < deadline:
            if proc is not None and proc.poll() is not None:
                raise RuntimeError(f"the server exited with status {proc.returncode}")
            try:
                response = client.get("/readyz")
                if response.status_code == 200:
                    return response.json()
                last = f"{response.status_code} {response.text[:200]}"
            except httpx.TransportError as exc:
                last = f"{type(exc).__name__}: {exc}"
            time.sleep(0.25)
    raise RuntimeError(f"{base_url}/readyz not ready after {seconds:.0f} s ({last})")


def start_server(data_dir: Path, log_path: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [
        budgetqa_command(),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--data-dir",
        str(data_dir),
    ]
    log = log_path.open("wb")
    proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=server_env(), cwd=ROOT)
    log.close()
    return proc, f"http://127.0.0.1:{port}"


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def ingest_sample(data_dir: Path) -> None:
    print(f"ingesting {SAMPLES}/ into {data_dir} …", flush=True)
    began = time.perf_counter()
    done = subprocess.run(
        [budgetqa_command(), "ingest", str(SAMPLES), "--data-dir", str(data_dir)],
        env=server_env(),
        cwd=ROOT,
        timeout=600,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"budgetqa ingest failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    print(f"  ingested in {time.perf_counter() - began:.1f} s", flush=True)


def run_load(base_url: str, clients: int, seconds: float, max_requests: int, timeout: float) -> Stats:
    stats = Stats(max_requests=max_requests, deadline=time.monotonic() + seconds)
    threads = [
        threading.Thread(
            target=client_loop, args=(base_url, n, stats, timeout), name=f"client-{n}", daemon=True
        )
        for n in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + timeout + 30)
    return stats


def show(messages: list[str]) -> None:
    """The first few distinct messages, in order of first appearance, with how often each came."""
    counts = Counter(messages)
    for message in list(counts)[:SHOW_ERRORS]:
        print(f"   ✗ {message[:300]}" + (f"  (×{counts[message]})" if counts[message] > 1 else ""))
    if len(counts) > SHOW_ERRORS:
        print(f"   … and {len(counts) - SHOW_ERRORS} more distinct messages")


def report(stats: Stats, clients: int, wall: float) -> None:
    total = len(stats.latencies)
    ms = sorted(x * 1000 for x in stats.latencies)
    print(f"\n== {clients} clients, {wall:.1f} s")
    print(f"requests     {total}")
    print(f"errors       {len(stats.errors)}")
    show(stats.errors)
    print(f"wrong        {len(stats.wrong)}")
    show(stats.wrong)
    print(f"throughput   {total / wall:.1f} req/s" if wall > 0 else "throughput   n/a")
    if ms:
        print(f"latency ms   p50 {percentile(ms, 50):.0f}   p95 {percentile(ms, 95):.0f}   max {ms[-1]:.0f}")
    print("per endpoint")
    for endpoint, count in sorted(stats.by_endpoint.items()):
        print(f"   {endpoint:28} {count}")
    print("per kind     " + ", ".join(f"{kind} {count}" for kind, count in sorted(stats.by_kind.items())))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="an already running server (127.0.0.1 or localhost only)")
    parser.add_argument(
        "--data-dir", type=Path, help="data dir holding the sample (default: a fresh temp dir)"
    )
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (default 20)")
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to send requests (default 60)")
    parser.add_argument(
        "--max-requests", type=int, default=20000, help="hard cap on requests in all (default 20000)"
    )
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per request (default 60)")
    parser.add_argument("--ready-timeout", type=float, default=180.0, help="seconds to wait for /readyz")
    args = parser.parse_args()
    if args.clients < 1 or args.seconds <= 0 or args.max_requests < 1:
        parser.error("--clients, --seconds and --max-requests must be positive")
    if args.url and args.data_dir:
        parser.error("give --url or --data-dir, not both")

    proc: subprocess.Popen | None = None
    scratch: tempfile.TemporaryDirectory | None = None
    try:
        if args.url:
            base_url = loopback_url(args.url)
        else:
            scratch = tempfile.TemporaryDirectory(prefix="api-load-")
            data_dir = args.data_dir
            if data_dir is None:
                data_dir = Path(scratch.name) / "data"
                ingest_sample(data_dir)
            log_path = Path(scratch.name) / "server.log"
            proc, base_url = start_server(data_dir, log_path)
            print(f"started budgetqa serve (pid {proc.pid}) at {base_url}; log {log_path}", flush=True)
        try:
            ready = wait_ready(base_url, args.ready_timeout, proc)
        except RuntimeError as exc:
            print(f"✗ {exc}", file=sys.stderr)
            if proc is not None:
                stop_server(proc)
                print(
                    (Path(scratch.name) / "server.log").read_text(errors="replace")[-3000:], file=sys.stderr
                )
            return 2
        print(f"ready: {ready['documents']} documents, {ready['vectors']} vectors", flush=True)
        with httpx.Client(base_url=base_url, timeout=30, trust_env=False) as client:
            names = [d["source"] for d in client.get("/api/documents").json()]
        if SAMPLE_NAME not in names:
            print(f"warning: {SAMPLE_NAME} is not in the corpus ({names}); expect wrong answers", flush=True)

        print(
            f"load: {args.clients} clients × {args.seconds:g} s, at most {args.max_requests} requests",
            flush=True,
        )
        began = time.perf_counter()
        stats = run_load(base_url, args.clients, args.seconds, args.max_requests, args.timeout)
        report(stats, args.clients, time.perf_counter() - began)
        return 1 if stats.errors or stats.wrong else 0
    finally:
        if proc is not None:
            stop_server(proc)
            print(f"stopped the server (exit status {proc.returncode})", flush=True)
        if scratch is not None:
            scratch.cleanup()


if __name__ == "__main__":
    sys.exit(main())
