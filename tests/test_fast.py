"""The lean linear scorer gives the Pipeline's scores, or steps aside."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from framing.fast import linear_scorer
from tests.conftest import tiny_rows
from training.pipeline import PipelineConfig, build_pipeline


def _fit(config):
    rows = tiny_rows()
    texts = [t for t, _ in rows]
    ids = ["weather", "sport", "food"]
    labels = np.array([[int(i in f.split(";")) for i in ids] for _, f in rows])
    return build_pipeline(config).fit(texts, labels), texts


@pytest.fixture(params=["c_kernel", "numpy"])
def one_text_path(request, monkeypatch):
    """Runs a test with the C kernel (as installed) and again with the numpy fallback."""
    import framing.fast

    if request.param == "numpy":
        monkeypatch.setattr(framing.fast, "_kernel", None)
    return request.param


def test_the_c_kernel_is_built():
    """`make install` builds framing/_kernel.pyx; without it one-sentence scoring is 2x slower."""
    import framing.fast

    assert framing.fast._kernel is not None, "framing._kernel missing: run `make install`"


def test_scores_match_the_pipeline_for_batches_and_single_texts(one_text_path):
    pipeline, texts = _fit(PipelineConfig(min_df=1))
    scorer = linear_scorer(pipeline, texts[:5])
    assert scorer is not None
    probes = [*texts, "", "Completely unseen words here!", "RAIN rain Rain, and a goal."]
    expected = pipeline.predict_proba(probes)
    assert np.abs(scorer.predict_proba(probes) - expected).max() < 1e-6
    for index, text in enumerate(probes):
        assert np.abs(scorer.predict_proba([text])[0] - expected[index]).max() < 1e-6


def test_single_texts_score_the_same_with_a_cold_warm_or_refilled_word_cache(
    one_text_path, monkeypatch
):
    import framing.fast

    pipeline, texts = _fit(PipelineConfig(min_df=1))
    scorer = linear_scorer(pipeline, texts[:2])
    probes = [*texts, "Rain, rain and more RAIN after the goal", "  odd   spacing\tand Ünïcödé  "]
    expected = pipeline.predict_proba(probes)
    for rounds in range(2):  # the second round is served from the word cache
        for index, text in enumerate(probes):
            assert np.abs(scorer.predict_proba([text])[0] - expected[index]).max() < 1e-6, rounds
    assert scorer._word_columns[1]  # the character block remembered words
    monkeypatch.setattr(framing.fast, "WORD_CACHE_SIZE", 5)  # forces clears while scoring
    fresh = linear_scorer(pipeline, texts[:2])
    for index, text in enumerate(probes):
        assert np.abs(fresh.predict_proba([text])[0] - expected[index]).max() < 1e-6
    assert len(fresh._word_columns[1]) <= 5
    for block in fresh._blocks:  # the kernel's scratch counts are left all zero
        assert not block.scratch.any()


def test_the_c_kernel_refuses_columns_outside_the_vocabulary():
    from framing import _kernel

    idf, coef = np.ones(3), np.ones((3, 2))
    scratch, logits = np.zeros(3, dtype=np.intc), np.zeros(2)
    with pytest.raises(ValueError, match="out of range"):
        _kernel.add_packed([np.array([0, 3], dtype=np.int64).tobytes()], scratch, idf, coef, logits)
    with pytest.raises(ValueError, match="out of range"):
        _kernel.add_terms(["a", "b"], {"a": 0, "b": -1}, scratch, idf, coef, logits)
    with pytest.raises(ValueError, match="mismatched"):
        _kernel.add_terms(["a"], {"a": 0}, np.zeros(2, dtype=np.intc), idf, coef, logits)
    assert not scratch.any() and not logits.any()  # nothing was changed
    _kernel.add_terms(["a", "a", "b", "zz"], {"a": 0, "b": 2}, scratch, idf, coef, logits)
    weights = np.array([1 + np.log(2), 1.0])
    assert np.allclose(logits, (weights / np.linalg.norm(weights)).sum())
    assert not scratch.any()


def test_word_only_and_char_only_pipelines_are_supported():
    for config in (
        PipelineConfig(char_ngrams=None, min_df=1),
        PipelineConfig(word_ngrams=None, min_df=1),
    ):
        pipeline, texts = _fit(config)
        assert linear_scorer(pipeline, texts) is not None


def test_other_classifiers_fall_back_to_the_pipeline():
    pipeline, texts = _fit(PipelineConfig(classifier="svm_sigmoid", min_df=1, C=0.5))
    assert linear_scorer(pipeline, texts) is None


def test_model_uses_the_scorer_and_agrees_with_the_pipeline(tiny_model):
    assert tiny_model._scorer is not None
    texts = ["Rain and wind.", "A late goal.", "Soup for dinner."]
    assert np.allclose(
        tiny_model.predict_proba(texts), tiny_model.pipeline.predict_proba(texts), atol=1e-6
    )


def test_char_wb_ngrams_equal_scikit_learns():
    from collections import Counter

    from sklearn.feature_extraction.text import TfidfVectorizer

    from framing.fast import char_wb_ngrams

    texts = [
        "",
        "a",
        "ab",
        "Hello,  world!\tTabs\nand lines",
        "Слава Україні 🇺🇦 naïve café",
        "x" * 7,
        "U.S. talks — 2025/26 “quoted”",
        "  leading and trailing  ",
    ]
    for low, high in [(2, 5), (3, 5), (1, 3), (4, 4)]:
        vectorizer = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(low, high), strip_accents="unicode"
        )
        reference = vectorizer.build_analyzer()
        preprocess = vectorizer.build_preprocessor()
        for text in texts:
            assert Counter(char_wb_ngrams(preprocess(text), low, high)) == Counter(
                reference(text)
            ), text


def test_vectorised_char_index_counts_equal_scikit_learns():
    from sklearn.feature_extraction.text import TfidfVectorizer

    from framing.fast import CharNgramIndex

    texts = [t for t, _ in tiny_rows()] + [
        "",
        "   ",
        "Ünïcödé naïve café",
        "Слава 🇺🇦 x\x00y",
        "a b  c\td\ne",
    ]
    for low, high in [(3, 5), (2, 5), (1, 3)]:
        vectorizer = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(low, high), strip_accents="unicode"
        )
        vectorizer.fit([t for t in texts if "\x00" not in t])
        index = CharNgramIndex(vectorizer.vocabulary_, low, high, vectorizer.build_preprocessor())
        counts = index.counts(texts, len(vectorizer.vocabulary_))
        counts.sum_duplicates()
        reference = vectorizer.transform(texts).astype(bool).astype(int)  # pattern of nonzeros
        expected = count_of(vectorizer, texts)
        assert (counts.toarray() == expected).all(), (low, high)
        assert ((counts.toarray() > 0) == reference.toarray()).all()
    with pytest.raises(ValueError):  # a NUL in the vocabulary would break the word separator
        CharNgramIndex({" a\x00b": 0}, 3, 5, str.lower)


def count_of(vectorizer, texts):
    from sklearn.feature_extraction.text import CountVectorizer

    counter = CountVectorizer(
        analyzer="char_wb",
        ngram_range=vectorizer.ngram_range,
        strip_accents="unicode",
        vocabulary=vectorizer.vocabulary_,
    )
    return counter.transform(texts).toarray()


def test_word_ngrams_equal_scikit_learns():
    from sklearn.feature_extraction.text import TfidfVectorizer

    from framing.fast import _analyzer

    texts = [t for t, _ in tiny_rows()] + ["", "a", "Ünïcödé naïve café, U.S. talks", "one two"]
    for low, high in [(1, 1), (1, 2), (1, 3), (2, 3)]:
        vectorizer = TfidfVectorizer(ngram_range=(low, high), strip_accents="unicode")
        ours, reference = _analyzer(vectorizer), vectorizer.build_analyzer()
        for text in texts:
            assert ours(text) == reference(text), (low, high, text)


@settings(max_examples=400, deadline=None)
@given(st.text(st.characters(codec="utf-8"), max_size=40))
def test_accent_stripping_equals_scikit_learns(text):
    from sklearn.feature_extraction.text import strip_accents_unicode as reference

    from framing.fast import strip_accents_unicode

    for sample in (text, f"naïve café Ünïcödé {text} Łódź ﬁ ½"):
        assert strip_accents_unicode(sample) == reference(sample)


def test_a_sentence_scores_the_same_alone_or_among_others():
    """Requests score text by text with the C kernel: the same floats whatever else is sent."""
    pipeline, texts = _fit(PipelineConfig(min_df=1))
    scorer = linear_scorer(pipeline, texts[:2])
    together = scorer.predict_proba(texts)
    for index, text in enumerate(texts):
        assert np.array_equal(scorer.predict_proba([text])[0], together[index])
        assert np.array_equal(scorer.predict_proba([texts[0], text])[1], together[index])
    stable = scorer.predict_proba(texts, stable=True)  # the vectorised path
    assert np.abs(stable - together).max() < 1e-6
