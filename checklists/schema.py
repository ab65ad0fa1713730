"""The JSON Schema of the definition format, for editors and other tools."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from checklists.spec import Definition

SCHEMA_FILE = Path(__file__).resolve().parent / "schema" / "cyd-definition.schema.json"
SCHEMA_ID = "urn:cyd:schema:definition:1"


def definition_schema() -> dict[str, Any]:
    schema = TypeAdapter(Definition).json_schema(by_alias=True)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Cyd checklist, gate or principles set definition",
        "description": (
            "A co-production checklist (kind: checklist), a gate (kind: gate), or a set of "
            "principles that checklists share (kind: principles). Every text a person reads "
            "has English (en) and Welsh (cy); checklists and gates also an Easy Read form."
        ),
        **schema,
    }


def schema_text() -> str:
    return json.dumps(definition_schema(), indent=2, ensure_ascii=False) + "\n"
