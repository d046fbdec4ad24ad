"""The Flask service: a JSON API under /v1 and a web page at /, over the same core API as the CLI.

Run it with ``framing serve`` (gunicorn, the model loaded once per worker) or, for tests,
``create_app({"MODEL_DIR": ...}).test_client()``.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from service.api import bp as api_bp
from service.errors import register_error_handlers
from service.health import bp as health_bp
from service.jsonio import OrjsonProvider
from service.logs import install_request_logging
from service.web import bp as web_bp

DEFAULTS: dict[str, Any] = {
    "MODEL_DIR": None,  # None: models/default of this repository
    "API_KEY": None,  # when set, /v1 routes need "Authorization: Bearer <key>"
    "MAX_CONTENT_LENGTH": 1_000_000,  # bytes per request body
    "MAX_SENTENCES": 500,  # sentences per request (given, or split from text)
    "MAX_SENTENCE_CHARS": 5_000,  # characters per sentence
    "MAX_TEXT_CHARS": 200_000,  # characters of "text"
}


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then ``FRAMING_*`` environment variables, then ``test_config``.

    The model is loaded here, once per process; a model that cannot be loaded leaves the app up
    with ``/readyz`` and every tagging route answering 503 and the reason.
    """
    app = Flask(__name__)
    app.json = OrjsonProvider(app)
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("FRAMING")
    if test_config:
        app.config.from_mapping(test_config)
    from service.state import load_state

    load_state(app)
    register_error_handlers(app)
    install_request_logging(app)
    app.register_blueprint(health_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(web_bp)
    return app
