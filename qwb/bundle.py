"""``qwb bundle``: one folder that installs qwb on an office PC with no internet.

    qwb bundle --platform win_amd64 --out qwb-offline

writes::

    qwb-offline/
      wheels/            qwb and every dependency as wheels for 64-bit Windows, CPython 3.11, 3.12 and 3.13
      console/           qwb_console.xlsm (buttons) and qwb_console.py
      install.bat        venv from the PC's Python, pip --no-index, xlwings add-in, console with the interpreter
      安装说明.txt        one page, for the person installing

The wheels come from PyPI through pip's cross-platform options (``pip download --only-binary=:all:
--platform win_amd64 --python-version 3.1x``), qwb's own from ``pip wheel`` of the source tree. pip
evaluates environment markers on the machine it runs on, so requirements that apply only on Windows
(xlwings needs pywin32 there) are found by :func:`missing_requirements` and downloaded too. Before it
finishes, the bundle is checked the way the office PC will use it: ``pip install --dry-run --no-index
--find-links wheels qwb`` for each Python version and the target platform. ``--platform native`` builds
for this machine and its Python only (the tests install from such a bundle into a fresh venv).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

PLATFORMS = ("win_amd64", "native")
PYTHONS = ("3.11", "3.12", "3.13")
NATIVE = "native"
WHEELS, CONSOLE = "wheels", "console"

Say = Callable[[str], None]


class BundleError(Exception):
    """A step of the bundle failed; the message says which and what pip said."""


def source_tree() -> Path | None:
    """The qwb source tree this qwb runs from (pyproject.toml beside the package), if it is one."""
    root = Path(__file__).resolve().parent.parent
    return root if (root / "pyproject.toml").is_file() else None


def _pip(args: Sequence[str], what: str) -> str:
    cmd = [sys.executable, "-m", "pip", "--disable-pip-version-check", *args]
    run = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", errors="replace")
    if run.returncode != 0:
        tail = "\n".join((run.stderr or run.stdout).strip().splitlines()[-12:])
        raise BundleError(f"{what}失败（pip 退出码 {run.returncode}）：\n{tail}")
    return run.stdout


#: the oldest pip whose install check for another Python (--target with --python-version) judges a wheel's
#: Requires-Python by the target version: 24.1 refused numpy ("requires a different Python: 3.11.7 not in >=3.12")
MIN_PIP = (24, 2)


def pip_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pip")
    except PackageNotFoundError:
        return ""


def check_pip(installed: str) -> None:
    """A clear message instead of pip's own failure halfway through when the pip at hand is too old."""
    numbers = tuple(int(p) for p in re.findall(r"\d+", installed)[:2])
    if numbers < MIN_PIP:
        wanted = ".".join(map(str, MIN_PIP))
        raise BundleError(f"制作离线安装包需要 pip {wanted} 或更新的版本（现为 {installed or '未安装'}）。"
                          f"请先运行：{Path(sys.executable).name} -m pip install --upgrade pip")


def _target(platform: str, python: str) -> list[str]:
    if platform == NATIVE:
        return []
    return ["--platform", platform, "--python-version", python, "--implementation", "cp",
            "--only-binary=:all:"]


def wheel_tags(name: str) -> tuple[str, str, list[str]]:
    """(distribution, python tag, platform tags) of a wheel file name."""
    parts = name[:-4].split("-")
    return parts[0].lower().replace("_", "-"), parts[-3], parts[-1].split(".")


def fits_python(name: str, python: str) -> bool:
    """Whether CPython ``python`` (e.g. "3.12") can install the wheel ``name`` (by its python and ABI tags)."""
    parts = name[:-4].split("-")
    minor = int(python.split(".")[1])
    for tag in parts[-3].split("."):
        if tag.startswith("py") and tag[2:3] in ("", "3"):
            return True
        if tag == f"cp3{minor}" or (parts[-2] == "abi3" and tag.startswith("cp3") and int(tag[3:]) <= minor):
            return True
    return False


def foreign_wheels(folder: Path, platform: str) -> list[str]:
    """Wheels in ``folder`` that are neither pure Python nor built for ``platform``."""
    return sorted(p.name for p in folder.glob("*.whl")
                  if not {"any", platform} & set(wheel_tags(p.name)[2]))


def _requirement_type() -> Any:
    try:
        from packaging.requirements import Requirement
    except ImportError:  # pip carries its own copy
        from pip._vendor.packaging.requirements import Requirement  # type: ignore[no-redef]
    return Requirement


def target_environment(platform: str, python: str) -> dict[str, str]:
    """The environment markers of CPython ``python`` on ``platform`` (pip evaluates markers on this machine,
    so ``pywin32; platform_system == "Windows"`` would be left out of a Windows bundle built on Linux)."""
    env = {"python_version": python, "python_full_version": f"{python}.0", "implementation_name": "cpython",
           "platform_python_implementation": "CPython", "implementation_version": f"{python}.0", "extra": ""}
    if platform.startswith("win"):
        env |= {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt",
                "platform_machine": "AMD64" if platform.endswith("amd64") else "x86", "platform_release": "10"}
    return env


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def missing_requirements(folder: Path, platform: str, python: str) -> list[str]:
    """Requirements of the wheels in ``folder`` for ``python`` that apply on the target but have no wheel there
    for that Python."""
    import zipfile

    requirement = _requirement_type()
    env = target_environment(platform, python)
    wheels = [p for p in sorted(folder.glob("*.whl")) if fits_python(p.name, python)]
    have = {_normal(wheel_tags(p.name)[0]) for p in wheels}
    missing: dict[str, str] = {}
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as z:
            meta = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA") and n.count("/") == 1)
            lines = z.read(meta).decode("utf-8", "replace").splitlines()
        for line in lines:
            if not line.startswith("Requires-Dist:"):
                continue
            req = requirement(line.split(":", 1)[1].strip())
            if (req.marker is None or req.marker.evaluate(env)) and _normal(req.name) not in have:
                missing[_normal(req.name)] = f"{req.name}{req.specifier}"
    return [missing[k] for k in sorted(missing)]


def build_bundle(out: Path, platform: str = "win_amd64", pythons: Sequence[str] = PYTHONS,
                 source: Path | None = None, say: Say = print) -> list[Path]:
    """Write the offline bundle into ``out``; the files written (the wheels folder counts as one)."""
    from qwb.console_book import build_console

    source = source or source_tree()
    if source is None or not (source / "pyproject.toml").is_file():
        raise BundleError("需要 qwb 源码文件夹（含 pyproject.toml）：用 --source 指定")
    check_pip(pip_version())
    if platform == NATIVE:
        pythons = [f"{sys.version_info.major}.{sys.version_info.minor}"]
    out = Path(out)
    wheels = out / WHEELS
    own = _own_wheel(source, wheels, say)
    for python in pythons:
        _download(wheels, own, platform, python, say)
    _verify(wheels, platform, pythons, say)
    build_console(out / CONSOLE)
    written = [wheels, out / CONSOLE, out / "install.bat", out / "安装说明.txt"]
    (out / "install.bat").write_bytes(install_bat(pythons).replace("\n", "\r\n").encode("gbk"))
    (out / "安装说明.txt").write_bytes(("\ufeff" + instructions(pythons, platform)).replace("\n", "\r\n")
                                     .encode("utf-8"))
    say(f"完成：{len(list(wheels.glob('*.whl')))} 个安装包，位于 {out}")
    return written


def _own_wheel(source: Path, wheels: Path, say: Say) -> Path:
    """qwb's own wheel, built from the source tree into ``wheels``."""
    wheels.mkdir(parents=True, exist_ok=True)
    say(f"打包 qwb（{source}）……")
    _pip(["wheel", "--no-deps", "--quiet", "-w", str(wheels), str(source)], "打包 qwb ")
    return sorted(wheels.glob("qwb-*.whl"), key=lambda p: p.stat().st_mtime)[-1]


def _download(wheels: Path, own: Path, platform: str, python: str, say: Say) -> None:
    """Every dependency of ``own`` for ``python`` on ``platform``, with what pip's host markers left out."""
    say(f"下载依赖：{platform}，Python {python} ……")
    _pip(["download", "--quiet", "-d", str(wheels), *_target(platform, python), str(own)],
         f"下载 Python {python} 的依赖")
    for _ in range(10):
        missing = missing_requirements(wheels, platform, python) if platform != NATIVE else []
        if not missing:
            return
        say(f"补充目标平台需要的依赖：{'、'.join(missing)}")
        _pip(["download", "--quiet", "-d", str(wheels), *_target(platform, python), *missing],
             f"下载 Python {python} 的依赖 {'、'.join(missing)}")
    raise BundleError(f"Python {python} 的依赖没有补全：{'、'.join(missing)}")


def _verify(wheels: Path, platform: str, pythons: Sequence[str], say: Say) -> None:
    """Check the folder as the office PC will use it: only fitting wheels, and pip installs qwb with no index."""
    foreign = foreign_wheels(wheels, platform) if platform != NATIVE else []
    if foreign:
        raise BundleError(f"以下安装包不适用于 {platform}：{'、'.join(foreign)}")
    for python in pythons:
        say(f"检查：Python {python} 能否离线安装……")
        missing = missing_requirements(wheels, platform, python) if platform != NATIVE else []
        if missing:
            raise BundleError(f"Python {python} 缺少安装包：{'、'.join(missing)}")
        with tempfile.TemporaryDirectory() as target:
            _pip(["install", "--dry-run", "--quiet", "--no-index", "--find-links", str(wheels), "--target", target,
                  *_target(platform, python), "qwb"], f"离线安装检查（Python {python}）")


def install_bat(pythons: Sequence[str] = PYTHONS) -> str:
    """The installer: GBK text (cmd.exe on Chinese Windows), paths relative to the bundle's own folder."""
    versions = " ".join(sorted(pythons, reverse=True))
    return f"""@echo off
setlocal
chcp 936 >nul
rem qwb offline installer: a venv beside this file, installed from .\\wheels with no network
set "HERE=%~dp0"
set "VENV=%HERE%venv"
set "PY="
for %%v in ({versions}) do (
  if not defined PY (
    py -%%v -c "import sys" >nul 2>&1 && set "PY=py -%%v"
  )
)
if not defined PY (
  python -c "import sys; sys.exit(not ((3, 11) <= sys.version_info[:2] <= (3, 13)))" >nul 2>&1 && set "PY=python"
)
if not defined PY (
  echo 未找到 Python {pythons[0]}～{pythons[-1]}（64 位）。请先安装 Python（安装时勾选 Add python.exe to PATH），再运行本文件。
  goto :fail
)
echo [1/4] 正在创建 Python 环境：%VENV%
%PY% -m venv "%VENV%" || goto :fail
echo [2/4] 正在从本文件夹安装 qwb（不需要网络）……
"%VENV%\\Scripts\\python.exe" -m pip install --no-index --find-links "%HERE%{WHEELS}" qwb || goto :fail
echo [3/4] 正在安装 Excel 的 xlwings 加载项……
"%VENV%\\Scripts\\xlwings.exe" addin install || goto :fail
echo [4/4] 正在生成控制台工作簿，并写入 Python 路径……
"%VENV%\\Scripts\\qwb.exe" console --out "%HERE%{CONSOLE}" --interpreter "%VENV%\\Scripts\\pythonw.exe" || goto :fail
powershell -NoProfile -Command "Get-ChildItem -LiteralPath '%HERE%{CONSOLE}' | Unblock-File" >nul 2>&1
echo.
echo 安装完成。请打开 %HERE%{CONSOLE}\\qwb_console.xlsm，点“启用内容”，填写控制台后点按钮。
echo 命令行：%VENV%\\Scripts\\qwb.exe --help
pause
exit /b 0
:fail
echo.
echo 安装未完成，请把本窗口的内容截图发给技术支持。
pause
exit /b 1
"""


def instructions(pythons: Sequence[str] = PYTHONS, platform: str = "win_amd64") -> str:
    """安装说明.txt: one page."""
    return f"""qwb 质量工作考核工具 离线安装说明

适用：64 位 Windows，桌面版 Excel（2016 或更新）。安装过程不需要联网。

一、准备
  1. 本机需已安装 64 位 Python {pythons[0]}～{pythons[-1]} 中的任一版本。没有的话，请用单位提供的
     Python 安装程序安装，安装时勾选“Add python.exe to PATH”。
  2. 把整个安装文件夹复制到本机的固定位置，例如 D:\\qwb。以后不要移动或改名（Excel 会记住其中的路径）。

二、安装
  1. 关闭所有 Excel 窗口。
  2. 双击文件夹中的 install.bat，等待窗口显示“安装完成”（约 1～3 分钟），按任意键关闭。
     它会：在文件夹中建立 venv 环境 → 从 {WHEELS} 文件夹安装 qwb → 安装 Excel 的 xlwings 加载项 →
     在 {CONSOLE} 文件夹生成控制台工作簿 qwb_console.xlsm，并把 Python 路径写入其 xlwings.conf 表。

三、Excel 设置（只需一次）
  1. 打开 {CONSOLE}\\qwb_console.xlsm，在黄色提示条上点“启用内容”。
  2. 如提示“Microsoft 已阻止宏运行”：关闭 Excel，右键 qwb_console.xlsm → 属性 → 勾选“解除锁定” → 确定。
  3. 使用 QWB_TARGET 等计分函数时，还需：文件 → 选项 → 信任中心 → 信任中心设置 → 宏设置 →
     勾选“信任对 VBA 工程对象模型的访问”，然后在 xlwings 选项卡点 Import Functions。

四、使用
  在“控制台”表的黄色单元格填写方案文件、退回文件夹等，点击表上的按钮：
    生成模板           按方案生成发给各部门（或各单位）的填报模板
    检查一份退回文件   报送前检查一份填报文件
    汇总排名           读取退回文件夹，计分、排名，写出汇总排名工作簿
  进度显示在 Excel 窗口底部的状态栏，结果写在“运行状态”，“结果文件”可点击打开。

五、不用 Excel 时
  命令提示符中运行：D:\\qwb\\venv\\Scripts\\qwb.exe consolidate 方案文件 退回文件夹 --out 汇总排名.xlsx
  WPS、LibreOffice 用户请用这种方式。

本安装包适用平台：{platform}；Python {"、".join(pythons)}。
"""


# --- command line -------------------------------------------------------------------------


def add_commands(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser("bundle", help="生成离线安装包（Windows 单位电脑无网络安装 qwb 与 Excel 控制台）")
    p.add_argument("--out", type=Path, required=True, help="输出文件夹")
    p.add_argument("--platform", choices=PLATFORMS, default="win_amd64",
                   help="目标平台：win_amd64（默认），或 native（本机，用于测试）")
    p.add_argument("--python", nargs="+", default=list(PYTHONS), metavar="VERSION",
                   help="目标 Python 版本（默认 3.11 3.12 3.13）")
    p.add_argument("--source", type=Path, default=None, help="qwb 源码文件夹（默认：当前运行的 qwb 所在的源码）")
    p.set_defaults(run=run_bundle_command)


def run_bundle_command(args: argparse.Namespace) -> int:
    bad = [v for v in args.python if not re.fullmatch(r"3\.\d+", v)]
    if bad:
        print(f"用法错误：Python 版本应形如 3.11，现为 {'、'.join(bad)}", file=sys.stderr)
        return 2
    try:
        build_bundle(args.out, args.platform, args.python, args.source)
    except BundleError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0

