"""The backprop lab's quiz in real headless Chromium: with it on, the backward pass stops before
each gradient and asks for it; a right answer (the chain rule on the numbers shown, checked here
against the closed form of the MSE derivative) scores, a wrong one is corrected, "Show me" just
reveals; auto-play stops at a question; with the quiz off the pass runs through.
"""

from __future__ import annotations

import pytest

from tests.browser.test_backprop_page import open_lab
from tests.browser.test_surface_page import assert_clean

pytestmark = pytest.mark.browser

QUIZ = "() => window.__lereng.quiz"
CURSOR = "() => window.__lereng.cursor"


def to_question(page) -> dict:
    for _ in range(60):
        q = page.evaluate(QUIZ)
        if q["pending"]:
            return q
        page.click("#bp-next")
    raise AssertionError("no question came")


def answer(page, value: str) -> None:
    page.fill("#bp-quiz-form input[name=guess]", value)
    page.click("#bp-quiz-form button[type=submit]")


def test_the_quiz_asks_each_gradient_before_showing_it(page, live_server):
    watch = open_lab(page, live_server)
    page.click("#bp-quiz")
    assert page.get_attribute("#bp-quiz", "aria-pressed") == "true"
    q = to_question(page)
    # The first gradient of a backward pass is the seed, dL/dL = 1.
    assert q["pending"]["id"] == "L" and q["pending"]["truth"] == 1
    at = page.evaluate(CURSOR)
    answer(page, "1")
    page.wait_for_function(f"() => window.__lereng.cursor === {at + 1}")
    assert "Right" in page.inner_text(".bp-quiz-result")
    assert page.evaluate(QUIZ)["right"] == 1

    # Next: dL/dy-hat. For MSE on one example it is 2 (y-hat - y), from the values on the graph.
    page.click("#bp-next")
    q = page.evaluate(QUIZ)
    assert q["pending"]["id"] == "yhat"
    nodes = page.evaluate("() => window.__lereng.graph.nodes.map(n => [n.id, n.value])")
    values = dict(nodes)
    expected = 2 * (values["yhat"] - values["y"])
    assert q["pending"]["truth"] == pytest.approx(expected, rel=1e-12)
    answer(page, f"{expected * 1.2:.4f}")  # 20% off: corrected, not scored
    page.wait_for_function(f"() => window.__lereng.cursor === {at + 2}")
    result = page.inner_text(".bp-quiz-result")
    assert "Not quite" in result and "1 of 2" in result

    # "Show me" reveals without a score; an empty box asks for a number first.
    page.click("#bp-next")
    page.click("#bp-quiz-form button[type=submit]")
    assert "number" in page.inner_text(".bp-quiz-result")
    page.click("#bp-quiz-form .bp-quiz-show")
    page.wait_for_function(f"() => window.__lereng.cursor === {at + 3}")
    assert page.evaluate(QUIZ)["asked"] == 2
    # Back drops the open question.
    page.click("#bp-next")
    assert page.evaluate(QUIZ)["pending"] is not None
    page.click("#bp-back")
    assert page.evaluate(QUIZ)["pending"] is None and page.is_hidden("#bp-quiz-form")
    assert_clean(page, watch)


def test_auto_play_stops_at_a_question_and_runs_through_without_the_quiz(page, live_server):
    watch = open_lab(page, live_server)
    page.click("#bp-quiz")
    page.click("#bp-play")
    page.wait_for_function("() => window.__lereng.quiz.pending !== null", timeout=60_000)
    assert page.get_attribute("#bp-play", "aria-pressed") == "false"
    # Quiz off: Next walks through the backward pass without stopping.
    page.click("#bp-quiz")
    before = page.evaluate(CURSOR)
    for k in range(1, 4):
        page.click("#bp-next")
        page.wait_for_function(f"() => window.__lereng.cursor === {before + k}")
    assert page.evaluate(QUIZ)["pending"] is None
    assert_clean(page, watch)


def test_with_a_batch_the_quiz_asks_for_the_first_examples_gradient(page, live_server):
    # MSE over a batch of n: dL/dy-hat_1 = 2 (y-hat_1 - y_1) / n, from the graph's own values.
    watch = open_lab(page, live_server, "?net=mlp&ex=1,2,1;0.5,-1,0;-1,0.5,1")
    page.click("#bp-quiz")
    to_question(page)  # the seed, dL/dL = 1
    answer(page, "1")
    page.click("#bp-next")
    q = page.evaluate(QUIZ)
    assert q["pending"]["id"] == "yhat" and q["pending"]["example"] == 1
    assert "(example 1)" in page.inner_text("#bp-quiz-form .bp-quiz-prompt")
    values = dict(page.evaluate("() => window.__lereng.graph.nodes.map(n => [n.id, n.value])"))
    expected = 2 * (values["yhat"][0] - values["y"][0]) / 3
    assert q["pending"]["truth"] == pytest.approx(expected, rel=1e-12)
    at = page.evaluate(CURSOR)
    answer(page, f"{expected:.4g}")
    page.wait_for_function(f"() => window.__lereng.cursor === {at + 1}")
    assert "Right" in page.inner_text(".bp-quiz-result")
    # The open question is renamed with the page's language.
    page.click("#bp-next")
    assert "(example 1)" in page.inner_text("#bp-quiz-form .bp-quiz-prompt")
    page.click("button[data-lang=id]")
    page.wait_for_function(
        "() => document.querySelector('#bp-quiz-form .bp-quiz-prompt').textContent"
        ".includes('(contoh 1)')"
    )
    assert_clean(page, watch)


LOOK = """() => { const r = document.querySelector('.bp-quiz-result'); const s = getComputedStyle(r);
  return [r.textContent, s.color, s.borderLeftStyle, s.borderLeftColor]; }"""
GREEN = "rgb(0, 98, 63)"


def test_a_wrong_answer_does_not_look_like_a_right_one(page, live_server):
    # A wrong answer was shown in the right answer's green. Now each has its own colour (Okabe-Ito
    # vermillion for wrong) and its own bar, so the verdict does not hang on colour alone.
    watch = open_lab(page, live_server)
    page.click("#bp-quiz")
    to_question(page)  # dL/dL = 1
    at = page.evaluate(CURSOR)
    answer(page, "0.1")
    page.wait_for_function(f"() => window.__lereng.cursor === {at + 1}")
    text, colour, bar, bar_colour = page.evaluate(LOOK)
    assert text.startswith("Not quite") and colour != GREEN
    assert colour == "rgb(163, 65, 0)" and bar_colour == "rgb(213, 94, 0)"  # #a34100, #d55e00
    wrong_bar = bar
    page.click("#bp-next")
    q = page.evaluate(QUIZ)["pending"]
    answer(page, repr(q["truth"]))
    page.wait_for_function(f"() => window.__lereng.cursor === {at + 2}")
    text, colour, bar, bar_colour = page.evaluate(LOOK)
    assert text.startswith("Right") and colour == GREEN and bar != wrong_bar
    # Asking for a number is no verdict: neither green nor vermillion.
    page.click("#bp-next")
    page.click("#bp-quiz-form button[type=submit]")
    text, colour, bar, _ = page.evaluate(LOOK)
    assert "number" in text and colour not in (GREEN, "rgb(163, 65, 0)") and bar == "none"
    assert_clean(page, watch)


RULES = """async () => {
  const m = await import('/static/js/backprop-quiz.js');
  const p = (s) => m.parseAnswer(s);
  return {
    comma: p('-0,777'), minus: p('\\u22120.5'), plain: p('0.25'), sci: p('1e-3'),
    junk: [p(''), p('abc'), p('1,2,3'), p('1.2,3'), p('--1')],
    rounded: m.isRight(p('-0.18'), -0.184), roughOne: m.isRight(p('-0.2'), -0.184),
    roundedComma: m.isRight(p('0,61'), 0.6117), close: m.isRight(p('0.5'), 0.505),
  };
}"""


def test_answers_with_a_decimal_comma_or_rounded_to_two_digits_count(page, live_server):
    # Indonesian writes −0,777; a number box read that as −777 (marked wrong). A value read
    # off the graph and rounded to two significant digits (−0.18 for −0.184) is right too.
    watch = open_lab(page, live_server)
    got = page.evaluate(RULES)
    assert got["comma"] == {"value": -0.777, "digits": 3}
    assert got["minus"]["value"] == -0.5 and got["plain"]["value"] == 0.25
    assert got["sci"]["value"] == 0.001
    assert got["junk"] == [None] * 5
    assert got["rounded"] and got["roundedComma"] and got["close"]
    assert not got["roughOne"]  # one digit is 8.7% off: not the value asked for
    # In the page: the seed question answered "1,0".
    page.click("#bp-quiz")
    to_question(page)
    at = page.evaluate(CURSOR)
    answer(page, "1,0")
    page.wait_for_function(f"() => window.__lereng.cursor === {at + 1}")
    assert "Right" in page.inner_text(".bp-quiz-result")
    assert_clean(page, watch)


def test_a_link_can_open_the_lab_with_the_quiz_on(page, live_server):
    # A mentor sends the class a link that starts in quiz mode; the toggle travels in the link.
    watch = open_lab(page, live_server, "?quiz=1")
    assert page.evaluate(QUIZ)["on"] is True
    assert page.get_attribute("#bp-quiz", "aria-pressed") == "true"
    page.click("#bp-quiz")
    page.wait_for_function("() => !/[?&]quiz=1/.test(location.search)")
    page.click("#bp-quiz")
    page.wait_for_function("() => /[?&]quiz=1/.test(location.search)")
    assert_clean(page, watch)
