"""Open a survey file (xlsx, xlsm, CSV) into plain rows, without interpreting values.

Workbooks are read with python-calamine: values only, so formulas are never
evaluated by us and macros never run. Row i of `RawTable.rows` is Excel row i + 1.
`read_table_bytes` is the shared opener (format sniffing, zip-bomb checks, CSV
decoding); other file kinds, such as the overtime import, choose their own sheet.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import python_calamine

from inventory.errors import UnreadableFileError
from inventory.survey.schema import COVER_LABELS, COVER_SHEET, ERRORS_SHEET, SURVEY_SHEET, nfkc_key
from inventory.survey.zip_checks import check_zip

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted xlsx, or a legacy .xls
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
CSV_SUFFIXES = {".csv", ".txt"}

SheetPicker = Callable[[list[str]], str]
"""Choose the sheet to read from a workbook's sheet names (never called with an empty list)."""


@dataclass(frozen=True)
class RawTable:
    """The rows of the task sheet and the 表紙 label/value pairs, uninterpreted."""

    file_name: str
    file_format: str
    content_hash: str
    sheet: str | None
    rows: list[list[object]]
    cover: dict[str, object] = field(default_factory=dict)


def content_hash(data: bytes) -> str:
    """SHA-256 of the file's bytes: the identity of a submission."""
    return hashlib.sha256(data).hexdigest()


def read_survey_file(path: Path) -> RawTable:
    """Read a survey file from disk; raise UnreadableFileError with a Japanese reason."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFileError(f"{path.name}: ファイルを開けません（{exc.strerror}）") from exc
    return read_survey_bytes(data, path.name)


def read_survey_bytes(data: bytes, file_name: str) -> RawTable:
    """Read a survey from bytes, choosing the format by content rather than by name."""
    return read_table_bytes(data, file_name, pick_sheet=survey_sheet, with_cover=True)


def survey_sheet(names: list[str]) -> str:
    """The survey's task sheet: 業務一覧, else the first sheet that is not 表紙 or エラー一覧.

    A returned error workbook opens on エラー一覧, so that sheet is never the task sheet.
    """
    return SURVEY_SHEET if SURVEY_SHEET in names else _first_sheet_other_than_cover(names)


def read_table_bytes(
    data: bytes, file_name: str, *, pick_sheet: SheetPicker, with_cover: bool = False
) -> RawTable:
    """Open xlsx/xlsm/xls/CSV bytes into uninterpreted rows of the sheet `pick_sheet` names.

    Refuses empty, encrypted, corrupt and zip-bomb files with UnreadableFileError; the
    表紙 pairs are read only when `with_cover` is set.
    """
    digest = content_hash(data)
    file_format = sniff_format(data, file_name)
    if file_format == "csv":
        return _read_csv(data, file_name, digest)
    return _read_workbook(data, file_name, digest, file_format, pick_sheet, with_cover)


def sniff_format(data: bytes, file_name: str) -> str:
    """xlsx, xlsm, xls or csv, by content rather than by name; refuse anything else.

    Raises UnreadableFileError for empty, encrypted, corrupt and zip-bomb files.
    """
    suffix = Path(file_name).suffix.lower()
    if not data:
        raise UnreadableFileError(f"{file_name}: ファイルが空です（0バイト）")
    if data.startswith(ZIP_MAGIC):
        check_zip(data, file_name)
        return "xlsm" if suffix == ".xlsm" else "xlsx"
    if data.startswith(OLE_MAGIC):
        if suffix == ".xls":
            return "xls"
        raise UnreadableFileError(
            f"{file_name}: パスワードで保護されたブックは読み込めません。パスワードを解除して保存し直してください。"
        )
    if suffix in EXCEL_SUFFIXES:
        raise UnreadableFileError(
            f"{file_name}: Excelファイルではありません（拡張子は {suffix} ですが中身が異なります）。"
            "Excelで開いて .xlsx 形式で保存し直してください。"
        )
    if suffix in CSV_SUFFIXES:
        return "csv"
    raise UnreadableFileError(
        f"{file_name}: 対応していないファイル形式です（.xlsx / .xlsm / .csv が使えます）"
    )


def _read_workbook(
    data: bytes, file_name: str, digest: str, file_format: str, pick_sheet: SheetPicker, with_cover: bool
) -> RawTable:
    with calamine_errors(file_name):
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(workbook.sheet_names)
        if not names:
            raise UnreadableFileError(f"{file_name}: シートがありません")
        task_sheet = pick_sheet(names)
        rows = sheet_rows(workbook, task_sheet)
        cover: dict[str, object] = {}
        if with_cover and COVER_SHEET in names and COVER_SHEET != task_sheet:
            cover = _cover_pairs(sheet_rows(workbook, COVER_SHEET))
    return RawTable(file_name, file_format, digest, task_sheet, rows, cover)


@contextmanager
def calamine_errors(file_name: str) -> Iterator[None]:
    """Turn whatever calamine raises (a Rust panic included) into UnreadableFileError."""
    try:
        yield
    except UnreadableFileError:
        raise
    except python_calamine.PasswordError as exc:
        raise UnreadableFileError(f"{file_name}: パスワードで保護されたブックは読み込めません") from exc
    except BaseException as exc:  # calamine raises unrelated types, and a Rust panic is a BaseException
        if not isinstance(exc, Exception) and type(exc).__name__ != "PanicException":
            raise  # KeyboardInterrupt, SystemExit
        raise UnreadableFileError(
            f"{file_name}: ブックを読み込めません（ファイルが壊れている可能性があります）"
        ) from exc


def sheet_rows(workbook: python_calamine.CalamineWorkbook, name: str) -> list[list[object]]:
    """A sheet's rows from A1; an empty sheet is no rows (calamine panics on a 0-wide range)."""
    sheet = workbook.get_sheet_by_name(name)
    if not sheet.height or not sheet.width:
        return []
    return [list(r) for r in sheet.to_python(skip_empty_area=False)]


def _first_sheet_other_than_cover(names: list[str]) -> str:
    others = [n for n in names if n not in (COVER_SHEET, ERRORS_SHEET)]
    return others[0] if others else names[0]


def _cover_pairs(rows: Sequence[Sequence[object]]) -> dict[str, object]:
    """表紙: label in column A, value in column B; the first occurrence of a label wins."""
    cover: dict[str, object] = {}
    for row in rows:
        if len(row) < 2 or not isinstance(row[0], str):
            continue
        target = COVER_LABELS.get(nfkc_key(row[0]).rstrip(":："))
        if target and target not in cover and row[1] not in ("", None):
            cover[target] = row[1]
    return cover


def _read_csv(data: bytes, file_name: str, digest: str) -> RawTable:
    text = decode_csv(data, file_name)
    try:
        rows: list[list[object]] = [list(r) for r in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as exc:
        raise UnreadableFileError(f"{file_name}: CSVとして読み込めません（{exc}）") from exc
    return RawTable(file_name, "csv", digest, None, rows)


def decode_csv(data: bytes, file_name: str) -> str:
    """Decode UTF-8 (with or without BOM) or Shift_JIS/cp932, whichever the bytes are.

    NUL bytes mean UTF-16 or a binary file: cp932 would decode either into nonsense.
    """
    if data.startswith(UTF16_BOMS) or b"\x00" in data:
        raise UnreadableFileError(
            f"{file_name}: テキストのCSVではありません（UTF-16 またはバイナリのファイルです）。"
            "Excelで「CSV UTF-8（コンマ区切り）」として保存し直してください"
        )
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFileError(
        f"{file_name}: 文字コードを判別できません（UTF-8 または Shift_JIS で保存してください）"
    )
