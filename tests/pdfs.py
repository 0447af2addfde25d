"""Small PDFs built byte by byte for the upload checks: whole files with a cross-reference table (or
stream), objects that can live in compressed object streams, and streams under any filter."""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

PAGE_OBJECTS: dict[int, bytes] = {
    1: b"<< /Type /Catalog /Pages 2 0 R >>",
    2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] >>",
}


@dataclass
class ObjectStream:
    """Objects stored inside one object stream (/Type /ObjStm), its data encoded by ``encode`` and
    labelled with ``filters``."""

    number: int
    objects: Mapping[int, bytes]
    filters: bytes = b"/FlateDecode"
    encode: object = field(default=zlib.compress)

    def data(self) -> tuple[bytes, int]:
        offsets, bodies, position = [], [], 0
        for number, body in self.objects.items():
            offsets.append(b"%d %d" % (number, position))
            bodies.append(body)
            position += len(body) + 1
        header = b" ".join(offsets) + b"\n"
        return header + b"\n".join(bodies) + b"\n", len(header)


def stream(dictionary: bytes, data: bytes) -> bytes:
    """A stream object body: ``dictionary`` is the inside of << >> without /Length."""
    return b"<< %s /Length %d >>\nstream\n%s\nendstream" % (dictionary, len(data), data)


def build_pdf(
    objects: Mapping[int, bytes] | None = None,
    object_streams: Sequence[ObjectStream] = (),
    *,
    root: int = 1,
    version: bytes = b"1.7",
) -> bytes:
    """A whole PDF: ``objects`` stored as they are, ``object_streams`` compressed; a classic xref table
    when there are no object streams, else a cross-reference stream listing every object."""
    objects = dict(PAGE_OBJECTS if objects is None else objects)
    out = bytearray(b"%PDF-" + version + b"\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for number, body in objects.items():
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    compressed: dict[int, tuple[int, int]] = {}
    for holder in object_streams:
        raw, first = holder.data()
        encoded = holder.encode(raw)  # type: ignore[operator]
        offsets[holder.number] = len(out)
        count = len(holder.objects)
        dictionary = b"/Type /ObjStm /N %d /First %d /Filter %s" % (count, first, holder.filters)
        out += b"%d 0 obj\n%s\nendobj\n" % (holder.number, stream(dictionary, encoded))
        for index, number in enumerate(holder.objects):
            compressed[number] = (holder.number, index)
    size = max([*offsets, *compressed], default=0) + 1
    if not object_streams:
        start = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % size
        for number in range(1, size):
            out += b"%010d 00000 n \n" % offsets[number] if number in offsets else b"0000000000 65535 f \n"
        out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, root, start)
        return bytes(out)
    xref_number = size
    start = len(out)
    offsets[xref_number] = start
    rows = bytearray()
    for number in range(size + 1):
        if number in offsets:
            rows += bytes([1]) + offsets[number].to_bytes(4, "big") + bytes(2)
        elif number in compressed:
            holder_number, index = compressed[number]
            rows += bytes([2]) + holder_number.to_bytes(4, "big") + index.to_bytes(2, "big")
        else:
            rows += bytes([0, 0, 0, 0, 0, 255, 255])
    dictionary = b"/Type /XRef /Size %d /W [1 4 2] /Root %d 0 R /Filter /FlateDecode" % (size + 1, root)
    out += b"%d 0 obj\n%s\nendobj\n" % (xref_number, stream(dictionary, zlib.compress(bytes(rows))))
    out += b"startxref\n%d\n%%%%EOF\n" % start
    return bytes(out)
