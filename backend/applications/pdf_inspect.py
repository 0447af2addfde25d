"""The PDF check itself, run as ``python -m backend.applications.pdf_inspect BUDGET MEMORY SECONDS``
by ``pdf_check.check_pdf`` (which says why qpdf, and how the check is bounded): the file on standard
input, a JSON verdict on standard output. Only that child loads qpdf, so the process-wide qpdf limits
set here touch nothing else.

What is refused, wherever it sits (in the file, in an object stream, under any filter):

- actions that run code, send or import data, open another file or program, or play media:
  JavaScript, Launch, SubmitForm, ImportData, GoToR, GoToE, RichMediaExecute, Rendition, Movie,
  Sound, GoTo3DView; script code (``/JS``), document scripts, embedded and attached files, XFA forms,
  RichMedia (Flash), 3D, movie and sound annotations;
- actions that run by themselves (``/OpenAction``, ``/AA`` and their ``/Next`` chains) that reach a
  web address (``URI``) too: opening the file must not tell a stranger who opened it, and when.
  A link the reader chooses to click is allowed, as a web address printed on the page would be.

What cannot be read cannot be checked: a filter qpdf cannot decode, a password, a damaged file whose
repair would leave object streams out of sight, or an object stream no cross-reference entry leads to.
"""

from __future__ import annotations

import bisect
import io
import json
import os
import re
import resource
import sys

import pikepdf
from pikepdf import Object, ObjectType

from backend.applications.pdf_check import INFLATE_BUDGET_BYTES, MAX_OBJECTS, STREAM_MAX_BYTES, Reason

_REFUSED_ACTIONS = frozenset(
    {
        "/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToR", "/GoToE", "/RichMediaExecute",
        "/Rendition", "/Movie", "/Sound", "/GoTo3DView",
    }
)  # fmt: skip
_REFUSED_AUTOMATIC_ACTIONS = _REFUSED_ACTIONS | {"/URI"}
_REFUSED_KEYS = frozenset(
    {"/JS", "/JavaScript", "/EmbeddedFiles", "/EF", "/XFA", "/RichMediaContent", "/RichMediaSettings"}
)
_REFUSED_NAMES_BY_KEY: dict[str, frozenset[str]] = {
    "/S": _REFUSED_ACTIONS,
    "/Type": frozenset({"/EmbeddedFile"}),
    "/Subtype": frozenset({"/FileAttachment", "/RichMedia", "/3D", "/Movie", "/Sound"}),
}
_AUTOMATIC_KEYS = frozenset({"/OpenAction", "/AA"})
_MAX_NESTING = 100
_MAX_CHAINED_ACTIONS = 1000
_CONTAINERS = (ObjectType.dictionary, ObjectType.array)

# The file's own syntax, stream data left out: objects that no cross-reference entry names are out
# of qpdf's sight but a viewer rebuilding a broken table would find them, so their names are read
# here; image bytes are never read as syntax.
_STREAM_KEYWORD = re.compile(rb"(?<!end)stream\r?\n")
_PDF_NAME = re.compile(rb"/([^\x00\t\n\x0c\r ()<>\[\]{}/%]*)")
_PDF_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_RAW_REFUSED_NAMES = frozenset(
    name.encode()[1:]
    for name in _REFUSED_ACTIONS | _REFUSED_KEYS | {"/EmbeddedFile", "/FileAttachment", "/RichMedia"}
)
_OBJECT_STREAM_TYPE = re.compile(rb"/Type\s*/ObjStm\b")
_OBJECT_HEADER = re.compile(rb"(\d{1,10})\s+\d{1,5}\s+obj\b")


class Refused(Exception):
    def __init__(self, reason: Reason) -> None:
        super().__init__(reason)
        self.reason: Reason = reason


def main(arguments: list[str]) -> None:
    budget_bytes, memory_bytes, cpu_seconds = (int(argument) for argument in arguments)
    _limit_self(memory_bytes, cpu_seconds)
    content = sys.stdin.buffer.read()
    reason: Reason | None
    try:
        reason = inspect(content, budget_bytes)
    except MemoryError:
        reason = "budget"
    sys.stdout.write(json.dumps({"reason": reason, "peak_rss_bytes": _peak_rss()}))


def _peak_rss() -> int:
    """This process's peak resident memory since it started (``ru_maxrss`` would count the API
    process it was forked from, whose memory it shared until it began)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _limit_self(memory_bytes: int, cpu_seconds: int) -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            mapped = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:  # no /proc: no address-space cap; qpdf's limits and the deadline still hold
        return
    resource.setrlimit(resource.RLIMIT_AS, (mapped + memory_bytes, mapped + memory_bytes))


def inspect(content: bytes, budget_bytes: int = INFLATE_BUDGET_BYTES) -> Reason | None:
    """Why ``content`` is refused, or None. Bounded only by qpdf's limits and the budget: outside
    tests, call it through ``pdf_check.check_pdf``."""
    try:
        _inspect(content, _Budget(budget_bytes))
    except Refused as refused:
        return refused.reason
    return None


def _set_limits(stream_bytes: int) -> None:
    pikepdf.settings.set_qpdf_limits(
        flate_max_memory=stream_bytes,
        run_length_max_memory=stream_bytes,
        png_max_memory=stream_bytes,
        tiff_max_memory=stream_bytes,
        dct_max_memory=stream_bytes,
        max_stream_filters=8,
    )


class _Budget:
    def __init__(self, total: int) -> None:
        self.left = total

    def decode(self, stream: Object) -> None:
        """Decodes one stream with qpdf capped at what is left of the budget, counts it, drops it."""
        _set_limits(max(1, min(STREAM_MAX_BYTES, self.left)))
        try:
            # The level qpdf itself reads object streams at: RunLength too, not DCT and other images.
            decoded = len(stream.read_bytes(pikepdf.StreamDecodeLevel.specialized))
        except pikepdf.DataDecodingError:
            raise
        except pikepdf.PdfError as error:
            if "unfilterable" in str(error):
                raise Refused("filter") from None
            raise
        finally:
            _set_limits(STREAM_MAX_BYTES)
        if decoded > self.left:
            raise Refused("budget")
        self.left -= decoded


def _inspect(content: bytes, budget: _Budget) -> None:
    _set_limits(STREAM_MAX_BYTES)
    syntax = _syntax(content)
    if any(match.group(1) in _RAW_REFUSED_NAMES for match in _PDF_NAME.finditer(syntax)):
        raise Refused("active")
    pdf, repaired = _open(content)
    with pdf:
        try:
            _inspect_objects(pdf, _raw_object_streams(syntax), budget, repaired=repaired)
        except pikepdf.DataDecodingError as error:
            raise _decoding_refusal(error) from None
        except (pikepdf.PdfError, RecursionError, ValueError):
            raise Refused("damaged") from None


def _decoding_refusal(error: pikepdf.DataDecodingError) -> Refused:
    """qpdf's own limit, or out of the memory the kernel allows: too much; anything else: unreadable."""
    message = str(error).lower()
    return Refused("budget" if "limit" in message or "bad_alloc" in message else "filter")


def _open(content: bytes) -> tuple[pikepdf.Pdf, bool]:
    """The document, and whether qpdf had to rebuild its cross-reference table."""
    for repair in (False, True):
        try:
            return pikepdf.Pdf.open(io.BytesIO(content), attempt_recovery=repair), repair
        except pikepdf.PasswordError:
            raise Refused("password") from None
        except pikepdf.DataDecodingError as error:
            raise _decoding_refusal(error) from None
        except (pikepdf.PdfError, ValueError):
            continue
    raise Refused("damaged")


def _inspect_objects(
    pdf: pikepdf.Pdf, raw_object_streams: set[int], budget: _Budget, *, repaired: bool
) -> None:
    table = [(objgen, entry.type) for objgen, entry in pdf.get_xref_table().items() if entry.type in (1, 2)]
    if len(table) > MAX_OBJECTS:
        raise Refused("budget")
    object_streams = []
    for objgen, kind in table:
        found = pdf.get_object(objgen) if kind == 1 else None
        if found is not None and found._type_code == ObjectType.stream and found.get("/Type") == "/ObjStm":
            object_streams.append(found)
    if object_streams and repaired:
        # qpdf rebuilds a table from the objects in the open; those inside object streams stay out
        # of its sight, and a viewer's own repair may still find them.
        raise Refused("damaged")
    if raw_object_streams - {found.objgen[0] for found in object_streams}:
        raise Refused("damaged")
    for found in object_streams:  # before qpdf reads them to resolve the objects they hold
        budget.decode(found)
    _walk(pdf.trailer, 0)
    for objgen, _ in table:
        resolved: object = pdf.get_object(objgen)  # None for null, whatever the stubs say
        if resolved is None:
            _refuse_if_unread(pdf)
        _walk(resolved, 0)


def _refuse_if_unread(pdf: pikepdf.Pdf) -> None:
    """An object qpdf could not read becomes null, with a warning; a viewer might read it after all."""
    for warning in pdf.get_warnings():
        if "bad_alloc" in warning:
            raise Refused("budget")
        if "as null because of error" in warning:
            raise Refused("damaged")


def _walk(node: object, depth: int) -> None:
    """Refuses active content in ``node`` and what it holds directly; an object it refers to is
    walked on its own, as every object in the table is."""
    if depth > _MAX_NESTING:
        raise Refused("damaged")
    if not isinstance(node, Object):
        return  # null, a number or a boolean, as a Python value
    kind = node._type_code
    if kind == ObjectType.array:
        for item in node.as_list():
            if isinstance(item, Object) and not item.is_indirect:
                _walk(item, depth + 1)
    elif kind in (ObjectType.dictionary, ObjectType.stream):
        for key, value in node.items():
            _check_entry(key, value, depth)


def _check_entry(key: str, value: object, depth: int) -> None:
    if key in _REFUSED_KEYS:
        raise Refused("active")
    if not isinstance(value, Object):
        return  # a number or boolean, given as a Python value
    if key in _AUTOMATIC_KEYS:
        _check_automatic(key, value)
    if value.is_indirect:
        return
    kind = value._type_code
    if kind == ObjectType.name_:
        if str(value) in _REFUSED_NAMES_BY_KEY.get(key, ()):
            raise Refused("active")
    elif kind in _CONTAINERS:
        _walk(value, depth + 1)


def _check_automatic(key: str, value: Object) -> None:
    """/OpenAction is one action (or a page to show), /AA maps events to actions; each action's
    /Next actions run after it."""
    by_event = key == "/AA" and value._type_code == ObjectType.dictionary
    actions: list[object] = [action for _, action in value.items()] if by_event else [value]
    seen: set[tuple[int, int]] = set()
    while actions:
        action = actions.pop()
        if not isinstance(action, Object):
            continue
        if action.is_indirect:
            if action.objgen in seen:
                continue
            seen.add(action.objgen)
        if len(seen) > _MAX_CHAINED_ACTIONS:
            raise Refused("damaged")
        if action._type_code != ObjectType.dictionary:
            continue
        if str(action.get("/S", "")) in _REFUSED_AUTOMATIC_ACTIONS:
            raise Refused("active")
        following = action.get("/Next")
        if not isinstance(following, Object):
            continue
        if following._type_code == ObjectType.array:
            actions.extend(following.as_list())
        else:
            actions.append(following)


def _syntax(content: bytes) -> bytes:
    """The file without its stream data, names spelled out (``/J#61vaScript`` is ``/JavaScript``)."""
    kept, position = [], 0
    while start := _STREAM_KEYWORD.search(content, position):
        end = content.find(b"endstream", start.end())
        if end < 0:
            break  # no end: the rest is read as syntax, which can only refuse more
        kept.append(content[position : start.end()])
        position = end
    kept.append(content[position:])
    return _PDF_NAME.sub(_unescape_name, b"".join(kept))


def _unescape_name(match: re.Match[bytes]) -> bytes:
    token = match.group(0)
    if b"#" not in token:
        return token
    return _PDF_HEX_ESCAPE.sub(lambda escape: bytes([int(escape.group(1), 16)]), token)


def _raw_object_streams(syntax: bytes) -> set[int]:
    """The numbers of the objects whose dictionary says /Type /ObjStm, read from the file's syntax."""
    headers = [(match.start(), int(match.group(1))) for match in _OBJECT_HEADER.finditer(syntax)]
    starts = [start for start, _ in headers]
    found = set()
    for match in _OBJECT_STREAM_TYPE.finditer(syntax):
        before = bisect.bisect_left(starts, match.start())
        if before:
            found.add(headers[before - 1][1])
    return found


if __name__ == "__main__":
    main(sys.argv[1:])
