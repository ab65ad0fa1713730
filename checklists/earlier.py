"""Conditions on an earlier gate's answers, checked against the whole library: the gate
exists, has that checklist, the checklist has that item, and the test fits its answer.

A file alone cannot say (the gate and its checklist are other files), so the loader runs
this once every definition is read, as it does for a gate's own references.
"""

from __future__ import annotations

from collections.abc import Iterator

from checklists.library import Library
from checklists.semantics import Finding, Path_, _check_operator, _RawItem
from checklists.spec import OPERATORS, ChecklistDefinition, Condition, Item


def earlier_findings(checklist: ChecklistDefinition, library: Library) -> list[Finding]:
    """What is wrong with `checklist`'s conditions on earlier gates' items (paths are
    those of the checklist's file)."""
    findings: list[Finding] = []
    for s, section in enumerate(checklist.sections):
        for i, item in enumerate(section.items):
            if item.show_if is not None and item.show_if.earlier_items():
                path: Path_ = ("sections", s, "items", i, "show_if")
                findings.extend(_walk(item, item.show_if, path, library))
    return findings


def _walk(owner: Item, cond: Condition, path: Path_, library: Library) -> Iterator[Finding]:
    for name, children in (("all", cond.all), ("any", cond.any)):
        for n, child in enumerate(children or []):
            yield from _walk(owner, child, (*path, name, n), library)
    if cond.not_ is not None:
        yield from _walk(owner, cond.not_, (*path, "not"), library)
    if cond.gate is None or cond.checklist is None or cond.item is None:
        return
    try:
        gate = library.gate(cond.gate)
    except KeyError:
        yield Finding((*path, "gate"), owner.id, f"condition names unknown gate '{cond.gate}'")
        return
    if cond.checklist not in gate.checklists:
        yield Finding(
            (*path, "checklist"),
            owner.id,
            f"gate '{gate.id}' has no checklist '{cond.checklist}' "
            f"(it has: {', '.join(gate.checklists)})",
        )
        return
    try:
        target = library.checklist(cond.checklist).item(cond.item)
    except KeyError:
        yield Finding(
            (*path, "item"),
            owner.id,
            f"checklist '{cond.checklist}' has no item '{cond.item}'",
        )
        return
    raw_owner = _RawItem(owner.id, path, owner.answer.type, frozenset(), None)
    options = frozenset(o.id for o in getattr(target.answer, "options", []))
    raw_target = _RawItem(target.id, path, target.answer.type, options, None)
    for op in OPERATORS:
        value = getattr(cond, op)
        if value is not None:
            yield from _check_operator(raw_owner, raw_target, op, value, (*path, op))
