"""Request ids: taken from ``X-Request-ID`` when sane, made up otherwise, echoed on the response.

The access log itself is gunicorn's, formatted as one JSON object per request that includes this
id (see ``framing serve``), so that a 500 logged by the app can be matched to its request.
"""

from __future__ import annotations

import re
import uuid

from flask import Flask, g, request

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def install_request_logging(app: Flask) -> None:
    """Give each request an id and put it on the response."""

    @app.before_request
    def _start() -> None:
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex

    @app.after_request
    def _finish(response):
        response.headers["X-Request-ID"] = g.get("request_id", "-")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response
