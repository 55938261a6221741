#!/bin/sh
# dxi をインターネットなしでインストールします（Linux x86_64、glibc 2.28 以降）。
#
#   sh install.sh [インストール先]        既定: ~/.local/share/dxi-app
#
# 使う Python は環境変数 PYTHON で指定できます（既定: python3。3.11 以上）。
# このフォルダの wheels/ だけを使い、パッケージの取得にネットワークを使いません。
# 仮想環境を作り直して入れ（パッケージ付属のテストは削除）、~/.local/bin/dxi を置き、dxi init でデータフォルダ
# （既定 ~/.local/share/dxi）とデータベースを作ります。もう一度実行すると更新になります
# （データはそのまま残ります）。
set -eu

here=$(cd "$(dirname "$0")" && pwd)
python=${PYTHON:-python3}
prefix=${1:-${XDG_DATA_HOME:-$HOME/.local/share}/dxi-app}
bindir=${DXI_BIN_DIR:-$HOME/.local/bin}

fail() {
  echo "エラー: $*" >&2
  exit 1
}

command -v "$python" >/dev/null 2>&1 ||
  fail "Python（$python）が見つかりません。Python 3.11 以上を入れるか、PYTHON=/path/to/python3 を指定してください。"
version=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
requirements="$here/requirements/linux-cp$(echo "$version" | tr -d .).txt"
if [ ! -f "$requirements" ]; then
  supported=$(ls "$here/requirements" | sed -n 's/^linux-cp3\(.*\)\.txt$/3.\1/p' | tr '\n' ' ')
  fail "このバンドルには Python $version 用のパッケージがありません。対応する版: $supported"
fi
pip_wheel=$(ls "$here"/wheels/pip-*.whl | head -n 1)
project_wheel=$(ls "$here"/wheels/dx_task_inventory-*.whl | head -n 1)

echo "Python $version: $(command -v "$python")"
echo "インストール先: $prefix"
"$python" -m venv --clear --without-pip "$prefix/venv" ||
  fail "仮想環境を作れません（Debian・Ubuntu では python3-venv パッケージが必要です）。"
# pip runs from its bundled wheel: --isolated ignores the user's pip settings and index.
"$prefix/venv/bin/python" "$pip_wheel/pip" install --isolated --no-index --find-links "$here/wheels" \
  --no-compile --disable-pip-version-check --quiet -r "$requirements" "$project_wheel" ||
  fail "パッケージをインストールできませんでした（上の表示を確認してください）。"
"$prefix/venv/bin/python" "$here/prune.py"

mkdir -p "$bindir"
ln -sf "$prefix/venv/bin/dxi" "$bindir/dxi"
"$bindir/dxi" init

echo
echo "インストールしました: $bindir/dxi"
case ":$PATH:" in
  *":$bindir:"*) ;;
  *) echo "  $bindir を PATH に追加してください（例: echo 'export PATH=\"$bindir:\$PATH\"' >> ~/.profile）" ;;
esac
echo "  動作の点検: dxi doctor"
echo "  デモ:       dxi demo"
