"""The app's request bodies, found from its routes, and a valid example of each built from its type, so
that tests covering every body need no hand-written list (a new route is covered when it is added)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import msgspec
from litestar import Litestar
from litestar.enums import RequestEncodingType
from litestar.params import BodyKwarg
from litestar.routes import HTTPRoute

from backend.core.input import Input

UPLOAD = ("proof.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")


@dataclass(frozen=True)
class RouteBody:
    method: str
    path: str
    """As the app declares it: ``/api/v1/agency/{agency_id:int}/tiles``."""
    body_type: Any
    media_type: str


def route_bodies(app: Litestar) -> Iterator[RouteBody]:
    """Every route that takes a request body (a ``data`` parameter), with the body's type."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            data = handler.parsed_fn_signature.parameters.get("data")
            if data is None:
                continue
            body = data.kwarg_definition
            media_type = body.media_type if isinstance(body, BodyKwarg) else RequestEncodingType.JSON
            for method in sorted(handler.http_methods):
                yield RouteBody(method, route.path, data.annotation, RequestEncodingType(media_type).value)


def nested_inputs(body_type: type[Input]) -> list[str]:
    """Fields of a body whose type is itself an ``Input`` (which would name fields without their parent)."""
    found: list[str] = []

    def visit(kind: Any, path: str) -> None:
        kind = kind.type if isinstance(kind, msgspec.inspect.Metadata) else kind
        if isinstance(kind, msgspec.inspect.StructType):
            if path and issubclass(kind.cls, Input):
                found.append(path)
            for field in kind.fields:
                visit(field.type, f"{path}.{field.name}" if path else field.name)
        elif isinstance(kind, msgspec.inspect.UnionType):
            for option in kind.types:
                visit(option, path)
        elif isinstance(kind, _SEQUENCES):
            visit(kind.item_type, f"{path}[0]")
        elif isinstance(kind, msgspec.inspect.DictType):
            visit(kind.value_type, f"{path}.key")

    visit(msgspec.inspect.type_info(body_type), "")
    return found


@dataclass
class Example:
    value: Any
    texts: dict[str, tuple[int, int | None]]
    """Each free-text field (no pattern) the example holds, by its path, with its length bounds."""


def example(body_type: type[msgspec.Struct]) -> Example:
    """A value of the body's type that decodes: the first option of each union and literal, the least
    number each bound allows, one item in each list and dict, every optional field present."""
    texts: dict[str, tuple[int, int | None]] = {}
    skip = body_type.unchecked if issubclass(body_type, Input) else frozenset()
    value = _example(msgspec.inspect.type_info(body_type), "", texts, skip)
    return Example(value, texts)


def with_text(value: Any, path: str, text: str) -> Any:
    """The example with ``text`` at ``path`` (``lines[0].label``, ``params.key``)."""
    head, _, rest = path.partition(".")
    name, _, index = head.partition("[")
    if isinstance(value, dict):
        inner = value[name]
        if index:
            inner = list(inner)
            inner[int(index.rstrip("]"))] = with_text(inner[0], rest, text) if rest else text
        elif rest:
            inner = with_text(inner, rest, text)
        else:
            inner = text
        return {**value, name: inner}
    raise AssertionError(f"no {path} in {value!r}")


_SCALARS: dict[type, Any] = {
    msgspec.inspect.FloatType: lambda kind: 1.0,
    msgspec.inspect.BoolType: lambda kind: False,
    msgspec.inspect.LiteralType: lambda kind: kind.values[0],
    msgspec.inspect.UUIDType: lambda kind: str(uuid.uuid4()),
    msgspec.inspect.DateType: lambda kind: "2030-01-01",
    msgspec.inspect.DateTimeType: lambda kind: "2030-01-01T00:00:00+00:00",
    msgspec.inspect.TimeType: lambda kind: "08:00:00",
    msgspec.inspect.AnyType: lambda kind: "a",
    msgspec.inspect.IntType: lambda kind: kind.ge if kind.ge is not None else (kind.gt or 0) + 1,
    msgspec.inspect.CustomType: lambda kind: UPLOAD,  # an UploadFile: the only custom type a body holds
    msgspec.inspect.BytesType: lambda kind: "iVBORw0KGgo=",  # base64 in JSON: a PNG's signature
}
_SEQUENCES = (msgspec.inspect.ListType, msgspec.inspect.SetType, msgspec.inspect.VarTupleType)


def _concrete(kind: Any) -> Any:
    """The type under its metadata, or a union's first option but None."""
    if isinstance(kind, msgspec.inspect.Metadata):
        return _concrete(kind.type)
    if isinstance(kind, msgspec.inspect.UnionType):
        return _concrete(next(t for t in kind.types if not isinstance(t, msgspec.inspect.NoneType)))
    return kind


def _example(kind: Any, path: str, texts: dict[str, tuple[int, int | None]], skip: frozenset[str]) -> Any:
    info = msgspec.inspect
    kind = _concrete(kind)
    if type(kind) in _SCALARS:
        return _SCALARS[type(kind)](kind)
    if isinstance(kind, info.StrType):
        least = kind.min_length or 0
        if kind.pattern is None and path.split(".", 1)[0].split("[", 1)[0] not in skip:
            texts[path] = (least, kind.max_length)
        return (
            "a" * max(least, 1) if kind.pattern is None else _matching(kind.pattern, least, kind.max_length)
        )
    if isinstance(kind, _SEQUENCES):
        return [_example(kind.item_type, f"{path}[0]", texts, skip)]
    if isinstance(kind, info.DictType):
        return {"key": _example(kind.value_type, f"{path}.key", texts, skip)}
    assert isinstance(kind, info.StructType), f"{path}: no example for {kind!r}"
    fields = {
        field.encode_name: _example(field.type, f"{path}.{field.name}" if path else field.name, texts, skip)
        for field in kind.fields
    }
    return {kind.tag_field: kind.tag, **fields} if kind.tag_field else fields


# Strings some patterns need (a national ID with its check digit, a URL...; others match a repeated
# letter or digit); a new pattern fails loudly.
_LIKELY = (
    "3000000000013",
    "https://agency.example/",
    "/inbox",
    "a@agency.example",
    "+66 2 000 0000",
    "today",
)


def _matching(pattern: str, least: int, most: int | None) -> str:
    sizes = range(max(least, 1), min(most or least + 64, least + 64) + 1)
    for candidate in (*_LIKELY, *(letter * size for size in sizes for letter in "a0A")):
        if least <= len(candidate) <= (most or len(candidate)) and re.search(pattern, candidate):
            return candidate
    raise AssertionError(f"add a string matching {pattern!r} to tests/helpers/bodies.py _LIKELY")
