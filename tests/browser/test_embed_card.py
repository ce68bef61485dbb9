"""Another site frames the progress card: it shows, in both languages, and its link opens
the campaign in a page of its own. The rest of the site still refuses to be framed.

The other site is a second server started here, reached as ``localhost`` (the live site is
``127.0.0.1``: another origin and another site). It answers an empty page; the test writes
the embed code into it with ``set_content``. A blank page (``about:blank``, ``data:``) would
not do: its origin is opaque, and ``frame-ancestors *`` admits web origins only. A page the
browser answers itself (a route) would not either: Chromium then treats it as a public site
and blocks its frames from a local address.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.browser.helpers import describe_violations, run_axe, screenshot

pytestmark = pytest.mark.browser

LANGUAGES = ("en", "ar")


class _EmptyPage(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(b"<!doctype html><title>A friendly blog</title>")

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def other_site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _EmptyPage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{server.server_port}/"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture
def blog(browser, live_server, other_site) -> Iterator:
    """A phone's page on the other site, empty until the test sets its content.

    Afterwards: the browser asked nothing of any site but that one and ours, and the
    server answered no 5xx.
    """
    errors_before = len(live_server.server_errors)
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-GB")
    context.set_default_timeout(15_000)
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    page.goto(other_site)
    try:
        yield page
    finally:
        context.close()
    elsewhere = [u for u in requests if not u.startswith((other_site, live_server.url + "/"))]
    assert elsewhere == [], "requests left the two sites"
    assert live_server.server_errors[errors_before:] == []


def outside_page(src: str) -> str:
    """A page of the other site with the embed code in it."""
    return (
        '<!doctype html><html lang="en"><head><title>A friendly blog</title></head>'
        "<body><h1>A friendly blog</h1>"
        f'<iframe src="{escape(src)}" title="Campaign" width="340" height="230"'
        ' style="border:0"></iframe></body></html>'
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_another_site_shows_the_card_and_its_link_opens_the_campaign(
    blog, live_server, other_site, data, language
):
    slug = data.campaigns["a11y"].slug
    page = blog
    page.set_content(outside_page(live_server(f"/{language}/embed/campaigns/{slug}")))
    card = page.frame_locator("iframe")
    card.locator("h1").wait_for(state="visible")
    assert card.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    assert card.locator('[role="progressbar"]').is_visible()
    frame = page.frames[1]
    # The card fits its frame on a phone: nothing to scroll sideways.
    assert frame.evaluate("document.documentElement.scrollWidth") <= 340
    screenshot(page, f"embed-card-{language}")

    give = card.locator("a.give")
    with page.context.expect_page() as opened:
        give.click()
    campaign_page = opened.value
    campaign_page.wait_for_load_state()
    assert campaign_page.url.startswith(live_server(f"/{language}/campaigns/{slug}"))
    # A page of its own: the outside page stays as it was, without a handle on the new one.
    assert page.url == other_site
    assert campaign_page.evaluate("window.opener") is None


def test_the_campaign_page_refuses_to_be_framed(blog, live_server, data):
    slug = data.campaigns["a11y"].slug
    for path in (f"/campaigns/{slug}", f"/ar/campaigns/{slug}", "/admin/login"):
        blog.set_content(outside_page(live_server(path)))
        assert _framed_url(blog).startswith("chrome-error:"), path


def _framed_url(page, seconds: float = 10) -> str:
    """Where the page's iframe ended up, once it got anywhere: Chromium puts its own error
    page in a frame whose policy refuses the page around it."""
    for _ in range(int(seconds * 10)):
        frames = page.main_frame.child_frames
        if frames and frames[0].url not in ("", "about:blank"):
            return frames[0].url
        page.wait_for_timeout(100)
    return ""


@pytest.mark.parametrize("language", LANGUAGES)
def test_axe_finds_nothing_serious_on_the_card(new_page, data, language):
    # The card's policy forbids inline scripts, axe's injected one too.
    page = new_page("phone", bypass_csp=True)
    response = page.goto(f"/{language}/embed/campaigns/{data.campaigns['a11y'].slug}")
    assert response.status == 200
    violations = run_axe(page)
    assert not violations, f"{page.url}\n" + describe_violations(violations)
