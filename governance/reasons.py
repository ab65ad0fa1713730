"""A reason given by a governance rule: a stable code, its parameters, an English sentence.

The code and the parameters are what a message is written from: Welsh and Easy
Read texts are written whole for each code in the catalogue (governance/catalogue.yaml),
never assembled from the English sentence (Welsh mutations make assembled sentences
wrong). The English sentence, from the same catalogue, is for the CLI, logs and the
audit log.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from governance.catalogue import Param, text


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    text: str
    # Names and counts the texts are written with (JSON values: they are stored).
    params: Mapping[str, Param] = field(default_factory=dict, hash=False)

    def __str__(self) -> str:
        return self.text

    def as_json(self) -> dict[str, Any]:
        """How a reason is stored and sent: {"code", "text", "params"}."""
        return {"code": self.code, "text": self.text, "params": dict(self.params)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Reason:
        """A stored reason; one stored before reasons kept their parameters has none."""
        return cls(str(data["code"]), str(data["text"]), dict(data.get("params") or {}))


def reason(code: str, **params: Param) -> Reason:
    """The reason `code`, its English sentence written from the catalogue."""
    return Reason(code, text(code, "en", params), params)
