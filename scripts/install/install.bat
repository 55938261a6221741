@echo off
rem Installs dxi without internet: runs install.ps1 from this folder (double-click is enough).
rem Options are passed on, e.g.  install.bat -Prefix D:\dxi
powershell.exe -NoProfile -ExecutionPolicy Bypass -File "%~dp0install.ps1" %*
set rc=%errorlevel%
pause
exit /b %rc%
