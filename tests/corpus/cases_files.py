"""Corpus cases that attack the file as a whole: damaged zips, bombs, entities, macros, size."""

from __future__ import annotations

import io
import zipfile

import xlsxwriter

from tests.corpus.builders import (
    COVER,
    FAR,
    GOOD,
    HEADER,
    PDF,
    PNG,
    csv_bytes,
    many_rows,
    ooxml,
    openpyxl_book,
    replace_part,
    sheet_xml,
    survey,
    valid_book,
    vba_project,
    zip_bomb,
)
from tests.corpus.cases import WITH_NOTES, case, static

# --- unreadable files: refused before any row is looked at -------------------------

static("empty.xlsx", lambda: b"")
static("empty.csv", lambda: b"")
static("truncated_half.xlsx", lambda: valid_book()[: len(valid_book()) // 2])
static("truncated_tail.xlsx", lambda: valid_book()[:-30])
static("garbage_after_zip_magic.xlsx", lambda: b"PK\x03\x04" + bytes(range(256)) * 8)
static("zip_bomb.xlsx", zip_bomb)
static("zip_bomb_lying_header.xlsx", lambda: zip_bomb(declared_size=2000))
static("renamed_pdf.xlsx", lambda: PDF)
static("renamed_pdf.csv", lambda: PDF)
static("renamed_png.xlsx", lambda: PNG)
static("ole_no_password.xlsx", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024))
static("legacy_junk.xls", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 4)
static("xlsx_named_docx.docx", lambda: valid_book())  # the content decides, not the name
static("utf16.csv", lambda: csv_bytes([HEADER, GOOD], "utf-16"))
static(
    "sjis_broken_bytes.csv",
    lambda: csv_bytes([["年度", "課", *HEADER], [2024, "税務課", *GOOD]], "cp932")[:-12] + b"\x82,\x82\r\n",
)
static(
    "nul_byte.csv", lambda: csv_bytes([["年度", "課", *HEADER], [2024, "税務課", "支出\x00命令", *GOOD[1:]]])
)
static(
    "huge_csv_field.csv",
    lambda: csv_bytes([["年度", "課", *HEADER], [2024, "税務課", "x" * 200_000, *GOOD[1:]]]),
)


def _flip_byte_in(data: bytes, member: str) -> bytes:
    """Damage the compressed body of one member: its CRC no longer matches."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(member)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 5
    damaged = bytearray(data)
    damaged[start] ^= 0xFF
    return bytes(damaged)


static("corrupt_crc.xlsx", lambda: _flip_byte_in(valid_book(), "xl/worksheets/sheet2.xml"))


def _ods_like() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", '<table:table-row table:number-rows-repeated="1048576"/>')
    return buffer.getvalue()


static("ods_renamed.xlsx", _ods_like)


def _encrypted_flag() -> bytes:
    data = bytearray(valid_book())
    central = data.find(b"PK\x01\x02")
    data[central + 8] |= 0x01  # "encrypted" bit of the first central-directory entry
    return bytes(data)


static("encrypted_flag.xlsx", _encrypted_flag)

static(
    "far_cell.xlsx", lambda: ooxml(sheet_xml([HEADER, GOOD]).replace("</sheetData>", FAR + "</sheetData>"))
)
static(
    "far_cell_without_refs.xlsx",
    lambda: ooxml(
        sheet_xml([HEADER, GOOD]).replace(
            "</sheetData>",
            '<row r="1048576">' + '<c t="inlineStr"><is><t>x</t></is></c>' * 300 + "</row></sheetData>",
        )
    ),
)
static(
    "far_cell_prefixed.xlsx",
    lambda: ooxml(
        '<?xml version="1.0" encoding="UTF-8"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<x:sheetData><x:row r="1"><x:c r="XFD1048576" t="inlineStr"><x:is><x:t>a</x:t></x:is></x:c></x:row>'
        "</x:sheetData></x:worksheet>"
    ),
)


def _far_cell_on_cover() -> bytes:
    """Found by bench/fuzz.py on the reader without its extent check: the far cell sits on 表紙."""
    book = valid_book()
    with zipfile.ZipFile(io.BytesIO(book)) as archive:
        cover = archive.read("xl/worksheets/sheet1.xml")  # openpyxl saves 表紙 (index 0) as sheet1
    return replace_part(
        book, "xl/worksheets/sheet1.xml", cover.replace(b"</row>", b'<c r="XFD1048576"><v>1</v></c></row>', 1)
    )


static("fuzz_far_cell_on_cover.xlsx", _far_cell_on_cover)
static("malformed_xml.xlsx", lambda: ooxml(sheet_xml([HEADER, GOOD]).replace("</sheetData>", "<row><c")))
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    ' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>{}</sheets></workbook>'
)
static("no_sheets.xlsx", lambda: replace_part(valid_book(), "xl/workbook.xml", WORKBOOK.format("")))
static(
    "sheet_name_250_chars.xlsx",
    lambda: replace_part(
        ooxml(sheet_xml([HEADER, GOOD]), cover=()),
        "xl/workbook.xml",
        WORKBOOK.format(f'<sheet name="{"シ" * 250}" sheetId="1" r:id="rId1"/>'),
    ),
)

# --- external entities and macros: nothing fetched, expanded or run --------------------


@case("xxe_external_entity.xlsx")
def _xxe(url: str) -> bytes:
    prolog = f'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "{url}">]>'
    sheet = sheet_xml(
        [HEADER, GOOD], prolog=prolog, raw_cells={"A2": '<c r="A2" t="inlineStr"><is><t>&xxe;</t></is></c>'}
    )
    return ooxml(sheet)


@case("xxe_shared_strings.xlsx")
def _xxe_shared(url: str) -> bytes:
    shared = (
        f'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE sst [<!ENTITY xxe SYSTEM "{url}">]>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
        "<si><t>&xxe;</t></si></sst>"
    )
    sheet = sheet_xml([HEADER, GOOD], raw_cells={"A2": '<c r="A2" t="s"><v>0</v></c>'})
    return ooxml(sheet, shared_strings=shared)


@case("xxe_parameter_entity.xlsx")
def _xxe_parameter(url: str) -> bytes:
    prolog = f'<!DOCTYPE worksheet [<!ENTITY % remote SYSTEM "{url}"> %remote;]>'
    return ooxml(sheet_xml([HEADER, GOOD], prolog=prolog))


@case("billion_laughs.xlsx")
def _laughs(_url: str) -> bytes:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    )
    sheet = sheet_xml(
        [HEADER, GOOD],
        prolog=f"<!DOCTYPE worksheet [{entities}]>",
        raw_cells={"A2": '<c r="A2" t="inlineStr"><is><t>&lol9;</t></is></c>'},
    )
    return ooxml(sheet)


static(
    "macro_auto_open.xlsm",
    lambda: ooxml(sheet_xml([HEADER, GOOD]), macro=True, extra={"xl/vbaProject.bin": vba_project()}),
)


def _formulas_cached() -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    cover = book.add_worksheet("表紙")
    for r, (label, value) in enumerate(COVER):
        cover.write(r, 0, label)
        cover.write(r, 1, value)
    sheet = book.add_worksheet("業務一覧")
    sheet.write_row(0, 0, WITH_NOTES)
    sheet.write_formula(1, 0, '="支出"&"命令"', None, "支出命令")
    sheet.write_row(1, 1, ["定型", "なし", "電子"])
    sheet.write_formula(1, 4, "=100*12", None, 1200)
    sheet.write_formula(1, 5, "=NOW()", None, 30)  # volatile: Excel would recompute, we never do
    sheet.write_formula(1, 6, '=WEBSERVICE("http://127.0.0.1:9/")', None, "キャッシュ値")
    book.close()
    return buffer.getvalue()


static("formulas_cached_values.xlsx", _formulas_cached)
static(
    "formulas_without_cached_values.xlsx",
    lambda: survey(['=CONCAT("a","b")', "定型", "なし", "電子", "=10*10", 5]),
)

# --- size: many rows, long cells ---------------------------------------------------

static("rows_100000.xlsx", lambda: many_rows(100_000))
static(
    "rows_100001.csv",
    lambda: csv_bytes(
        [
            ["年度", "課", *HEADER],
            *([2024, "税務課", f"業務{i % 997}", "定型", "なし", "電子", 10, 10] for i in range(100_001)),
        ],
        "utf-8",
    ),
)
static("cells_5000_chars.xlsx", lambda: openpyxl_book([WITH_NOTES, ["長" * 5000, *GOOD[1:], "備" * 5000]]))
static("name_300_chars.xlsx", lambda: survey(["業" * 300, *GOOD[1:]]))
static("department_250_chars.xlsx", lambda: survey(GOOD, cover=(("年度", 2024), ("課", "課" * 250))))
static("respondent_300_chars.xlsx", lambda: survey(GOOD, cover=(*COVER, ("回答者", "回" * 300))))
static(
    "nul_in_cover_rejected.xlsx",
    lambda: ooxml(
        sheet_xml([HEADER, ["業務A", "定型", "なし", "電子", "不明", 10]]),
        cover=(("年度", 2024), ("課", "税_x0000_務課")),
    ),
)
static("name_200_chars.xlsx", lambda: openpyxl_book([WITH_NOTES, ["業" * 200, *GOOD[1:], "備" * 2000]]))
