"""Safety checks of a workbook's zip before any XML is parsed: corrupt, encrypted, bombs.

A zip bomb, a member whose header lies about its size, a DOCTYPE (external entities) or
a sheet whose used range would make calamine allocate gigabytes is refused with
UnreadableFileError and a Japanese reason.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib

from inventory.errors import UnreadableFileError

MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024  # a real survey is a few MB; more is a zip bomb
MAX_COMPRESSION_RATIO = 200
# calamine lays a sheet out densely (32 bytes a cell) from its furthest value cell: one cell
# at XFD1048576 asks for 512 GiB and aborts the process, so the extent is checked first.
MAX_SHEET_CELLS = 10_000_000


def check_zip(data: bytes, file_name: str) -> None:
    """Refuse corrupt zips and zip bombs before any XML is parsed."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError) as exc:
        raise UnreadableFileError(f"{file_name}: ファイルが壊れています（ZIP構造を読めません）") from exc
    total = sum(info.file_size for info in infos)
    if total > MAX_UNCOMPRESSED_BYTES or total > MAX_COMPRESSION_RATIO * max(len(data), 1) + 10_000_000:
        raise UnreadableFileError(
            f"{file_name}: 展開後のサイズが大きすぎるため読み込みを中止しました（{total // 1_000_000} MB）"
        )
    if any(info.flag_bits & 0x1 for info in infos):
        raise UnreadableFileError(f"{file_name}: 暗号化されたファイルは読み込めません")
    if not any(info.filename == "xl/workbook.xml" for info in infos):
        raise UnreadableFileError(
            f"{file_name}: Excelブック（.xlsx / .xlsm）ではありません（ODS・XLSB などは .xlsx で保存し直してください）"
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in infos:  # reading checks every member's CRC: a damaged part is a damaged file
                part = _read_member(archive, info)
                if any(marker in part[:65536] for marker in _DOCTYPES):
                    raise UnreadableFileError(
                        f"{file_name}: 外部参照などの定義（DOCTYPE）を含むため読み込みを中止しました。"
                        "Excelで開いて保存し直してください"
                    )
                height, width = sheet_extent(part)
                if height * width > MAX_SHEET_CELLS:
                    raise UnreadableFileError(
                        f"{file_name}: シートの使用範囲が大きすぎるため読み込みを中止しました（{height:,}行 × {width:,}列）。"
                        "不要な行・列を削除して保存し直してください"
                    )
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError, NotImplementedError) as exc:
        raise UnreadableFileError(f"{file_name}: ファイルが壊れています（{type(exc).__name__}）") from exc


_DOCTYPES = tuple(
    "<!DOCTYPE".encode(e) for e in ("ascii", "utf-16-le", "utf-16-be")
)  # Excel never writes one
_CHUNK = 1024 * 1024


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """Read one member in bounded chunks: `ZipFile.read` inflates a member whose header lies
    about its size all at once (2 GiB for a 2 MB bomb) before noticing."""
    chunks = []
    with archive.open(info) as member:
        while chunk := member.read(_CHUNK):
            chunks.append(chunk)
    return b"".join(chunks)


_ROW_REF = re.compile(rb'<row r="(\d+)"[^>]*(?<!/)>')
_WIDE_REF = re.compile(rb'<c r="([A-Z]{2,})\d+"[^>]*(?<!/)>')
_IRREGULAR = re.compile(rb"<\w+:(?:row|c)\b|<row(?=[\s>])(?![^>]*\br=)|<c(?=[\s>])(?![^>]*\br=)")
_TAG = re.compile(rb"<(?:\w+:)?(row|c)(?=[\s/>])([^>]*?)(/?)>")
_R_ATTR = re.compile(rb'\br="([A-Z]*)(\d*)"')


def _column_number(letters: bytes) -> int:
    number = 0
    for char in letters:
        number = number * 26 + char - 64
    return number


def sheet_extent(xml: bytes) -> tuple[int, int]:
    """Rows × columns of the value cells in a worksheet part (0 × 0 for any other part).

    Excel writes every row and cell with its reference, so the fast path only looks at
    the rare large references; anything else (no references, namespace prefixes) is
    walked tag by tag the way calamine places cells.
    """
    if b"<c" not in xml and b":c" not in xml:
        return 0, 0
    if _IRREGULAR.search(xml):
        return _walk_extent(xml)
    height = max((int(r) for r in set(_ROW_REF.findall(xml))), default=0)
    deeper = re.compile(rb'<c r="[A-Z]+(\d{%d,})"[^>]*(?<!/)>' % len(str(height)))
    height = max([height, *(int(r) for r in set(deeper.findall(xml)))])
    width = max((_column_number(c) for c in set(_WIDE_REF.findall(xml))), default=26)
    return height, width


def _walk_extent(xml: bytes) -> tuple[int, int]:
    row = col = height = width = 0
    for tag in _TAG.finditer(xml):
        ref = _R_ATTR.search(tag[2])
        if tag[1] == b"row":
            row = int(ref[2]) if ref and ref[2] else row + 1
            col = 0
            continue
        col = _column_number(ref[1]) if ref and ref[1] else col + 1
        cell_row = int(ref[2]) if ref and ref[2] else row
        if not tag[3]:  # a self-closing cell holds only a style: calamine skips it
            height, width = max(height, cell_row), max(width, col)
    return height, width
