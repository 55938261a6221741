"""Find code that works on Linux but not on the Windows PCs a DX team has (run by `make lint`).

ruff's banned-api rule (TID251, configured in pyproject.toml) already refuses POSIX-only
modules and functions: fcntl, os.fork, os.kill, os.rename, signals beyond SIGINT … This
check covers what a name alone cannot show:

    WIN001  path.rename(target): fails on Windows when target exists; use path.replace(target)
    WIN002  subprocess options that only exist on POSIX (start_new_session, preexec_fn …)
    WIN003  a "fork" start method for multiprocessing
    WIN004  a path built or split with a hard-coded "/" or "\\" instead of pathlib

A line that is right all the same says why with `# windows-ok: <reason>`.

    python -m scripts.windows_check inventory bpr flows scripts
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

POSIX_ONLY_OPTIONS = {"start_new_session", "preexec_fn", "pass_fds", "process_group", "user", "group",
                      "extra_groups", "umask"}  # fmt: skip
POPEN_LIKE = {"Popen", "run", "call", "check_call", "check_output", "create_subprocess_exec",
              "create_subprocess_shell"}  # fmt: skip
PATHLIKE = re.compile(r"(path|dir|folder|file|home|inbox|outbox)s?$|^(path|dir|folder|home)", re.I)
SEPARATORS = ("/", "\\")
PRAGMA = "# windows-ok:"


@dataclass(frozen=True)
class Finding:
    path: Path
    line: int
    column: int
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column + 1}: {self.code} {self.message}"


def _name(node: ast.expr) -> str:
    """The identifier a value is known by: `folder` for folder, `inbox` for self.inbox, '' otherwise."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "str" and node.args:
        return _name(node.args[0])
    return ""


def _pathlike(node: ast.expr) -> bool:
    return bool(PATHLIKE.search(_name(node)))


def _separator(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in SEPARATORS


def _edge_separator(node: ast.expr) -> bool:
    """A string constant that starts or ends with a path separator."""
    if not (isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value):
        return False
    return node.value[0] in SEPARATORS or node.value[-1] in SEPARATORS


def _call_findings(node: ast.Call) -> Iterator[tuple[str, str]]:
    func = node.func
    method = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    if method == "rename" and len(node.args) == 1 and not node.keywords:
        yield "WIN001", "rename() fails on Windows when the target exists: use replace() (os.replace)"
    if method in POPEN_LIKE:
        for keyword in node.keywords:
            if keyword.arg in POSIX_ONLY_OPTIONS:
                yield (
                    "WIN002",
                    f"{keyword.arg}= is POSIX-only: on Windows use creationflags (see flows/cli/serve.py)",
                )
    if method in ("get_context", "set_start_method") and node.args:
        first = node.args[0]
        if isinstance(first, ast.Constant) and first.value in ("fork", "forkserver"):
            yield "WIN003", f'the "{first.value}" start method does not exist on Windows: use "spawn"'
    if method in ("split", "rsplit") and isinstance(func, ast.Attribute) and node.args:
        if _separator(node.args[0]) and _pathlike(func.value):
            yield "WIN004", "splits a path on a hard-coded separator: use Path.parts / Path.name"


def _join_findings(node: ast.expr) -> Iterator[tuple[str, str]]:
    message = "joins a path with a hard-coded separator: use pathlib (folder / name)"
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        pairs = ((node.left, node.right), (node.right, node.left))
        if any(_edge_separator(text) and _pathlike(other) for text, other in pairs):
            yield "WIN004", message
    if isinstance(node, ast.JoinedStr):
        parts = node.values
        for before, after in zip(parts, parts[1:], strict=False):
            pairs = ((before, after), (after, before))
            for text, value in pairs:
                if isinstance(value, ast.FormattedValue) and _edge_separator(text) and _pathlike(value.value):
                    yield "WIN004", message
                    return


def check_source(source: str, path: Path) -> list[Finding]:
    """Every finding in one module's source, minus the lines marked `# windows-ok:`."""
    lines = source.splitlines()
    findings = []
    for node in ast.walk(ast.parse(source, filename=str(path))):
        if isinstance(node, ast.Call):
            found = _call_findings(node)
        elif isinstance(node, ast.expr):
            found = _join_findings(node)
        else:
            continue
        for code, message in found:
            line = getattr(node, "lineno", 1)
            if PRAGMA not in lines[line - 1]:
                findings.append(Finding(path, line, getattr(node, "col_offset", 0), code, message))
    return sorted(findings, key=lambda f: (f.line, f.column, f.code))


def check_paths(paths: list[Path]) -> list[Finding]:
    files = [p for root in paths for p in ([root] if root.is_file() else sorted(root.rglob("*.py")))]
    return [f for file in files for f in check_source(file.read_text(encoding="utf-8"), file)]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    findings = check_paths([Path(a) for a in args or ["inventory", "bpr", "flows", "scripts"]])
    for finding in findings:
        print(finding)  # noqa: T201 (a lint tool)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
