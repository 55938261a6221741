"""The municipal wording of survey headings: which heading names which task field, in what unit.

Written by hand because it is ours: how 課 in Japanese towns head their 業務量調査 columns
(事務事業名, 年間処理件数, 1件あたり処理時間, 人工, 導入前・導入後 …). `match_heading` reads
one heading: qualifiers first (導入後 is after-automation hours whatever else the heading
says), then the exact spelling, then the longest spelling the heading contains, then a
fuzzy match with rapidfuzz for the near misses (1件当り処理時間, 事務事業の名称). Pure, no I/O.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from inventory.survey.schema import COLUMNS

# Field → its name as the user reads it (the survey template's header where it has one).
FIELD_LABELS: dict[str, str] = {
    **{c.field: c.header for c in COLUMNS},
    "minutes_per_case": "1件当たり処理時間",
    "annual_hours": "年間時間",
    "hours_after": "導入後の年間時間",
}

# The spellings of each field, strongest first: when two columns name one field, the
# column whose spelling comes first wins (事務事業名 over 業務内容 for the task name).
_OWN: dict[str, tuple[str, ...]] = {
    "name": (
        "業務名", "事務事業名", "事務名", "事業名", "業務の名称", "事務の名称", "事務事業の名称",
        "業務名称", "細事業名", "作業名", "対象業務", "業務項目", "事務事業", "業務内容", "事務内容",
    ),
    "department": (
        "課", "課名", "担当課", "担当課名", "所属", "所属名", "所属課", "所管課", "所管部署",
        "担当部署", "部署", "部署名", "課室名", "課等名", "所管",
    ),
    "division": ("部", "部名", "部局", "部局名", "担当部"),
    "section": ("係", "係名", "担当係", "グループ", "担当グループ", "班"),
    "task_code": ("業務ID", "業務コード", "業務番号", "整理番号", "事業番号", "管理番号", "事務事業番号"),
    "fiscal_year": ("年度", "調査年度", "対象年度", "実績年度"),
    "category_1": ("大分類", "業務分類", "業務分野", "分野"),
    "annual_volume": (
        "年間件数", "年間処理件数", "処理件数", "件数", "年間処理量", "取扱件数", "年間取扱件数",
        "受付件数", "申請件数", "発生件数", "年間発生件数", "業務規模", "処理量", "年間回数", "実施回数",
    ),
    "minutes_per_case": (
        "1件当たり処理時間", "1件あたり処理時間", "1件当り処理時間", "1件あたり所要時間", "1件当たり",
        "1件あたり", "処理時間", "所要時間", "単位時間", "作業時間", "標準処理時間", "平均処理時間",
        "1回あたり", "1回当たり",
    ),
    "annual_hours": (
        "年間総計", "年間業務時間", "年間処理時間", "年間作業時間", "年間所要時間", "年間従事時間",
        "年間時間", "年間総時間", "総業務時間", "業務時間", "総時間", "合計時間", "業務量",
    ),
    "hours_after": ("導入後", "導入後の時間", "削減後", "自動化後"),
    "staff_count": (
        "従事職員数", "従事人数", "担当者数", "従事者数", "職員数", "担当職員数", "人数", "担当人数",
        "従事職員",
    ),
    "peak_months": ("繁忙月", "繁忙期", "繁忙時期", "繁忙な月"),
    "notes": ("備考", "メモ", "特記事項", "補足", "課題", "課題・問題点"),
}  # fmt: skip

# A heading we know and leave out on purpose, with the reason the user is told.
_NUMBERING = "通し番号です（業務IDなら task_code に指定してください）"
_IGNORED: dict[str, str] = {
    "no": _NUMBERING, "no.": _NUMBERING, "番号": _NUMBERING, "通番": _NUMBERING, "項番": _NUMBERING,
    "連番": _NUMBERING, "#": _NUMBERING,
    "業務の目的・概要": "説明の項目です", "業務の目的": "説明の項目です", "根拠法令等": "説明の項目です",
    "根拠法令": "説明の項目です", "成果指標": "説明の項目です", "投入資源": "見出しの行です",
    "項目名": "見出しの行です", "記載内容": "見出しの行です",
}  # fmt: skip

FUZZY_CUTOFF = 80.0  # rapidfuzz ratio: 処理件数 vs 処理時間 is 50, 1件当り処理時間 vs 1件当たり処理時間 is 94
UNITS = ("件", "分", "時間", "人工", "人日", "人月", "%", "自動")
# The unit a field's numbers are in when neither heading nor values say.
DEFAULT_UNITS: dict[str, str] = {
    "annual_volume": "件",
    "minutes_per_case": "分",
    "annual_hours": "時間",
    "hours_after": "時間",
}
TIME_FIELDS = ("minutes_per_case", "annual_hours", "hours_after")


@dataclass(frozen=True)
class HeadingMatch:
    """What one heading names: a field (or None for a column left out), how sure, in what unit."""

    field: str | None
    score: float  # 0-100
    spelling: str  # the vocabulary word it matched
    unit: str | None = None  # from the heading text: （分）, 人工 …
    reason: str = ""  # why a known column is left out

    @property
    def rank(self) -> int:
        """Position of the spelling in its field's list: lower is the stronger heading."""
        spellings = SPELLINGS.get(self.field or "", ())
        return spellings.index(self.spelling) if self.spelling in spellings else len(spellings)


def heading_key(text: object) -> str:
    """A heading as matched: NFKC, no spaces or line breaks, no ※ note after it."""
    key = "".join(unicodedata.normalize("NFKC", str(text)).split())
    return re.sub(r"※.*$", "", key).strip("・:：")


def _spellings() -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {f: [heading_key(s) for s in words] for f, words in _OWN.items()}
    for column in COLUMNS:  # the product's own template is a municipal format too
        words = table.setdefault(column.field, [])
        for spelling in (column.header, *column.synonyms):
            key = _core(heading_key(spelling))[0]
            if key.lower() not in _IGNORED and key not in words:
                words.append(key)
    return {f: tuple(words) for f, words in table.items()}


# Qualifiers decide before any spelling: (pattern on the heading, field or None, reason).
_QUALIFIERS: tuple[tuple[re.Pattern[str], str | None, str], ...] = (
    (re.compile(r"(導入|削減|自動化|改善|RPA化?|実施|見直し|効率化)後"), "hours_after", ""),
    (re.compile(r"削減|短縮|効果時間|効果額"), None, "削減した時間は導入前と導入後から計算します"),
    (
        re.compile(r"(導入|削減|自動化|改善|RPA化?|実施|見直し|効率化)前|現状の?(時間|業務時間|処理時間)"),
        "annual_hours",
        "",
    ),
    (
        re.compile(r"月平均|月間|[1一]?[かヶケカ]?月(あたり|当たり|当り)|日平均|[1一]日|週|四半期"),
        None,
        "年間の値ではありません（年間の列を使います）",
    ),
    (re.compile(r"通常期|閑散期"), None, "時期別の値です（年間総計を使います）"),
    (re.compile(r"人工(?!知能)|人役|工数"), "annual_hours", ""),
    (re.compile(r"人日"), "annual_hours", ""),
    (re.compile(r"人月"), "annual_hours", ""),
    (re.compile(r"[1一](件|回)(あたり|当たり|当り|につき)"), "minutes_per_case", ""),
)
_UNIT_IN_BRACKETS = re.compile(r"[(\[（【〔<＜]([^)\]）】〕>＞]*)[)\]）】〕>＞]")
_UNIT_WORDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"人工(?!知能)|人役|工数"), "人工"),
    (re.compile(r"人日"), "人日"),
    (re.compile(r"人月"), "人月"),
    (re.compile(r"^(時間|h|hr|hrs|時間/年|h/年)$", re.IGNORECASE), "時間"),
    (re.compile(r"^(分|min|分/件|分/回)$", re.IGNORECASE), "分"),
    (re.compile(r"^(件|件数|件/年|回|回数|回/年|枚)$"), "件"),
    (re.compile(r"^(%|割合)$"), "%"),
)


def _core(key: str) -> tuple[str, str | None]:
    """Split a heading key into its words and the unit its brackets or suffix give."""
    unit = None
    for inner in _UNIT_IN_BRACKETS.findall(key):
        unit = unit or unit_of(inner)
    core = _UNIT_IN_BRACKETS.sub("", key) or key.strip(
        "()（）[]［］【】"
    )  # (整理番号) is a heading in brackets
    if m := re.fullmatch(r"(.+?)[/／](分|時間|h|件)$", core):  # 処理時間/分
        core, unit = m[1], unit or unit_of(m[2])
    return core, unit


def unit_of(text: str) -> str | None:
    """The unit a bit of heading text names: 分, 時間, 件, 人工, 人日, 人月, % (or None)."""
    for pattern, unit in _UNIT_WORDS:
        if pattern.search(text):
            return unit
    return None


def _person_unit(core: str) -> str | None:
    return next((u for p, u in _UNIT_WORDS[:3] if p.search(core)), None)


def match_heading(text: object) -> HeadingMatch | None:
    """The field a heading names, or None when it names nothing we know."""
    return _match(heading_key(text))


@functools.lru_cache(maxsize=4096)
def _match(key: str) -> HeadingMatch | None:
    if not key:
        return None
    core, unit = _core(key)
    unit = unit or _person_unit(core)
    if reason := _IGNORED.get(core.lower()):
        return HeadingMatch(None, 100.0, core, unit, reason)
    for pattern, field, reason in _QUALIFIERS:
        if m := pattern.search(core):
            return HeadingMatch(field, 100.0, m[0], unit, reason)
    for field, spellings in SPELLINGS.items():
        if core in spellings:
            return HeadingMatch(field, 100.0, core, unit)
    return _contained(core, unit) or _fuzzy(core, unit)


def _contained(core: str, unit: str | None) -> HeadingMatch | None:
    """The longest spelling of three or more characters the heading contains."""
    found = [
        (len(s), f, s) for f, spellings in SPELLINGS.items() for s in spellings if len(s) >= 3 and s in core
    ]
    if not found:
        return None
    length, field, spelling = max(found, key=lambda t: t[0])
    return HeadingMatch(field, 70.0 + 30.0 * length / len(core), spelling, unit)


def _fuzzy(core: str, unit: str | None) -> HeadingMatch | None:
    """The closest spelling by rapidfuzz's ratio, if it is close enough (事務事業の名前 → 事務事業の名称)."""
    best = process.extractOne(core, _CHOICE_WORDS, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
    if best is None:
        return None
    spelling, score, index = best
    return HeadingMatch(_CHOICES[index][1], float(score), spelling, unit)


SPELLINGS: dict[str, tuple[str, ...]] = _spellings()
_CHOICES = [(s, f) for f, spellings in SPELLINGS.items() for s in spellings if len(s) >= 3]
_CHOICE_WORDS = [s for s, _ in _CHOICES]

# Cell labels that name where the 課 and the 年度 of a whole file are written (表紙, title block).
DEPARTMENT_LABELS = frozenset(
    heading_key(s) for s in ("課", "課名", "所属", "所属名", "所属課", "担当課", "所管課", "部署名", "回答課")
)
YEAR_LABELS = frozenset(heading_key(s) for s in ("年度", "調査年度", "対象年度", "実績年度"))

# Sheets that are never task sheets.
NON_TASK_SHEETS = re.compile(r"目次|表紙|記入例|記載例|記入要領|説明|注意|凡例|選択肢|リスト|エラー一覧|集計")
# Task names that mark a row that is not a task: totals and notes.
TOTAL_NAMES = ("合計", "小計", "計", "総計", "累計")
NOTE_PREFIXES = ("※", "注", "(注", "（注", "*", "＊")
