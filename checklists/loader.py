"""Load definition files, reporting every problem as `file:line:col: [item] message`."""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from checklists import files, semantics
from checklists.earlier import earlier_findings
from checklists.library import Definition as Definition
from checklists.library import DefinitionError as DefinitionError
from checklists.library import Library as Library
from checklists.library import Problem as Problem
from checklists.spec import (
    ANSWER_TYPES,
    ID_PATTERN,
    ChecklistDefinition,
    Condition,
    GateDefinition,
    PrinciplesDefinition,
)
from checklists.yamlsource import Document, Position, YamlProblem, parse, read_text

DEFAULT_DIR = files.DEFAULT_DIR
SUFFIXES = files.SUFFIXES
MAX_FILES = files.MAX_FILES

_MODELS: dict[
    str, type[ChecklistDefinition] | type[GateDefinition] | type[PrinciplesDefinition]
] = {
    "checklist": ChecklistDefinition,
    "gate": GateDefinition,
    "principles": PrinciplesDefinition,
}
_KINDS = "'checklist', 'gate' or 'principles'"
# A checklist's shared principles, resolved: principles set id → that set (its latest version).
SharedSets = Mapping[str, PrinciplesDefinition]


# --- one file --------------------------------------------------------------------------


def load_text(
    text: str, name: str = "<text>", shared: SharedSets | None = None
) -> tuple[Definition | None, list[Problem]]:
    """Parse and validate one definition. Returns it (or None) and every problem found.

    `shared`: the principles sets a checklist's `shared_principles` may name (by id);
    a loaded checklist carries their principles in its own `principles`.
    """
    try:
        doc = parse(text)
    except YamlProblem as exc:
        return None, [Problem(name, exc.position.line, exc.position.column, exc.message)]
    return _validate(doc, name, shared or {})


def load_file(
    path: Path, name: str | None = None, shared: SharedSets | None = None
) -> tuple[Definition | None, list[Problem]]:
    label = name or str(path)
    try:
        text = read_text(path)
    except YamlProblem as exc:
        return None, [Problem(label, exc.position.line, exc.position.column, exc.message)]
    return load_text(text, label, shared)


def with_shared_principles(
    checklist: ChecklistDefinition, shared: SharedSets
) -> ChecklistDefinition:
    """The checklist with the principles of the sets it shares after its own, so that it
    stands alone: a venture pins a checklist whole, and its copy must not depend on
    another file (nor change when the set does)."""
    if not checklist.shared_principles:
        return checklist
    principles = list(checklist.principles)
    for set_id in checklist.shared_principles:
        principles.extend(shared[set_id].principles)
    return checklist.model_copy(update={"principles": principles})


def _validate(
    doc: Document, name: str, shared: SharedSets
) -> tuple[Definition | None, list[Problem]]:
    data = doc.data
    if not isinstance(data, dict):
        pos = doc.position(())
        found = type(data).__name__ if data is not None else "nothing"
        msg = f"expected a mapping of keys (a definition), found {found}"
        return None, [Problem(name, pos.line, pos.column, msg)]
    kind = data.get("kind")
    model = _MODELS.get(kind) if isinstance(kind, str) else None
    if model is None:
        at = ("kind",) if "kind" in data else ()
        pos = doc.position(at)
        msg = (
            f"unknown kind {kind!r}; use {_KINDS}"
            if "kind" in data
            else f"missing key 'kind' ({_KINDS})"
        )
        return None, [Problem(name, pos.line, pos.column, msg)]

    findings: list[semantics.Finding] = []
    if kind == "checklist":
        sets = {set_id: [p.id for p in s.principles] for set_id, s in shared.items()}
        findings = semantics.check_checklist(data, sets)
    elif kind == "principles":
        findings = semantics.check_principles(data)
    definition, problems = validate_document(doc, name, model, findings)
    if isinstance(definition, ChecklistDefinition):
        definition = with_shared_principles(definition, shared)
    return definition, problems


M = TypeVar("M", bound=BaseModel)
ItemOf = Callable[[Any, tuple[str | int, ...]], str | None]


def validate_document(
    doc: Document,
    name: str,
    model: type[M],
    findings: Iterable[semantics.Finding] = (),
    item_of: ItemOf | None = None,
) -> tuple[M | None, list[Problem]]:
    """Validate parsed YAML against a model; every problem, positioned, or the value.

    `findings` are the cross-reference problems found on the raw data; `item_of`
    names the entry (an item id, a person's email) that a path falls in.
    """
    label = item_of or _item_of
    problems: list[Problem] = []
    value: M | None = None
    try:
        value = model.model_validate(doc.data)
    except ValidationError as exc:
        problems.extend(_problems_from_validation(exc, doc, name, model, label))
    for finding in findings:
        pos = doc.position(finding.path, key=finding.at_key)
        problems.append(Problem(name, pos.line, pos.column, finding.message, finding.item))
    if problems:
        return None, sorted(set(problems))
    return value, []


def parse_file(path: Path, name: str | None = None) -> Document | Problem:
    """Read and parse one YAML file safely, or the one problem that stopped it."""
    label = name or str(path)
    try:
        return parse(read_text(path))
    except YamlProblem as exc:
        return Problem(label, exc.position.line, exc.position.column, exc.message)


# --- pydantic errors into admin-readable ones ---------------------------------------------

_SPECIAL_MISSING = {
    "cy": "missing Welsh text ('cy')",
    "en": "missing English text ('en')",
    "easy_read": "missing Easy Read text ('easy_read')",
}


def _all_field_names(roots: tuple[type[BaseModel], ...]) -> list[str]:
    names: set[str] = set()
    pending: list[type[BaseModel]] = list(roots)
    seen: set[type[BaseModel]] = set()
    while pending:
        model = pending.pop()
        if model in seen:
            continue
        seen.add(model)
        for fname, finfo in model.model_fields.items():
            names.add(finfo.alias or fname)
            pending.extend(_models_in(finfo.annotation))
    return sorted(names)


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for arg in getattr(annotation, "__args__", ()) or ():
        found.extend(_models_in(arg))
    for meta in getattr(annotation, "__metadata__", ()) or ():
        found.extend(_models_in(meta))
    return found


@functools.cache
def _field_names(model: type[BaseModel]) -> list[str]:
    roots = (ChecklistDefinition, GateDefinition, Condition) if model in _DEFINITION_MODELS else ()
    return _all_field_names(roots or (model,))


_DEFINITION_MODELS = (ChecklistDefinition, GateDefinition)


def _raw_path(data: Any, loc: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """Map pydantic's error location to a path in the YAML data.

    Pydantic puts the discriminator value of a tagged union into the location
    (e.g. ('answer', 'text', 'max_words')); the YAML has no such step.
    """
    path: list[str | int] = []
    current = data
    for n, step in enumerate(loc):
        if isinstance(current, dict):
            key = "not" if step == "not_" else step
            if key in current:
                path.append(key)
                current = current[key]
            elif n == len(loc) - 1:
                path.append(key)
            # otherwise a union tag: skip it
        elif isinstance(current, list) and isinstance(step, int) and step < len(current):
            path.append(step)
            current = current[step]
        else:
            break
    return tuple(path)


def _item_of(data: Any, path: tuple[str | int, ...]) -> str | None:
    if len(path) >= 4 and path[0] == "sections" and path[2] == "items":
        try:
            item_id = data["sections"][path[1]]["items"][path[3]].get("id")
        except (KeyError, IndexError, TypeError, AttributeError):
            return None
        return item_id if isinstance(item_id, str) else None
    return None


def _problems_from_validation(
    exc: ValidationError, doc: Document, name: str, model: type[BaseModel], item_of: ItemOf
) -> list[Problem]:
    problems: list[Problem] = []
    for err in exc.errors(include_url=False):
        path = _raw_path(doc.data, tuple(err["loc"]))
        message, at_key, where = _message(err, path, model)
        if err["type"] == "value_error":
            where = _culprit(doc.data, where, message)
        pos: Position = doc.position(where, key=at_key)
        problems.append(Problem(name, pos.line, pos.column, message, item_of(doc.data, path)))
    return problems


def _lookup(data: Any, path: tuple[str | int, ...]) -> Any:
    for step in path:
        found = (isinstance(data, dict) and step in data) or (
            isinstance(data, list) and isinstance(step, int) and step < len(data)
        )
        if not found:
            return None
        data = data[step]
    return data


_DUPLICATE_OPTION = re.compile(r"^option id '(.+)' is used twice")


def _culprit(data: Any, path: tuple[str | int, ...], message: str) -> tuple[str | int, ...]:
    """Point a whole-mapping check (e.g. 'min_words is larger than max_words') at its key."""
    if not isinstance(_lookup(data, path), dict) and path:
        path = path[:-1]  # the last step was a union tag, such as 'text'
    mapping = _lookup(data, path)
    if not isinstance(mapping, dict):
        return path
    duplicate = _DUPLICATE_OPTION.match(message)
    if duplicate and isinstance(mapping.get("options"), list):
        ids = [o.get("id") if isinstance(o, dict) else None for o in mapping["options"]]
        uses = [n for n, option_id in enumerate(ids) if option_id == duplicate.group(1)]
        if len(uses) > 1:
            return (*path, "options", uses[1], "id")
    first_word = message.split(" ", 1)[0]
    return (*path, first_word) if first_word in mapping else path


def _message(
    err: Any, path: tuple[str | int, ...], model: type[BaseModel]
) -> tuple[str, bool, tuple[str | int, ...]]:
    """Message, whether it points at a key, and the path to point at."""
    kind: str = err["type"]
    last = path[-1] if path else ""
    if kind == "missing":
        msg = _SPECIAL_MISSING.get(str(last), f"missing required key '{last}'")
        return msg, False, path[:-1]
    if kind == "extra_forbidden":
        # A key of another kind of definition (e.g. 'easy_read' in a principles set) is
        # not suggested back as itself.
        names = [n for n in _field_names(model) if n != last]
        close = difflib.get_close_matches(str(last), names, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return f"unknown key '{last}'{hint}", True, path
    if kind == "union_tag_invalid":
        tag = str(err.get("ctx", {}).get("tag", "?"))
        return (
            f"unknown answer type '{tag}'; use one of: {', '.join(ANSWER_TYPES)}",
            False,
            (*path, "type"),
        )
    if kind == "union_tag_not_found":
        return f"missing key 'type' (one of: {', '.join(ANSWER_TYPES)})", False, path
    if kind == "string_pattern_mismatch" and err.get("ctx", {}).get("pattern") == ID_PATTERN:
        return (
            f"{err['input']!r} is not a valid id: use lower-case words joined by hyphens, "
            "e.g. 'lived-experience-count'",
            False,
            path,
        )
    if kind == "string_too_short" and last in ("en", "cy"):
        lang = "Welsh" if last == "cy" else "English"
        return f"{lang} text is empty", False, path
    field_name = f"'{last}' " if isinstance(last, str) and last else ""
    if kind == "model_type":  # pydantic's message names a class the admin never sees
        value = err.get("input")
        found = type(value).__name__ if value is not None else "nothing"
        return f"{field_name}should be a mapping of keys, found {found}", False, path
    msg = str(err["msg"])
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
        if isinstance(err.get("input"), dict):  # a check of a whole mapping: says what it means
            return msg, False, path
    return f"{field_name}{msg[:1].lower()}{msg[1:]}", False, path


# --- many files ------------------------------------------------------------------------


def definition_files(paths: Iterable[Path]) -> tuple[list[Path], list[Problem]]:
    found = files.expand(paths)
    problems = [Problem(str(p), 1, 1, "no such file or folder") for p in found.missing]
    problems += [Problem(str(p), 1, 1, "no .yaml definition files here") for p in found.empty_dirs]
    if found.too_many is not None:
        problems.append(Problem(str(found.too_many), 1, 1, f"more than {MAX_FILES} files"))
    return found.files, problems


def load_paths(paths: Sequence[Path] | None = None) -> tuple[Library, list[Problem]]:
    """Load definitions from files and folders; problems come only from those given.

    References between definitions (a gate's checklists and next gate, a checklist's
    shared principles) are also resolved against the other definitions in the given
    files' folders, so one file can be checked on its own.
    """
    given, problems = definition_files(list(paths) if paths else [DEFAULT_DIR])
    given_set = {p.resolve() for p in given}
    context = files.context(given)
    library = Library()
    gate_docs: dict[str, Document] = {}
    checklist_docs: list[tuple[str, Document, ChecklistDefinition]] = []
    parsed: list[tuple[Path, str, Document]] = []
    for path in sorted(given_set | context):
        label = _label(path, given)
        doc = parse_file(path, label)
        if isinstance(doc, Problem):
            if path in given_set:
                problems.append(doc)
            continue
        parsed.append((path, label, doc))
    # Principles sets first: the checklists that share them are resolved against them.
    sets = [entry for entry in parsed if _is_principles(entry[2])]
    others = [entry for entry in parsed if not _is_principles(entry[2])]
    shared: dict[str, PrinciplesDefinition] = {}
    for batch in (sets, others):
        for path, label, doc in batch:
            definition, file_problems = _validate(doc, label, shared)
            if path in given_set:
                problems.extend(file_problems)
            if definition is None:
                continue
            duplicate = _add(library, definition, label)
            if duplicate is not None:
                if path in given_set:
                    problems.append(Problem(label, 1, 1, duplicate))
                continue
            if isinstance(definition, GateDefinition) and path in given_set:
                gate_docs[label] = doc
            if isinstance(definition, ChecklistDefinition) and path in given_set:
                checklist_docs.append((label, doc, definition))
        shared = {i: library.principle_set(i) for i, _ in library.principle_sets}
    problems.extend(_check_gates(library, gate_docs))
    problems.extend(_check_earlier(library, checklist_docs))
    return library, sorted(set(problems))


def _check_earlier(
    library: Library, docs: list[tuple[str, Document, ChecklistDefinition]]
) -> list[Problem]:
    """Conditions on earlier gates' items, against the whole library (checklists.earlier)."""
    problems: list[Problem] = []
    for label, doc, checklist in docs:
        for finding in earlier_findings(checklist, library):
            pos = doc.position(finding.path)
            problems.append(Problem(label, pos.line, pos.column, finding.message, finding.item))
    return problems


def _is_principles(doc: Document) -> bool:
    return isinstance(doc.data, dict) and doc.data.get("kind") == "principles"


_WHAT = {"checklist": "checklist", "gate": "gate", "principles": "principles set"}


def _add(library: Library, definition: Definition, label: str) -> str | None:
    """Add a definition to the library, or say which file already defines it."""
    key = (definition.kind, definition.id, definition.version)
    if key in library.sources:
        return (
            f"{_WHAT[definition.kind]} '{definition.id}' version {definition.version} "
            f"is also defined in {library.sources[key]}"
        )
    library.sources[key] = label
    if isinstance(definition, ChecklistDefinition):
        library.checklists[definition.key] = definition
    elif isinstance(definition, GateDefinition):
        library.gates[definition.key] = definition
    else:
        library.principle_sets[definition.key] = definition
    return None


def _label(path: Path, given: list[Path]) -> str:
    for original in given:
        if original.resolve() == path:
            return str(original)
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _check_gates(library: Library, docs: dict[str, Document]) -> list[Problem]:
    problems: list[Problem] = []
    checklist_ids = {k[0] for k in library.checklists}
    gate_ids = {k[0] for k in library.gates}
    for (kind, def_id, version), label in library.sources.items():
        if kind != "gate" or label not in docs:
            continue
        gate = library.gates[(def_id, version)]
        doc = docs[label]
        for n, ref in enumerate(gate.checklists):
            if ref not in checklist_ids:
                pos = doc.position(("checklists", n))
                problems.append(
                    Problem(label, pos.line, pos.column, f"gate names unknown checklist '{ref}'")
                )
        if gate.next_gate is not None and gate.next_gate not in gate_ids:
            pos = doc.position(("next_gate",))
            problems.append(
                Problem(
                    label, pos.line, pos.column, f"next_gate names unknown gate '{gate.next_gate}'"
                )
            )
        seen = [gate.id]
        nxt = gate.next_gate
        while nxt is not None and nxt in gate_ids:
            if nxt in seen:
                pos = doc.position(("next_gate",))
                ring = " → ".join([*seen, nxt])
                problems.append(Problem(label, pos.line, pos.column, f"gate cycle: {ring}"))
                break
            seen.append(nxt)
            nxt = library.gate(nxt).next_gate
    return problems


def load_library(paths: Sequence[Path] | None = None) -> Library:
    """The definitions, or DefinitionError listing every problem."""
    library, problems = load_paths(paths)
    if problems:
        raise DefinitionError(problems)
    return library
