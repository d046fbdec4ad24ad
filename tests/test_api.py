"""Every route and every error of the HTTP API, through the Flask test client."""

import pytest

from service import create_app


@pytest.fixture()
def app(tiny_model_dir):
    return create_app(
        {
            "MODEL_DIR": str(tiny_model_dir),
            "TESTING": True,
            "MAX_SENTENCES": 5,
            "MAX_SENTENCE_CHARS": 200,
            "MAX_TEXT_CHARS": 1000,
            "MAX_CONTENT_LENGTH": 4000,
        }
    )


@pytest.fixture()
def client(app):
    return app.test_client()


def _error(response, status, code=None):
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    if code:
        assert body["error"]["code"] == code
    assert "Traceback" not in body["error"]["message"] and "/work/" not in body["error"]["message"]
    return body["error"]["message"]


def test_tag_sentences_returns_every_score_and_ranked_frames(client):
    response = client.post(
        "/v1/tag", json={"sentences": ["Heavy rain and snow tonight.", "A fine goal."]}
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["model"] == {"name": "tiny", "version": "1"}
    first, second = body["results"]
    assert first["sentence"] == "Heavy rain and snow tonight."
    assert (first["start"], first["end"]) == (0, len(first["sentence"]))
    assert set(first["scores"]) == {"weather", "sport", "food"}
    assert [f["id"] for f in first["frames"]][0] == "weather"
    scores = [f["score"] for f in first["frames"]]
    assert scores == sorted(scores, reverse=True)
    assert all(set(f) == {"id", "name", "score", "evidence"} for f in first["frames"])
    assert "sport" in [f["id"] for f in second["frames"]]


def test_tag_text_gives_offsets_into_the_text(client):
    text = "  Heavy rain tonight.\n\nThe striker scored twice!  "
    body = client.post("/v1/tag", json={"text": text, "explain": True}).get_json()
    assert [r["sentence"] for r in body["results"]] == [
        "Heavy rain tonight.",
        "The striker scored twice!",
    ]
    for result in body["results"]:
        assert text[result["start"] : result["end"]] == result["sentence"]
    weather = body["results"][0]["frames"][0]
    assert weather["evidence"] and all(e in text for e in weather["evidence"])


def test_threshold_override(client):
    body = client.post("/v1/tag", json={"sentences": ["Bread."], "threshold": 0}).get_json()
    assert len(body["results"][0]["frames"]) == 3
    body = client.post("/v1/tag", json={"sentences": ["Bread."], "threshold": 1}).get_json()
    assert body["results"][0]["frames"] == []


def test_empty_inputs_are_fine(client):
    assert client.post("/v1/tag", json={"sentences": []}).get_json()["results"] == []
    assert client.post("/v1/tag", json={"text": "   "}).get_json()["results"] == []


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ([1, 2], "must be a JSON object"),
        ({}, "exactly one of 'sentences'"),
        ({"sentences": ["a"], "text": "b"}, "exactly one of 'sentences'"),
        ({"sentences": "one string"}, "'sentences' must be a list of strings"),
        ({"sentences": ["ok", 3]}, "'sentences' must be a list of strings"),
        ({"text": ["list"]}, "'text' must be a string"),
        ({"text": "x", "threshold": 1.5}, "'threshold' must be a number from 0 to 1"),
        ({"text": "x", "threshold": "high"}, "'threshold' must be a number from 0 to 1"),
        ({"text": "x", "threshold": True}, "'threshold' must be a number from 0 to 1"),
        ({"text": "x", "explain": "yes"}, "'explain' must be true or false"),
        ({"sentence": ["typo"]}, "unknown field 'sentence'"),
        ({"sentences": ["s"] * 6}, "'sentences' has 6 sentences; the limit is 5"),
        ({"sentences": ["ok", "x" * 201]}, "sentences[1] has 201 characters; the limit is 200"),
        ({"text": "y" * 1001}, "'text' has 1001 characters; the limit is 1000"),
        ({"text": "One. Two. Three. Four. Five. Six."}, "'text' splits into 6 sentences"),
    ],
)
def test_schema_violations_are_422_naming_the_field(client, body, fragment):
    message = _error(client.post("/v1/tag", json=body), 422, "invalid_request")
    assert fragment in message


def test_transport_errors(client):
    assert "Content-Type: application/json" in _error(
        client.post("/v1/tag", data="text", content_type="text/plain"),
        415,
        "unsupported_media_type",
    )
    where = _error(
        client.post("/v1/tag", data="{not json", content_type="application/json"),
        400,
        "malformed_json",
    )
    assert "line 1 column 2" in where  # the message says where the JSON goes wrong
    for not_strict in ('{"sentences": ["a"], "threshold": NaN}', '{"text": "\\ud800"}'):
        _error(client.post("/v1/tag", data=not_strict, content_type="application/json"), 400)
    _error(client.post("/v1/tag", data=b"\xff\xfe{}", content_type="application/json"), 400)
    nested = "[" * 1_900 + "]" * 1_900  # deeper than Python's recursion limit, under 4000 bytes
    assert "nested too deeply" in _error(
        client.post("/v1/tag", data=nested, content_type="application/json"), 400, "malformed_json"
    )
    _error(client.post("/v1/tag", data="null", content_type="application/json"), 422)
    big = '{"text": "' + "a" * 5000 + '"}'
    assert "larger than 4000 bytes" in _error(
        client.post("/v1/tag", data=big, content_type="application/json"), 413, "payload_too_large"
    )
    assert "no route /v1/nothing" in _error(client.get("/v1/nothing"), 404, "not_found")
    response = client.get("/v1/tag")
    _error(response, 405, "method_not_allowed")
    assert "POST" in response.headers["Allow"]
    _error(client.post("/v1/frames"), 405)


def test_frames_model_and_openapi(client):
    frames = client.get("/v1/frames").get_json()["frames"]
    assert [f["id"] for f in frames] == ["weather", "sport", "food"]
    assert all(0 < f["threshold"] < 1 and f["definition"] for f in frames)
    card = client.get("/v1/model").get_json()
    assert card["name"] == "tiny" and "metrics" in card and "artifact" in card
    document = client.get("/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    assert {"/v1/tag", "/v1/frames", "/v1/model", "/healthz", "/readyz"} <= set(document["paths"])
    limits = document["components"]["schemas"]["TagRequest"]["properties"]
    assert limits["sentences"]["maxItems"] == 5


def test_health_and_readiness(client, tmp_path):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    assert client.get("/readyz").get_json()["status"] == "ready"
    broken = create_app({"MODEL_DIR": str(tmp_path / "missing")}).test_client()
    assert broken.get("/healthz").status_code == 200
    response = broken.get("/readyz")
    assert response.status_code == 503 and "model folder not found" in response.get_json()["reason"]
    assert "no model is loaded" in _error(broken.post("/v1/tag", json={"text": "x"}), 503)
    _error(broken.get("/v1/frames"), 503)


def test_api_key_is_required_when_configured(tiny_model_dir):
    client = create_app({"MODEL_DIR": str(tiny_model_dir), "API_KEY": "s3cret"}).test_client()
    response = client.post("/v1/tag", json={"text": "Rain."})
    _error(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    _error(client.get("/v1/frames", headers={"Authorization": "Bearer wrong"}), 401)
    _error(client.get("/v1/frames", headers={"Authorization": "Basic s3cret"}), 401)
    ok = client.post("/v1/tag", json={"text": "Rain."}, headers={"Authorization": "Bearer s3cret"})
    assert ok.status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get("/v1/openapi.json").status_code == 200


def test_api_key_from_environment(tiny_model_dir, monkeypatch):
    monkeypatch.setenv("FRAMING_API_KEY", "from-env")
    monkeypatch.setenv("FRAMING_MODEL_DIR", str(tiny_model_dir))
    client = create_app().test_client()
    assert client.get("/v1/frames").status_code == 401
    assert client.get("/v1/frames", headers={"Authorization": "Bearer from-env"}).status_code == 200


def test_request_id_is_echoed_or_made(client):
    response = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert response.headers["X-Request-ID"] == "abc-123"
    made = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"}).headers[
        "X-Request-ID"
    ]
    assert made != "bad id with spaces" and len(made) == 32


def test_page_is_served_with_a_strict_content_security_policy(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b'id="article"' in response.data and b"app.js" in response.data
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert b"<script>" not in response.data  # no inline script
    with client.get("/static/app.js") as script:
        assert script.status_code == 200 and b"textContent" in script.data
