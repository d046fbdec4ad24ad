import pytest

from framing.codebook import Codebook, default_codebook, load_codebook
from framing.errors import CodebookError

EXPECTED = [
    "root_causes",
    "territorial_realities",
    "isolation",
    "nato_aggression",
    "security_interests",
    "russian_speakers",
    "war_of_aggression",
    "talks_as_stalling",
    "peace_through_strength",
    "support_fatigue",
    "diplomacy_needed",
]


def test_default_codebook_has_the_eleven_frames_fully_described():
    codebook = default_codebook()
    assert codebook.ids == EXPECTED
    for frame in codebook.frames:
        assert frame.name and len(frame.definition) > 40
        assert frame.exclude, frame.id
        assert frame.cue_phrases, frame.id
        assert all(p == p.lower() for p in frame.cue_phrases)
        assert frame.examples, frame.id


def test_unknown_frame_gets_did_you_mean():
    codebook = default_codebook()
    assert codebook.suggest("isolaton") == "isolation"
    with pytest.raises(CodebookError, match="did you mean 'isolation'"):
        codebook["isolaton"]
    assert "known frames" in codebook.unknown_message("weather")


def test_bad_codebooks_are_refused(tmp_path):
    with pytest.raises(CodebookError, match="not found"):
        load_codebook(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("frames: [\n", encoding="utf-8")
    with pytest.raises(CodebookError, match="not valid YAML"):
        load_codebook(broken)
    with pytest.raises(CodebookError, match="appears twice"):
        Codebook.from_dict({"frames": [{"id": "a"}, {"id": "a"}]})
    with pytest.raises(CodebookError, match="not valid"):
        Codebook.from_dict({"frames": [{"id": "has;semicolon"}]})
    with pytest.raises(CodebookError, match="'frames' list"):
        Codebook.from_dict({"name": "x"})
