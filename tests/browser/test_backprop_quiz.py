"""The backprop lab's quiz in real headless Chromium: with it on, the backward pass stops before
each gradient and asks for it; a right answer (the chain rule on the numbers shown, checked here
against the closed form of the MSE derivative) scores, a first wrong one earns a hint and a second
try, a second wrong one is corrected, "Show answer" just reveals; auto-play stops at a question;
with the quiz off the pass runs through.
"""

from __future__ import annotations

import json
import math
import re

import pytest

from tests.browser.test_backprop_page import open_lab
from tests.browser.test_lab_exports import export
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
    answer(page, f"{expected * 1.2:.4f}")  # 20% off: a hint, then corrected, not scored
    page.wait_for_function("() => window.__lereng.quiz.tries === 1")
    answer(page, f"{expected * 1.2:.4f}")
    page.wait_for_function(f"() => window.__lereng.cursor === {at + 2}")
    result = page.inner_text(".bp-quiz-result")
    assert "Not quite" in result and "1 of 2" in result

    # "Show answer" reveals without a score; an empty box asks for a number first.
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
    page.wait_for_function("() => window.__lereng.quiz.tries === 1")
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


BOX = "#bp-quiz-form input[name=guess]"
RESULT = "#bp-quiz-result"
TRIES = "() => window.__lereng.quiz.tries === 1"


def to_node(page, node: str) -> dict:
    """Walks to the question about node, revealing the ones before it unscored."""
    for _ in range(80):
        q = page.evaluate(QUIZ)["pending"]
        if q and q["id"] == node:
            return q
        if q:
            page.click("#bp-quiz-form .bp-quiz-show")
            page.wait_for_function("() => window.__lereng.quiz.pending === null")
        else:
            page.click("#bp-next")
    raise AssertionError(f"no question about {node}")


def test_a_first_wrong_answer_gets_a_hint_and_a_second_try(page, live_server):
    # A slipped sign used to cost the question: the answer came at once. Now the first wrong
    # answer keeps the question open with a hint, and a right second answer scores as such.
    watch = open_lab(page, live_server)
    page.click("#bp-quiz")
    to_question(page)
    answer(page, "1")  # the seed, right the first time
    page.click("#bp-next")
    q = page.evaluate(QUIZ)["pending"]
    assert q["id"] == "yhat"
    at = page.evaluate(CURSOR)
    page.fill(BOX, f"{-q['truth']:.3f}")  # the sign slipped
    page.press(BOX, "Enter")
    page.wait_for_function(TRIES)
    # Nothing revealed: the step, the question and the focus stay; the hint is what the box
    # is described by, in the live region a screen reader reads out.
    assert page.evaluate(CURSOR) == at and page.is_visible("#bp-quiz-form")
    assert page.evaluate("() => document.activeElement.name") == "guess"
    assert page.get_attribute(BOX, "aria-describedby") == "bp-quiz-result"
    assert page.get_attribute(RESULT, "aria-live") == "polite"
    assert page.inner_text(RESULT).startswith("Not right yet.")
    assert page.inner_text("#bp-quiz-form .bp-quiz-prompt").startswith("Try again")
    assert page.evaluate(QUIZ)["asked"] == 1
    page.fill(BOX, f"{q['truth']:.3f}")
    page.press(BOX, "Enter")
    page.wait_for_function(f"() => window.__lereng.cursor === {at + 1}")
    quiz = page.evaluate(QUIZ)
    assert (quiz["asked"], quiz["right"], quiz["second"]) == (2, 2, 1)
    result = page.inner_text(RESULT)
    assert result.startswith("Right on the second try")
    assert "Score: 2 of 2 right, 1 on the second try." in result
    assert page.get_attribute(BOX, "aria-describedby") is None
    assert_clean(page, watch)


def test_a_second_wrong_answer_reveals_the_gradient(page, live_server):
    watch = open_lab(page, live_server)
    page.click("#bp-quiz")
    q = to_node(page, "yhat")
    at = page.evaluate(CURSOR)
    answer(page, "5")
    page.wait_for_function(TRIES)
    # Asking for a number keeps the hint and the second try.
    answer(page, "")
    assert "Type a number first." in page.inner_text(RESULT)
    assert page.inner_text(RESULT).startswith("Not right yet.")
    assert page.evaluate(QUIZ)["tries"] == 1
    answer(page, "6")
    page.wait_for_function(f"() => window.__lereng.cursor === {at + 1}")
    quiz = page.evaluate(QUIZ)
    assert (quiz["asked"], quiz["right"], quiz["second"]) == (1, 0, 0)
    result = page.inner_text(RESULT)
    # The answer and the step's own explanation are shown now.
    assert result.startswith("Not quite") and "(you typed 6)" in result
    assert "Score: 0 of 1." in result
    assert page.is_hidden("#bp-quiz-form")
    assert "ŷ" in page.inner_text("#bp-explain-title")
    grad = page.evaluate("() => window.__lereng.graph.nodes.find(n => n.id === 'yhat').grad")
    assert grad == q["truth"]
    assert_clean(page, watch)


def test_show_answer_reveals_without_scoring_and_back_does_not_reset_a_try(page, live_server):
    watch = open_lab(page, live_server)
    page.click("#bp-quiz")
    to_question(page)
    at = page.evaluate(CURSOR)
    page.click("#bp-quiz-form .bp-quiz-show")  # before any answer: not scored
    page.wait_for_function(f"() => window.__lereng.cursor === {at + 1}")
    assert page.evaluate(QUIZ)["asked"] == 0 and page.inner_text(RESULT) == ""
    page.click("#bp-next")
    answer(page, "5")
    page.wait_for_function(TRIES)
    # Back and Next do not give the spent first try back.
    page.click("#bp-back")
    assert page.evaluate(QUIZ)["pending"] is None
    page.click("#bp-next")
    page.click("#bp-next")
    page.wait_for_function(TRIES)
    assert page.inner_text(RESULT).startswith("Not right yet.")
    at = page.evaluate(CURSOR)
    assert page.inner_text("#bp-quiz-form .bp-quiz-show") == "Show answer"
    page.click("#bp-quiz-form .bp-quiz-show")  # after a wrong answer: a question missed
    page.wait_for_function(f"() => window.__lereng.cursor === {at + 1}")
    quiz = page.evaluate(QUIZ)
    assert (quiz["asked"], quiz["right"], quiz["second"]) == (1, 0, 0)
    assert page.inner_text(RESULT) == "Score: 0 of 1."
    assert_clean(page, watch)


HINT = "() => document.querySelector('#bp-quiz-result').textContent.replace(/\\s+/g, '')"


def test_the_hint_gives_the_steps_rule_and_not_its_number(page, live_server):
    watch = open_lab(page, live_server)
    page.click("#bp-quiz")
    to_question(page)
    answer(page, "0.5")
    page.wait_for_function(TRIES)
    assert "how much does L change when L itself changes" in page.inner_text(RESULT)
    assert not re.search(r"\d", page.inner_text(RESULT))
    page.click("#bp-quiz-form .bp-quiz-show")
    # dL/dy-hat: the MSE rule in symbols.
    page.click("#bp-next")
    answer(page, "5")
    page.wait_for_function(TRIES)
    hint = page.evaluate(HINT)
    assert "loss's own rule" in page.inner_text(RESULT)
    assert "∂L∂ŷ=2(ŷ−y)" in hint
    assert not re.search(r"\d[.,]\d", hint)  # no value, neither the answer nor a factor
    page.click("#bp-quiz-form .bp-quiz-show")
    # dL/dv1: the chain rule through h1·v1, whose local derivative is h1.
    q = to_node(page, "v1")
    answer(page, "5")
    page.wait_for_function(TRIES)
    hint = page.evaluate(HINT)
    assert "Chain rule" in page.inner_text(RESULT)
    assert "∂L∂v1=∂L∂(h1·v1)·∂(h1·v1)∂v1" in hint and "∂(h1·v1)∂v1=h1" in hint
    assert not re.search(r"\d[.,]\d", hint)
    assert fmt(q["truth"]) not in hint
    assert_clean(page, watch)


def fmt(v: float) -> str:
    """The page's 3 significant digits, with its minus sign."""
    return f"{v:.3g}".replace("-", "\u2212")


def test_the_second_try_speaks_indonesian(page, live_server):
    watch = open_lab(page, live_server)
    page.click("button[data-lang=id]")
    page.wait_for_function("() => document.documentElement.lang === 'id'")
    page.click("#bp-quiz")
    assert page.inner_text("#bp-quiz-form .bp-quiz-show") == "Lihat jawaban"
    to_question(page)
    answer(page, "1")
    page.click("#bp-next")
    q = page.evaluate(QUIZ)["pending"]
    answer(page, "5")
    page.wait_for_function(TRIES)
    assert page.inner_text(RESULT).startswith("Belum tepat.")
    assert "Rumus loss" in page.inner_text(RESULT)
    assert page.inner_text("#bp-quiz-form .bp-quiz-prompt").startswith("Coba lagi")
    # A decimal comma still counts on the second try.
    at = page.evaluate(CURSOR)
    answer(page, f"{q['truth']:.3f}".replace(".", ","))
    page.wait_for_function(f"() => window.__lereng.cursor === {at + 1}")
    result = page.inner_text(RESULT)
    assert result.startswith("Benar di percobaan kedua")
    assert "Skor: 2 dari 2 benar, 1 di percobaan kedua." in result
    # An open hint follows a language switch.
    page.click("#bp-next")
    answer(page, "5")
    page.wait_for_function(TRIES)
    page.click("button[data-lang=en]")
    page.wait_for_function(
        "() => document.querySelector('#bp-quiz-result').textContent.startsWith('Not right yet.')"
    )
    assert "Score: 2 of 2 right, 1 on the second try." in page.inner_text(RESULT)
    assert_clean(page, watch)


@pytest.mark.parametrize("batch", [False, True])
def test_the_softmax_logits_question_names_its_class(page, live_server, batch):
    """The logits o = [o1, o2] have one gradient per class. With one example the quiz asked for
    "∂L/∂o (example 1)" and wanted class 1's number; with a batch (a table, examples by
    classes) it asked nothing. Now it asks for class 1 (of example 1), whose answer is the
    cross-entropy's closed form p1 - [y = class 1], over n for a batch's mean, from the
    graph's own values; the JSON export names the class too."""
    query = "?net=softmax" + ("&ex=0.5,1,1;-0.3,0.8,0" if batch else "")
    watch = open_lab(page, live_server, query)
    page.click("#bp-quiz")
    to_question(page)  # the seed, dL/dL = 1
    answer(page, "1")
    page.click("#bp-next")
    q = page.evaluate(QUIZ)["pending"]
    assert q["id"] == "o" and q["class"] == 1 and q["example"] == (1 if batch else None)
    label = "(example 1, class 1)" if batch else "(class 1)"
    assert label in page.inner_text("#bp-quiz-form .bp-quiz-prompt")
    graph = page.evaluate("() => window.__lereng.graph")
    logits = next(n["value"] for n in graph["nodes"] if n["id"] == "o")
    logits = logits[0] if batch else logits
    y = graph["examples"][0][2]  # (x1, x2, class)
    p1 = 1 / (1 + math.exp(logits[1] - logits[0]))
    expected = (p1 - (y == 0)) / (2 if batch else 1)
    assert q["truth"] == pytest.approx(expected, rel=1e-12)
    at = page.evaluate(CURSOR)
    answer(page, f"{expected:.4g}")
    page.wait_for_function(f"() => window.__lereng.cursor === {at + 1}")
    assert "Right" in page.inner_text(".bp-quiz-result")
    quiz = json.loads(export(page, "json").path().read_text())["quiz"]
    logit = quiz["answers"][1]
    assert (logit["node"], logit["class"], logit["example"], logit["right"]) == (
        "o",
        1,
        1 if batch else None,
        True,
    )
    assert logit["truth"] == q["truth"]
    assert_clean(page, watch)
