"""The classroom shell in real headless Chromium: keyboard shortcuts, projector mode, languages,
explanations and an axe-core accessibility scan on every lab page.

Predicates are arrow functions (the CSP forbids the string eval Playwright uses for bare
expressions). axe-core comes from the axe-playwright-python package, which bundles axe.min.js;
it is injected with page.evaluate, which runs over the DevTools protocol and so is not subject to
the page's script-src 'self' (a <script> tag with inline content would be refused).
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.test_surface_page import READY, PageWatch, assert_clean

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "screenshots"
CATALOGS = {
    lang: json.loads((ROOT / "static" / "js" / "i18n" / f"{lang}.json").read_text("utf-8"))
    for lang in ("en", "id")
}
LABS = ["/", "/regression", "/network", "/backprop"]
LOCALES = {"en": "en-US", "id": "id-ID"}
STEP = "() => window.__lereng.step"
# Every lab's page hook says when its first drawing is done; a lab without the hook is ready once
# its language is applied (open_page waits for that).
ANY_READY = "() => !window.__lereng || window.__lereng.plotsReady === true || window.__lereng.ready === true"


def open_page(browser, live_server, path: str, lang: str = "en", size=(1280, 800)):
    context = browser.new_context(
        viewport={"width": size[0], "height": size[1]}, locale=LOCALES[lang]
    )
    page = context.new_page()
    watch = PageWatch(page, live_server.url)
    page.goto(f"{live_server.url}{path}")
    page.wait_for_function(
        "lang => document.documentElement.lang === lang", arg=lang, timeout=20_000
    )
    return context, page, watch


def surface(browser, live_server, query: str = "?f=rosenbrock&sps=60", **kw):
    context, page, watch = open_page(browser, live_server, f"/{query}", **kw)
    page.wait_for_function(READY, timeout=20_000)
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    return context, page, watch


# ---- keyboard -----------------------------------------------------------------------------------


def test_space_right_and_r_drive_the_run(browser, live_server):
    context, page, watch = surface(browser, live_server)
    page.keyboard.press(" ")
    page.wait_for_function("() => window.__lereng.step >= 5", timeout=20_000)
    assert page.get_attribute("#play-button", "data-state") == "pause"
    page.keyboard.press(" ")  # pause
    page.wait_for_function("() => document.getElementById('play-button').dataset.state === 'play'")
    page.wait_for_timeout(400)  # frames already in flight land
    paused_at = page.evaluate(STEP)
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => window.__lereng.step === {paused_at + 1}", timeout=20_000)
    page.wait_for_timeout(300)
    assert page.evaluate(STEP) == paused_at + 1  # exactly one step, not two
    # r: a fresh race from the start (a new race record), running again.
    before = page.evaluate("() => window.__lereng.raceStartedAt")
    page.keyboard.press("r")
    page.wait_for_function(f"() => window.__lereng.raceStartedAt > {before}", timeout=20_000)
    page.wait_for_function("() => window.__lereng.step >= 1", timeout=20_000)
    page.keyboard.press(" ")
    assert_clean(page, watch)
    context.close()


def test_a_lab_can_take_the_run_keys(browser, live_server):
    """The backprop lab's contract: cancel "lereng:key" and the shared button is not clicked."""
    context, page, watch = surface(browser, live_server)
    page.evaluate(
        """() => { window.__keys = [];
        document.addEventListener('lereng:key', e => {
          window.__keys.push(e.detail.action); e.preventDefault(); }); }"""
    )
    for key in ("ArrowRight", "ArrowLeft", " ", "r"):
        page.keyboard.press(key)
    assert page.evaluate("() => window.__keys") == ["step", "back", "play", "reset"]
    page.wait_for_timeout(400)
    assert page.evaluate("() => window.__lereng.race") is None  # no button was clicked
    assert_clean(page, watch)
    context.close()


def test_p_l_f_and_question_mark(browser, live_server):
    context, page, watch = surface(browser, live_server)
    page.keyboard.press("p")
    page.wait_for_function("() => document.body.classList.contains('projector')")
    assert page.get_attribute("#projector-toggle", "aria-pressed") == "true"
    assert page.evaluate("() => window.__lereng.plots.projector") is True
    page.keyboard.press("p")
    page.wait_for_function("() => !document.body.classList.contains('projector')")

    page.keyboard.press("l")
    page.wait_for_function("() => document.documentElement.lang === 'id'")
    page.wait_for_function(
        "t => document.querySelector('#play-button .label').textContent === t",
        arg=CATALOGS["id"]["run.play"],
    )
    page.keyboard.press("l")
    page.wait_for_function("() => document.documentElement.lang === 'en'")

    page.keyboard.press("f")
    page.wait_for_function("() => document.fullscreenElement === document.documentElement")
    page.keyboard.press("f")
    page.wait_for_function("() => document.fullscreenElement === null")

    page.keyboard.press("?")
    page.wait_for_function("() => document.getElementById('shortcuts-dialog').open")
    assert page.get_attribute("#shortcuts-button", "aria-expanded") == "true"
    rows = page.locator("#shortcuts-dialog tbody tr").all_inner_texts()
    assert len(rows) == 9 and any("Space" in r for r in rows)
    # Keys do nothing while the list is open (p would otherwise switch projector mode).
    page.keyboard.press("p")
    assert not page.evaluate("() => document.body.classList.contains('projector')")
    page.keyboard.press("Escape")
    page.wait_for_function("() => !document.getElementById('shortcuts-dialog').open")
    # The dialog's close event (which resets the opener) is queued as a task after close().
    page.wait_for_function(
        "() => document.getElementById('shortcuts-button').getAttribute('aria-expanded') === 'false'"
    )
    assert_clean(page, watch)
    context.close()


def test_keys_are_ignored_while_typing_or_with_modifiers(browser, live_server):
    context, page, watch = surface(browser, live_server)
    page.focus("#expression-input")
    page.keyboard.type("p r l f ")
    assert page.input_value("#expression-input") == "p r l f "
    page.evaluate("() => document.activeElement.blur()")
    page.keyboard.press("Alt+p")
    page.keyboard.press("Control+l")
    page.wait_for_timeout(300)
    assert not page.evaluate("() => document.body.classList.contains('projector')")
    assert page.evaluate("() => document.documentElement.lang") == "en"
    assert page.evaluate("() => window.__lereng.race") is None
    assert_clean(page, watch)
    context.close()


# ---- projector mode ---------------------------------------------------------------------------

SIZES_JS = """() => {
  const px = el => parseFloat(getComputedStyle(el).fontSize);
  const all = sel => [...document.querySelectorAll(sel)].filter(el => el.offsetParent !== null);
  // Laid-out text wider than the button's content box: clipped (or ellipsised) on screen.
  const inner = el => { const c = getComputedStyle(el);
    return el.clientWidth - parseFloat(c.paddingLeft) - parseFloat(c.paddingRight); };
  const textWidth = el => { const r = document.createRange(); r.selectNodeContents(el);
    return r.getBoundingClientRect().width; };
  const clipped = all('.run-buttons .button, .lab-tab, #language-toggle button')
    .filter(el => textWidth(el) > inner(el) + 1).map(el => el.textContent.trim());
  return {
    body: px(document.body),
    labels: all('.controls-scroll .field-label').map(px),
    buttons: all('.run-buttons .button').map(px),
    tabs: all('.lab-tab').map(px),
    selects: all('.controls select').map(px),
    clipped,
    secondary: all('.secondary').length,
  };
}"""


@pytest.mark.parametrize("path", ["/", "/regression", "/network"])
def test_present_link_survives_a_reload_after_the_lab_rewrites_its_query(
    browser, live_server, path
):
    context, page, watch = open_page(browser, live_server, f"{path}?present=1")
    page.wait_for_function(ANY_READY, timeout=20_000)
    page.click("#step-button")  # the lab writes its set-up into the URL
    page.wait_for_function("() => window.__lereng.step >= 1", timeout=20_000)
    assert "present=1" in page.url
    page.reload()
    page.wait_for_function(ANY_READY, timeout=20_000)
    assert page.evaluate("() => document.body.classList.contains('projector')")
    context.close()


@pytest.mark.parametrize("lang", ["en", "id"])
@pytest.mark.parametrize("path", LABS)
def test_present_link_opens_in_projector_mode_with_large_type(browser, live_server, path, lang):
    context, page, watch = open_page(
        browser, live_server, f"{path}?present=1", lang=lang, size=(1024, 768)
    )
    page.wait_for_function(ANY_READY, timeout=20_000)
    assert page.evaluate("() => document.body.classList.contains('projector')")
    assert page.get_attribute("#projector-toggle", "aria-pressed") == "true"
    plots = page.evaluate("() => window.__lereng && window.__lereng.plots || null")
    if path in ("/", "/regression"):
        assert page.evaluate("() => window.__lereng.plots.projector") is True  # thick lines
    sizes = page.evaluate(SIZES_JS)
    assert sizes["body"] >= 24
    # The surface and regression labs show every group; the other labs whichever they have.
    required = ("labels", "buttons", "tabs", "selects") if plots else ("tabs",)
    for group in ("labels", "buttons", "tabs", "selects"):
        assert sizes[group] or group not in required, group
        assert all(v >= 24 for v in sizes[group]), (group, sizes[group])
    assert sizes["clipped"] == []  # Play/Step/Reset (and the tabs) read in full
    assert sizes["secondary"] == 0  # secondary controls step aside
    # The link's projector mode is for this visit: it does not become the machine's default.
    assert page.evaluate("() => localStorage.getItem('lereng.projector')") != "1"
    assert_clean(page, watch)
    context.close()


def test_projector_toggle_is_remembered(browser, live_server):
    context, page, watch = surface(browser, live_server)
    page.click("#projector-toggle")
    page.wait_for_function("() => document.body.classList.contains('projector')")
    page.goto(f"{live_server.url}/regression")
    page.wait_for_function(READY, timeout=20_000)
    assert page.evaluate("() => document.body.classList.contains('projector')")
    page.click("#projector-toggle")
    page.wait_for_function("() => !document.body.classList.contains('projector')")
    assert_clean(page, watch)
    context.close()


# ---- languages ----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "id"])
def test_default_language_follows_the_browser(browser, live_server, lang):
    context, page, watch = surface(browser, live_server, lang=lang)
    assert page.locator("#play-button .label").inner_text() == CATALOGS[lang]["run.play"]
    assert (
        page.get_attribute(f"#language-toggle button[data-lang='{lang}']", "aria-pressed") == "true"
    )
    assert_clean(page, watch)
    context.close()


def test_switching_language_mid_run_keeps_the_run(browser, live_server):
    context, page, watch = surface(browser, live_server, "?f=rosenbrock&sps=40&steps=2000")
    page.click("#play-button")
    page.wait_for_function("() => window.__lereng.step >= 10", timeout=20_000)
    page.evaluate("() => { window.__raceBefore = window.__lereng.race; }")
    at_switch = page.evaluate(STEP)
    page.click("#language-toggle button[data-lang='id']")
    page.wait_for_function("() => document.documentElement.lang === 'id'")
    # The same run keeps streaming: its step count keeps growing, no new race was started.
    page.wait_for_function(f"() => window.__lereng.step >= {at_switch + 20}", timeout=20_000)
    assert page.evaluate("() => window.__lereng.race === window.__raceBefore")
    assert page.get_attribute("#play-button", "data-state") == "pause"
    # Labels and plots re-label.
    id_ = CATALOGS["id"]
    assert page.locator("#play-button .label").inner_text() == id_["run.pause"]
    axis = "() => document.getElementById('loss-plot').layout.xaxis.title.text"
    page.wait_for_function(f"t => ({axis})() === t", arg=id_["plots.step_axis"])
    page.click("#play-button")
    assert_clean(page, watch)
    context.close()


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "unknown name 'foo' at column 5"),
        ("id", "nama 'foo' tidak dikenal di kolom 5"),
    ],
)
def test_server_refusals_in_the_page_language(browser, live_server, lang, expected):
    context, page, watch = surface(browser, live_server, lang=lang)
    page.fill("#expression-input", "x + foo")
    page.press("#expression-input", "Enter")
    page.wait_for_selector("#expression-error:not([hidden])")
    assert page.locator("#expression-error .error-message").inner_text().startswith(expected)
    watch.errors = [e for e in watch.errors if "422" not in e]  # the refusal's HTTP status
    assert_clean(page, watch)
    context.close()


def test_surface_notes_in_indonesian(browser, live_server):
    context, page, watch = surface(browser, live_server, "?f=himmelblau", lang="id")
    assert page.locator("#surface-note").inner_text() == CATALOGS["id"]["note.himmelblau"]
    page.click("#language-toggle button[data-lang='en']")
    page.wait_for_function(
        "t => document.getElementById('surface-note').textContent === t",
        arg=CATALOGS["en"]["note.himmelblau"],
    )
    assert_clean(page, watch)
    context.close()


# Every visible [data-i18n] element shows its catalog text, and no visible text is a bare key.
TRANSLATED_JS = """([cat, keys]) => {
  const shown = el => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  const wrong = [...document.querySelectorAll('[data-i18n]')].filter(shown)
    .filter(el => el.textContent.trim() !== (cat[el.dataset.i18n] || '').trim())
    .map(el => el.dataset.i18n + ' = ' + el.textContent.trim().slice(0, 60));
  const keySet = new Set(keys);
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const bare = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const text = n.textContent.trim();
    if (keySet.has(text) && n.parentElement && shown(n.parentElement)) bare.push(text);
  }
  for (const el of document.querySelectorAll('[aria-label], [title], [placeholder]')) {
    for (const a of ['aria-label', 'title', 'placeholder']) {
      const v = (el.getAttribute(a) || '').trim();
      if (keySet.has(v)) bare.push(a + ': ' + v);
    }
  }
  return { wrong, bare };
}"""


@pytest.mark.parametrize("lang", ["en", "id"])
@pytest.mark.parametrize("path", LABS)
def test_no_untranslated_text_on_any_lab(browser, live_server, path, lang):
    context, page, watch = open_page(browser, live_server, path, lang=lang)
    args = [CATALOGS[lang], list(CATALOGS["en"])]
    # Wait until the page has settled translated; on a timeout, the assert below says what is not.
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(
            f"a => {{ const r = ({TRANSLATED_JS})(a); return !r.wrong.length && !r.bare.length; }}",
            arg=args,
            timeout=20_000,
        )
    assert page.evaluate(TRANSLATED_JS, args) == {"wrong": [], "bare": []}
    assert_clean(page, watch)
    context.close()


# ---- explanations -----------------------------------------------------------------------------


def test_concept_hints_toggle_by_mouse_and_keyboard(browser, live_server):
    context, page, watch = surface(browser, live_server, lang="id")
    lr = page.locator(".lr-row .hint-toggle").first
    assert lr.get_attribute("aria-label") == CATALOGS["id"]["hint.lr_q"]
    target = lr.get_attribute("aria-controls")
    assert page.locator(f"#{target}").is_hidden()
    lr.click()
    assert lr.get_attribute("aria-expanded") == "true"
    assert page.locator(f"#{target}").inner_text() == CATALOGS["id"]["hint.lr"]
    lr.focus()
    page.keyboard.press("Enter")
    assert lr.get_attribute("aria-expanded") == "false"
    assert page.locator(f"#{target}").is_hidden()
    # Hyperparameter tooltips come from the server in English and show in Indonesian.
    assert (
        page.locator(".lr-row .hp-name").first.get_attribute("title") == CATALOGS["id"]["hpdesc.lr"]
    )
    # The surface's own explanation beside the Loss Function picker.
    page.click("button[aria-controls='hint-surface']")
    assert page.locator("#hint-surface").inner_text() == CATALOGS["id"]["hint.surface"]
    assert_clean(page, watch)
    context.close()


def test_regression_explains_variants_noise_and_epochs(browser, live_server):
    context, page, watch = open_page(browser, live_server, "/regression", lang="id")
    page.wait_for_function(READY, timeout=20_000)
    for name, key in (
        ("variant", "hint.variant"),
        ("noisy", "reg.why_noisy"),
        ("epoch", "hint.epoch"),
    ):
        page.click(f"button[aria-controls='hint-{name}']")
        assert page.locator(f"#hint-{name}").inner_text() == CATALOGS["id"][key]
    assert_clean(page, watch)
    context.close()


# ---- accessibility --------------------------------------------------------------------------


def axe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    page.evaluate(Axe().axe_script)
    result = page.evaluate(
        "() => axe.run(document, {resultTypes: ['violations']}).then(r => r.violations"
        ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
        ".map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 4)"
        ".map(n => n.target.join(' ')).join(' | ')))"
    )
    return result


@pytest.mark.parametrize("mode", ["en", "id", "projector"])
@pytest.mark.parametrize("path", LABS)
def test_axe_finds_no_serious_violation(browser, live_server, path, mode):
    lang = "id" if mode == "id" else "en"
    query = "?present=1" if mode == "projector" else ""
    context, page, watch = open_page(browser, live_server, path + query, lang=lang)
    page.wait_for_function(ANY_READY, timeout=20_000)
    page.wait_for_timeout(500)
    assert axe_violations(page) == []
    assert_clean(page, watch)  # the injection itself tripped no CSP rule
    context.close()


# ---- screenshots ------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [(1024, 768), (1280, 800), (1920, 1080)], ids=str)
@pytest.mark.parametrize("mode", ["en", "id", "projector-en", "projector-id"])
def test_screenshots(browser, live_server, mode, size):
    lang = "id" if mode.endswith("id") else "en"
    query = "?present=1" if mode.startswith("projector") else ""
    SCREENSHOTS.mkdir(exist_ok=True)
    for path in ("/", "/regression"):
        context, page, watch = open_page(browser, live_server, path + query, lang=lang, size=size)
        page.wait_for_function(READY, timeout=20_000)
        page.keyboard.press("?") if path == "/" and size == (1024, 768) else None
        name = (path.strip("/") or "surface") + f"-{mode}-{size[0]}x{size[1]}"
        page.screenshot(path=str(SCREENSHOTS / f"classroom-{name}.png"))
        assert page.evaluate(SIZES_JS)["clipped"] == []
        assert_clean(page, watch)
        context.close()


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "columns look separated by semicolons: use commas"),
        ("id", "kolom tampaknya dipisah titik koma (;): gunakan koma"),
    ],
)
def test_csv_refusal_in_the_page_language(browser, live_server, lang, expected):
    context, page, watch = open_page(browser, live_server, "/regression", lang=lang)
    page.wait_for_function(READY, timeout=20_000)
    page.select_option("#problem-select", "csv")
    page.set_input_files(
        "#csv-input",
        files=[{"name": "semi.csv", "mimeType": "text/csv", "buffer": b"a;b\n1;2\n3;4\n"}],
    )
    page.wait_for_selector("#csv-error:not([hidden])", timeout=20_000)
    text = page.locator("#csv-error").inner_text()
    assert text.startswith(CATALOGS[lang]["reg.csv_bad_row"].format(row=1))
    assert text.endswith(expected)
    watch.errors = [e for e in watch.errors if "422" not in e]
    assert_clean(page, watch)
    context.close()


def test_first_tab_offers_a_skip_link(browser, live_server):
    context, page, watch = surface(browser, live_server, lang="id")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.className") == "skip-link"
    assert page.locator(".skip-link").inner_text() == CATALOGS["id"]["a11y.skip"]
    assert page.locator(".skip-link").bounding_box()["y"] >= 0  # on screen while focused
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.id === 'lab'")
    assert_clean(page, watch)
    context.close()


# Delays one of the page's fetches of the Indonesian catalog by 1.5 s, as a weak link delays one
# of two requests: every module that loads a language must still switch with the page as one.
SLOW_CATALOG = """slow => {
  const real = window.fetch.bind(window);
  let seen = 0;
  window.fetch = (input, init) => {
    const url = String(input && input.url ? input.url : input);
    if (url.includes('/i18n/id.json') && seen++ === slow) {
      return new Promise(done => setTimeout(() => done(real(input, init)), 1500));
    }
    return real(input, init);
  };
}"""


@pytest.mark.parametrize("slow", [0, 1])
@pytest.mark.parametrize(
    "path", ["/?f=rosenbrock&sps=60", "/regression", "/network?steps=50", "/backprop"]
)
def test_the_page_switches_language_as_one(browser, live_server, path, slow):
    """<html lang> turns Indonesian only once the whole page reads Indonesian: nothing changes
    after it (the network lab's diagnosis once stayed English for a moment after)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale=LOCALES["en"])
    context.add_init_script(script=f"({SLOW_CATALOG})({slow})")
    page = context.new_page()
    watch = PageWatch(page, live_server.url)
    page.goto(f"{live_server.url}{path}")
    page.wait_for_function(ANY_READY, timeout=40_000)
    english = page.inner_text("main")
    page.click("#language-toggle button[data-lang='id']")
    page.wait_for_function("() => document.documentElement.lang === 'id'")
    switched = page.inner_text("main")
    assert switched != english
    page.wait_for_timeout(2500)  # the slow catalog has landed
    assert page.inner_text("main") == switched
    assert_clean(page, watch)
    context.close()
