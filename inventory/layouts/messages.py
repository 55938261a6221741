"""Pydantic's validation errors of a layout, said in Japanese and named by key path.

Pydantic reports in English; a clerk editing a layout reads ``fields.cases.unit:
「件数」は使えない単位です（使える単位: …）``. Only the error types a TOML file can
produce are translated; anything else keeps pydantic's text after the key path.
"""

from __future__ import annotations

import types
import typing
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel, ValidationError

_TYPES = {
    "string_type": '文字列で指定してください（例: "事務事業名"）',
    "int_type": "整数で指定してください",
    "int_parsing": "整数で指定してください",
    "int_from_float": "整数で指定してください",
    "float_type": "数値で指定してください",
    "float_parsing": "数値で指定してください",
    "bool_type": "true か false で指定してください",
    "list_type": "リストで指定してください（例: [4, 5]）",
    "dict_type": '表で指定してください（例: { heading = "…" } または [見出し]）',
    "model_type": '表で指定してください（例: { heading = "…" } または [見出し]）',
    "missing": "必須の項目がありません",
    "string_too_short": "空にできません",
    "too_short": "少なくとも1つ指定してください",
}


def key_path(loc: tuple[int | str, ...]) -> str:
    """`("table", "header_rows", 1)` → `table.header_rows[1]`."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(全体)"


def pydantic_problems(exc: ValidationError, model: type[BaseModel]) -> list[str]:
    """One Japanese line per error: the key path, then what is wrong."""
    problems = []
    for error in exc.errors():
        loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        loc = tuple(p for p in loc if p not in ("str", "int"))  # the member of a union pydantic tried
        problems.append(f"{key_path(loc)}: {_message(error, loc, model)}")
    return list(dict.fromkeys(problems))


def _message(error: Any, loc: tuple[int | str, ...], model: type[BaseModel]) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        keys = _allowed_keys(model, loc[:-1])
        return "知らない項目です" + (f"（使える項目: {', '.join(keys)}）" if keys else "")
    if kind == "literal_error":
        choices = _literal_choices(model, loc)
        what = "単位" if loc and loc[-1] == "unit" else "値"
        return f"「{error['input']}」は使えない{what}です（使える{what}: {', '.join(choices)}）"
    if kind == "value_error":
        return str(error["ctx"]["error"])
    if kind in ("greater_than", "greater_than_equal", "less_than_equal", "less_than"):
        bound = next(iter(error["ctx"].values()))
        bound = int(bound) if isinstance(bound, float) and bound.is_integer() else bound
        words = {"greater_than": "より大きく", "greater_than_equal": "以上に", "less_than_equal": "以下に",
                 "less_than": "より小さく"}  # fmt: skip
        return f"{bound} {words[kind]}してください（指定: {error['input']}）"
    if kind == "string_too_long":
        return f"{error['ctx']['max_length']} 文字以内にしてください"
    if kind == "too_long":
        return f"{error['ctx']['max_length']} 個までにしてください"
    return _TYPES.get(kind, f"値が正しくありません（{error['msg']}）")


def _field_type(model: type[BaseModel], loc: tuple[int | str, ...]) -> Any:
    """The annotation at a key path, walking nested models, dicts and lists."""
    current: Any = model
    for part in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            if not isinstance(part, str) or part not in current.model_fields:
                return None
            current = current.model_fields[part].annotation
        elif get_origin(current) in (dict, list):
            current = get_args(current)[-1]
        else:
            return None
    return current


def _unwrap(annotation: Any) -> Any:
    """`X | None` → X."""
    if get_origin(annotation) in (typing.Union, types.UnionType):
        members = [a for a in get_args(annotation) if a is not type(None)]
        return members[0] if len(members) == 1 else annotation
    return annotation


def _allowed_keys(model: type[BaseModel], loc: tuple[int | str, ...]) -> list[str]:
    found = _unwrap(_field_type(model, loc))
    if isinstance(found, type) and issubclass(found, BaseModel):
        return list(found.model_fields)
    return []


def _literal_choices(model: type[BaseModel], loc: tuple[int | str, ...]) -> list[str]:
    found = _unwrap(_field_type(model, loc))
    if get_origin(found) is Literal:
        return [str(a) for a in get_args(found)]
    return []
