"""The API fuzzed against its own OpenAPI document with schemathesis.

Schemathesis reads /v1/openapi.json from the app and generates requests for every operation in
it: valid ones (positive mode) and ones that break the document (negative mode: wrong types,
missing fields, bad headers). Each answer is checked: never a 5xx, and status code, content type,
headers and body as the document says. Examples per operation are bounded so this takes seconds.
(The schemathesis pytest plugin does not run under our pytest, so the strategies are driven by
hypothesis directly.)
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig

from service import create_app

API_KEY = "fuzz-key-0123456789"
EXAMPLES = 100
# Invalid requests must be refused with one of the documented client errors (413 is how an
# oversized body is refused, before any parsing).
CONFIG = SchemathesisConfig.from_dict(
    {"checks": {"negative_data_rejection": {"expected-statuses": [400, 401, 413, 415, 422]}}}
)


def _fuzz(app, mode: GenerationMode, headers: dict[str, str] | None = None) -> list[str]:
    schema = schemathesis.openapi.from_wsgi("/v1/openapi.json", app, config=CONFIG)
    labels = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if mode is GenerationMode.NEGATIVE and not (
            list(operation.body) or list(operation.iter_parameters())
        ):
            continue  # nothing in a bare GET can be made invalid
        labels.append(operation.label)

        @given(case=operation.as_strategy(mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            if headers:
                case.headers = {**(case.headers or {}), **headers}
            response = case.call_and_validate()
            assert response.status_code < 500, (case.operation.label, response.text)

        run()
    return labels


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_operation_matches_the_document(tiny_model_dir, mode):
    app = create_app({"MODEL_DIR": str(tiny_model_dir)})
    labels = _fuzz(app, mode)
    assert "POST /v1/tag" in labels
    if mode is GenerationMode.POSITIVE:
        assert {"GET /v1/frames", "GET /v1/model"} <= set(labels)


@pytest.mark.parametrize("with_key", [True, False])
def test_every_operation_matches_the_document_when_a_key_is_required(tiny_model_dir, with_key):
    app = create_app({"MODEL_DIR": str(tiny_model_dir), "API_KEY": API_KEY})
    headers = {"Authorization": f"Bearer {API_KEY}"} if with_key else None
    labels = _fuzz(app, GenerationMode.POSITIVE, headers)
    assert "POST /v1/tag" in labels
