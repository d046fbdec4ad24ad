"""The codebook: which frames exist, what they mean, and their cue phrases."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from framing.errors import CodebookError

# Any label a researcher uses, except that ";" joins ids in `frames` cells and control characters
# would break CSV columns; no surrounding spaces.
_ID_PATTERN = re.compile(r"^[^;\x00-\x1f\s](?:[^;\x00-\x1f]*[^;\x00-\x1f\s])?$")


@dataclass(frozen=True)
class Frame:
    """One framing of the codebook.

    Attributes:
        id: Stable identifier used in data files and outputs (``root_causes``).
        name: Human-readable name ("Root causes").
        definition: What a sentence must do to invoke the frame.
        include: Rules for what counts.
        exclude: Rules for what does not count.
        cue_phrases: Lower-case phrases typical of the frame; used to measure how much of the
            labeled data leans on them, never to predict.
        examples: Short illustrative sentences.
    """

    id: str
    name: str
    definition: str = ""
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    cue_phrases: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form, as stored in a model card."""
        return {
            "id": self.id,
            "name": self.name,
            "definition": self.definition,
            "include": list(self.include),
            "exclude": list(self.exclude),
            "cue_phrases": list(self.cue_phrases),
            "examples": list(self.examples),
        }

    def cue_in(self, text: str) -> str | None:
        """Return the first cue phrase found in ``text`` (case-insensitive), or None."""
        lowered = text.lower()
        for phrase in self.cue_phrases:
            if phrase in lowered:
                return phrase
        return None


@dataclass(frozen=True)
class Codebook:
    """An ordered set of frames. The order is the order of score columns everywhere."""

    frames: tuple[Frame, ...]
    name: str = "codebook"
    version: str = "1"
    _by_id: dict[str, Frame] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_id: dict[str, Frame] = {}
        for frame in self.frames:
            if not _ID_PATTERN.match(frame.id):
                raise CodebookError(
                    f"frame id {frame.id!r} is not valid: ids may not be empty, contain ';' or "
                    "control characters, or start or end with a space"
                )
            if frame.id in by_id:
                raise CodebookError(f"frame id {frame.id!r} appears twice in the codebook")
            by_id[frame.id] = frame
        if not by_id:
            raise CodebookError("the codebook has no frames")
        object.__setattr__(self, "_by_id", by_id)

    @property
    def ids(self) -> list[str]:
        """Frame ids in codebook order."""
        return [frame.id for frame in self.frames]

    def __getitem__(self, frame_id: str) -> Frame:
        try:
            return self._by_id[frame_id]
        except KeyError:
            raise CodebookError(self.unknown_message(frame_id)) from None

    def __contains__(self, frame_id: object) -> bool:
        return frame_id in self._by_id

    def __len__(self) -> int:
        return len(self.frames)

    def suggest(self, frame_id: str) -> str | None:
        """The closest known frame id to a misspelt one, if any is close."""
        matches = difflib.get_close_matches(frame_id, self.ids, n=1, cutoff=0.6)
        return matches[0] if matches else None

    def unknown_message(self, frame_id: str) -> str:
        """Message for an unknown frame id, with a did-you-mean when one is close."""
        hint = self.suggest(frame_id)
        if hint:
            return f"unknown frame {frame_id!r} (did you mean {hint!r}?)"
        return f"unknown frame {frame_id!r}; known frames: {', '.join(self.ids)}"

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form, as stored in a model card."""
        return {
            "name": self.name,
            "version": self.version,
            "frames": [frame.to_dict() for frame in self.frames],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Codebook:
        """Build a codebook from its plain-data form (a parsed YAML file or a card entry)."""
        if not isinstance(data, dict) or not isinstance(data.get("frames"), list):
            raise CodebookError("a codebook needs a top-level 'frames' list")
        frames = []
        for index, entry in enumerate(data["frames"], start=1):
            if not isinstance(entry, dict) or "id" not in entry:
                raise CodebookError(f"codebook frame #{index} has no 'id'")
            frames.append(
                Frame(
                    id=str(entry["id"]),
                    name=str(entry.get("name") or entry["id"]),
                    definition=str(entry.get("definition") or ""),
                    include=tuple(entry.get("include") or ()),
                    exclude=tuple(entry.get("exclude") or ()),
                    cue_phrases=tuple(p.lower() for p in entry.get("cue_phrases") or ()),
                    examples=tuple(entry.get("examples") or ()),
                )
            )
        return cls(
            frames=tuple(frames),
            name=str(data.get("name") or "codebook"),
            version=str(data.get("version") or "1"),
        )

    @classmethod
    def from_ids(cls, frame_ids: list[str]) -> Codebook:
        """A bare codebook whose names are the ids, for data that comes without one."""
        return cls(frames=tuple(Frame(id=i, name=i) for i in frame_ids))


def load_codebook(path: Path) -> Codebook:
    """Read a codebook YAML file.

    Raises:
        CodebookError: when the file is missing or malformed.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CodebookError(f"codebook file not found: {path}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise CodebookError(f"{path}: not valid YAML: {exc}") from None
    return Codebook.from_dict(data)


def default_codebook() -> Codebook:
    """The shipped eleven-frame codebook."""
    from framing.paths import CODEBOOK_PATH

    return load_codebook(CODEBOOK_PATH)
