"""Every error answered as JSON ``{"error": {"code", "message"}}`` with the right status."""

from __future__ import annotations

from flask import Flask, g, jsonify, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed


class APIError(Exception):
    """An error a handler raises on purpose, with its status, code and message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


_CODES = {
    400: "bad_request",
    401: "unauthorized",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    431: "headers_too_large",
    503: "unavailable",
}


def error_response(status: int, code: str, message: str):
    """A JSON error response."""
    response = jsonify({"error": {"code": code, "message": message}})
    response.status_code = status
    return response


def register_error_handlers(app: Flask) -> None:
    """Install handlers so that nothing a client sends yields an HTML page or a stack trace."""

    @app.errorhandler(APIError)
    def _api_error(exc: APIError):
        response = error_response(exc.status, exc.code, exc.message)
        if exc.status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="framing"'
        return response

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        status = exc.code or 500
        message = {
            404: f"no route {request.path}; see /v1/openapi.json",
            405: f"{request.method} is not allowed on {request.path}",
            413: f"request body is larger than {app.config['MAX_CONTENT_LENGTH']} bytes",
        }.get(status, exc.description or exc.name)
        response = error_response(status, _CODES.get(status, "http_error"), message)
        if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        request_id = getattr(g, "request_id", "-")
        app.logger.exception("unhandled error (request %s)", request_id)
        return error_response(
            500,
            "internal_error",
            f"internal error; quote request id {request_id} when reporting it",
        )
