"""Labeled data: reading ``text,frames`` files, splitting them honestly, and checking them.

The labeled format is a CSV with a ``text`` column and a ``frames`` column holding frame ids joined
by ``;`` (empty for none). Other columns (``register``, ``hard_negative_for``, ...) are kept.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

from framing.codebook import Codebook
from framing.errors import DataError

FRAME_SEPARATOR = ";"
#: Two texts whose word 1-2-gram TF-IDF cosine similarity reaches this are near-duplicates.
NEAR_DUPLICATE_SIMILARITY = 0.8
#: At most this share of a frame's positives may contain one of its cue phrases.
MAX_CUE_SHARE = 0.5
_MAX_LISTED_ERRORS = 10


@dataclass
class LabeledData:
    """Texts, their frames as a 0/1 matrix, and the rest of each row.

    Attributes:
        texts: One string per row.
        labels: ``(n_rows, n_frames)`` array of 0/1 in codebook order.
        codebook: The frames the columns of ``labels`` stand for.
        extra: The other columns of the source file, row-aligned.
        source: Where the data was read from, for messages.
    """

    texts: list[str]
    labels: np.ndarray
    codebook: Codebook
    extra: pd.DataFrame = field(default_factory=pd.DataFrame)
    source: str = "<memory>"

    def __len__(self) -> int:
        return len(self.texts)

    def subset(self, index: np.ndarray) -> LabeledData:
        """Rows at ``index`` (positions), as a new LabeledData."""
        return LabeledData(
            texts=[self.texts[i] for i in index],
            labels=self.labels[index],
            codebook=self.codebook,
            extra=self.extra.iloc[index].reset_index(drop=True),
            source=self.source,
        )

    def frame_lists(self) -> list[list[str]]:
        """Each row's frames as a list of ids."""
        ids = self.codebook.ids
        return [[ids[j] for j in np.flatnonzero(row)] for row in self.labels]

    def fingerprint(self) -> str:
        """SHA-256 of the texts and labels, independent of file formatting."""
        digest = hashlib.sha256()
        ids = self.codebook.ids
        for text, row in zip(self.texts, self.labels, strict=True):
            frames = FRAME_SEPARATOR.join(ids[j] for j in np.flatnonzero(row))
            digest.update(text.encode("utf-8") + b"\x1f" + frames.encode("utf-8") + b"\x1e")
        return digest.hexdigest()


def parse_frames(value: Any) -> list[str]:
    """Split a ``;``-joined frames cell into ids; empty, NaN or None mean no frame."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    return [part.strip() for part in str(value).split(FRAME_SEPARATOR) if part.strip()]


def read_labeled_csv(path: Path, codebook: Codebook | None = None) -> LabeledData:
    """Read a labeled table with exactly a ``text`` and a ``;``-joined ``frames`` column.

    The strict form of the project's own files; researchers' tables in other layouts go through
    ``framing.formats.labeled_from_table``. The file is read by ``framing.formats.read_table``
    (CSV, TSV, Excel or JSON Lines).

    Args:
        path: The file.
        codebook: Frames the data must use. Without one, the frames found in the data (sorted)
            become the codebook.

    Raises:
        DataError: missing file or columns, empty texts, or unknown frame ids; the message lists
            every offending row (up to ten) with its line number.
    """
    from framing.formats import read_table

    return labeled_from_frame(read_table(Path(path)), codebook=codebook, source=str(path))


def labeled_from_frame(
    frame: pd.DataFrame, *, codebook: Codebook | None = None, source: str = "<memory>"
) -> LabeledData:
    """Turn a DataFrame with ``text`` and ``frames`` columns into LabeledData (see read_labeled_csv)."""
    for column in ("text", "frames"):
        if column not in frame.columns:
            found = ", ".join(map(str, frame.columns)) or "(no columns)"
            raise DataError(f"{source}: has no column {column!r}; found: {found}")
    texts = [("" if t is None else str(t)) for t in frame["text"].tolist()]
    frame_lists = [parse_frames(v) for v in frame["frames"].tolist()]
    problems: list[str] = []
    for index, text in enumerate(texts):
        if not text.strip():
            problems.append(f"line {index + 2}: empty text")
    if codebook is None:
        codebook = Codebook.from_ids(sorted({f for fl in frame_lists for f in fl}))
    for index, frames in enumerate(frame_lists):
        for frame_id in frames:
            if frame_id not in codebook:
                problems.append(f"line {index + 2}: {codebook.unknown_message(frame_id)}")
    if problems:
        more = len(problems) - _MAX_LISTED_ERRORS
        listed = "\n  ".join(problems[:_MAX_LISTED_ERRORS])
        tail = f"\n  ... and {more} more" if more > 0 else ""
        raise DataError(f"{source}: {len(problems)} problem(s):\n  {listed}{tail}")
    position = {frame_id: j for j, frame_id in enumerate(codebook.ids)}
    labels = np.zeros((len(texts), len(codebook)), dtype=np.int8)
    for index, frames in enumerate(frame_lists):
        for frame_id in frames:
            labels[index, position[frame_id]] = 1
    extra = frame.drop(columns=["text", "frames"]).reset_index(drop=True)
    return LabeledData(texts=texts, labels=labels, codebook=codebook, extra=extra, source=source)


# --- near-duplicates and honest splits ------------------------------------------------------


def near_duplicate_pairs(
    texts: list[str], *, threshold: float = NEAR_DUPLICATE_SIMILARITY, chunk: int = 2000
) -> list[tuple[int, int, float]]:
    """Pairs ``(i, j, similarity)`` with ``i < j`` whose texts are near-duplicates.

    Similarity is the cosine of word 1-2-gram TF-IDF vectors (lower-cased), so two sentences that
    differ only in a name or a number score close to 1.
    """
    if len(texts) < 2:
        return []
    vectors = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True).fit_transform(texts)
    pairs: list[tuple[int, int, float]] = []
    for begin in range(0, len(texts), chunk):
        block = (vectors[begin : begin + chunk] @ vectors.T).tocoo()
        for i, j, value in zip(block.row, block.col, block.data, strict=True):
            row = begin + int(i)
            if row < j and value >= threshold:
                pairs.append((row, int(j), float(value)))
    pairs.sort()
    return pairs


def duplicate_groups(n_rows: int, pairs: list[tuple[int, int, float]]) -> np.ndarray:
    """Connected components of the near-duplicate graph: one group id per row."""
    parent = list(range(n_rows))

    def find(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for i, j, _ in pairs:
        root_i, root_j = find(i), find(j)
        if root_i != root_j:
            parent[max(root_i, root_j)] = min(root_i, root_j)
    return np.array([find(i) for i in range(n_rows)])


def group_folds(labels: np.ndarray, groups: np.ndarray, *, n_folds: int, seed: int) -> np.ndarray:
    """Assign each row a fold so that near-duplicate groups never straddle folds.

    Iterative stratification (Sechidis, Tsoumakas and Vlahavas, 2011) over groups: the label with
    the fewest unassigned positives goes first; each group holding it goes to the fold that still
    wants most of that label (then most rows) among those with room for the group's rows, and the
    fold's wants shrink by the group's labels.
    Every fold thus gets close to its share of every label, rare ones included, and of rows.
    Groups without labels fill the folds that want most rows. Deterministic for a given ``seed``.

    Returns:
        ``fold`` id (0..n_folds-1) per row.
    """
    labels = np.asarray(labels, dtype=np.int64)
    _, group_index = np.unique(groups, return_inverse=True)
    n_groups = int(group_index.max()) + 1 if len(group_index) else 0
    group_labels = np.zeros((n_groups, labels.shape[1]), dtype=np.int64)
    np.add.at(group_labels, group_index, labels)
    group_sizes = np.bincount(group_index, minlength=n_groups)
    rng = np.random.default_rng(seed)
    want_labels = np.tile(labels.sum(axis=0) / n_folds, (n_folds, 1)).astype(float)
    want_rows = np.full(n_folds, len(labels) / n_folds)
    fold_of_group = np.full(n_groups, -1)
    order = rng.permutation(n_groups)  # tie-breaking and processing order

    def assign(group: int, candidates: np.ndarray) -> None:
        best = candidates[want_rows[candidates] == want_rows[candidates].max()]
        fold = int(best[rng.integers(len(best))]) if len(best) > 1 else int(best[0])
        fold_of_group[group] = fold
        want_labels[fold] -= group_labels[group]
        want_rows[fold] -= group_sizes[group]

    remaining = group_labels[order].sum(axis=0).astype(float)
    while remaining.sum() > 0:
        present = np.flatnonzero(remaining > 0)
        label = int(present[np.argmin(remaining[present])])
        for group in order:
            if fold_of_group[group] >= 0 or group_labels[group, label] == 0:
                continue
            roomy = np.flatnonzero(want_rows >= group_sizes[group])  # big groups must fit
            folds = roomy if len(roomy) else np.arange(n_folds)
            wants = want_labels[folds, label]
            assign(int(group), folds[wants == wants.max()])
            remaining -= group_labels[group]
    every_fold = np.arange(n_folds)
    for group in order:
        if fold_of_group[group] < 0:
            assign(int(group), every_fold)
    return fold_of_group[group_index]


# --- the data check ---------------------------------------------------------------------------


@dataclass
class DataReport:
    """What the data check found. ``problems`` make the data unusable; ``warnings`` do not."""

    n_rows: int
    frame_counts: dict[str, int]
    n_without_frame: int
    n_hard_negatives: int | None
    register_counts: dict[str, int]
    exact_duplicates: list[tuple[int, int]]
    conflicting_duplicates: list[tuple[int, int]]
    near_duplicates: list[tuple[int, int, float]]
    cross_split_pairs: list[tuple[int, int, float]]
    cue_share: dict[str, float]
    problems: list[str]
    warnings: list[str]
    texts: list[str] = field(repr=False, default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing makes the data unusable."""
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary."""
        return {
            "n_rows": self.n_rows,
            "frame_counts": self.frame_counts,
            "n_without_frame": self.n_without_frame,
            "n_hard_negatives": self.n_hard_negatives,
            "register_counts": self.register_counts,
            "n_exact_duplicates": len(self.exact_duplicates),
            "n_near_duplicate_pairs": len(self.near_duplicates),
            "near_duplicate_similarity": NEAR_DUPLICATE_SIMILARITY,
            "n_cross_split_near_duplicates": len(self.cross_split_pairs),
            "cue_share": self.cue_share,
            "problems": self.problems,
            "warnings": self.warnings,
        }

    def to_text(self, *, show_pairs: int = 5) -> str:
        """Readable report."""
        lines = [f"rows: {self.n_rows}; without frame: {self.n_without_frame}"]
        if self.n_hard_negatives is not None:
            lines.append(f"hard negatives: {self.n_hard_negatives}")
        lines.append("frame                      positives  cue-share")
        for frame_id, count in self.frame_counts.items():
            share = self.cue_share.get(frame_id)
            shown = "-" if share is None else f"{share:.0%}"
            lines.append(f"  {frame_id:<24} {count:>9}  {shown:>9}")
        if self.register_counts:
            regs = ", ".join(f"{k} {v}" for k, v in self.register_counts.items())
            lines.append(f"registers: {regs}")
        lines.append(
            f"near-duplicate pairs (similarity >= {NEAR_DUPLICATE_SIMILARITY}): "
            f"{len(self.near_duplicates)}"
        )
        for i, j, sim in self.near_duplicates[:show_pairs]:
            lines.append(f"  lines {i + 2} & {j + 2} ({sim:.2f}): {self.texts[i][:60]!r}")
        lines.append(
            f"train/test pairs at or above {NEAR_DUPLICATE_SIMILARITY}: {len(self.cross_split_pairs)}"
        )
        lines.extend(f"warning: {w}" for w in self.warnings)
        lines.extend(f"PROBLEM: {p}" for p in self.problems)
        lines.append("data check: " + ("ok" if self.ok else "FAILED"))
        return "\n".join(lines)


def check_data(
    data: LabeledData,
    *,
    test_mask: np.ndarray | None = None,
    near_pairs: list[tuple[int, int, float]] | None = None,
    max_cue_share: float | None = None,
    min_positives: int = 0,
) -> DataReport:
    """Check labeled data before training.

    Fails (``problems``) on empty texts, exact duplicate texts, and any near-duplicate pair that
    straddles the train/test split given by ``test_mask``. Also fails when a frame's cue-phrase
    share exceeds ``max_cue_share`` or its positives fall below ``min_positives`` (both off unless
    given; the shipped corpus is checked with both). Reports counts, near-duplicates and cue shares.

    Args:
        data: The labeled data.
        test_mask: Boolean per row, True for held-out test rows.
        near_pairs: Precomputed near-duplicate pairs (else computed here).
        max_cue_share: Largest allowed share of a frame's positives containing a cue phrase.
        min_positives: Smallest allowed number of positives per frame.
    """
    problems: list[str] = []
    warnings: list[str] = []
    texts = data.texts
    ids = data.codebook.ids
    counts = {frame_id: int(data.labels[:, j].sum()) for j, frame_id in enumerate(ids)}
    for index, text in enumerate(texts):
        if not text.strip():
            problems.append(f"line {index + 2}: empty text")
    first_seen: dict[str, int] = {}
    exact: list[tuple[int, int]] = []
    conflicting: list[tuple[int, int]] = []
    for index, text in enumerate(texts):
        key = " ".join(text.split()).lower()
        if key in first_seen:
            other = first_seen[key]
            exact.append((other, index))
            if not np.array_equal(data.labels[other], data.labels[index]):
                conflicting.append((other, index))
        else:
            first_seen[key] = index
    for a, b in conflicting[:_MAX_LISTED_ERRORS]:
        problems.append(f"lines {a + 2} and {b + 2}: the same text with different frames")
    for a, b in exact[:_MAX_LISTED_ERRORS]:
        problems.append(f"lines {a + 2} and {b + 2}: exact duplicate text {texts[b][:60]!r}")
    if len(exact) > _MAX_LISTED_ERRORS:
        problems.append(f"... {len(exact) - _MAX_LISTED_ERRORS} more exact duplicates")
    pairs = near_duplicate_pairs(texts) if near_pairs is None else near_pairs
    cross: list[tuple[int, int, float]] = []
    if test_mask is not None:
        cross = [(i, j, s) for i, j, s in pairs if bool(test_mask[i]) != bool(test_mask[j])]
        for i, j, sim in cross[:_MAX_LISTED_ERRORS]:
            problems.append(
                f"lines {i + 2} and {j + 2} are {sim:.2f} similar but sit on both sides of the "
                "train/test split"
            )
    cue_share: dict[str, float] = {}
    for j, frame in enumerate(data.codebook.frames):
        if not frame.cue_phrases:
            continue
        positives = np.flatnonzero(data.labels[:, j])
        if len(positives) == 0:
            continue
        with_cue = sum(1 for i in positives if frame.cue_in(texts[i]))
        cue_share[frame.id] = with_cue / len(positives)
        if max_cue_share is not None and cue_share[frame.id] > max_cue_share:
            problems.append(
                f"frame {frame.id!r}: {cue_share[frame.id]:.0%} of its positives contain a cue "
                f"phrase (limit {max_cue_share:.0%}); write positives that express it otherwise"
            )
    for frame_id, count in counts.items():
        if count < min_positives:
            problems.append(
                f"frame {frame_id!r}: {count} positives (need at least {min_positives})"
            )
        elif count < 10:
            warnings.append(
                f"frame {frame_id!r}: only {count} positives; too few to learn or evaluate well. "
                "Label more examples (framing suggest finds good candidates) or merge the frame"
            )
        elif texts and count / len(texts) < 0.02:
            warnings.append(
                f"frame {frame_id!r}: {count} of {len(texts)} texts ({count / len(texts):.1%}); rare "
                "labels get unstable thresholds and wide intervals; label more if you can"
            )
    hard = None
    if "hard_negative_for" in data.extra.columns:
        hard_col = data.extra["hard_negative_for"].fillna("").astype(str).str.strip()
        no_frame = data.labels.sum(axis=1) == 0
        hard = int(((hard_col != "") & no_frame).sum())
        mislabeled = np.flatnonzero((hard_col != "").to_numpy() & ~no_frame)
        for index in mislabeled[:_MAX_LISTED_ERRORS]:
            problems.append(f"line {index + 2}: marked as a hard negative but has frames")
        for index, value in enumerate(hard_col):
            if value and value not in data.codebook:
                problems.append(
                    f"line {index + 2}: hard_negative_for {data.codebook.unknown_message(value)}"
                )
    registers: dict[str, int] = {}
    if "register" in data.extra.columns:
        registers = dict(Counter(data.extra["register"].fillna("").astype(str)).most_common())
    return DataReport(
        n_rows=len(texts),
        frame_counts=counts,
        n_without_frame=int((data.labels.sum(axis=1) == 0).sum()),
        n_hard_negatives=hard,
        register_counts=registers,
        exact_duplicates=exact,
        conflicting_duplicates=conflicting,
        near_duplicates=pairs,
        cross_split_pairs=cross,
        cue_share=cue_share,
        problems=problems,
        warnings=warnings,
        texts=texts,
    )
