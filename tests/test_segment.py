from framing.segment import split_sentences


def _check_offsets(text: str) -> list[str]:
    sentences = split_sentences(text)
    for sentence in sentences:
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.text == sentence.text.strip() and sentence.text
    return [s.text for s in sentences]


def test_splits_on_terminal_punctuation_and_keeps_offsets():
    text = "The talks failed. Did anyone expect more?  Nobody did!"
    assert _check_offsets(text) == ["The talks failed.", "Did anyone expect more?", "Nobody did!"]


def test_abbreviations_initials_and_decimals_do_not_split():
    text = "Mr. Lavrov met Dr. Weiss in the U.S. on Jan. 5. J. Smith said prices rose 2.5 percent."
    assert _check_offsets(text) == [
        "Mr. Lavrov met Dr. Weiss in the U.S. on Jan. 5.",
        "J. Smith said prices rose 2.5 percent.",
    ]


def test_quotes_stay_with_their_sentence_and_lowercase_continuations_join():
    text = 'He said: "We are ready." Then he left. It was late, i.e. past midnight.'
    assert _check_offsets(text) == [
        'He said: "We are ready."',
        "Then he left.",
        "It was late, i.e. past midnight.",
    ]


def test_line_breaks_always_split_and_blank_input_gives_nothing():
    text = "Headline without a full stop\n\nFirst paragraph here.\r\nSecond line"
    assert _check_offsets(text) == [
        "Headline without a full stop",
        "First paragraph here.",
        "Second line",
    ]
    assert split_sentences("") == []
    assert split_sentences("  \n\t ") == []


def test_cyrillic_and_emoji_offsets_are_exact():
    text = "Слава Україні! 🇺🇦 Peace now. ‏RTL mark here."
    assert "Слава Україні!" in _check_offsets(text)
