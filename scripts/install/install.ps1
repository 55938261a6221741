<#
.SYNOPSIS
    dxi をインターネットなしでインストールします（Windows 10 / 11、64 ビット）。

.DESCRIPTION
    このフォルダの wheels\ だけを使い、パッケージの取得にネットワークを使いません。管理者権限は不要です。
    1. 対応する Python（py ランチャー、PATH の python、-Python の指定、このフォルダに置いた
       python.org のインストーラー python-3.*-amd64.exe の順に探します）を見つけます。
    2. インストール先（既定 %LOCALAPPDATA%\Programs\dxi）に仮想環境を作り直し、dxi を入れます。
    3. その Scripts フォルダを利用者の PATH に加えます。
    4. dxi init でデータフォルダ（既定 %LOCALAPPDATA%\dxi）とデータベースを作ります。
    もう一度実行すると更新になります（データはそのまま残ります）。dxi serve や dxi web が
    動いているときは、止めてから実行してください。

.EXAMPLE
    powershell -ExecutionPolicy Bypass -File .\install.ps1

.EXAMPLE
    powershell -ExecutionPolicy Bypass -File .\install.ps1 -Prefix D:\dxi -Python C:\Python312\python.exe
#>
param(
    [string]$Prefix = (Join-Path $env:LOCALAPPDATA "Programs\dxi"),
    [string]$Python = ""
)
$ErrorActionPreference = "Stop"
$here = $PSScriptRoot
$wheels = Join-Path $here "wheels"

function Fail([string]$Message) {
    Write-Host "エラー: $Message" -ForegroundColor Red
    exit 1
}

function Invoke-Native([string]$FilePath, [string[]]$Arguments, [string]$What) {
    # Windows PowerShell turns a native program's stderr into errors under "Stop": pip warns there.
    $ErrorActionPreference = "Continue"
    & $FilePath @Arguments
    if ($LASTEXITCODE -ne 0) { Fail "$What に失敗しました（終了コード $LASTEXITCODE）。上の表示を確認してください。" }
}

# The Python versions this bundle has wheels for: requirements\windows-cp312.txt -> 3.12.
$supported = @(Get-ChildItem (Join-Path $here "requirements") -Filter "windows-cp3*.txt" |
    ForEach-Object { "3." + $_.BaseName.Substring("windows-cp3".Length) } | Sort-Object -Descending)

function Test-Python([string[]]$Command) {
    # The full path of python.exe when $Command runs a CPython this bundle supports, else $null.
    $ErrorActionPreference = "Continue"
    try {
        $rest = @($Command | Select-Object -Skip 1)
        $out = @(& $Command[0] @rest -c "import sys; print(sys.executable); print('%d.%d' % sys.version_info[:2])" 2>$null)
        if ($LASTEXITCODE -eq 0 -and $out.Count -ge 2 -and $supported -contains $out[1]) { return $out[0] }
    } catch { }
    return $null
}

function Find-Python {
    if ($Python) { return Test-Python @($Python) }
    foreach ($version in $supported) {
        $found = Test-Python @("py", "-$version")
        if ($found) { return $found }
    }
    $found = Test-Python @("python")
    if ($found) { return $found }
    foreach ($version in $supported) {  # installed for this user but not on PATH
        $exe = Join-Path $env:LOCALAPPDATA ("Programs\Python\Python" + $version.Replace(".", "") + "\python.exe")
        if (Test-Path $exe) { return Test-Python @($exe) }
    }
    return $null
}

$pythonExe = Find-Python
if (-not $pythonExe -and -not $Python) {
    $installer = Get-ChildItem $here -Filter "python-3.*-amd64.exe" | Select-Object -First 1
    if ($installer) {
        Write-Host "Python をこの利用者用にインストールしています: $($installer.Name)"
        $process = Start-Process -FilePath $installer.FullName -Wait -PassThru -ArgumentList @(
            "/quiet", "InstallAllUsers=0", "PrependPath=0", "Include_launcher=1", "InstallLauncherAllUsers=0", "Include_test=0")
        if ($process.ExitCode -ne 0) { Fail "Python のインストールに失敗しました（終了コード $($process.ExitCode)）。" }
        $pythonExe = Find-Python
    }
}
if (-not $pythonExe) {
    Fail ("対応する Python（" + ($supported -join "、") + "）が見つかりません。python.org の Windows 用インストーラー" +
        "（例: python-3.12.10-amd64.exe）をこのフォルダに置いてもう一度実行するか、-Python で python.exe を指定してください。")
}

$abi = "cp" + (& $pythonExe -c "import sys; print('%d%d' % sys.version_info[:2])")
$requirements = Join-Path $here "requirements\windows-$abi.txt"
$pipWheel = (Get-ChildItem $wheels -Filter "pip-*.whl" | Select-Object -First 1).FullName
$projectWheel = (Get-ChildItem $wheels -Filter "dx_task_inventory-*.whl" | Select-Object -First 1).FullName
$venv = Join-Path $Prefix "venv"
$scripts = Join-Path $venv "Scripts"

Write-Host "Python: $pythonExe"
Write-Host "インストール先: $Prefix"
Invoke-Native $pythonExe @("-m", "venv", "--clear", "--without-pip", $venv) `
    "仮想環境の作成（dxi serve や dxi web が動いていれば止めてから実行してください）"
# pip runs from its bundled wheel: --isolated ignores the user's pip settings and index.
Invoke-Native (Join-Path $scripts "python.exe") @(
    (Join-Path $pipWheel "pip"), "install", "--isolated", "--no-index", "--find-links", $wheels,
    "--no-compile", "--disable-pip-version-check", "--quiet", "-r", $requirements, $projectWheel) "パッケージのインストール"
Invoke-Native (Join-Path $scripts "python.exe") @((Join-Path $here "prune.py")) "パッケージ付属のテストの削除"

# The user's PATH, read and written unexpanded so entries such as %USERPROFILE%\bin keep working.
$key = [Microsoft.Win32.Registry]::CurrentUser.CreateSubKey("Environment")
$raw = [string]$key.GetValue("Path", "", [Microsoft.Win32.RegistryValueOptions]::DoNotExpandEnvironmentNames)
$entries = @($raw -split ";" | Where-Object { $_ -ne "" })
if ($entries -notcontains $scripts) {
    $key.SetValue("Path", (($entries + $scripts) -join ";"), [Microsoft.Win32.RegistryValueKind]::ExpandString)
    Write-Host "利用者の PATH に追加しました: $scripts"
}
$key.Close()
# Setting a variable through .NET tells Windows the environment changed, so new windows see the PATH.
[Environment]::SetEnvironmentVariable("DXI_APP", $Prefix, "User")
$env:Path = "$scripts;$env:Path"

Invoke-Native (Join-Path $scripts "dxi.exe") @("init") "データフォルダとデータベースの作成（dxi init）"
Write-Host ""
Write-Host "インストールしました: $(Join-Path $scripts 'dxi.exe')" -ForegroundColor Green
Write-Host "  新しく開いた PowerShell で使えます。"
Write-Host "  動作の点検: dxi doctor"
Write-Host "  デモ:       dxi demo"
