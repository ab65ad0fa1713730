"""Rules across a definition that a schema cannot express.

These run on the raw YAML data, defensively, so that a file with a misspelt key
still gets its duplicate ids and broken conditions reported in the same run.
Each finding is (path in the document, item id or None, message, key?).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from checklists.spec import OPERATORS

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Finding:
    path: Path_
    item: str | None
    message: str
    at_key: bool = False


@dataclass(frozen=True)
class _RawItem:
    id: str
    path: Path_
    type: str | None
    options: frozenset[str]
    show_if: Any


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def check_checklist(
    data: dict[str, Any], shared_sets: Mapping[str, Sequence[str]] | None = None
) -> list[Finding]:
    """Findings on a checklist; `shared_sets`: the principle ids of each principles set
    known (by set id), against which its `shared_principles` are resolved."""
    findings: list[Finding] = []
    if "earlier_answers" in data:
        findings.append(
            Finding(
                ("earlier_answers",),
                None,
                "earlier_answers is written by Cyd when a venture pins the checklist, "
                "never in a file",
                at_key=True,
            )
        )
    own = _declared_ids(data, "principles", "principle", findings)
    principles = _with_shared(data, own, shared_sets or {}, findings)
    names = [n for n in _as_list(data.get("shared_principles")) if isinstance(n, str)]
    where_declared = (
        f"it is neither under 'principles' nor in the shared "
        f"{'set' if len(names) == 1 else 'sets'} {_quoted(names)}"
        if names
        else "declare it under 'principles'"
    )
    _declared_ids(data, "sections", "section", findings)
    items: dict[str, _RawItem] = {}
    duplicates: list[_RawItem] = []
    for s, section in enumerate(_as_list(data.get("sections"))):
        for i, raw in enumerate(_as_list(_as_dict(section).get("items"))):
            raw = _as_dict(raw)
            item_id = raw.get("id")
            if not isinstance(item_id, str):
                continue
            path: Path_ = ("sections", s, "items", i)
            answer = _as_dict(raw.get("answer"))
            options = frozenset(
                o["id"]
                for o in _as_list(answer.get("options"))
                if isinstance(o, dict) and isinstance(o.get("id"), str)
            )
            kind = answer.get("type") if isinstance(answer.get("type"), str) else None
            entry = _RawItem(item_id, path, kind, options, raw.get("show_if"))
            if item_id in items:
                duplicates.append(entry)
                findings.append(
                    Finding(
                        (*path, "id"),
                        item_id,
                        f"duplicate item id '{item_id}'"
                        f" (first used in {_where(items[item_id].path)})",
                    )
                )
                continue
            items[item_id] = entry
            if isinstance(raw.get("met_when"), dict):
                findings.extend(_check_met(entry, answer, raw["met_when"], (*path, "met_when")))
            principle = raw.get("principle")
            if (
                principles is not None
                and isinstance(principle, str)
                and principle not in principles
            ):
                findings.append(
                    Finding(
                        (*path, "principle"),
                        item_id,
                        f"unknown principle '{principle}'; {where_declared}",
                    )
                )
    for item in [*items.values(), *duplicates]:
        if item.show_if is not None:
            findings.extend(_check_condition(item, item.show_if, (*item.path, "show_if"), items))
    findings.extend(_cycles(items))
    return findings


def _where(path: Path_) -> str:
    return f"section {int(path[1]) + 1}, item {int(path[3]) + 1}"


def check_principles(data: dict[str, Any]) -> list[Finding]:
    """Findings on a principles set (kind: principles)."""
    findings: list[Finding] = []
    _declared_ids(data, "principles", "principle", findings)
    return findings


def _quoted(names: Sequence[str]) -> str:
    return ", ".join(f"'{n}'" for n in names)


def _with_shared(
    data: dict[str, Any],
    own: set[str] | None,
    shared_sets: Mapping[str, Sequence[str]],
    findings: list[Finding],
) -> set[str] | None:
    """The principles a checklist's items may name: its own and those of the shared sets
    it names. None when that cannot be known (a set is unknown, or a list is malformed),
    so that items are not also blamed for a problem that is not theirs."""
    names = data.get("shared_principles")
    if names is None:
        return own
    if not isinstance(names, list) or ("principles" in data and own is None):
        return None
    # Where each of its own principles is declared, to point at a duplicate.
    first_own: dict[str, int] = {}
    for n, entry in enumerate(_as_list(data.get("principles"))):
        entry_id = _as_dict(entry).get("id")
        if isinstance(entry_id, str):
            first_own.setdefault(entry_id, n)
    known: set[str] | None = set(own or ())
    from_set: dict[str, str] = {}  # principle id → the shared set that declared it first
    named: set[str] = set()
    for n, name in enumerate(names):
        if not isinstance(name, str):
            continue
        at: Path_ = ("shared_principles", n)
        if name in named:
            findings.append(Finding(at, None, f"shared principles set '{name}' is named twice"))
            continue
        named.add(name)
        if name not in shared_sets:
            close = difflib.get_close_matches(name, list(shared_sets), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            findings.append(
                Finding(
                    at,
                    None,
                    f"unknown principles set '{name}'{hint}; "
                    "declare it in a definition of kind 'principles'",
                )
            )
            known = None
            continue
        for principle in shared_sets[name]:
            if principle in first_own:
                findings.append(
                    Finding(
                        ("principles", first_own[principle], "id"),
                        None,
                        f"principle '{principle}' is also declared in the shared set '{name}'",
                    )
                )
            elif principle in from_set:
                findings.append(
                    Finding(
                        at,
                        None,
                        f"principle '{principle}' is declared in both shared sets "
                        f"'{from_set[principle]}' and '{name}'",
                    )
                )
            else:
                from_set[principle] = name
            if known is not None:
                known.add(principle)
    return known


def _declared_ids(
    data: dict[str, Any], key: str, what: str, findings: list[Finding]
) -> set[str] | None:
    entries = data.get(key)
    if not isinstance(entries, list):
        return None
    seen: set[str] = set()
    for n, entry in enumerate(entries):
        entry_id = _as_dict(entry).get("id")
        if isinstance(entry_id, str):
            if entry_id in seen:
                findings.append(Finding((key, n, "id"), None, f"duplicate {what} id '{entry_id}'"))
            seen.add(entry_id)
    return seen


def _check_condition(
    owner: _RawItem, cond: Any, path: Path_, items: dict[str, _RawItem]
) -> Iterator[Finding]:
    cond = _as_dict(cond)
    for combinator in ("all", "any"):
        for n, child in enumerate(_as_list(cond.get(combinator))):
            yield from _check_condition(owner, child, (*path, combinator, n), items)
    if isinstance(cond.get("not"), dict):
        yield from _check_condition(owner, cond["not"], (*path, "not"), items)
    ref = cond.get("item")
    if not isinstance(ref, str) or "gate" in cond:
        return  # an earlier gate's item: the library checks it (loader._check_earlier)
    target = items.get(ref)
    if target is None:
        yield Finding((*path, "item"), owner.id, f"condition names unknown item '{ref}'")
        return
    for op in OPERATORS:
        if op in cond:
            yield from _check_operator(owner, target, op, cond[op], (*path, op))


_NUMERIC_OPS = {"at_least", "at_most"}


def _check_operator(
    owner: _RawItem, target: _RawItem, op: str, value: Any, path: Path_
) -> Iterator[Finding]:
    kind = target.type
    if op == "answered" or kind is None:
        return
    where = f"item '{target.id}' ({kind})"
    if op == "includes":
        if kind != "multiple-choice":
            yield Finding(path, owner.id, f"'includes' needs a multiple-choice item; {where}")
        elif isinstance(value, str) and value not in target.options:
            yield Finding(path, owner.id, f"condition names unknown option '{value}' of {where}")
        return
    if op in _NUMERIC_OPS:
        if kind not in ("number", "multiple-choice", "people"):
            yield Finding(
                path, owner.id, f"'{op}' needs a number, multiple-choice or people item; {where}"
            )
        return
    if op == "one_of" and isinstance(value, list):  # point at the member at fault
        values = [((*path, n), v) for n, v in enumerate(value)]
    else:
        values = [(path, value)]
    for at, v in values:
        if kind == "yes-no" and not isinstance(v, bool):
            yield Finding(at, owner.id, f"{where} is answered true or false, not {v!r}")
        elif kind == "single-choice" and isinstance(v, str) and v not in target.options:
            yield Finding(at, owner.id, f"condition names unknown option '{v}' of {where}")
        elif kind == "single-choice" and not isinstance(v, str):
            yield Finding(at, owner.id, f"{where} is answered with an option id, not {v!r}")
        elif kind == "number" and (isinstance(v, bool) or not isinstance(v, int)):
            yield Finding(at, owner.id, f"{where} is answered with a whole number, not {v!r}")
        elif kind in ("multiple-choice", "people", "text", "link", "date"):
            yield Finding(
                path,
                owner.id,
                f"'{op}' cannot test {where}; use 'answered'"
                + (" or 'includes'" if kind == "multiple-choice" else ""),
            )
            return


# Which answer types each `met_when` test can look at.
_MET_TYPES: dict[str, tuple[str, ...]] = {
    "at_least": ("number", "multiple-choice", "people"),
    "one_of": ("single-choice",),
    "equals": ("yes-no",),
    "includes": ("multiple-choice",),
    "min_words": ("text",),
    "not_in_future": ("date",),
    "within_days": ("date",),
}


def _check_met(
    item: _RawItem, answer: dict[str, Any], met: dict[str, Any], path: Path_
) -> Iterator[Finding]:
    kind = item.type
    if kind is None:
        return
    for test, kinds in _MET_TYPES.items():
        if test not in met:
            continue
        at = (*path, test)
        if kind not in kinds:
            yield Finding(
                at,
                item.id,
                f"met_when '{test}' cannot test a {kind} answer; it needs " + " or ".join(kinds),
            )
            continue
        value = met[test]
        if test in ("one_of", "includes"):
            for n, option in enumerate(_as_list(value)):
                if isinstance(option, str) and option not in item.options:
                    yield Finding((*at, n), item.id, f"met_when names unknown option '{option}'")
        elif test == "equals" and not isinstance(value, bool):
            yield Finding(
                at, item.id, f"a yes-no answer is met when equal to true or false, not {value!r}"
            )
        elif test == "min_words" and isinstance(value, int):
            most = answer.get("max_words")
            if isinstance(most, int) and value > most:
                yield Finding(
                    at,
                    item.id,
                    f"met_when asks for {value} words but the answer allows {most} at most",
                )
        elif test == "at_least" and isinstance(value, int) and kind == "number":
            top = answer.get("max")
            if isinstance(top, int) and not isinstance(top, bool) and value > top:
                yield Finding(
                    at,
                    item.id,
                    f"met_when asks for at least {value} but the answer allows {top} at most",
                )


def _refs(cond: Any) -> set[str]:
    cond = _as_dict(cond)
    own = isinstance(cond.get("item"), str) and "gate" not in cond
    found = {cond["item"]} if own else set()
    for combinator in ("all", "any"):
        for child in _as_list(cond.get(combinator)):
            found |= _refs(child)
    if "not" in cond:
        found |= _refs(cond["not"])
    return found


def _cycles(items: dict[str, _RawItem]) -> Iterator[Finding]:
    """Report each condition cycle once, at the first item of it in file order."""
    graph = {i.id: sorted(r for r in _refs(i.show_if) if r in items) for i in items.values()}
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done
    reported: set[frozenset[str]] = set()
    order = list(items)

    def visit(node: str, stack: list[str]) -> Iterator[Finding]:
        state[node] = 1
        stack.append(node)
        for nxt in graph[node]:
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt) :]
                members = frozenset(cycle)
                if members not in reported:
                    reported.add(members)
                    first = min(cycle, key=order.index)
                    k = cycle.index(first)
                    ring = [*cycle[k:], *cycle[:k], first]
                    yield Finding(
                        (*items[first].path, "show_if"),
                        first,
                        "condition cycle: " + " → ".join(ring),
                    )
            elif nxt not in state:
                yield from visit(nxt, stack)
        stack.pop()
        state[node] = 2

    for node in order:
        if node not in state:
            yield from visit(node, [])
