"""The loaded model, kept on the app (never in a module global)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app

from framing import FramingModel, ModelLoadError, load_model


@dataclass
class ModelState:
    """The model a process serves, or why there is none."""

    model: FramingModel | None
    error: str | None = None


def load_state(app: Flask) -> None:
    """Load the configured model onto ``app.extensions['framing']``."""
    try:
        state = ModelState(model=load_model(app.config["MODEL_DIR"]))
    except ModelLoadError as exc:
        app.logger.error("model not loaded: %s", exc)
        state = ModelState(model=None, error=str(exc))
    app.extensions["framing"] = state


def current_state() -> ModelState:
    """The state of the app handling the current request."""
    return current_app.extensions["framing"]
