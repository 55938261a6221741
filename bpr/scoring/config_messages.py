"""Turn pydantic validation errors on the scoring config into Japanese lines.

Why: the people who edit `weights.toml` read Japanese and need to know which key is
wrong and what to write instead; pydantic's English messages and URLs do not help them.
"""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import BaseModel, ValidationError


def _fields_at(model: type[BaseModel], path: tuple[str | int, ...]) -> list[str]:
    """Return the keys allowed in the table at `path`, or [] when it is not a table."""
    current: type[BaseModel] = model
    for part in path:
        field = current.model_fields.get(str(part))
        annotation = field.annotation if field else None
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return []
        current = annotation
    return list(current.model_fields)


def _problem(model: type[BaseModel], error: Any) -> str:
    kind: str = error["type"]
    ctx: dict[str, Any] = error.get("ctx") or {}
    loc: tuple[str | int, ...] = tuple(error["loc"])
    if kind == "extra_forbidden":
        allowed = _fields_at(model, loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f"もしかして {close[0]}？ " if close else ""
        return f"未知のキーです。{hint}使えるキー: {', '.join(allowed)}"
    simple = {
        "float_type": "数値を指定してください",
        "float_parsing": "数値を指定してください",
        "finite_number": "有限の数値を指定してください",
        "int_type": "整数を指定してください",
        "int_parsing": "整数を指定してください",
        "int_from_float": "整数を指定してください（小数は不可）",
        "bool_type": "true または false を指定してください",
        "bool_parsing": "true または false を指定してください",
        "string_type": "文字列を指定してください",
        "tuple_type": "文字列の配列を指定してください",
        "list_type": "文字列の配列を指定してください",
        "model_type": "表（[セクション]）として指定してください",
        "dict_type": "表（[セクション]）として指定してください",
        "missing": "必須の項目です",
    }
    if kind in simple:
        return simple[kind]
    bounds = {
        "greater_than_equal": ("ge", "以上"),
        "greater_than": ("gt", "より大きい値"),
        "less_than_equal": ("le", "以下"),
        "less_than": ("lt", "より小さい値"),
    }
    if kind in bounds:
        key, words = bounds[kind]
        return f"{ctx.get(key)} {words}にしてください"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return f"値が正しくありません（{error['msg']}）"


def validation_problems(model: type[BaseModel], exc: ValidationError) -> list[str]:
    """Return one Japanese line per error: 'dotted.key: problem（入力値: …）'."""
    lines = []
    for error in exc.errors():
        loc = ".".join(str(part) for part in error["loc"]) or "（全体）"
        line = f"{loc}: {_problem(model, error)}"
        if error["type"] not in ("missing", "value_error") and not isinstance(error.get("input"), dict):
            line += f"（入力値: {error.get('input')!r}）"
        lines.append(line)
    return lines
