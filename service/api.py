"""The JSON API under /v1: tag sentences or text, describe the codebook and the model."""

from __future__ import annotations

import hmac
import math
from typing import Any

from flask import Blueprint, current_app, jsonify, request

from framing import FramingModel, split_sentences
from service.errors import APIError
from service.openapi import openapi_document
from service.state import current_state

bp = Blueprint("api", __name__, url_prefix="/v1")

_TAG_FIELDS = {"sentences", "text", "threshold", "explain"}


@bp.before_request
def _authenticate() -> None:
    key = current_app.config.get("API_KEY")
    if not key or request.endpoint == "api.openapi":
        return
    header = request.headers.get("Authorization", "")
    scheme, _, supplied = header.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        supplied.strip().encode("utf-8", "surrogateescape"), str(key).encode("utf-8")
    ):
        raise APIError(
            401, "unauthorized", "missing or wrong API key: send 'Authorization: Bearer <key>'"
        )


def _model() -> FramingModel:
    state = current_state()
    if state.model is None:
        raise APIError(503, "model_unavailable", f"no model is loaded: {state.error}")
    return state.model


def _json_body() -> dict[str, Any]:
    if not request.is_json:
        raise APIError(
            415,
            "unsupported_media_type",
            f"send JSON with 'Content-Type: application/json' (got {request.mimetype or 'none'!r})",
        )
    try:
        body = current_app.json.loads(request.get_data(cache=True))
    except ValueError as error:  # orjson: not UTF-8, not strict JSON, or nested too deeply
        reason = str(error)
        if "depth limit" in reason:
            raise APIError(
                400, "malformed_json", "the request body's JSON is nested too deeply"
            ) from None
        raise APIError(
            400, "malformed_json", f"the request body is not valid JSON (UTF-8): {reason}"
        ) from None
    if not isinstance(body, dict):
        raise APIError(422, "invalid_request", "the body must be a JSON object")
    return body


def _parse_tag_request(
    body: dict[str, Any],
) -> tuple[list[str], list[tuple[int, int]], float | None, bool]:
    config = current_app.config
    unknown = sorted(set(body) - _TAG_FIELDS)
    if unknown:
        raise APIError(
            422,
            "invalid_request",
            f"unknown field {unknown[0]!r}; allowed: {', '.join(sorted(_TAG_FIELDS))}",
        )
    if ("sentences" in body) == ("text" in body):
        raise APIError(
            422, "invalid_request", "give exactly one of 'sentences' (a list) or 'text' (a string)"
        )
    threshold = body.get("threshold")
    if threshold is not None and (
        isinstance(threshold, bool)
        or not isinstance(threshold, int | float)
        or not math.isfinite(threshold)
        or not 0 <= threshold <= 1
    ):
        raise APIError(422, "invalid_request", "'threshold' must be a number from 0 to 1")
    explain = body.get("explain", False)
    if not isinstance(explain, bool):
        raise APIError(422, "invalid_request", "'explain' must be true or false")
    if "text" in body:
        text = body["text"]
        if not isinstance(text, str):
            raise APIError(422, "invalid_request", "'text' must be a string")
        if len(text) > config["MAX_TEXT_CHARS"]:
            raise APIError(
                422,
                "invalid_request",
                f"'text' has {len(text)} characters; the limit is {config['MAX_TEXT_CHARS']}",
            )
        pieces = split_sentences(text)
        sentences = [s.text for s in pieces]
        offsets = [(s.start, s.end) for s in pieces]
        where = "'text' splits into"
    else:
        sentences = body["sentences"]
        if not isinstance(sentences, list) or not all(isinstance(s, str) for s in sentences):
            raise APIError(422, "invalid_request", "'sentences' must be a list of strings")
        offsets = [(0, len(s)) for s in sentences]
        where = "'sentences' has"
    if len(sentences) > config["MAX_SENTENCES"]:
        raise APIError(
            422,
            "invalid_request",
            f"{where} {len(sentences)} sentences; the limit is {config['MAX_SENTENCES']} per request",
        )
    for index, sentence in enumerate(sentences):
        if len(sentence) > config["MAX_SENTENCE_CHARS"]:
            raise APIError(
                422,
                "invalid_request",
                f"sentences[{index}] has {len(sentence)} characters; the limit is "
                f"{config['MAX_SENTENCE_CHARS']}",
            )
    return sentences, offsets, threshold, explain


@bp.post("/tag")
def tag():
    """Tag sentences (or a text split into sentences) with frames and scores."""
    body = _json_body()
    sentences, offsets, threshold, explain = _parse_tag_request(body)
    model = _model()
    tagged = model.tag(sentences, threshold=threshold, explain=explain, offsets=offsets)
    return jsonify(
        {
            "model": {"name": model.name, "version": model.version},
            "results": [item.to_dict() for item in tagged],
        }
    )


@bp.get("/frames")
def frames():
    """The loaded model's codebook with its thresholds."""
    model = _model()
    return jsonify(
        {
            "frames": [
                {
                    "id": frame.id,
                    "name": frame.name,
                    "definition": frame.definition,
                    "threshold": float(threshold),
                }
                for frame, threshold in zip(model.codebook.frames, model.thresholds, strict=True)
            ]
        }
    )


@bp.get("/model")
def model_card():
    """The loaded model's card."""
    return jsonify(_model().card)


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3 document describing this API."""
    return jsonify(openapi_document(current_app.config))
