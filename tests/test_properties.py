"""Property-based tests: any Unicode text splits into sentences whose offsets point back exactly,
and tagging never raises."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from framing.segment import split_sentences

# Any code point (control characters, RTL marks, emoji, Cyrillic, lone surrogates excluded by
# Python's str being valid), with sentence punctuation and whitespace made frequent.
TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(list(".!?…\n\r\t  \u200f\u202e\u00a0\u2028\"'”»)] MrU.S.Слава🇺🇦")),
    ),
    max_size=400,
)


def _check(text: str) -> None:
    sentences = split_sentences(text)
    previous_end = 0
    for sentence in sentences:
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.text and sentence.text == sentence.text.strip()
        assert sentence.start >= previous_end
        previous_end = sentence.end
    # nothing but whitespace is dropped
    covered = "".join(s.text for s in sentences)
    assert "".join(text.split()) == "".join(covered.split())


@given(TEXT)
@settings(max_examples=300, deadline=None)
def test_splitter_offsets_point_back_exactly(text):
    _check(text)


def test_a_100000_character_line_splits_quickly_and_exactly():
    text = ("word " * 20_000).strip()
    _check(text)
    _check("Sentence one. " * 7_000)


@given(st.lists(TEXT, max_size=5))
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_tagging_any_text_never_raises(tiny_model, texts):
    for text in texts:
        for item in tiny_model.tag_text(text, explain=True):
            assert text[item.start : item.end] == item.sentence
            assert all(0.0 <= v <= 1.0 for v in item.scores.values())
    scores = tiny_model.predict_proba(texts, stable=True)
    assert scores.shape == (len(texts), 3)


JSON = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=False) | st.integers() | st.text(max_size=50),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
BODIES = st.one_of(
    JSON,
    st.fixed_dictionaries(
        {"sentences": st.lists(st.text(max_size=300), max_size=8)},
        optional={"threshold": JSON, "explain": JSON},
    ),
    st.fixed_dictionaries(
        {"text": st.text(max_size=2000)}, optional={"threshold": JSON, "explain": JSON}
    ),
)


@given(body=BODIES, raw=st.binary(max_size=200))
@settings(
    max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_api_never_answers_5xx_to_anything_a_client_sends(tiny_model_dir, body, raw):
    import json

    from service import create_app

    client = create_app({"MODEL_DIR": str(tiny_model_dir)}).test_client()
    for response in (
        client.post("/v1/tag", data=json.dumps(body), content_type="application/json"),
        client.post("/v1/tag", data=raw, content_type="application/json"),
    ):
        assert response.status_code < 500, response.get_data()
        payload = response.get_json()
        if response.status_code == 200:
            assert set(payload) == {"model", "results"}
            for result in payload["results"]:
                assert set(result) == {"sentence", "start", "end", "frames", "scores"}
        else:
            assert set(payload["error"]) == {"code", "message"}
