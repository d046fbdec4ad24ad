"""A fine-tuned transformer encoder that scores frames, run by onnxruntime (optional, slower).

An accurate model folder holds, beside ``model.joblib``, an ``encoder/`` folder written by
``training.finetune``: ``scorer.onnx`` (encoder, mean pooling and one sigmoid per frame),
``tokenizer.json`` and ``encoder.json`` (frame ids, maximum length, base model). Its scores are
averaged with the TF-IDF pipeline's. onnxruntime and tokenizers are imported only when such a
folder is loaded, so the fast default model never needs them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from framing.errors import ModelLoadError

ENCODER_DIR = "encoder"
SCORER_FILE = "scorer.onnx"
TOKENIZER_FILE = "tokenizer.json"
SETTINGS_FILE = "encoder.json"
INSTALL_HINT = "install the encoder extra: .venv/bin/pip install -e '.[encoder]'"
BATCH_SIZE = 64


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
        for name in (SCORER_FILE, TOKENIZER_FILE, SETTINGS_FILE):
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
            import onnxruntime
            from tokenizers import Tokenizer
        except ImportError as error:
            raise ModelLoadError(
                f"{self.folder}: this model needs {error.name}, which is not installed; "
                + INSTALL_HINT
            ) from None
        self.tokenizer = Tokenizer.from_file(str(self.folder / TOKENIZER_FILE))
        self.tokenizer.enable_truncation(self.max_length)
        self.tokenizer.no_padding()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(
            str(self.folder / SCORER_FILE), options, providers=["CPUExecutionProvider"]
        )

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """An ``(n_texts, n_frames)`` array of probabilities, scored in length-sorted batches."""
        out = np.zeros((len(texts), len(self.frame_ids)))
        order = np.argsort([len(t) for t in texts], kind="stable")
        for start in range(0, len(order), BATCH_SIZE):
            rows = order[start : start + BATCH_SIZE]
            encoded = self.tokenizer.encode_batch([texts[i] for i in rows])
            width = max(len(e.ids) for e in encoded)
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for row, item in enumerate(encoded):
                ids[row, : len(item.ids)] = item.ids
                mask[row, : len(item.ids)] = 1
            out[rows] = self.session.run(None, {"ids": ids, "mask": mask})[0]
        return out
