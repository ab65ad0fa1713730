"""Safe YAML reading that remembers where every value came from.

PyYAML's safe composer gives nodes with positions; we build plain Python values
ourselves so that we can (a) record the line and column of every key and value,
(b) refuse duplicate keys, which PyYAML silently accepts, (c) bound the work an
alias bomb or deeply nested file can cause, and (d) resolve booleans as YAML 1.2
does (only true/false), so an option id such as `no` stays a string.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

try:  # libyaml is much faster; the pure parser gives the same nodes and marks.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_BYTES = 1_000_000
MAX_NODES = 200_000
MAX_DEPTH = 64

Path_ = tuple[str | int, ...]

_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_NULL = {"", "~", "null", "Null", "NULL"}
_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_STD = "tag:yaml.org,2002:"


@dataclass(frozen=True)
class Position:
    line: int  # 1-based
    column: int  # 1-based


@dataclass
class YamlProblem(Exception):
    """A problem with the file itself, before any definition rules apply."""

    message: str
    position: Position = field(default_factory=lambda: Position(1, 1))


@dataclass
class Document:
    """Plain data plus the position of every value and every mapping key, by path."""

    data: Any
    values: dict[Path_, Position]
    keys: dict[Path_, Position]

    def position(self, path: Path_, *, key: bool = False) -> Position:
        """The position of `path`, or of its nearest ancestor that has one."""
        table = self.keys if key else self.values
        probe = tuple(path)
        while probe:
            if probe in table:
                return table[probe]
            if not key and probe in self.keys:
                return self.keys[probe]
            probe = probe[:-1]
        return self.values.get((), Position(1, 1))


def read_text(path: Path) -> str:
    """Read a definition file, refusing huge or binary files before parsing them."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise YamlProblem(f"cannot read file: {exc.strerror or exc}") from None
    if size > MAX_BYTES:
        raise YamlProblem(f"file is {size:,} bytes; definitions may be at most {MAX_BYTES:,}")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise YamlProblem(f"cannot read file: {exc.strerror or exc}") from None
    if b"\x00" in raw:
        raise YamlProblem("not a text file (it contains NUL bytes)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise YamlProblem(f"not UTF-8 text (bad byte at offset {exc.start})") from None
    return text


def parse(text: str) -> Document:
    """Parse one YAML document with positions. Raises YamlProblem."""
    if len(text) > MAX_BYTES:
        raise YamlProblem(f"text is longer than {MAX_BYTES:,} characters")
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = _mark(mark) if mark else Position(1, 1)
        what = exc.problem or exc.context or "invalid YAML"
        if "expected a single document" in str(exc):
            what = "only one definition per file (found a second '---' document)"
        elif exc.problem and exc.context and exc.context_mark and where != _mark(exc.context_mark):
            # The problem is often found a line later than its cause, e.g. an unclosed '{'.
            start = _mark(exc.context_mark)
            what += f" ({exc.context} at line {start.line}, column {start.column})"
        raise YamlProblem(f"YAML syntax error: {what}", where) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(f"YAML syntax error: {exc}") from None
    except RecursionError:
        raise YamlProblem(f"nesting is too deep (at most {MAX_DEPTH} levels)") from None
    if node is None or (
        isinstance(node, yaml.ScalarNode) and not node.style and node.value == ""
    ):  # nothing, or only a '---' marker (libyaml's plain style is '', PyYAML's None)
        raise YamlProblem("the file is empty: expected a checklist or gate definition")
    _expanded_size(node, 0, {})
    builder = _Builder()
    data = builder.build(node, (), 0)
    return Document(data, builder.values, builder.keys)


def _mark(mark: yaml.Mark) -> Position:
    return Position(mark.line + 1, mark.column + 1)


def _pos(node: yaml.Node) -> Position:
    return _mark(node.start_mark)


def _too_many(node: yaml.Node) -> YamlProblem:
    return YamlProblem(
        f"too many values (more than {MAX_NODES:,}, counting each alias use); "
        "is this an alias bomb?",
        _pos(node),
    )


def _expanded_size(node: yaml.Node, depth: int, sizes: dict[int, int]) -> int:
    """How many values `node` stands for once aliases are expanded, counted as _Builder does.

    Each node is counted once (aliases share nodes), so an alias bomb is refused at the
    smallest node that is too big, before anything is built.
    """
    known = sizes.get(id(node))
    if known is not None:
        return known
    if depth > MAX_DEPTH:
        raise YamlProblem(f"nesting is too deep (at most {MAX_DEPTH} levels)", _pos(node))
    total = 1
    if isinstance(node, yaml.MappingNode):
        total += sum(_expanded_size(value, depth + 1, sizes) for _, value in node.value)
    elif isinstance(node, yaml.SequenceNode):
        total += sum(_expanded_size(child, depth + 1, sizes) for child in node.value)
    if total > MAX_NODES:
        raise _too_many(node)
    sizes[id(node)] = total
    return total


class _Builder:
    def __init__(self) -> None:
        self.values: dict[Path_, Position] = {}
        self.keys: dict[Path_, Position] = {}
        self.nodes = 0

    def build(self, node: yaml.Node, path: Path_, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:  # _expanded_size refuses this first
            raise _too_many(node)
        if depth > MAX_DEPTH:
            raise YamlProblem(f"nesting is too deep (at most {MAX_DEPTH} levels)", _pos(node))
        self.values.setdefault(path, _pos(node))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            self._check_tag(node, "seq")
            return [self.build(child, (*path, i), depth + 1) for i, child in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        return self._scalar(node)

    def _mapping(self, node: yaml.MappingNode, path: Path_, depth: int) -> dict[str, Any]:
        self._check_tag(node, "map")
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _STD + "merge":
                raise YamlProblem("merge keys ('<<') are not supported", _pos(key_node))
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlProblem("keys must be plain words", _pos(key_node))
            key = key_node.value
            if key in result:
                first = self.keys[(*path, key)]
                raise YamlProblem(
                    f"duplicate key '{key}' (first at line {first.line})", _pos(key_node)
                )
            self.keys[(*path, key)] = _pos(key_node)
            result[key] = self.build(value_node, (*path, key), depth + 1)
        return result

    @staticmethod
    def _check_tag(node: yaml.Node, kind: str) -> None:
        if node.tag not in (_STD + kind,):
            raise YamlProblem(f"YAML tag '{node.tag}' is not allowed here", _pos(node))

    @staticmethod
    def _scalar(node: yaml.ScalarNode) -> Any:
        value: str = node.value
        tag: str = node.tag
        if tag == _STD + "str" or node.style in ("'", '"', "|", ">"):
            if tag not in (_STD + "str", "!"):
                raise YamlProblem(f"YAML tag '{tag}' is not allowed", _pos(node))
            return value
        if not tag.startswith(_STD):
            raise YamlProblem(f"YAML tag '{tag}' is not allowed", _pos(node))
        # Plain scalar: resolve like YAML 1.2's core schema, not 1.1 (no yes/no/on/off).
        if value in _NULL:
            return None
        if value in _BOOL:
            return _BOOL[value]
        if _INT.match(value):
            return int(value)
        if _FLOAT.match(value):
            return float(value)
        if _DATE.match(value):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                return value
        return value
