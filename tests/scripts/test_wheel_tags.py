"""The bundle check matches a pinned requirement to a wheel file only where pip would install it."""

from __future__ import annotations

from pathlib import Path

from scripts.bundle import copy_installers
from scripts.targets import Target, parse_targets
from scripts.wheel_coverage import check_bundle, match_files

# Real file names from the package index, one of each kind the bundle holds.
FILES = [
    "numpy-2.5.5-cp312-cp312-win_amd64.whl",
    "numpy-2.5.5-cp312-cp312-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl",
    "cryptography-50.0.2-cp311-abi3-win_amd64.whl",
    "pywin32-312-cp312-cp312-win_amd64.whl",
    "pandas-3.1.1-cp312-cp312-manylinux_2_34_x86_64.whl",  # needs a newer glibc than 2.28
    "six-1.17.0-py2.py3-none-any.whl",
]
WINDOWS_312, LINUX_312 = Target("windows", "3.12"), Target("linux", "3.12")


def test_a_windows_wheel_matches_its_python_and_platform_only() -> None:
    pins = ["numpy==2.5.5", "pywin32==312", "six==1.17.0"]
    assert match_files(WINDOWS_312, pins, FILES).missing == []
    assert match_files(Target("windows", "3.11"), pins, FILES).missing == ["numpy==2.5.5", "pywin32==312"]
    assert match_files(LINUX_312, pins, FILES).missing == ["pywin32==312"]


def test_an_abi3_wheel_serves_every_later_python() -> None:
    for python in ("3.11", "3.12", "3.14"):
        assert match_files(Target("windows", python), ["cryptography==50.0.2"], FILES).missing == []
    assert match_files(LINUX_312, ["cryptography==50.0.2"], FILES).missing == ["cryptography==50.0.2"]


def test_a_wheel_for_a_newer_glibc_than_the_bundle_supports_does_not_count() -> None:
    assert match_files(LINUX_312, ["pandas==3.1.1"], FILES).missing == ["pandas==3.1.1"]


def test_only_the_pinned_version_counts() -> None:
    assert match_files(WINDOWS_312, ["numpy==2.5.4", "Six==1.17.0"], FILES).missing == ["numpy==2.5.4"]


def test_a_bundle_is_checked_from_its_requirements_files(tmp_path: Path) -> None:
    (tmp_path / "wheels").mkdir()
    (tmp_path / "requirements").mkdir()
    for name in FILES:
        (tmp_path / "wheels" / name).write_bytes(b"")
    (tmp_path / "requirements" / "windows-cp312.txt").write_text(
        "numpy==2.5.5\npywin32==312\n", encoding="utf-8"
    )
    (tmp_path / "requirements" / "linux-cp312.txt").write_text(
        "numpy==2.5.5\npandas==3.1.1\n", encoding="utf-8"
    )
    results = {c.target.name: c for c in check_bundle(tmp_path)}
    assert results["windows-cp312"].missing == [] and results["linux-cp312"].missing == ["pandas==3.1.1"]
    assert (
        results["linux-cp312"].line()
        == "linux-cp312: 1 of 2 requirements: 1 WITHOUT a wheel (1 platform wheels, 0 pure Python)"
    )


def test_targets_are_chosen_by_system_or_name() -> None:
    assert [t.name for t in parse_targets(["windows-cp313", "linux"])][:2] == ["windows-cp313", "linux-cp311"]
    assert {t.system for t in parse_targets([])} == {"linux", "windows"}


def test_windows_files_of_the_bundle_are_written_as_windows_reads_them(tmp_path: Path) -> None:
    copy_installers(tmp_path)
    ps1 = (tmp_path / "install.ps1").read_bytes()
    # Windows PowerShell 5.1 reads a script without a BOM in cp932: the Japanese would break.
    assert ps1.startswith(b"\xef\xbb\xbf") and b"\r\n" in ps1 and b"\n" not in ps1.replace(b"\r\n", b"")
    assert "インストールしました" in ps1.decode("utf-8-sig")
    bat = (tmp_path / "install.bat").read_bytes()
    assert bat.isascii() and b"install.ps1" in bat and b"\n" not in bat.replace(b"\r\n", b"")
    assert (tmp_path / "README.txt").read_bytes().startswith(b"\xef\xbb\xbf")
    assert (tmp_path / "install.sh").stat().st_mode & 0o111 and b"\r" not in (
        tmp_path / "install.sh"
    ).read_bytes()


def test_the_installer_removes_packages_own_tests_and_nothing_a_package_loads(tmp_path: Path) -> None:
    from scripts.install.prune import prune

    files = {
        "pandas/tests/io/test_excel.py": 1000,
        "pandas/tests/data/book.xlsx": 500,
        "numpy/_core/tests/test_umath.py": 300,
        "greenlet/tests/_test_extension.so": 50,  # a C extension: kept, a package may load it
        "pandas/testing.py": 10,
        "numpy/testing/__init__.py": 10,
        "jinja2/tests.py": 10,
        "pkg/tests_data/keep.txt": 10,
    }
    for name, size in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x" * size)
    assert prune(tmp_path) == 1800
    left = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert left == sorted(name for name in files if not name.startswith(("pandas/tests", "numpy/_core")))
