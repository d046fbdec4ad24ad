"""The web page in a real headless Chromium (Debian's), driven by Playwright."""

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from framing.paths import DEFAULT_MODEL_DIR
from service import create_app

CHROMIUM = "/usr/bin/chromium"
ARTICLE = (
    "The foreign ministers met in Vienna on Tuesday.\n\n"
    "The assembly condemned Russia's unprovoked invasion as a flagrant breach of the UN Charter. "
    "Several delegations urged both sides to return to the negotiating table without delay. "
    "The meeting ended shortly after six o'clock."
)


def _require_chromium() -> None:
    if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
        return
    if os.environ.get("FRAMING_REQUIRE_BROWSER"):
        pytest.fail(
            f"{CHROMIUM} is missing but FRAMING_REQUIRE_BROWSER is set (install Debian's chromium)"
        )
    pytest.skip(f"{CHROMIUM} not installed (Debian package 'chromium'; .ci/run installs it)")


@pytest.fixture(scope="module")
def server(default_model):
    app = create_app({"MODEL_DIR": str(DEFAULT_MODEL_DIR)})
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def page(server):
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.errors = errors
        yield page
        browser.close()


def test_paste_article_and_see_highlighted_frames(page, server):
    page.goto(server + "/")
    page.fill("#article", ARTICLE)
    page.click("#analyse")
    page.wait_for_selector("#text-view .sentence")
    sentences = page.locator("#text-view .sentence")
    assert sentences.count() == 4
    framed = {
        sentences.nth(i).inner_text(): (sentences.nth(i).get_attribute("data-frames") or "").split()
        for i in range(4)
    }
    assert (
        "war_of_aggression"
        in framed[
            "The assembly condemned Russia's unprovoked invasion as a flagrant breach of the UN Charter."
        ]
    )
    assert (
        "diplomacy_needed"
        in framed[
            "Several delegations urged both sides to return to the negotiating table without delay."
        ]
    )
    assert framed["The meeting ended shortly after six o'clock."] == []
    # the page reproduces the pasted text exactly, as text
    assert page.locator("#text-view").inner_text().strip() == ARTICLE.strip()
    assert "sentences," in page.locator("#status").inner_text()
    legend = page.locator("#legend li")
    assert legend.count() == 11

    sentences.nth(1).click()
    detail = page.locator("#detail")
    assert detail.is_visible()
    assert "War of aggression" in detail.inner_text()

    page.click("#show-table")
    assert page.locator("#table-view tbody tr").count() == 4
    with page.expect_download() as info:
        page.click("#download")
    content = Path(info.value.path()).read_text(encoding="utf-8").splitlines()
    assert content[0].startswith("sentence_index,start,end,sentence,frames,score_root_causes")
    assert len(content) == 5
    assert page.errors == []


def test_pasted_html_is_shown_as_text_not_run(page, server):
    page.goto(server + "/")
    hostile = '<img src=x onerror="window.pwned=1">Russia must withdraw. <b>bold</b>'
    page.fill("#article", hostile)
    page.click("#analyse")
    page.wait_for_selector("#text-view .sentence")
    assert page.evaluate("window.pwned") is None
    assert page.locator("#text-view img").count() == 0
    assert page.locator("#text-view").inner_text().strip() == hostile
