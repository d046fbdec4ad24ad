"""Liveness and readiness probes."""

from flask import Blueprint, jsonify

from service.state import current_state

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """The process is alive."""
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz():
    """The model is loaded and requests can be tagged."""
    state = current_state()
    if state.model is None:
        return jsonify({"status": "unavailable", "reason": state.error}), 503
    return jsonify(
        {"status": "ready", "model": {"name": state.model.name, "version": state.model.version}}
    )
