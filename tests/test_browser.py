"""A real browser on the chat page: Debian's chromium driven by Playwright against `streamlit run`.

Screenshots go to the test's own tmp directory (printed on failure).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
APP = Path(__file__).resolve().parent.parent / "ui" / "app.py"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="needs Debian's chromium (apt-get install chromium)"
    ),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def page_url(sample_corpus, tmp_path_factory):
    port = _free_port()
    log = open(tmp_path_factory.mktemp("streamlit") / "streamlit.log", "wb")  # closed in teardown
    env = os.environ | {
        "BUDGETQA_DATA_DIR": str(sample_corpus.root),
        "HF_HUB_OFFLINE": "1",
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
    }
    env.pop("BUDGETQA_API_URL", None)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(APP),
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
            "--server.headless",
            "true",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(url + "/_stcore/health", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("streamlit did not start")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@contextmanager
def chat_page(page_url: str) -> Iterator[tuple]:
    """Chromium on the chat page, its question box visible; yields (page, box, expect)."""
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(page_url, wait_until="domcontentloaded")
            box = page.get_by_placeholder("问一个预算问题", exact=False)
            expect(box).to_be_visible(timeout=60_000)
            yield page, box, expect
        finally:
            browser.close()


def test_a_visitor_asks_follows_up_and_opens_the_basis(page_url, tmp_path):
    with chat_page(page_url) as (page, box, expect):
        box.fill("防疫热线花了多少")
        box.press("Enter")
        expect(page.get_by_text("128.00万元").first).to_be_visible(timeout=60_000)
        expect(page.get_by_text("预算04表", exact=False).first).to_be_visible()
        page.screenshot(path=str(tmp_path / "1-answer.png"), full_page=True)

        box.fill("那互联网出口租用服务呢？")
        box.press("Enter")
        expect(page.get_by_text("284.60万元").first).to_be_visible(timeout=60_000)
        page.screenshot(path=str(tmp_path / "2-follow-up.png"), full_page=True)

        page.get_by_text("依据", exact=False).last.click()
        expect(page.get_by_text("预算04表", exact=False).last).to_be_visible()
        page.screenshot(path=str(tmp_path / "3-basis.png"), full_page=True)
    assert sorted(p.name for p in tmp_path.glob("*.png")) == [
        "1-answer.png",
        "2-follow-up.png",
        "3-basis.png",
    ]


def test_the_answer_shows_how_the_question_was_understood(page_url, tmp_path):
    """Under the answer, in small text: 理解为：<the plan in Chinese>."""
    with chat_page(page_url) as (page, box, expect):
        box.fill("名字带“运维”的项目有几个？")
        box.press("Enter")
        line = page.locator("[data-testid='stCaptionContainer']", has_text="理解为：").first
        expect(line).to_be_visible(timeout=60_000)
        assert len(line.inner_text().strip()) > len("理解为：")
        page.screenshot(path=str(tmp_path / "interpretation.png"), full_page=True)
