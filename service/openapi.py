"""The OpenAPI 3 document of the API, built from the live limits."""

from __future__ import annotations

from typing import Any


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def openapi_document(config: Any) -> dict[str, Any]:
    """The document, with the configured limits written into the schema."""
    errors = {
        "400": _error("Malformed JSON"),
        "401": _error("Missing or wrong API key (only when the server has one)"),
        "413": _error(f"Body larger than {config['MAX_CONTENT_LENGTH']} bytes"),
        "415": _error("Content-Type is not application/json"),
        "422": _error("The body does not match the schema, or a limit is exceeded"),
        "503": _error("No model loaded"),
    }
    security = [{"bearer": []}] if config.get("API_KEY") else []
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "framing API",
            "version": "1",
            "description": (
                "Tag sentences about the Russia-Ukraine war with the rhetorical framings they "
                "invoke. Each frame gets a probability; frames above their thresholds are listed, "
                "most confident first."
            ),
        },
        "paths": {
            "/v1/tag": {
                "post": {
                    "summary": "Tag sentences, or a text split into sentences",
                    "security": security,
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/TagRequest"}
                            }
                        },
                    },
                    "responses": {
                        "200": {
                            "description": "One result per sentence, in order",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/TagResponse"}
                                }
                            },
                        },
                        **errors,
                    },
                }
            },
            "/v1/frames": {
                "get": {
                    "summary": "The codebook of the loaded model, with thresholds",
                    "security": security,
                    "responses": {
                        "200": {
                            "description": "Frames in score order",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Frames"}
                                }
                            },
                        },
                        "401": errors["401"],
                        "503": errors["503"],
                    },
                }
            },
            "/v1/model": {
                "get": {
                    "summary": "The model card of the loaded model",
                    "security": security,
                    "responses": {
                        "200": {
                            "description": "The card (card.json)",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        },
                        "401": errors["401"],
                        "503": errors["503"],
                    },
                }
            },
            "/v1/openapi.json": {
                "get": {
                    "summary": "This document",
                    "responses": {
                        "200": {
                            "description": "OpenAPI 3 document",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
            "/healthz": {
                "get": {
                    "summary": "Liveness: the process answers",
                    "responses": {
                        "200": {
                            "description": "Alive",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
            "/readyz": {
                "get": {
                    "summary": "Readiness: a model is loaded",
                    "responses": {
                        "200": {
                            "description": "Ready",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        },
                        "503": {
                            "description": "No model loaded",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        },
                    },
                }
            },
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "TagRequest": {
                    "type": "object",
                    "additionalProperties": False,
                    "description": "Exactly one of 'sentences' or 'text'.",
                    "properties": {
                        "sentences": {
                            "type": "array",
                            "maxItems": config["MAX_SENTENCES"],
                            "items": {"type": "string", "maxLength": config["MAX_SENTENCE_CHARS"]},
                        },
                        "text": {"type": "string", "maxLength": config["MAX_TEXT_CHARS"]},
                        "threshold": {
                            "type": "number",
                            "minimum": 0,
                            "maximum": 1,
                            "nullable": True,
                            "description": "One threshold for every frame; absent or null: "
                            "each frame's own tuned threshold",
                        },
                        "explain": {"type": "boolean", "default": False},
                    },
                    "oneOf": [{"required": ["sentences"]}, {"required": ["text"]}],
                },
                "FrameHit": {
                    "type": "object",
                    "required": ["id", "name", "score", "evidence"],
                    "properties": {
                        "id": {"type": "string"},
                        "name": {"type": "string"},
                        "score": {"type": "number", "minimum": 0, "maximum": 1},
                        "evidence": {"type": "array", "items": {"type": "string"}},
                    },
                },
                "Result": {
                    "type": "object",
                    "required": ["sentence", "start", "end", "frames", "scores"],
                    "properties": {
                        "sentence": {"type": "string"},
                        "start": {"type": "integer", "minimum": 0},
                        "end": {"type": "integer", "minimum": 0},
                        "frames": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/FrameHit"},
                        },
                        "scores": {
                            "type": "object",
                            "additionalProperties": {"type": "number", "minimum": 0, "maximum": 1},
                        },
                    },
                },
                "TagResponse": {
                    "type": "object",
                    "required": ["model", "results"],
                    "properties": {
                        "model": {
                            "type": "object",
                            "required": ["name", "version"],
                            "properties": {
                                "name": {"type": "string"},
                                "version": {"type": "string"},
                            },
                        },
                        "results": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/Result"},
                        },
                    },
                },
                "Frames": {
                    "type": "object",
                    "required": ["frames"],
                    "properties": {
                        "frames": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["id", "name", "definition", "threshold"],
                                "properties": {
                                    "id": {"type": "string"},
                                    "name": {"type": "string"},
                                    "definition": {"type": "string"},
                                    "threshold": {"type": "number"},
                                },
                            },
                        }
                    },
                },
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {
                            "type": "object",
                            "required": ["code", "message"],
                            "properties": {
                                "code": {"type": "string"},
                                "message": {"type": "string"},
                            },
                        }
                    },
                },
            },
        },
    }
