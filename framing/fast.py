"""A lean scorer that computes the same probabilities as a TF-IDF + logistic-regression Pipeline.

scikit-learn's ``Pipeline.predict_proba`` spends most of a one-sentence call on input validation,
sparse-matrix bookkeeping and a Python loop over one estimator per frame. For the pipelines we
train (a FeatureUnion of ``TfidfVectorizer`` blocks feeding a ``OneVsRestClassifier`` of
``LogisticRegression``) the whole model is linear: per block, l2-normalised ``(1 + log tf) * idf``
weights dotted with one coefficient matrix, then a sigmoid. This module does exactly that with the
vectorizers' own analyzers, so the features are identical; the arithmetic is float64, so scores
agree with the Pipeline's to within 1e-6 (checked when the scorer is built).

Each text is scored on its own by a small C kernel (``_kernel.pyx``, compiled at install): one
call per block counts, weights and dots its columns. Without the compiled module the same
arithmetic runs in numpy, text by text for a lone text and vectorised for batches.
"""

from __future__ import annotations

import struct
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from itertools import repeat
from math import sqrt
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import FeatureUnion, Pipeline

from framing.windows import WindowPooling

try:  # the per-text arithmetic in C, built from _kernel.pyx at install (needs Cython)
    from framing import _kernel
except ImportError:  # pragma: no cover - exercised by the numpy-fallback test
    _kernel = None

TOLERANCE = 1e-6
WORD_CACHE_SIZE = 50_000  # words remembered per character block (a few MB)


@dataclass(frozen=True)
class _Block:
    analyzer: Callable[[str], list[str]]
    vocabulary: dict[str, int]
    idf: np.ndarray  # (n_terms,)
    coef: np.ndarray  # (n_terms, n_frames)
    offset: int  # first row of this block in the stacked coefficient matrix
    scratch: np.ndarray  # zero counts, one per term, for the C kernel (zero again after each call)
    # char_wb blocks: the preprocessor and n-gram range, for the per-word lookup of one text
    preprocess: Callable[[str], str] | None = None
    ngram_range: tuple[int, int] = (1, 1)
    # word blocks with the plain analyzer: preprocess + tokenize, before the n-grams (windows)
    tokenize: Callable[[str], list[str]] | None = None
    # the vectorised path's lookups (~0.4 s and ~18 MB per process), built on first use: with
    # the C kernel they are never needed
    _lookups: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def char_index(self) -> CharNgramIndex | None:
        """Vectorised batch lookup of a char_wb block's n-grams (None for other blocks)."""
        if "char" not in self._lookups:
            index = None
            if self.preprocess is not None:
                # a vocabulary that does not pack into 64-bit keys is counted in Python instead
                with suppress(ValueError):
                    index = CharNgramIndex(self.vocabulary, *self.ngram_range, self.preprocess)
            self._lookups["char"] = index
        return self._lookups["char"]

    def term_lookup(self) -> tuple[pd.Index, np.ndarray]:
        """The vocabulary's terms as a hashed index, and the column of each."""
        if "terms" not in self._lookups:
            terms = pd.Index(list(self.vocabulary))
            terms.get_indexer(terms[:1])  # build the hash table now
            columns = np.fromiter(self.vocabulary.values(), np.int64, len(self.vocabulary))
            self._lookups["terms"] = (terms, columns)
        return self._lookups["terms"]


class _WordColumns(dict):
    """Per-word cache of a char_wb block: word -> its vocabulary columns (with repeats), packed as
    int64 bytes. char_wb n-grams never cross words, so a text's columns are its words' columns,
    and words repeat across texts (Zipf): looking up ~20 words beats ~300 n-grams. Filled on a
    miss; cleared when full, so memory stays bounded and the words in use come back."""

    def __init__(self, block: _Block) -> None:
        super().__init__()
        self._block = block

    def __missing__(self, word: str) -> bytes:
        block = self._block
        grams = char_wb_ngrams(word, *block.ngram_range)
        found = np.fromiter(map(block.vocabulary.get, grams, repeat(-1)), np.int64, len(grams))
        packed = found[found >= 0].tobytes()
        if len(self) >= WORD_CACHE_SIZE:
            self.clear()
        self[word] = packed
        return packed


class LinearScorer:
    """Scores texts like ``pipeline.predict_proba``; build it with :func:`linear_scorer`."""

    def __init__(self, blocks: list[_Block], intercept: np.ndarray, coef: np.ndarray) -> None:
        self._blocks = blocks
        self._intercept = intercept
        self._coef = coef
        self._word_columns = [_WordColumns(block) for block in blocks]
        self._token_pieces = [
            _TokenPieces(block, words)
            for block, words in zip(blocks, self._word_columns, strict=True)
        ]
        # windows assembled from tokens: every block must allow it (checked by linear_scorer)
        self.windows_from_tokens = all(b.preprocess or b.tokenize for b in blocks)

    @property
    def n_frames(self) -> int:
        """Number of score columns."""
        return len(self._intercept)

    def predict_proba(self, texts: Sequence[str], *, stable: bool = False) -> np.ndarray:
        """``(n_texts, n_frames)`` probabilities.

        With the C kernel every text is scored on its own, which is both the fastest path (one
        call per block, no matrix bookkeeping) and batch-invariant: a text gets the same floats
        alone, in any request and in any chunk of a batch run. Without the kernel, a lone text
        takes the numpy single-text path unless ``stable``, and batches the vectorised path,
        which is batch-invariant too; the paths agree to within 1e-6.
        """
        if _kernel is not None or (len(texts) == 1 and not stable):
            scores = np.empty((len(texts), self.n_frames))
            for row, text in enumerate(texts):
                scores[row] = self._one(text)
            return scores
        logits = np.tile(self._intercept, (len(texts), 1))
        for block in self._blocks:
            logits += self._block_batch(block, texts)
        return _sigmoid(logits)

    def _one(self, text: str) -> np.ndarray:
        # One text is dominated by per-call overhead: the C kernel does each block's counting
        # and arithmetic in one call; without it, a few numpy calls per block.
        logits = self._intercept.copy()
        for block, cache in zip(self._blocks, self._word_columns, strict=True):
            if block.preprocess is not None:  # char_wb: columns assembled word by word
                parts = list(map(cache.__getitem__, block.preprocess(text).split()))
                if _kernel is not None:
                    _kernel.add_packed(parts, block.scratch, block.idf, block.coef, logits)
                    continue
                columns = np.frombuffer(b"".join(parts), dtype=np.int64)
                if not len(columns):
                    continue
                columns, tf = np.unique(columns, return_counts=True)
            elif _kernel is not None:
                _kernel.add_terms(
                    block.analyzer(text),
                    block.vocabulary,
                    block.scratch,
                    block.idf,
                    block.coef,
                    logits,
                )
                continue
            else:  # lookups in C (``map`` of ``dict.get``, missing terms -> -1)
                counts = Counter(block.analyzer(text))
                size = len(counts)
                found = np.fromiter(map(block.vocabulary.get, counts, repeat(-1)), np.int64, size)
                keep = found >= 0
                columns = found[keep]
                if not len(columns):
                    continue
                tf = np.fromiter(counts.values(), np.float64, size)[keep]
            weights = (np.log(tf) + 1.0) * block.idf[columns]
            weights /= sqrt(weights @ weights)
            logits += weights @ block.coef[columns]
        return _sigmoid(logits)

    def pooled_proba(self, texts: Sequence[str], pooling: WindowPooling) -> np.ndarray | None:
        """``(n_texts, n_frames)`` probabilities pooled with long texts' word windows
        (``framing.windows``), or None when this scorer cannot assemble windows from tokens (no C
        kernel, or an analyzer other than the plain word and char_wb ones); then score the window
        texts instead.

        A long text is analysed once, token by token (each whitespace token's pieces cached, as
        words are), and the whole text's and every window's n-grams are assembled from the
        tokens' pieces: char_wb n-grams never cross a token and word tokens never cross
        whitespace, so they equal the n-grams of the texts themselves (checked when the scorer
        is built). A short text is scored as without pooling.
        """
        if _kernel is None or not self.windows_from_tokens:
            return None
        scores = np.empty((len(texts), self.n_frames))
        for row, text in enumerate(texts):
            tokens = text.split()
            spans = pooling.spans(len(tokens))
            if not spans:
                scores[row] = self._one(text)
                continue
            streams = [
                _streams(block, cache, tokens)
                for block, cache in zip(self._blocks, self._token_pieces, strict=True)
            ]
            whole = self._assembled(streams, 0, len(tokens))
            best = np.full(self.n_frames, -np.inf)
            for start, end in spans:
                np.maximum(best, self._assembled(streams, start, end), out=best)
            scores[row] = pooling.pool(_sigmoid(whole), _sigmoid(best))
        return scores

    def _assembled(self, streams: list[list[_Stream]], start: int, end: int) -> np.ndarray:
        """The logits of whitespace tokens ``start:end`` of a text, from its blocks' streams."""
        assert _kernel is not None
        logits = self._intercept.copy()
        for block, block_streams in zip(self._blocks, streams, strict=True):
            parts: list[bytes] = []
            for stream in block_streams:
                parts += stream.window(start, end)
            _kernel.add_packed(parts, block.scratch, block.idf, block.coef, logits)
        return logits

    @staticmethod
    def _block_batch(block: _Block, texts: Sequence[str]) -> np.ndarray:
        char_index = block.char_index()
        if char_index is not None:
            counts = char_index.counts(texts, len(block.idf))
        else:
            counts = _python_counts(block, texts)
        counts.sum_duplicates()
        counts.data = (np.log(counts.data) + 1.0) * block.idf[counts.indices]
        norms = np.sqrt(np.asarray(counts.multiply(counts).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        counts = sparse.diags(1.0 / norms) @ counts
        return np.asarray(counts @ block.coef)


class _TokenPieces(dict):
    """Per-token cache of one block for window pooling: whitespace token -> the packed
    vocabulary columns of its words (char_wb blocks, via the word cache) or its word tokens (word
    blocks). Bounded like ``_WordColumns``."""

    def __init__(self, block: _Block, words: _WordColumns) -> None:
        super().__init__()
        self._block = block
        self._words = words

    def __missing__(self, token: str) -> Any:
        block = self._block
        if block.preprocess is not None:
            piece: Any = b"".join(map(self._words.__getitem__, block.preprocess(token).split()))
        else:
            assert block.tokenize is not None
            piece = block.tokenize(token)
        if len(self) >= WORD_CACHE_SIZE:
            self.clear()
        self[token] = piece
        return piece


_PACK = struct.Struct("q").pack  # one native int64 column, as the C kernel reads it


@dataclass(frozen=True)
class _Stream:
    """One text's n-grams of one size, in order, as packed columns (``b""`` outside the
    vocabulary); ``bounds[k]`` is the first n-gram position of whitespace token ``k``, and an
    n-gram of ``size`` tokens starting at position ``i`` belongs to a window of positions
    ``[a, b)`` when ``a <= i`` and ``i + size <= b``."""

    parts: list[bytes]
    bounds: list[int]
    size: int

    def window(self, start: int, end: int) -> list[bytes]:
        return self.parts[self.bounds[start] : self.bounds[end] - self.size + 1]


def _streams(block: _Block, cache: _TokenPieces, tokens: list[str]) -> list[_Stream]:
    """The streams of ``tokens`` for ``block``: one per token for char_wb (its n-grams never
    cross it); one per n-gram size over the word tokens for a word block."""
    pieces = list(map(cache.__getitem__, tokens))
    bounds = [0]
    if block.preprocess is not None:
        bounds.extend(range(1, len(tokens) + 1))
        return [_Stream(pieces, bounds, 1)]
    words: list[str] = []
    for piece in pieces:
        words += piece
        bounds.append(len(words))
    vocabulary = block.vocabulary
    streams = []
    for size in range(block.ngram_range[0], block.ngram_range[1] + 1):
        grams = words if size == 1 else word_ngrams(words, size, size)
        columns = map(vocabulary.get, grams)
        parts = [b"" if column is None else _PACK(column) for column in columns]
        streams.append(_Stream(parts, bounds, size))
    return streams


def _python_counts(block: _Block, texts: Sequence[str]) -> sparse.csr_matrix:
    analyzer = block.analyzer
    terms: list[str] = []
    lengths = np.zeros(len(texts), dtype=np.int64)
    for row, text in enumerate(texts):
        grams = analyzer(text)
        terms.extend(grams)
        lengths[row] = len(grams)
    term_index, term_columns = block.term_lookup()
    slots = term_index.get_indexer(terms) if terms else np.zeros(0, dtype=np.int64)
    rows = np.repeat(np.arange(len(texts)), lengths)
    found = slots >= 0
    return sparse.csr_matrix(
        (np.ones(int(found.sum())), (rows[found], term_columns[slots[found]])),
        shape=(len(texts), len(block.idf)),
    )


class CharNgramIndex:
    """Vectorised, exact lookup of ``char_wb`` n-grams in a fitted vocabulary.

    Every character of the vocabulary gets a small code (1..A); a character outside it gets 0,
    and no vocabulary n-gram can contain it. An n-gram of codes packs exactly into one unsigned
    64-bit key (``bits`` per character), so matching is a ``searchsorted`` over sorted keys, done
    for a whole chunk at once in numpy (and a pandas hash index) instead of one dictionary lookup per n-gram in Python.
    Words are padded with a space on each side and joined by a 0 code, so no window crosses a
    word; this reproduces scikit-learn's ``char_wb`` exactly when ``min_n`` <= 3 (a padded word
    is at least three characters long, so the short-word rule never applies).
    """

    def __init__(
        self, vocabulary: dict[str, int], min_n: int, max_n: int, preprocess: Callable[[str], str]
    ) -> None:
        alphabet = sorted({char for term in vocabulary for char in term})
        self.bits = max(1, len(alphabet)).bit_length()
        if min_n > 3 or self.bits * max_n > 64 or "\x00" in alphabet:
            raise ValueError("vocabulary not suitable for the vectorised index")
        self.min_n, self.max_n, self.preprocess = min_n, max_n, preprocess
        self.table = np.zeros(0x110000, dtype=np.uint64)
        for code, char in enumerate(alphabet, start=1):
            self.table[ord(char)] = code
        keys = np.array([self._key(term) for term in vocabulary], dtype=np.uint64)
        self.keys = pd.Index(keys)  # a hash table: get_indexer is one C-level lookup per n-gram
        self.keys.get_indexer(keys[:1])  # build the hash table now, not on the first lookup
        self.columns = np.fromiter(vocabulary.values(), dtype=np.int64, count=len(vocabulary))

    def _key(self, term: str) -> int:
        key = 0
        for char in term:
            key = (key << self.bits) | int(self.table[ord(char)])
        return key

    def counts(self, texts: Sequence[str], n_columns: int) -> sparse.csr_matrix:
        """Counts of vocabulary n-grams per text, as a CSR matrix (duplicates not yet summed)."""
        documents = [
            "\x00".join(f" {word} " for word in self.preprocess(text).split()) for text in texts
        ]
        lengths = np.fromiter((len(d) for d in documents), dtype=np.int64, count=len(documents))
        joined = "\x00".join(documents)
        if not joined:
            return sparse.csr_matrix((len(texts), n_columns))
        codes = self.table[
            np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        ]
        starts = np.concatenate(([0], np.cumsum(lengths + 1)[:-1]))
        zeros = np.concatenate(([0], np.cumsum(codes == 0)))
        rows_list, columns_list = [], []
        size = len(codes)
        shift = np.uint64(self.bits)
        for n in range(self.min_n, self.max_n + 1):
            if size < n:
                break
            windows = size - n + 1
            key = codes[:windows].copy()
            for k in range(1, n):  # in place: no new arrays per character
                key <<= shift
                key |= codes[k : windows + k]
            valid = zeros[n:] - zeros[: size - n + 1] == 0
            positions = np.flatnonzero(valid)
            slot = self.keys.get_indexer(key[positions])
            found = slot >= 0
            rows_list.append(np.searchsorted(starts, positions[found], side="right") - 1)
            columns_list.append(self.columns[slot[found]])
        rows = np.concatenate(rows_list) if rows_list else np.zeros(0, dtype=np.int64)
        columns = np.concatenate(columns_list) if columns_list else np.zeros(0, dtype=np.int64)
        return sparse.csr_matrix(
            (np.ones(len(rows)), (rows, columns)), shape=(len(texts), n_columns)
        )


def _sigmoid(values: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-values))


def linear_scorer(pipeline: Pipeline, probe_texts: Sequence[str]) -> LinearScorer | None:
    """A LinearScorer equivalent to ``pipeline``, or None when the pipeline is not of that shape
    or the scores on ``probe_texts`` disagree by more than ``TOLERANCE``."""
    try:
        union, classifier = pipeline.steps[0][1], pipeline.steps[-1][1]
    except (AttributeError, IndexError):
        return None
    if len(pipeline.steps) != 2 or not isinstance(union, FeatureUnion):
        return None
    if not isinstance(classifier, OneVsRestClassifier) or not all(
        isinstance(e, LogisticRegression) for e in classifier.estimators_
    ):
        return None
    coef = np.vstack([e.coef_ for e in classifier.estimators_]).T.astype(np.float64)
    intercept = np.array([float(e.intercept_[0]) for e in classifier.estimators_])
    blocks, offset = [], 0
    for _, vectorizer in union.transformer_list:
        if not _plain_tfidf(vectorizer):
            return None
        size = len(vectorizer.vocabulary_)
        blocks.append(
            _Block(
                analyzer=_analyzer(vectorizer),
                vocabulary=dict(vectorizer.vocabulary_),
                idf=np.asarray(vectorizer.idf_, dtype=np.float64),
                coef=np.ascontiguousarray(coef[offset : offset + size]),
                offset=offset,
                preprocess=(
                    _preprocessor(vectorizer) if vectorizer.analyzer == "char_wb" else None
                ),
                ngram_range=tuple(vectorizer.ngram_range),
                scratch=np.zeros(size, dtype=np.intc),
                tokenize=_word_tokenizer(vectorizer),
            )
        )
        offset += size
    if offset != coef.shape[0] or union.transformer_weights:
        return None
    scorer = LinearScorer(blocks, intercept, np.ascontiguousarray(coef))
    probes = list(probe_texts) or ["a probe sentence"]
    from framing.model import predict_scores

    expected = predict_scores(pipeline, probes)
    batch = scorer.predict_proba(probes)
    single = np.vstack([scorer.predict_proba([text]) for text in probes])
    if np.abs(batch - expected).max() > TOLERANCE or np.abs(single - expected).max() > TOLERANCE:
        return None
    scorer.windows_from_tokens = _windows_agree(scorer, pipeline, probes)
    return scorer


def _windows_agree(scorer: LinearScorer, pipeline: Pipeline, probes: list[str]) -> bool:
    """Whether ``pooled_proba`` equals scoring the probes and their window texts with the
    Pipeline."""
    from framing.model import predict_scores

    check = WindowPooling(words=3, stride=2, min_words=4, weight=1.0)
    # at least one text with windows, accents, ligatures and punctuation, whatever the probes
    probes = [*probes, "Naïve  café — “Ünïcödé” ﬁnal, peace-talks; the Kremlin’s war. Now!"]
    pooled = scorer.pooled_proba(probes, check)
    if pooled is None:
        return False
    expected = predict_scores(pipeline, probes, pooling=check)
    return bool(np.abs(pooled - expected).max() <= TOLERANCE)


def char_wb_ngrams(text: str, min_n: int, max_n: int) -> list[str]:
    """The character n-grams scikit-learn's ``char_wb`` analyzer makes of preprocessed ``text``.

    Same n-grams, same multiset: each whitespace-separated word is padded with one space on each
    side; a padded word no longer than ``n`` is counted once, whole, and longer n are skipped.
    Written with slices and list comprehensions, it is about twice as fast as the original loop.
    """
    grams: list[str] = []
    for word in text.split():
        padded = f" {word} "
        length = len(padded)
        for n in range(min_n, max_n + 1):
            if length <= n:
                grams.append(padded)
                break
            grams.extend([padded[i : i + n] for i in range(length - n + 1)])
    return grams


class _KeepNonCombining(dict):
    """``str.translate`` table that deletes combining characters, filled as characters are met."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.combining(chr(code)) else code
        self[code] = kept
        return kept


_NON_COMBINING = _KeepNonCombining()


def strip_accents_unicode(text: str) -> str:
    """scikit-learn's ``strip_accents_unicode``, exactly, with the character loop done in C."""
    if text.isascii():
        return text
    normalized = unicodedata.normalize("NFKD", text)
    return normalized if normalized.isascii() else normalized.translate(_NON_COMBINING)


def _preprocessor(vectorizer: TfidfVectorizer) -> Callable[[str], str]:
    """The vectorizer's preprocessor; the common lowercase + unicode-accents one made faster."""
    if vectorizer.preprocessor is not None or vectorizer.strip_accents != "unicode":
        return vectorizer.build_preprocessor()
    if vectorizer.lowercase:
        return lambda text: strip_accents_unicode(text.lower())
    return strip_accents_unicode


def word_ngrams(tokens: list[str], min_n: int, max_n: int) -> list[str]:
    """The word n-grams scikit-learn's ``word`` analyzer makes of ``tokens`` (no stop words)."""
    grams = list(tokens) if min_n == 1 else []
    for n in range(max(min_n, 2), max_n + 1):
        grams.extend([" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)])
    return grams


def _word_tokenizer(vectorizer: TfidfVectorizer) -> Callable[[str], list[str]] | None:
    """Preprocess + tokenize of a plain word analyzer (what ``word_ngrams`` reads), else None."""
    if vectorizer.analyzer != "word" or vectorizer.stop_words is not None:
        return None
    if vectorizer.tokenizer is not None or vectorizer.preprocessor is not None:
        return None
    preprocess = _preprocessor(vectorizer)
    tokenize = vectorizer.build_tokenizer()
    return lambda text: tokenize(preprocess(text))


def _analyzer(vectorizer: TfidfVectorizer) -> Callable[[str], list[str]]:
    if vectorizer.analyzer == "word":
        tokens = _word_tokenizer(vectorizer)
        if tokens is None:
            return vectorizer.build_analyzer()
        min_n, max_n = vectorizer.ngram_range

        def analyze_words(text: str) -> list[str]:
            return word_ngrams(tokens(text), min_n, max_n)

        return analyze_words
    if vectorizer.analyzer != "char_wb":
        return vectorizer.build_analyzer()
    preprocess = _preprocessor(vectorizer)
    min_n, max_n = vectorizer.ngram_range

    def analyze(text: str) -> list[str]:
        return char_wb_ngrams(preprocess(text), min_n, max_n)

    return analyze


def _plain_tfidf(vectorizer: object) -> bool:
    return (
        isinstance(vectorizer, TfidfVectorizer)
        and vectorizer.sublinear_tf
        and vectorizer.use_idf
        and vectorizer.norm == "l2"
        and not vectorizer.binary
        and vectorizer.analyzer in ("word", "char", "char_wb")
    )
