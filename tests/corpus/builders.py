"""Small builders of hostile workbooks and CSVs for the corpus (see `tests/corpus/generate.py`)."""

from __future__ import annotations

import csv
import io
import zipfile
import zlib
from collections.abc import Callable, Sequence
from xml.sax.saxutils import escape

import xlsxwriter

from tests.inventory.workbooks import xlsx_bytes

HEADER = ["業務名", "定型性", "判断の有無", "入力媒体", "年間件数", "1件当たり処理時間（分）"]
GOOD = ["支出命令書の作成", "定型", "なし", "電子", 1200, 30]
COVER = (("年度", 2024), ("課", "税務課"))
OVERTIME_HEADER = ["年月", "課", "時間外勤務時間", "職員数"]
ZIP_BOMB_BYTES = 2 * 1024**3  # 2 GiB of zeros in one sheet part
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <</Type /Catalog>> endobj\nstream\n\x00\x01\x02\xff\nendstream\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
)
FAR = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'


def openpyxl_book(
    rows: Sequence[Sequence[object]], *, cover: Sequence[tuple[str, object]] = COVER, sheet: str = "業務一覧"
) -> bytes:
    """A workbook as openpyxl writes it: 表紙 (label/value) and a task sheet from A1."""
    return xlsx_bytes(rows, cover=cover, sheet=sheet)


def survey(*rows: Sequence[object], cover: Sequence[tuple[str, object]] = COVER) -> bytes:
    """The standard header, then `rows`."""
    return openpyxl_book([HEADER, *rows], cover=cover)


def csv_bytes(rows: Sequence[Sequence[object]], encoding: str = "utf-8-sig") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def _cell_xml(ref: str, value: object) -> str:
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(str(value))}</t></is></c>'


def _column(index: int) -> str:
    return chr(65 + index)


def sheet_xml(
    rows: Sequence[Sequence[object]], *, prolog: str = "", raw_cells: dict[str, str] | None = None
) -> str:
    """A worksheet part from rows (strings XML-escaped); raw_cells replace cells by reference."""
    body = []
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, value in enumerate(row):
            ref = f"{_column(c)}{r}"
            cells.append((raw_cells or {}).get(ref) or _cell_xml(ref, value))
        body.append(f'<row r="{r}">{"".join(cells)}</row>')
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{''.join(body)}</sheetData></worksheet>"
    )


def ooxml(
    sheet: str,
    *,
    shared_strings: str | None = None,
    extra: dict[str, bytes] | None = None,
    macro: bool = False,
    cover: Sequence[tuple[str, object]] = COVER,
) -> bytes:
    """A hand-built xlsx/xlsm package around one task sheet part (and a 表紙 sheet)."""
    main = (
        "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
        if macro
        else ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml")
    )
    overrides = [
        f'<Override PartName="/xl/workbook.xml" ContentType="{main}"/>',
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>',
        '<Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>',
    ]
    rels = [
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>',
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/>',
    ]
    if shared_strings is not None:
        overrides.append(
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        )
        rels.append(
            '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
        )
    if macro:
        overrides.append(
            '<Override PartName="/xl/vbaProject.bin" ContentType="application/vnd.ms-office.vbaProject"/>'
        )
        rels.append(
            '<Relationship Id="rId4" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"/>'
        )
    parts: dict[str, bytes | str] = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' + "".join(overrides) + "</Types>",
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="表紙" sheetId="2" r:id="rId2"/><sheet name="業務一覧" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' + "".join(rels) + "</Relationships>",
        "xl/worksheets/sheet1.xml": sheet,
        "xl/worksheets/sheet2.xml": sheet_xml([[label, value] for label, value in cover]),
    }  # fmt: skip
    if shared_strings is not None:
        parts["xl/sharedStrings.xml"] = shared_strings
    parts.update(extra or {})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def replace_part(data: bytes, name: str, content: str | bytes) -> bytes:
    """The same package with one part's content replaced."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for info in source.infolist():
            out.writestr(info.filename, content if info.filename == name else source.read(info))
    return buffer.getvalue()


def valid_book() -> bytes:
    return survey(GOOD, ["課税台帳の照会", "一部定型", "一部あり", "紙（活字）", 300, 15])


def vba_project() -> bytes:
    """A minimal but well-formed OLE compound file holding a VBA module with Auto_Open.

    One directory sector and one mini-less stream (VBA source is stored uncompressed
    here, which real Excel would not run; what matters is that we never even open it).
    """
    source = b'Attribute VB_Name = "Module1"\r\nSub Auto_Open()\r\n    Shell "calc.exe"\r\nEnd Sub\r\n'
    stream = source.ljust(4096, b"\0")  # ≥ 4096 bytes: a regular (not mini) stream
    sector = 512
    n_stream = len(stream) // sector
    header = bytearray(sector)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    header[0x18:0x1A] = (0x3E).to_bytes(2, "little")  # minor version
    header[0x1A:0x1C] = (3).to_bytes(2, "little")  # major version 3: 512-byte sectors
    header[0x1C:0x1E] = b"\xfe\xff"
    header[0x1E:0x20] = (9).to_bytes(2, "little")
    header[0x20:0x22] = (6).to_bytes(2, "little")
    header[0x2C:0x30] = (1).to_bytes(4, "little")  # one FAT sector
    header[0x30:0x34] = (1).to_bytes(4, "little")  # directory starts at sector 1
    header[0x38:0x3C] = (4096).to_bytes(4, "little")  # mini stream cutoff
    header[0x3C:0x40] = (0xFFFFFFFE).to_bytes(4, "little")  # no mini FAT
    header[0x44:0x48] = (0xFFFFFFFE).to_bytes(4, "little")  # no DIFAT sectors
    header[0x4C:0x50] = (0).to_bytes(4, "little")  # FAT is sector 0
    header[0x50:0x200] = b"\xff" * (0x200 - 0x50)
    fat = [0xFFFFFFFD, 0xFFFFFFFE] + [2 + i + 1 for i in range(n_stream - 1)] + [0xFFFFFFFE]
    fat_sector = b"".join(x.to_bytes(4, "little") for x in fat).ljust(sector, b"\xff")

    def entry(name: str, kind: int, start: int, size: int, child: int = 0xFFFFFFFF) -> bytes:
        encoded = (name + "\0").encode("utf-16-le")
        raw = bytearray(128)
        raw[0 : len(encoded)] = encoded
        raw[0x40:0x42] = len(encoded).to_bytes(2, "little")
        raw[0x42] = kind
        raw[0x43] = 1  # black
        raw[0x44:0x50] = b"\xff" * 12  # no siblings
        raw[0x4C:0x50] = child.to_bytes(4, "little")
        raw[0x74:0x78] = start.to_bytes(4, "little")
        raw[0x78:0x7C] = size.to_bytes(4, "little")
        return bytes(raw)

    directory = (
        entry("Root Entry", 5, 0xFFFFFFFE, 0, child=1) + entry("Module1", 2, 2, len(stream)) + bytes(256)
    )
    return bytes(header) + fat_sector + directory + stream


def zip_bomb(*, declared_size: int | None = None) -> bytes:
    """An xlsx whose 表紙 part inflates from about 2 MB to 2 GiB of zeros (a real, valid member).

    The deflate body is one fully flushed block repeated: each copy is independent, so
    building it costs one 1 MiB compression. `declared_size` makes the header lie.
    """
    chunk = bytes(1024 * 1024)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    copies = ZIP_BOMB_BYTES // len(chunk)
    body = block * copies + b"\x03\x00"  # an empty final block ends the stream
    crc = 0
    for _ in range(copies):
        crc = zlib.crc32(chunk, crc)
    size = ZIP_BOMB_BYTES if declared_size is None else declared_size
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(valid_book())) as base,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for info in base.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":  # openpyxl puts 表紙 first: sheet1
                out.writestr(info.filename, base.read(info))
    prefix = buffer.getvalue()
    eocd = prefix.rfind(b"PK\x05\x06")
    cd_offset = int.from_bytes(prefix[eocd + 16 : eocd + 20], "little")
    count = int.from_bytes(prefix[eocd + 10 : eocd + 12], "little") + 1
    name = b"xl/worksheets/sheet1.xml"
    sizes = (
        crc.to_bytes(4, "little")
        + len(body).to_bytes(4, "little")
        + (size & 0xFFFFFFFF).to_bytes(4, "little")
    )
    u16 = lambda n: n.to_bytes(2, "little")  # noqa: E731
    local = b"PK\x03\x04" + u16(20) + u16(0) + u16(8) + bytes(4) + sizes + u16(len(name)) + u16(0) + name
    entry = (
        b"PK\x01\x02" + u16(20) + u16(20) + u16(0) + u16(8) + bytes(4) + sizes + u16(len(name))
        + bytes(8) + bytes(4) + cd_offset.to_bytes(4, "little") + name
    )  # fmt: skip
    central = prefix[cd_offset:eocd] + entry
    end = (
        b"PK\x05\x06" + bytes(4) + u16(count) + u16(count) + len(central).to_bytes(4, "little")
        + (cd_offset + len(local) + len(body)).to_bytes(4, "little") + u16(0)
    )  # fmt: skip
    return prefix[:cd_offset] + local + body + central + end


def _xlsxwriter_book(write: Callable[[xlsxwriter.Workbook], None]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "constant_memory": True, "strings_to_formulas": False}
    )
    write(book)
    book.close()
    return buffer.getvalue()


def _cover_sheet(book: xlsxwriter.Workbook) -> None:
    cover = book.add_worksheet("表紙")
    for r, (label, value) in enumerate(COVER):
        cover.write(r, 0, label)
        cover.write(r, 1, value)


def many_rows(count: int) -> bytes:
    def write(book: xlsxwriter.Workbook) -> None:
        _cover_sheet(book)
        sheet = book.add_worksheet("業務一覧")
        sheet.write_row(0, 0, HEADER)
        for r in range(1, count + 1):
            sheet.write_row(r, 0, [f"業務{r % 997}", "定型", "なし", "電子", r % 500, 10])

    return _xlsxwriter_book(write)
