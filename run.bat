@echo off
rem ==========================================================================
rem  jifen, cadre daily points - Windows launcher: double-click this file.
rem
rem    run.bat                   process input\ into output\
rem    run.bat check             validate only
rem    run.bat publish 2026Q1    publish, i.e. archive, a quarter; see README
rem    run.bat test [args]       install the test extras and run the tests
rem
rem  The Windows package (dist\...-win64.zip) carries its own Python in python\:
rem  then that one runs process.py directly and nothing is ever installed.
rem  In a git checkout the first run creates .venv\ beside this file and
rem  installs the project into it, offline from wheels\ when that folder
rem  exists; later runs reuse it. Python is found as: .venv, then "py -3",
rem  then "python" - version 3.8+.
rem  The window stays open at the end only when started by double-click and
rem  stdin is the console; set JIFEN_NO_PAUSE=1 to never wait.
rem  Exit status: that of process.py or pytest; 2 when Python or .venv could
rem  not be prepared.
rem
rem  Keep this file pure ASCII with CRLF line endings, see .gitattributes:
rem  a Chinese Windows reads .bat files as GBK, so Chinese text is printed by
rem  Python, never by this file. No parenthesised blocks: folder names with
rem  brackets, spaces, ampersands or Chinese characters must not break it.
rem  "call" before py, python: they may be .bat shims, e.g. pyenv-win, and a
rem  .bat started without "call" would never return here.
rem ==========================================================================
setlocal EnableExtensions DisableDelayedExpansion
set "STATUS=0"
set "BOOT="
set "FOUND_OLD="
set "VPY=.venv\Scripts\python.exe"

rem --- For the end: was this window opened just to run this file, by double-click?
rem     Explorer runs: cmd.exe /c ""C:\folder\run.bat" " - a console the user opened
rem     has no /c. bootstrap.py --should-pause decides from these two variables; the
rem     quotes are removed so that no bracket or ampersand in the path can break a line.
set "JIFEN_SELF=%~f0"
set "JIFEN_CMDLINE=%CMDCMDLINE:"=%"

pushd "%~dp0"
if not exist "tools\bootstrap.py" goto :no_folder

set "MODE=run"
set "BOOTARGS="
if /i "%~1"=="test" set "MODE=test"
if "%MODE%"=="test" set "BOOTARGS=--test"

rem --- The package's own Python: run with it, install nothing.
if exist "python\python.exe" goto :bundled

rem --- Which Python prepares .venv: the one in .venv when it works, else py -3, else python.
if not exist "%VPY%" goto :find_python
"%VPY%" -c "import sys; sys.exit(0 if sys.version_info >= (3, 8) else 1)" >nul 2>&1
if errorlevel 1 goto :find_python
set "BOOT=%VPY%"
goto :bootstrap

:find_python
rem     The probe exits 42 for a Python that is too old; other failures: none there.
call py -3 -c "import sys; sys.exit(0 if sys.version_info >= (3, 8) else 42)" >nul 2>&1
if not errorlevel 1 goto :use_py
if errorlevel 42 if not errorlevel 43 set "FOUND_OLD=py -3"
call python -c "import sys; sys.exit(0 if sys.version_info >= (3, 8) else 42)" >nul 2>&1
if not errorlevel 1 goto :use_python
if errorlevel 42 if not errorlevel 43 if not defined FOUND_OLD set "FOUND_OLD=python"
goto :no_python
:use_py
set "BOOT=py -3"
goto :bootstrap
:use_python
set "BOOT=python"
goto :bootstrap

:bootstrap
rem --- Create or refresh .venv; tools\bootstrap.py explains any problem in Chinese.
call %BOOT% tools\bootstrap.py %BOOTARGS%
set "STATUS=%ERRORLEVEL%"
if not "%STATUS%"=="0" goto :finish
if "%MODE%"=="test" goto :run_tests
"%VPY%" process.py %*
set "STATUS=%ERRORLEVEL%"
rem --- A plain run, double-click with no arguments: show the overview page when a
rem     person is watching; bootstrap.py decides, never under CI, always exits 0.
if "%~1"=="" "%VPY%" tools\bootstrap.py --open-overview
goto :finish

:run_tests
"%VPY%" -m pytest %2 %3 %4 %5 %6 %7 %8 %9
set "STATUS=%ERRORLEVEL%"
goto :finish

:bundled
set "BOOT=python\python.exe"
if "%MODE%"=="test" goto :bundled_test
"python\python.exe" process.py %*
set "STATUS=%ERRORLEVEL%"
goto :finish
:bundled_test
echo   The tests are not part of the Windows package; run them in a git checkout.
set "STATUS=2"
goto :finish

:no_python
echo.
echo   Python 3.8 or newer was not found on this computer, so the program cannot run.
if defined FOUND_OLD echo   An older Python was found, but it is too old:
if defined FOUND_OLD call %FOUND_OLD% --version
echo.
echo   Please install Python 3.12, 64-bit, from https://www.python.org/downloads/windows/
echo   In the installer tick "Add python.exe to PATH", then double-click run.bat again.
echo   No internet on this computer? Copy the installer, e.g. python-3.12.10-amd64.exe,
echo   from a computer that has internet. More help: docs\launchers.md
set "STATUS=2"
goto :finish

:no_folder
echo   run.bat must stay in the program folder, beside process.py and tools\.
echo   Folder: "%~dp0"
set "STATUS=2"
goto :finish

:finish
rem --- Keep the window open when started by double-click, so the clerk can read it;
rem     never wait when stdin is not the console. Python answers 0: wait, 1: do not.
if defined JIFEN_NO_PAUSE goto :done
if not defined BOOT goto :no_python_to_ask
call %BOOT% tools\bootstrap.py --should-pause >nul 2>&1
if errorlevel 2 goto :no_python_to_ask
if errorlevel 1 goto :done
goto :wait
:no_python_to_ask
rem     No Python to ask: wait when cmd was started with /c, as Explorer does.
if not defined JIFEN_CMDLINE goto :done
if /i "%JIFEN_CMDLINE: /c =%"=="%JIFEN_CMDLINE%" goto :done
:wait
echo.
pause
:done
popd
exit /b %STATUS%
