"""The programme file's JSON Schema: valid, in sync with the models, and the example passes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema

from checklists.yamlsource import parse, read_text
from governance.programme import programme_schema

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_FILE = ROOT / "governance" / "schema" / "cyd-programme.schema.json"


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value.isoformat() if isinstance(value, dt.date) else value


def test_the_committed_schema_is_current_and_valid() -> None:
    committed = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert committed == programme_schema(), "run: uv run cyd programme schema -o " + str(
        SCHEMA_FILE.relative_to(ROOT)
    )
    jsonschema.Draft202012Validator.check_schema(committed)


def test_the_example_programme_validates_and_a_broken_one_does_not() -> None:
    validator = jsonschema.Draft202012Validator(programme_schema())
    example = _jsonable(parse(read_text(ROOT / "examples" / "programme.yaml")).data)
    assert list(validator.iter_errors(example)) == []
    example["board"]["decision_rules"][0]["threshold"] = "most-of-them"
    assert list(validator.iter_errors(example))
