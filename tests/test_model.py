"""The model API on the tiny model: tagging, thresholds, offsets and explanations."""

import numpy as np


def test_tag_text_gives_offsets_frames_and_every_score(tiny_model):
    text = "Heavy snow and rain hit the coast tonight. The striker scored twice in the final."
    tagged = tiny_model.tag_text(text)
    assert len(tagged) == 2
    for item in tagged:
        assert text[item.start : item.end] == item.sentence
        assert set(item.scores) == {"weather", "sport", "food"}
        scores = [f.score for f in item.frames]
        assert scores == sorted(scores, reverse=True)
    assert "weather" in [f.id for f in tagged[0].frames]
    assert "sport" in [f.id for f in tagged[1].frames]


def test_threshold_override_applies_to_every_frame(tiny_model):
    sentence = ["The bakery sells fresh bread and soup."]
    assert tiny_model.predict(sentence, threshold=0.0) == [["weather", "sport", "food"]]
    assert tiny_model.predict(sentence, threshold=1.0) == [[]]


def test_scores_are_probabilities(tiny_model):
    scores = tiny_model.predict_proba(["Rain again.", "A goal!", ""])
    assert scores.shape == (3, 3)
    assert np.all((scores >= 0) & (scores <= 1))
    assert tiny_model.predict_proba([]).shape[0] == 0


def test_explanations_are_words_of_the_sentence_that_raise_the_score(tiny_model):
    sentence = "Our goalkeeper saved a penalty while heavy rain fell."
    evidence = tiny_model.explain(sentence, ["sport", "weather"])
    assert evidence["sport"] and evidence["weather"]
    for phrases in evidence.values():
        for phrase in phrases:
            assert phrase in sentence
    assert any(w in " ".join(evidence["weather"]) for w in ("rain", "heavy", "fell"))
    tagged = tiny_model.tag([sentence], explain=True)[0]
    assert all(f.evidence for f in tagged.frames)
