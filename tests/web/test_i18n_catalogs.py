"""The English and Indonesian catalogs: complete, used keys present, translated, and the server's
refusal codes and surface notes covered."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.engine.optim.registry import OPTIMIZERS, validate_hyperparameters
from app.main import create_app
from app.problems.datasets import CsvError, read_csv
from app.problems.expression import ExpressionError, parse_formula
from app.problems.surfaces import SURFACES
from app.web.error_codes import _PATTERNS, classify

ROOT = Path(__file__).resolve().parents[2]
I18N = ROOT / "static" / "js" / "i18n"
EN = json.loads((I18N / "en.json").read_text(encoding="utf-8"))
ID = json.loads((I18N / "id.json").read_text(encoding="utf-8"))
TEMPLATES = sorted((ROOT / "templates").glob("*.html"))
SCRIPTS = sorted((ROOT / "static" / "js").rglob("*.js"))
PREFIXES = {k.split(".", 1)[0] for k in EN}

# Words the course keeps in English in Bahasa Indonesia too (course-guide-id.txt: Loss Function,
# Learning Rate, Gradient Descent, Batch/Stochastic/Mini-batch, weight, bias, MSE, cross-entropy;
# the backprop lab's "forward pass" and "backward pass" with them), plus names and symbols. A catalog value may be identical in both languages only if every word in
# it is one of these: anything else left in English on the Indonesian page fails.
_SHARED_WORDS = """
    loss function learning rate gradient descent batch stochastic mini minibatch
    mse binary categorical cross entropy mean squared error softmax sigmoid tanh relu
    optimizer optimizers model backprop backpropagation weight bias momentum adam sgd
    input output hidden layer epoch dataset data seed noise landscape minimum xor spiral
    log min max out diagnosis forward backward pass
"""
SAME_IN_BOTH = set(re.findall(r"\w+", _SHARED_WORDS))
MATH_WORDS = {"sin", "cos", "tan", "exp", "sqrt", "abs", "pi"}


def _words(text: str) -> list[str]:
    text = re.sub(r"\{\w+\}", " ", text)
    return [w.lower() for w in re.findall(r"[A-Za-z]{2,}", text)]


def test_same_keys_in_both_catalogs() -> None:
    assert sorted(set(EN) - set(ID)) == []
    assert sorted(set(ID) - set(EN)) == []


@pytest.mark.parametrize("catalog", [EN, ID], ids=["en", "id"])
def test_no_value_is_empty(catalog: dict[str, str]) -> None:
    assert [k for k, v in catalog.items() if not isinstance(v, str) or not v.strip()] == []


def test_placeholders_match() -> None:
    def names(s: str) -> set[str]:
        return set(re.findall(r"\{(\w+)\}", s))

    assert {k: (names(EN[k]), names(ID[k])) for k in EN if names(EN[k]) != names(ID[k])} == {}


def test_indonesian_differs_from_english_except_shared_terms() -> None:
    same = {k: v for k, v in EN.items() if ID[k] == v}
    untranslated = {k: v for k, v in same.items() if set(_words(v)) - SAME_IN_BOTH}
    assert untranslated == {}


def test_the_shared_terms_rule_can_fail() -> None:
    assert set(_words("Play the run")) - SAME_IN_BOTH
    assert not set(_words("Mini-batch k={k}")) - SAME_IN_BOTH


def _template_keys() -> set[str]:
    keys: set[str] = set()
    for path in TEMPLATES:
        text = path.read_text(encoding="utf-8")
        keys |= set(re.findall(r'data-i18n(?:-[a-z-]+)?="([\w.]+)"', text))
        for name in re.findall(r"hint_(?:toggle|question)\(\s*['\"](\w+)['\"]", text):
            keys |= {f"hint.{name}_q"}
        for call in re.findall(r"hint_text\(([^)]*)\)", text):
            name = re.match(r"\s*['\"](\w+)['\"]", call)
            key = re.search(r"key=['\"]([\w.]+)['\"]", call)
            if name and name[1] != "name":  # the macro's own definition
                keys.add(key[1] if key else f"hint.{name[1]}")
    return keys


def _script_literals() -> tuple[set[str], set[str]]:
    """Catalog-looking string literals in static/js, and the static heads of `${}` keys."""
    exact: set[str] = set()
    heads: set[str] = set()
    heads_re = "|".join(sorted(PREFIXES))
    pattern = re.compile(r"""(["'`])((?:""" + heads_re + r""")\.[\w.]*?(\$\{)?[\w.]*)\1""")
    for path in SCRIPTS:
        if path.parent.name == "i18n":
            continue
        for m in pattern.finditer(path.read_text(encoding="utf-8")):
            if "${" in m.group(0):
                heads.add(m.group(0)[1:].split("${", 1)[0])
            else:
                exact.add(m.group(2))
    return exact, heads


def test_template_keys_exist() -> None:
    keys = _template_keys()
    assert len(keys) > 50  # the scan found the pages' keys
    assert sorted(keys - set(EN)) == []


def test_script_keys_exist() -> None:
    exact, heads = _script_literals()
    assert {"run.pause", "optimizers.lr", "plots.loss_empty"} <= exact  # the scan sees t("...")
    assert sorted(exact - set(EN)) == []
    assert sorted(h for h in heads if not any(k.startswith(h) for k in EN)) == []


def test_every_surface_note_has_a_key() -> None:
    for sid, surface in SURFACES.items():
        if surface.note:
            # English catalog text is the server's note itself, so they cannot drift apart.
            assert EN[f"note.{sid}"] == surface.note
            assert ID[f"note.{sid}"] != surface.note


def _codes() -> set[str]:
    out = set()
    for code, _ in _PATTERNS:
        if "{sep}" in code:
            out |= {code.format(sep=s) for s in ("semicolons", "tabs", "bars")}
        else:
            out.add(code)
    return out


def test_every_error_code_is_in_both_catalogs() -> None:
    assert sorted(c for c in _codes() if f"err.{c}" not in EN) == []


def _formula_refusal(text: str, **limits: int) -> str:
    with pytest.raises(ExpressionError) as info:
        parse_formula(text, **limits)
    return info.value.message


def _csv_refusal(raw: bytes, **limits: int) -> str:
    with pytest.raises(CsvError) as info:
        read_csv(raw, **limits)
    return info.value.message


def _optimizer_refusal(name: str, **hp) -> str:
    with pytest.raises(ValueError) as info:
        validate_hyperparameters(name, **hp)
    return str(info.value)


# The common refusals, provoked from the real code: (message, code, some expected params).
CASES = [
    (lambda: _formula_refusal("x + foo"), "expr_unknown_name", {"name": "foo", "column": 5}),
    (lambda: _formula_refusal("gamma(x)"), "expr_unknown_function", {"name": "gamma", "column": 1}),
    (lambda: _formula_refusal("x" * 600), "expr_too_long", {"length": 600}),
    (lambda: _formula_refusal("(" * 60 + "x" + ")" * 60), "expr_too_deep", {}),
    (lambda: _formula_refusal("+".join(["x"] * 30), max_nodes=20), "expr_too_complex", {"max": 20}),
    (lambda: _formula_refusal("sin(x"), "expr_never_closed", {"char": "(", "column": 4}),
    (lambda: _formula_refusal("2x"), "expr_number_into_name", {"column": 2}),
    (lambda: _csv_refusal(b"a,b\n1,\xff\n"), "csv_not_utf8", {"byte": 7}),
    (lambda: _csv_refusal(b"a;b\n1;2\n3;4\n"), "csv_separator_semicolons", {}),
    (lambda: _csv_refusal(b"a\tb\n1\t2\n3\t4\n"), "csv_separator_tabs", {}),
    (lambda: _csv_refusal(b"a,b\n1,2\n3,oops\n"), "csv_not_number", {"row": 3, "cell": "oops"}),
    (lambda: _csv_refusal(b"a,b\n1,2\n3,\n"), "csv_missing", {"row": 3, "column": "b"}),
    (lambda: _csv_refusal(b"a,b\n1,2\n3,4,5\n"), "csv_ragged", {"row": 3, "got": 3}),
    (lambda: _csv_refusal(b"a,b\n" + b"1,2\n" * 20, max_rows=10), "csv_too_many_rows", {"max": 10}),
    (lambda: _csv_refusal(b"a,b,c\n1,2,3\n4,5,6\n", max_columns=2), "csv_too_many_columns", {}),
    (lambda: _csv_refusal(b"a,b\n1,2\n" * 50, max_bytes=20), "csv_too_large", {"max": 20}),
    (lambda: _optimizer_refusal("sgd", nesterov=True), "hp_nesterov", {}),
]


@pytest.mark.parametrize(("provoke", "code", "params"), CASES, ids=[c[1] for c in CASES])
def test_common_refusals_carry_their_code(provoke, code: str, params: dict) -> None:
    message = provoke()
    found = classify(message)
    assert found["code"] == code, message
    assert params.items() <= found["params"].items()
    # Every placeholder of the Indonesian sentence is filled from the refusal's own numbers.
    needed = set(re.findall(r"\{(\w+)\}", ID[f"err.{code}"]))
    assert needed <= set(found["params"]), (code, needed, found["params"])


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(Settings()))


def test_refusals_over_http_carry_code_and_keep_english(client) -> None:
    body = {"surface": {"function": "rosenbrock"}, "steps": 10**7, "optimizers": [{"name": "sgd"}]}
    r = client.post("/api/runs", json=body)
    assert r.status_code == 422
    got = r.json()
    assert got["detail"].startswith("steps must be at most")  # English text unchanged
    assert got["code"] == "steps_max" and got["params"]["got"] == 10**7

    body = {
        "surface": {"function": "rosenbrock"},
        "steps": 10,
        "optimizers": [{"name": "sgd", "lr": -1}],
    }
    got = client.post("/api/runs", json=body).json()
    assert got["code"] == "hp_bounds"
    assert got["params"] == {
        "racer": 1,
        "optimizer": "sgd",
        "name": "lr",
        "low": "> 0",
        "high": "<= 10",
        "got": "-1",
    }

    got = client.get("/api/landscape", params={"expression": "x + foo"}).json()
    assert (got["code"], got["params"]["column"], got["column"]) == ("expr_unknown_name", 5, 5)

    r = client.post(
        "/api/datasets/csv", content=b"a,b\n1,2\n3,x\n", headers={"content-type": "text/csv"}
    )
    assert r.json()["code"] == "csv_not_number" and r.json()["row"] == 3


def test_unknown_refusals_have_no_code() -> None:
    assert classify("something nobody wrote a pattern for") == {}


def test_template_labels_and_tooltips_are_translated() -> None:
    """An aria-label, title or placeholder written in a template needs its data-i18n-* twin, or
    the Indonesian page keeps reading it out in English."""
    untranslated = []
    for path in TEMPLATES:
        for tag in re.findall(r"<[a-zA-Z][^<>]*>", path.read_text(encoding="utf-8")):
            for attr in ("aria-label", "title", "placeholder"):
                value = re.search(rf'\s{attr}="([^"{{]*)"', tag)
                if not value or f"data-i18n-{attr}=" in tag:
                    continue
                # Formulas and the course's shared terms read the same in both languages.
                if set(_words(value[1])) - SAME_IN_BOTH - MATH_WORDS:
                    untranslated.append(f"{path.name}: {tag[:80]}")
    assert untranslated == []


def test_every_hyperparameter_description_has_a_key() -> None:
    """Tooltips of the optimizer cards: the English catalog text is the registry's own."""
    for opt, spec in OPTIMIZERS.items():
        for hp in spec.hyperparameters:
            key = next(k for k in (f"hpdesc.{opt}.{hp.name}", f"hpdesc.{hp.name}") if k in EN)
            assert EN[key] == hp.description, (opt, hp.name)
            assert ID[key] != hp.description


def test_every_hinted_hyperparameter_has_its_explanation() -> None:
    source = (ROOT / "static" / "js" / "components" / "optimizer-list.js").read_text("utf-8")
    hinted = re.search(r"const HINTED = new Set\(\[([^\]]*)\]\)", source)[1]
    names = ["lr", *re.findall(r'"(\w+)"', hinted)]
    assert {"momentum", "betas", "eps"} <= set(names)
    for name in names:
        assert f"hint.{name}" in EN and f"hint.{name}_q" in EN, name
