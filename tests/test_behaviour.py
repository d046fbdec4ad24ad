"""Behaviour of the shipped default model on sentences written for these tests (not in training).

Invariance: names and numbers do not decide a frame. Direction: adding a frame's idea raises its
score. Plain cases: unambiguous sentences get their frame; neutral ones get none.
"""

import pytest

from framing.data import read_labeled_csv
from framing.paths import LABELED_SENTENCES_PATH

PLAIN_CASES = [
    (
        "The Kremlin repeated that no deal is possible unless the deeper causes of the crisis are removed.",
        "root_causes",
    ),
    (
        "Kyiv will never accept handing over occupied land in exchange for a ceasefire.",
        "territorial_realities",
    ),
    (
        "The summit invitation let the Russian leader show that he is far from isolated.",
        "isolation",
    ),
    (
        "Lavrov claimed that NATO had been creeping toward Russia's borders for thirty years.",
        "nato_aggression",
    ),
    (
        "Moscow said its demands for binding security guarantees had been ignored by Washington.",
        "security_interests",
    ),
    (
        "Russian officials again accused Kyiv of persecuting the Russian-speaking people of Donbass.",
        "russian_speakers",
    ),
    (
        "The assembly condemned Russia's unprovoked invasion as a flagrant breach of the UN Charter.",
        "war_of_aggression",
    ),
    (
        "A truce now would simply hand Moscow time to rebuild its exhausted army.",
        "talks_as_stalling",
    ),
    (
        "Only more air defence and longer-range missiles will force Moscow to end this war.",
        "peace_through_strength",
    ),
    (
        "Months of deadlock in Congress have left Ukrainian gunners rationing shells.",
        "support_fatigue",
    ),
    (
        "The foreign ministers urged both sides to return to the negotiating table without delay.",
        "diplomacy_needed",
    ),
]

# a frame in one clause of a long sentence, the rest about something else (window pooling)
LONG_CASES = [
    (
        "After a morning of meetings on grain shipments, port repairs and the winter heating "
        "season, the foreign minister told reporters that any ceasefire now would only give the "
        "Russian army time to regroup and rearm.",
        "talks_as_stalling",
    ),
    (
        "The statement, released late on Thursday after the president returned from a two-day "
        "tour of frontline hospitals and a newly rebuilt school in the Kharkiv region, again called "
        "the invasion an unprovoked act of aggression that violates the UN Charter.",
        "war_of_aggression",
    ),
    (
        "Speaking at a forum on regional logistics, new railway links and the price of fertiliser, "
        "the deputy minister remarked in passing that Western help for Kyiv was running dry as "
        "voters grew tired of the bill.",
        "support_fatigue",
    ),
]

NEUTRAL = [
    "The ministry of health opened three new clinics in the Tver region.",
    "Heavy rain is expected across western Europe over the weekend.",
    "The central bank kept its key rate unchanged on Friday.",
    "The delegation will arrive in Geneva on Tuesday evening.",
]


def test_test_sentences_are_not_in_the_training_corpus():
    corpus = set(read_labeled_csv(LABELED_SENTENCES_PATH).texts)
    for sentence, _ in PLAIN_CASES:
        assert sentence not in corpus
    for sentence, _ in LONG_CASES:
        assert sentence not in corpus
    for sentence in NEUTRAL:
        assert sentence not in corpus


@pytest.mark.parametrize(("sentence", "frame"), PLAIN_CASES, ids=[f for _, f in PLAIN_CASES])
def test_plain_sentences_get_their_frame(default_model, sentence, frame):
    [predicted] = default_model.predict([sentence])
    assert frame in predicted, (sentence, predicted, default_model.tag([sentence])[0].scores)


@pytest.mark.parametrize(("sentence", "frame"), LONG_CASES, ids=[f for _, f in LONG_CASES])
def test_a_frame_in_one_clause_of_a_long_sentence_is_found(default_model, sentence, frame):
    [predicted] = default_model.predict([sentence])
    assert frame in predicted, (sentence, predicted, default_model.tag([sentence])[0].scores)


def test_neutral_sentences_get_no_frame(default_model):
    assert default_model.predict(NEUTRAL) == [[] for _ in NEUTRAL]


def test_names_and_numbers_do_not_change_frames(default_model):
    pairs = [
        (
            "Scholz told Putin to stop the war and pull his troops out of Ukraine.",
            "Macron told Putin to stop the war and pull his troops out of Ukraine.",
        ),
        (
            "The 12th sanctions package aims to squeeze Moscow until it ends the war.",
            "The 14th sanctions package aims to squeeze Moscow until it ends the war.",
        ),
        (
            "Orban said Europe is tired of paying for a war it cannot win.",
            "Fico said Europe is tired of paying for a war it cannot win.",
        ),
    ]
    for first, second in pairs:
        assert default_model.predict([first]) == default_model.predict([second]), (first, second)


def test_adding_a_frames_idea_raises_its_score(default_model):
    index = default_model.frame_ids.index
    base = "Any negotiations must begin soon."
    cases = [
        (base + " They must also eliminate the root causes of the conflict.", "root_causes"),
        (base + " Russia will not give up the new regions.", "territorial_realities"),
    ]
    base_scores = default_model.predict_proba([base])[0]
    for text, frame in cases:
        assert (
            default_model.predict_proba([text])[0][index(frame)] > base_scores[index(frame)] + 0.2
        )
    plain = default_model.predict_proba(["Putin wants a summit."])[0][index("isolation")]
    framed = default_model.predict_proba(["Putin wants a summit to end his isolation."])[0]
    assert framed[index("isolation")] > plain + 0.2


def test_explanations_name_the_words_behind_a_frame(default_model):
    sentence = "Moscow insists that peace requires eliminating the root causes of this conflict."
    [tagged] = default_model.tag([sentence], explain=True)
    frame = next(f for f in tagged.frames if f.id == "root_causes")
    assert any("root" in phrase or "causes" in phrase for phrase in frame.evidence), frame.evidence
