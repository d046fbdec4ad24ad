"""Window pooling: a long sentence also scored by its parts.

TF-IDF rows are l2-normalised, so in a long sentence the few words that carry a frame weigh little
against the rest: real sentences from press releases and speeches often carry a frame in one
clause of thirty words. Window pooling scores a long sentence's overlapping word windows too and
raises each frame's score towards the best window's:

    pooled = (1 - weight) * whole + weight * max(whole, best window)

so a pooled score is never below the whole sentence's, and a sentence shorter than
``min_words`` keeps its score unchanged. Windows are runs of ``words`` whitespace-separated
tokens, ``stride`` tokens apart, the last one ending at the sentence's end.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class WindowPooling:
    """How long sentences are scored by their word windows.

    Attributes:
        words: Tokens per window.
        stride: Tokens between the starts of neighbouring windows.
        min_words: Sentences with fewer tokens are scored whole only.
        weight: Share of the best window's score in the pooled score (0 turns pooling off).
    """

    words: int = 10
    stride: int = 5
    min_words: int = 15
    weight: float = 0.5

    def __post_init__(self) -> None:
        if self.words < 1 or self.stride < 1:
            raise ValueError(f"window words ({self.words}) and stride ({self.stride}) must be >= 1")
        if self.min_words <= self.words:
            raise ValueError(
                f"min_words ({self.min_words}) must exceed the window's words ({self.words}); "
                "a sentence no longer than one window has nothing to pool"
            )
        if not 0.0 <= self.weight <= 1.0:
            raise ValueError(f"window weight {self.weight} must be between 0 and 1")

    def spans(self, n_tokens: int) -> list[tuple[int, int]]:
        """``(start, end)`` token spans of the windows of a text of ``n_tokens`` tokens: none
        below ``min_words``; the tail always gets a full window of its own."""
        if n_tokens < self.min_words:
            return []
        last = n_tokens - self.words
        starts = list(range(0, last + 1, self.stride))
        if starts[-1] != last:
            starts.append(last)
        return [(start, start + self.words) for start in starts]

    def windows(self, text: str) -> list[str]:
        """The windows of ``text`` (its whitespace-separated tokens joined by single spaces)."""
        tokens = text.split()
        return [" ".join(tokens[start:end]) for start, end in self.spans(len(tokens))]

    def pool(self, scores: np.ndarray, best: np.ndarray) -> np.ndarray:
        """Whole-text ``scores`` pooled with each text's ``best`` window scores (0 for a text
        without windows). A score no window beats is kept exactly."""
        return scores + self.weight * np.maximum(best - scores, 0.0)

    def apply(
        self,
        texts: Sequence[str],
        scores: np.ndarray,
        score: Callable[[list[str]], np.ndarray],
    ) -> np.ndarray:
        """The pooled ``(n_texts, n_frames)`` scores, given the whole texts' ``scores`` and the
        function that scored them (called once, on all windows of all long texts)."""
        if self.weight == 0.0:
            return scores
        owners: list[int] = []
        windows: list[str] = []
        for row, text in enumerate(texts):
            parts = self.windows(text)
            windows.extend(parts)
            owners.extend([row] * len(parts))
        if not windows:
            return scores
        best = np.zeros_like(scores)
        np.maximum.at(best, np.asarray(owners), score(windows))
        return self.pool(scores, best)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (stored in the model payload and card)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> WindowPooling:
        """Inverse of ``to_dict``."""
        return cls(**data)
