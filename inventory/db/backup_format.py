"""The portable backup file: a zip holding manifest.json and one JSON-lines file per table.

Why JSON lines and not a database dump: the same file must restore on the other
backend (SQLite ↔ PostgreSQL) and stay readable without this program. Each line is
one row, a JSON array in the manifest's column order. str, int, float, bool and null
are written as they are; every other value is a one-key object naming its type:

    {"$dt": "2025-04-01T00:00:00+00:00"}   datetime (UTC when the column has a time zone)
    {"$d": "2025-04-01"}   date          {"$tm": "09:30:00"}   time
    {"$dec": "12.50"}      Decimal       {"$b": "<base64>"}    bytes
    {"$json": [...]}       a JSON document (list or object)
    {"$f": "nan"}          a float JSON cannot spell (nan, inf, -inf)

The manifest carries the app version, the alembic revision, the source dialect and,
per table, the row count and the sha256 of its file, so a damaged or edited file is
refused before anything is written.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Literal

from pydantic import BaseModel, Field, ValidationError

from inventory.errors import InventoryError

FORMAT = "dxi-backup"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
MAX_LINE_BYTES = 64 * 1024 * 1024  # one row; a longer "line" means a foreign or hostile file


class BackupError(InventoryError):
    """A backup cannot be written, read or restored; the target database was not changed."""


class TableEntry(BaseModel):
    """One table of the backup: its file, columns, row count and checksum."""

    name: str = Field(min_length=1)
    file: str = Field(min_length=1)
    columns: list[str]
    rows: int = Field(ge=0)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class Manifest(BaseModel):
    """manifest.json: what the file holds and where it came from."""

    format: Literal["dxi-backup"]
    format_version: Literal[1]
    app_version: str
    alembic_revision: str
    created_at: datetime
    source_dialect: str
    tables: list[TableEntry]

    @property
    def total_rows(self) -> int:
        """Rows over every table."""
        return sum(t.rows for t in self.tables)


def encode_value(value: Any, *, naive_is_utc: bool = False) -> Any:
    """One column value as JSON; `naive_is_utc` for SQLite's zone-less copy of an aware column."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {"$f": repr(value)}
    if isinstance(value, datetime):
        if value.tzinfo is None and naive_is_utc:
            value = value.replace(tzinfo=UTC)
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        return {"$dt": value.isoformat()}
    if isinstance(value, date):
        return {"$d": value.isoformat()}
    if isinstance(value, time):
        return {"$tm": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$dec": str(value)}
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$b": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, dict | list):
        return {"$json": value}
    raise TypeError(f"cannot back up a value of type {type(value).__name__}")


_DECODERS: dict[str, Any] = {
    "$dt": datetime.fromisoformat,
    "$d": date.fromisoformat,
    "$tm": time.fromisoformat,
    "$dec": Decimal,
    "$b": lambda text: base64.b64decode(text, validate=True),
    "$json": lambda value: value,
    "$f": float,
}


def decode_value(value: Any) -> Any:
    """Invert `encode_value`."""
    if not isinstance(value, dict):
        return value
    if len(value) != 1:
        raise ValueError("a tagged value has exactly one key")
    ((tag, payload),) = value.items()
    return _DECODERS[tag](payload)


def encode_row(values: Sequence[Any], naive_is_utc: Sequence[bool]) -> bytes:
    """One JSON line for a row."""
    cells = [encode_value(v, naive_is_utc=u) for v, u in zip(values, naive_is_utc, strict=True)]
    return json.dumps(cells, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode() + b"\n"


class TableWriter:
    """Streams one table's rows into its zip entry, counting them and hashing the bytes."""

    def __init__(self, stream: IO[bytes], naive_is_utc: Sequence[bool]) -> None:
        self._stream = stream
        self._naive_is_utc = list(naive_is_utc)
        self._hash = hashlib.sha256()
        self.rows = 0

    def write(self, values: Sequence[Any]) -> None:
        """Append a row."""
        line = encode_row(values, self._naive_is_utc)
        self._hash.update(line)
        self._stream.write(line)
        self.rows += 1

    @property
    def sha256(self) -> str:
        """Checksum of everything written so far."""
        return self._hash.hexdigest()


def _damaged(path: Path, detail: str) -> BackupError:
    return BackupError(
        f"バックアップファイル {path.name} を読めません: {detail}。"
        "ファイルが壊れているか、途中までしかコピーされていないか、dxi のバックアップではありません。"
        "データベースは変更していません。"
    )


def open_backup(path: Path) -> tuple[zipfile.ZipFile, Manifest]:
    """Open the zip and read its manifest; a foreign or truncated file is refused."""
    if not path.is_file():
        raise BackupError(f"バックアップファイルが見つかりません: {path}")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise _damaged(path, f"zip 形式ではありません（{exc}）") from None
    try:
        info = archive.getinfo(MANIFEST_NAME)
        if info.file_size > MAX_LINE_BYTES:
            raise _damaged(path, "manifest.json が大きすぎます")
        manifest = Manifest.model_validate_json(archive.read(info))
    except KeyError:
        archive.close()
        raise _damaged(path, "manifest.json がありません") from None
    except ValidationError as exc:
        archive.close()
        where = ", ".join(".".join(str(p) for p in e["loc"]) or "manifest" for e in exc.errors()[:3])
        raise _damaged(path, f"manifest.json の内容が不正です（{where}）") from None
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
        archive.close()
        raise _damaged(path, f"manifest.json が壊れています（{exc}）") from None
    names = [t.name for t in manifest.tables]
    if len(set(names)) != len(names):
        archive.close()
        raise _damaged(path, "同じ表が二度記録されています")
    return archive, manifest


def iter_rows(archive: zipfile.ZipFile, path: Path, entry: TableEntry) -> Iterator[list[Any]]:
    """Decoded rows of one table; the count and checksum are verified when the file ends."""
    digest = hashlib.sha256()
    count = 0
    try:
        with archive.open(entry.file) as stream:
            while line := stream.readline(MAX_LINE_BYTES + 1):
                if len(line) > MAX_LINE_BYTES or not line.endswith(b"\n"):
                    raise _damaged(path, f"{entry.file} の {count + 1} 行目が途中で切れています")
                digest.update(line)
                count += 1
                try:
                    cells = json.loads(line)
                    if not isinstance(cells, list) or len(cells) != len(entry.columns):
                        raise ValueError("列の数が違います")
                    row = [decode_value(c) for c in cells]
                except (ValueError, TypeError, KeyError) as exc:
                    raise _damaged(path, f"{entry.file} の {count} 行目が不正です（{exc}）") from None
                yield row
    except KeyError:
        raise _damaged(path, f"{entry.file} がありません") from None
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise _damaged(path, f"{entry.file} が壊れています（{exc}）") from None
    if count != entry.rows:
        raise _damaged(
            path, f"表 {entry.name} の行数が manifest と違います（{count} 行, manifest: {entry.rows} 行）"
        )
    if digest.hexdigest() != entry.sha256:
        raise _damaged(path, f"表 {entry.name} のチェックサム（sha256）が一致しません")
