"""The definitions a programme runs on, and the problems found loading them.

Apart from the loader so that a library read back from the cache
(`checklists.validcache.load_library`) needs neither YAML nor the loader's checks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from checklists.spec import ChecklistDefinition, GateDefinition, PrinciplesDefinition


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    column: int
    message: str
    item: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}:"
        return f"{where} [{self.item}] {self.message}" if self.item else f"{where} {self.message}"


class DefinitionError(Exception):
    """Raised when definitions are needed but some are invalid."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


Definition = ChecklistDefinition | GateDefinition | PrinciplesDefinition


@dataclass
class Library:
    """Every valid definition found, by (id, version)."""

    checklists: dict[tuple[str, int], ChecklistDefinition] = field(default_factory=dict)
    gates: dict[tuple[str, int], GateDefinition] = field(default_factory=dict)
    # Principles declared once for checklists to share. A loaded checklist already
    # carries the shared principles it names: these are for the tools that show them.
    principle_sets: dict[tuple[str, int], PrinciplesDefinition] = field(default_factory=dict)
    sources: dict[tuple[str, str, int], str] = field(default_factory=dict)

    def checklist(self, checklist_id: str, version: int | None = None) -> ChecklistDefinition:
        return _pick(self.checklists, checklist_id, version, "checklist")

    def gate(self, gate_id: str, version: int | None = None) -> GateDefinition:
        return _pick(self.gates, gate_id, version, "gate")

    def principle_set(self, set_id: str, version: int | None = None) -> PrinciplesDefinition:
        return _pick(self.principle_sets, set_id, version, "principles set")

    def latest_checklists(self) -> list[ChecklistDefinition]:
        return [self.checklist(i) for i in sorted({k[0] for k in self.checklists})]

    def latest_gates(self) -> list[GateDefinition]:
        return [self.gate(i) for i in sorted({k[0] for k in self.gates})]

    def gate_chain(self) -> list[GateDefinition]:
        """Gates in the order a venture meets them, starting at the gate nothing leads to."""
        gates = {g.id: g for g in self.latest_gates()}
        targets = {g.next_gate for g in gates.values()}
        starts = sorted(g for g in gates if g not in targets)
        chain: list[GateDefinition] = []
        current = starts[0] if starts else None
        while current is not None and current in gates and gates[current] not in chain:
            chain.append(gates[current])
            current = gates[current].next_gate
        return chain


T = TypeVar("T", ChecklistDefinition, GateDefinition, PrinciplesDefinition)


def _pick(table: dict[tuple[str, int], T], def_id: str, version: int | None, what: str) -> T:
    if version is not None:
        try:
            return table[(def_id, version)]
        except KeyError:
            raise KeyError(f"no {what} '{def_id}' at version {version}") from None
    versions = [v for (i, v) in table if i == def_id]
    if not versions:
        known = ", ".join(sorted({i for i, _ in table})) or "none"
        raise KeyError(f"no {what} '{def_id}' (known: {known})")
    return table[(def_id, max(versions))]
