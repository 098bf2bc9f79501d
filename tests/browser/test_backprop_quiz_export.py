"""The backprop quiz's answers in the lab's JSON export, in real headless Chromium."""

from __future__ import annotations

import json

import pytest

from tests.browser.test_backprop_page import open_lab
from tests.browser.test_backprop_quiz import BOX, QUIZ, TRIES, answer, to_node, to_question
from tests.browser.test_lab_exports import export
from tests.browser.test_surface_page import assert_clean

pytestmark = pytest.mark.browser


def test_the_json_export_holds_the_score_and_what_was_typed(page, live_server):
    """A mentor who sets the quiz as homework gets the student's answers, not a screenshot of
    the score: each scored question with the numbers typed, the engine's gradient, and whether
    it was right at the first try, the second, or missed and shown."""
    watch = open_lab(page, live_server, "?net=neuron")
    page.click("#bp-quiz")
    # Nothing answered yet: the export says so rather than a score of 0 of 0.
    assert json.loads(export(page, "json").path().read_text())["quiz"] is None
    to_question(page)
    answer(page, "1")  # the seed dL/dL, right at once
    page.click("#bp-next")
    yhat = page.evaluate(QUIZ)["pending"]
    assert yhat["id"] == "yhat"
    at = page.evaluate("() => window.__lereng.cursor")
    page.fill(BOX, f"{-yhat['truth']:.3f}")  # a slipped sign, then corrected
    page.press(BOX, "Enter")
    page.wait_for_function(TRIES)
    page.fill(BOX, f"{yhat['truth']:.3f}")
    page.press(BOX, "Enter")
    page.wait_for_function(f"() => window.__lereng.cursor === {at + 1}")
    page.click("#bp-next")
    z = to_node(page, "z")
    answer(page, "5")
    page.wait_for_function(TRIES)
    page.click("#bp-quiz-form .bp-quiz-show")  # missed, then shown
    page.wait_for_function("() => window.__lereng.quiz.pending === null")

    data = json.loads(export(page, "json").path().read_text())
    grads = {n["id"]: n["grad"] for n in page.evaluate("() => window.__lereng.graph.nodes")}
    quiz = data["quiz"]
    assert (quiz["asked"], quiz["right"], quiz["second"]) == (3, 2, 1)
    rows = [(a["node"], a["typed"], a["right"], a["tries"], a["shown"]) for a in quiz["answers"]]
    assert rows == [
        ("L", [1], True, 1, False),
        ("yhat", [round(-yhat["truth"], 3), round(yhat["truth"], 3)], True, 2, False),
        ("z", [5], False, 1, True),
    ]
    assert [a["truth"] for a in quiz["answers"]] == [grads["L"], grads["yhat"], grads["z"]]
    assert z["truth"] == grads["z"]
    assert_clean(page, watch)
