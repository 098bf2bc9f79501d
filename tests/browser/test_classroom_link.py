"""Share link on the mentor's own screen, in real Chromium: it offers the classroom address."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from app.config import Settings
from app.web import lan
from tests.browser.test_surface_page import assert_clean, open_lab
from tests.conftest import LiveServer

pytestmark = pytest.mark.browser

STATUS_SHOWN = "() => !document.getElementById('share-status').hidden"


def share(page) -> str:
    page.click("#export-menu summary")
    page.click("#export-share")
    page.wait_for_function(STATUS_SHOWN, timeout=20_000)
    return page.evaluate("() => window.__lereng.shared")


def students_view(base: str, page_url: str) -> str:
    parts = urlsplit(page_url)
    return f"{base}{parts.path}?{parts.query}"


def test_share_on_the_servers_screen_gives_the_class_url(page):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    with LiveServer(Settings(host="0.0.0.0", class_url="http://10.1.2.3:9000")) as server:
        watch = open_lab(page, server, "?steps=20&f=himmelblau")
        shared = share(page)
        # Same lab, same set-up, at the address students' laptops can reach.
        assert shared == students_view("http://10.1.2.3:9000", page.url)
        assert "f=himmelblau" in shared
        assert page.evaluate("() => navigator.clipboard.readText()") == shared
        big = page.locator("#share-status .share-address")
        assert big.inner_text() == "http://10.1.2.3:9000/"
        body = page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
        size = big.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
        assert size >= 1.5 * body  # read off a projector from the back of the room
        # The note stays up (a minute) until the mentor clicks it away.
        page.wait_for_timeout(3500)
        assert page.evaluate(STATUS_SHOWN)
        page.click("#share-status")
        assert not page.evaluate(STATUS_SHOWN)
        assert_clean(page, watch)


def test_share_finds_the_machines_own_address_in_indonesian(page):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.add_init_script("localStorage.setItem('lereng.lang', 'id')")
    with LiveServer(Settings(host="0.0.0.0")) as server:
        watch = open_lab(page, server, "?steps=20")
        shared = share(page)
        text = page.locator("#share-status").inner_text()
        urls = lan.student_urls("0.0.0.0", server.port)
        if urls:
            assert shared == students_view(urls[0], page.url)
            assert text.startswith("Siswa membuka")
        else:  # a machine on no network: the link stays, and the note says why
            assert shared == page.url
            assert "belum punya alamat" in text
        assert_clean(page, watch)


def test_share_from_a_loopback_only_server_says_students_cannot_open_it(page):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    with LiveServer(Settings()) as server:
        watch = open_lab(page, server, "?steps=20")
        assert share(page) == page.url
        assert "--host 0.0.0.0" in page.locator("#share-status").inner_text()
        assert_clean(page, watch)
