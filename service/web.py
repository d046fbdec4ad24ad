"""The web page at /: paste an article, see its sentences highlighted by frame."""

from flask import Blueprint, render_template

bp = Blueprint("web", __name__)

# Scripts and styles come only from this origin; the pasted article is rendered as text.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


@bp.get("/")
def index():
    """The single page."""
    response = render_template("index.html")
    return (
        response,
        200,
        {
            "Content-Security-Policy": CSP,
            "X-Frame-Options": "DENY",
            "Referrer-Policy": "no-referrer",
        },
    )
