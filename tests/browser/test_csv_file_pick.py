"""The CSV file picker of the regression and network labs speaks the page's language."""

from __future__ import annotations

import pytest

from tests.browser.test_surface_page import PageWatch, assert_clean

pytestmark = pytest.mark.browser

WAIT = 40_000
LOADED = "() => window.__lereng && window.__lereng.loaded === 'csv-empty'"
PICK = ".file-pick .file-button"
NAME = ".file-pick .file-name"


def open_csv(page, live_server, lab: str) -> PageWatch:
    watch = PageWatch(page, live_server.url)
    query = "?p=csv" if lab == "regression" else "?ds=csv"
    page.goto(f"{live_server.url}/{lab}{query}")
    page.wait_for_function(LOADED, timeout=WAIT)
    return watch


@pytest.mark.parametrize("lab", ["regression", "network"])
def test_the_file_button_reads_indonesian_and_names_the_file(page, live_server, lab, tmp_path):
    """The browser's own file button said "Choose File" / "No file chosen" on an Indonesian
    page. The face the page draws reads "Pilih file…" / "Belum ada file", opens the file
    chooser by mouse and by keyboard, and names the file once one is loaded."""
    page.add_init_script("localStorage.setItem('lereng.lang', 'id')")
    watch = open_csv(page, live_server, lab)
    assert page.inner_text(PICK) == "Pilih file…"
    assert page.inner_text(NAME) == "Belum ada file"
    # The browser's own control is out of sight: only the page's face shows.
    native = page.locator("#csv-input").bounding_box()
    assert native["width"] <= 1 and native["height"] <= 1
    with page.expect_file_chooser() as chooser:
        page.click(PICK)
    assert chooser.value.element.evaluate("el => el.id") == "csv-input"
    # A keyboard user reaches the same input, and sees where the focus is on the face.
    page.focus("#csv-input")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "csv-input"
    outline = page.eval_on_selector(PICK, "el => getComputedStyle(el).outlineStyle")
    assert outline == "solid"
    with page.expect_file_chooser():
        page.keyboard.press("Space")
    data = tmp_path / "nilai_ujian.csv"
    data.write_text("jam,tidur,lulus\n" + "".join(f"{i},{i % 3},{i % 2}\n" for i in range(12)))
    page.set_input_files("#csv-input", str(data))
    page.wait_for_function(
        f"() => document.querySelector('{NAME}').textContent === 'nilai_ujian.csv'"
    )
    # The file's name is the file's, not a phrase: a language switch leaves it alone.
    page.click("#language-toggle button[data-lang='en']")
    page.wait_for_function(f"() => document.querySelector('{PICK}').textContent === 'Choose file…'")
    assert page.inner_text(NAME) == "nilai_ujian.csv"
    assert_clean(page, watch)
