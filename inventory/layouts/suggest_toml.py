"""Write a `Suggestion` as a layout file: TOML with English keys and Japanese comments.

tomlkit writes the values (quoting whatever a heading holds) and keeps the comments that
tell the user what each key means and what each guess rests on. A field that could not be
mapped is written commented out, ready to be filled in and un-commented.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import tomlkit
from tomlkit.items import Item, Table

from inventory.layouts.suggestion import FieldGuess, Source, Suggestion, printable
from inventory.layouts.vocabulary import DEFAULT_UNITS, FIELD_LABELS

_UNIT_NOTES = {
    "見出し": "単位は見出しから",
    "値": "単位は値の書き方から（1時間44分 など）",
    "既定": "単位は推定: 要確認",
}
_SOURCE_HELP = {
    "department": "課の取り方: column | sheet_name | cell | name_pattern | file_name | fixed",
    "fiscal_year": "年度の取り方: column | sheet_name | cell | file_name | fixed",
}


def _commented(table: Table | tomlkit.TOMLDocument, key: str, value: Any, comment: str = "") -> None:
    table.add(key, value)
    if comment:
        item: Item = table[key]
        item.comment(printable(comment))


def _inline(**values: Any) -> Any:
    inline = tomlkit.inline_table()
    inline.update({k: v for k, v in values.items() if v is not None})
    return inline


def _header(doc: tomlkit.TOMLDocument, s: Suggestion) -> None:
    doc.add(
        tomlkit.comment(printable(f"様式ファイル: dxi layout suggest が {s.file_name} から推定しました。"))
    )
    doc.add(tomlkit.comment("「要確認」の行を確かめ、違っていれば直してから使います:"))
    doc.add(tomlkit.comment("  dxi ingest ファイル --layout この様式.toml"))
    _commented(doc, "version", 1)
    _commented(doc, "name", s.name, "様式の名前")
    _commented(
        doc, "form", s.form, "table: 1行に1業務の表 / vertical: 項目名と記載内容の縦型様式（1シートに1業務）"
    )


def _sheets(doc: tomlkit.TOMLDocument, s: Suggestion) -> None:
    if not s.include and not s.exclude:
        doc.add(tomlkit.comment("[sheets] は省略: すべてのシートを読みます"))
        return
    table = tomlkit.table()
    table.comment("読むシート（* は任意の文字列）。省略時は全シート")
    if s.include:
        _commented(table, "include", s.include, f"見つかった業務のシート: {'、'.join(s.sheets[:5])}")
    if s.exclude:
        _commented(table, "exclude", s.exclude, "業務の様式ではないシート")
    doc.add("sheets", table)


def _form(doc: tomlkit.TOMLDocument, s: Suggestion) -> None:
    table = tomlkit.table()
    if s.form == "table":
        table.comment('form = "table" のとき')
        note = "見出しの行番号。2行以上はつなげて読む（結合セルは左上の値を使う）"
        if s.header_rows:
            shown = "〜".join(dict.fromkeys(str(r) for r in (s.header_rows[0], s.header_rows[-1])))
            _commented(table, "header_rows", s.header_rows, f"{note}: {shown}行目")
        else:
            _commented(table, "header_rows", [1], f"要確認: 見出しの行が見つかりません。{note}")
        if s.data_start_row is not None:
            _commented(table, "data_start_row", s.data_start_row, "最初の業務の行（省略時は見出しの次の行）")
        _commented(table, "skip_names", s.skip_names, "業務名がこれに当たる行は読まない（注記・合計行）")
        doc.add("table", table)
    else:
        table.comment('form = "vertical" のとき')
        _commented(table, "label_column", s.label_column, "項目名の列")
        _commented(table, "value_column", s.value_column, "記載内容の列")
        doc.add("vertical", table)


def _field_comment(g: FieldGuess) -> str:
    where = f"{g.sheet} {g.column}{g.row}".strip() if g.sheet else f"{g.column}{g.row}"
    text = f"{FIELD_LABELS.get(g.field, g.field)}: {where}"
    if g.unit_from:
        text += f"、{_UNIT_NOTES[g.unit_from]}"
    if g.score < 100:
        text += "（似た見出しから推定: 要確認）"
    return text


def _fields(doc: tomlkit.TOMLDocument, s: Suggestion) -> None:
    key = "label" if s.form == "vertical" else "heading"
    table = tomlkit.table()
    table.comment(
        '取り込む項目: heading = 見出し（表）/ label = 項目名（縦型）/ column = "E"（列を直接指定）、unit = 単位'
    )
    for g in s.fields:
        _commented(table, g.field, _inline(**{key: g.heading, "unit": g.unit}), _field_comment(g))
    required = [m for m in s.missing if m.required and (m.field in DEFAULT_UNITS or m.field == "name")]
    if required:
        table.add(tomlkit.comment("見つからなかった項目（見出しを書き、行頭の # を外してください）:"))
    for m in required:
        unit = f', unit = "{DEFAULT_UNITS[m.field]}"' if m.field in DEFAULT_UNITS else ""
        table.add(tomlkit.comment(f'{m.field} = {{ {key} = ""{unit} }}   # 要確認: {FIELD_LABELS[m.field]}'))
    optional = [f"{m.field}（{FIELD_LABELS[m.field]}）" for m in s.missing if not m.required]
    if optional:
        table.add(tomlkit.comment(f"見つからなかった任意の項目: {'、'.join(optional)}"))
    doc.add("fields", table)


def _source(doc: tomlkit.TOMLDocument, name: str, source: Source | None, form: str) -> None:
    if source is None:
        return
    table = tomlkit.table()
    table.comment(_SOURCE_HELP[name])
    note = f"要確認: {source.found}" if source.needs_edit else source.found
    _commented(table, "source", source.source, note)
    if source.heading is not None:
        _commented(table, "label" if form == "vertical" else "heading", source.heading)
    if source.sheet is not None:
        _commented(table, "sheet", source.sheet)
    if source.cell is not None:
        _commented(table, "cell", source.cell)
    if source.pattern is not None:
        _commented(table, "pattern", source.pattern, "(?P<課>…) の部分を使います")
    if source.source == "fixed":
        _commented(table, "value", source.value if source.value is not None else "")
    doc.add(name, table)


def render(s: Suggestion) -> str:
    """The layout file's text."""
    doc = tomlkit.document()
    _header(doc, s)
    doc.add(tomlkit.nl())
    _sheets(doc, s)
    _form(doc, s)
    _fields(doc, s)
    _source(doc, "department", s.department, s.form)
    _source(doc, "fiscal_year", s.fiscal_year, s.form)
    return _align(tomlkit.dumps(doc))


def _align(text: str, column: int = 44) -> str:
    """Line the trailing comments up where they fit, as a person would write the file."""
    out = []
    for line in text.splitlines():
        body, sep, comment = line.partition(" # ")
        if sep and not line.lstrip().startswith("#") and '"' not in comment and not _in_string(body):
            body = body.rstrip()
            out.append(f"{body}{' ' * max(1, column - _width(body))}# {comment}")
        else:
            out.append(line)
    return "\n".join(out) + "\n"


def _width(text: str) -> int:
    """Display width: a full-width character takes two cells."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _in_string(body: str) -> bool:
    """Whether the text before a ' # ' leaves a string open (the # is inside the value)."""
    return body.count('"') % 2 == 1
