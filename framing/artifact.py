"""Model artifacts: a folder with ``model.joblib``, ``card.json`` and ``CARD.md``.

joblib is pickle, and unpickling runs code, so the loader trusts nothing it has not checked: the
card must exist and carry our schema version, and the SHA-256 of ``model.joblib`` must equal the
one recorded in the card, before a single byte is unpickled.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import joblib
import numpy as np

from framing.codebook import Codebook
from framing.encoder import ENCODER_DIR, ENCODER_FILES
from framing.errors import ModelLoadError
from framing.model import FramingModel, LengthCalibration
from framing.windows import WindowPooling

SCHEMA_VERSION = 1
MODEL_FILE = "model.joblib"
CARD_FILE = "card.json"
CARD_MARKDOWN = "CARD.md"


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _drop_process_state(estimator: Any) -> None:
    """Forget scikit-learn's per-process memos so that the same fit pickles to the same bytes in
    any process. A text vectorizer remembers ``id(stop_words)`` (an address, different in every
    process) to skip a repeated check; without the memo it simply checks again."""
    for step in getattr(estimator, "steps", []):
        _drop_process_state(step[1])
    for _, part in getattr(estimator, "transformer_list", []):
        _drop_process_state(part)
    if hasattr(estimator, "__dict__"):
        vars(estimator).pop("_stop_words_id", None)


def save_model(
    model: FramingModel, directory: Path, *, card: dict[str, Any], card_markdown: str
) -> Path:
    """Write ``model`` into ``directory`` (created if needed) with its card.

    The payload is a plain dict (schema version, frame ids, thresholds, the fitted Pipeline, the
    length calibration or None, the window pooling or None; with an encoder, its weight and its
    files' checksums, the files going into ``encoder/``). The
    files are written to temporary names and renamed, so a crash never leaves a half-written model.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    payload = {
        "schema_version": SCHEMA_VERSION,
        "frame_ids": model.frame_ids,
        "thresholds": [float(t) for t in model.thresholds],
        "pipeline": model.pipeline,
        "length_calibration": (
            None if model.calibration is None else model.calibration.weights.tolist()
        ),
        "window_pooling": None if model.pooling is None else model.pooling.to_dict(),
    }
    if model.encoder is not None:  # absent otherwise, so earlier models rebuild byte-identically
        payload["encoder"] = _save_encoder(model, directory)
    _drop_process_state(model.pipeline)
    model_path = directory / MODEL_FILE
    _atomic_write(model_path, lambda handle: joblib.dump(payload, handle, compress=3))
    full_card = {
        "schema_version": SCHEMA_VERSION,
        **card,
        "codebook": model.codebook.to_dict(),
        "thresholds": dict(zip(model.frame_ids, payload["thresholds"], strict=True)),
        "artifact": {"file": MODEL_FILE, "sha256": file_sha256(model_path)},
    }
    text = json.dumps(full_card, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    _atomic_write(directory / CARD_FILE, lambda handle: handle.write(text.encode("utf-8")))
    _atomic_write(
        directory / CARD_MARKDOWN, lambda handle: handle.write(card_markdown.encode("utf-8"))
    )
    model.card = full_card
    return directory


def _save_encoder(model: FramingModel, directory: Path) -> dict[str, Any]:
    """Copy the model's encoder files into ``directory/encoder`` (complete or not at all) and
    return their record for the payload: the weight and each file's SHA-256."""
    assert model.encoder is not None
    source, target = model.encoder.folder.resolve(), directory / ENCODER_DIR
    if source != target.resolve():
        scratch = Path(tempfile.mkdtemp(dir=directory, prefix=f".{ENCODER_DIR}."))
        try:
            for name in ENCODER_FILES:
                shutil.copyfile(source / name, scratch / name)
            if target.exists():
                shutil.rmtree(target)
            os.replace(scratch, target)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    return {
        "weight": model.encoder_weight,
        "files": {name: file_sha256(target / name) for name in ENCODER_FILES},
    }


def _load_encoder(directory: Path, record: Any) -> tuple[Any, float]:
    """The encoder recorded in a verified payload, after checking each file's SHA-256."""
    from framing.encoder import EncoderScorer

    folder = directory / ENCODER_DIR
    try:
        weight, files = float(record["weight"]), dict(record["files"])
    except (KeyError, TypeError, ValueError):
        raise ModelLoadError(f"{directory / MODEL_FILE}: a malformed encoder record") from None
    for name, expected in files.items():
        path = folder / name
        if not path.is_file():
            raise ModelLoadError(
                f"{path}: missing; this model's encoder must sit beside {MODEL_FILE}. Copy the "
                "whole model folder, or rebuild it ('make model-accurate')"
            )
        if file_sha256(path) != expected:
            raise ModelLoadError(
                f"{path}: checksum does not match the one recorded in {MODEL_FILE}; the file is "
                "corrupted or was replaced. Rebuild the model ('make model-accurate')"
            )
    return EncoderScorer(folder), weight


def _atomic_write(path: Path, write: Any) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_card(directory: Path) -> dict[str, Any]:
    """Read and validate a model's ``card.json`` without touching ``model.joblib``.

    Raises:
        ModelLoadError: missing folder or card, invalid JSON, unknown schema version.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise ModelLoadError(
            f"model folder not found: {directory} (build the default model with 'make model', "
            "or train one with 'framing train')"
        )
    card_path = directory / CARD_FILE
    if not card_path.is_file():
        raise ModelLoadError(f"{directory}: no {CARD_FILE}; this folder is not a framing model")
    try:
        card = json.loads(card_path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ModelLoadError(f"{card_path}: not valid JSON ({exc})") from None
    if not isinstance(card, dict):
        raise ModelLoadError(f"{card_path}: expected a JSON object")
    version = card.get("schema_version")
    if version != SCHEMA_VERSION:
        raise ModelLoadError(
            f"{card_path}: schema_version {version!r} is not supported (this framing reads "
            f"{SCHEMA_VERSION}); retrain the model with this version of framing"
        )
    artifact = card.get("artifact")
    if not isinstance(artifact, dict) or not isinstance(artifact.get("sha256"), str):
        raise ModelLoadError(
            f"{card_path}: no artifact checksum; refusing to load an unverified model"
        )
    return card


def load_model(directory: Path | str | None = None) -> FramingModel:
    """Load a model folder, verifying schema version and checksum before unpickling.

    Args:
        directory: The model folder; defaults to ``models/default`` of this repository.

    Raises:
        ModelLoadError: anything that makes the artifact untrustworthy or unusable.
    """
    if directory is None:
        from framing.paths import DEFAULT_MODEL_DIR

        directory = DEFAULT_MODEL_DIR
    directory = Path(directory)
    card = read_card(directory)
    model_path = directory / MODEL_FILE
    if not model_path.is_file():
        raise ModelLoadError(f"{directory}: no {MODEL_FILE} beside {CARD_FILE}")
    actual = file_sha256(model_path)
    if actual != card["artifact"]["sha256"]:
        raise ModelLoadError(
            f"{model_path}: checksum {actual[:12]}... does not match the card's "
            f"{card['artifact']['sha256'][:12]}...; the file is corrupted or was replaced. "
            "Rebuild it ('make model' or 'framing train')"
        )
    try:
        payload = joblib.load(model_path)
    except Exception as exc:  # a verified file that still fails to load: versions differ
        raise ModelLoadError(
            f"{model_path}: could not be loaded ({type(exc).__name__}: {exc}); it was built with "
            f"{card.get('library_versions', 'unknown library versions')}"
        ) from None
    if not isinstance(payload, dict) or payload.get("schema_version") != SCHEMA_VERSION:
        raise ModelLoadError(
            f"{model_path}: not a framing model payload of schema {SCHEMA_VERSION}"
        )
    codebook = Codebook.from_dict(card.get("codebook") or {})
    if list(payload.get("frame_ids", [])) != codebook.ids:
        raise ModelLoadError(f"{model_path}: its frames do not match those in {CARD_FILE}")
    weights = payload.get("length_calibration")  # absent from models built before it existed
    calibration = None if weights is None else LengthCalibration(np.asarray(weights, dtype=float))
    pooling = payload.get("window_pooling")  # absent from models built before it existed
    encoder, weight = (None, 0.5)
    if payload.get("encoder") is not None:
        encoder, weight = _load_encoder(directory, payload["encoder"])
    return FramingModel(
        payload["pipeline"],
        codebook,
        payload["thresholds"],
        card=card,
        calibration=calibration,
        pooling=None if pooling is None else WindowPooling.from_dict(pooling),
        encoder=encoder,
        encoder_weight=weight,
    )
