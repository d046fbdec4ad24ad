"""A fine-tuned transformer encoder that scores frames, run by onnxruntime (optional, slower).

An accurate model folder holds, beside ``model.joblib``, an ``encoder/`` folder written by
``training.finetune``: ``scorer.onnx`` (encoder, mean pooling and one sigmoid per frame),
``tokenizer.json`` and ``encoder.json`` (frame ids, maximum length, base model). Its scores are
averaged with the TF-IDF pipeline's. onnxruntime and tokenizers are imported only when such a
folder is loaded, so the fast default model never needs them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from framing.errors import ModelLoadError

ENCODER_DIR = "encoder"
SCORER_FILE = "scorer.onnx"
TOKENIZER_FILE = "tokenizer.json"
SETTINGS_FILE = "encoder.json"
ENCODER_FILES = (SCORER_FILE, TOKENIZER_FILE, SETTINGS_FILE)
INSTALL_HINT = "install the encoder extra: .venv/bin/pip install -e '.[encoder]'"


class EncoderScorer:
    """Frame probabilities from an exported encoder: ``predict_proba(texts)`` like a Pipeline's.

    Args:
        folder: an ``encoder/`` folder written by ``training.finetune.export_encoder``.
        threads: onnxruntime intra-op threads (1 per worker process in the service).
    """

    def __init__(self, folder: Path, *, threads: int = 1) -> None:
        self.folder = Path(folder)
        self.threads = threads
        settings_path = self.folder / SETTINGS_FILE
        for name in ENCODER_FILES:
            if not (self.folder / name).is_file():
                raise ModelLoadError(f"{self.folder}: encoder file {name!r} is missing")
        try:
            settings = json.loads(settings_path.read_text(encoding="utf-8"))
            self.frame_ids = [str(i) for i in settings["frame_ids"]]
            self.max_length = int(settings["max_length"])
        except (ValueError, KeyError, TypeError) as error:
            raise ModelLoadError(
                f"{settings_path}: not a valid encoder settings file ({error})"
            ) from None
        try:
            import onnxruntime  # noqa: F401
            from tokenizers import Tokenizer
        except ImportError as error:
            raise ModelLoadError(
                f"{self.folder}: this model needs {error.name}, which is not installed; "
                + INSTALL_HINT
            ) from None
        self.tokenizer = Tokenizer.from_file(str(self.folder / TOKENIZER_FILE))
        self.tokenizer.enable_truncation(self.max_length)
        self.tokenizer.no_padding()
        self._session, self._pid = self._open(), os.getpid()

    def _open(self) -> Any:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = self.threads
        options.inter_op_num_threads = 1
        try:
            return onnxruntime.InferenceSession(
                str(self.folder / SCORER_FILE), options, providers=["CPUExecutionProvider"]
            )
        except Exception as error:  # onnxruntime raises its own exception types
            raise ModelLoadError(
                f"{self.folder / SCORER_FILE}: not a usable encoder ({error})"
            ) from None

    def __getstate__(self) -> dict[str, Any]:
        """Pickled as its folder and thread count (a Dask worker reopens it)."""
        return {"folder": str(self.folder), "threads": self.threads}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(Path(state["folder"]), threads=state["threads"])  # type: ignore[misc]

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """An ``(n_texts, n_frames)`` array of probabilities.

        Each text is scored alone, without padding: on CPU that is no slower than padded batches,
        and a text gets the same floats whatever batch it comes in. A forked worker process
        opens its own session."""
        if self._pid != os.getpid():
            self._session, self._pid = self._open(), os.getpid()
        out = np.zeros((len(texts), len(self.frame_ids)))
        for row, item in enumerate(self.tokenizer.encode_batch(list(texts))):
            ids = np.asarray([item.ids], dtype=np.int64)
            feed = {"ids": ids, "mask": np.ones_like(ids)}
            out[row] = self._session.run(None, feed)[0][0]
        return out
