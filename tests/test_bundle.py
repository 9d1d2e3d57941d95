"""qwb bundle: the offline install. Building needs PyPI (skipped, with the reason, when it is unreachable); the
slow test installs a bundle built for this machine into a fresh venv with no index and runs ``qwb demo``."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

import pytest

from qwb import bundle
from qwb.bundle import PYTHONS, fits_python, foreign_wheels, missing_requirements, target_environment, wheel_tags

ROOT = Path(__file__).resolve().parent.parent


@functools.cache
def pypi_problem() -> str:
    """Why PyPI cannot be used from here ("" when it can): pip fetches one small wheel."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        try:
            run = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                                  "--disable-pip-version-check", "-q", "-d", tmp, "et_xmlfile"],
                                 capture_output=True, text=True, timeout=90)
        except subprocess.TimeoutExpired:
            return "pip timed out reaching the package index"
    return "" if run.returncode == 0 else "the package index is unreachable: " + (run.stderr.strip()[-200:] or "?")


def needs_pypi() -> None:
    if pypi_problem():
        pytest.skip(f"PyPI not reachable, bundle not built ({pypi_problem()})")


def declared() -> list[str]:
    from pip._vendor.packaging.requirements import Requirement

    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    return [bundle._normal(Requirement(d).name) for d in deps]


def test_wheel_tags_and_pythons() -> None:
    assert wheel_tags("python_calamine-0.9.1-cp312-cp312-win_amd64.whl") == ("python-calamine", "cp312", ["win_amd64"])
    assert fits_python("numpy-2.5.5-cp312-cp312-win_amd64.whl", "3.12")
    assert not fits_python("numpy-2.5.5-cp312-cp312-win_amd64.whl", "3.13")
    assert fits_python("cryptography-50.0.2-cp311-abi3-win_amd64.whl", "3.13")
    assert fits_python("olefile-0.47-py2.py3-none-any.whl", "3.11")
    env = target_environment("win_amd64", "3.12")
    assert env["sys_platform"] == "win32" and env["platform_system"] == "Windows" and env["python_version"] == "3.12"


def test_install_bat_and_instructions() -> None:
    bat = bundle.install_bat()
    bat.encode("gbk")  # cmd.exe on Chinese Windows reads the code page 936
    for step in ("-m venv", "--no-index --find-links", "xlwings.exe\" addin install", "console --out",
                 "--interpreter \"%VENV%\\Scripts\\pythonw.exe\""):
        assert step in bat, step
    assert "py -3.13" not in bat and "for %%v in (3.13 3.12 3.11)" in bat
    text = bundle.instructions()
    assert "install.bat" in text and "启用内容" in text and "解除锁定" in text and len(text.splitlines()) < 50


@pytest.mark.network
def test_windows_bundle_has_a_wheel_for_every_dependency(tmp_path: Path) -> None:
    needs_pypi()
    out = tmp_path / "qwb-offline"
    bundle.build_bundle(out, "win_amd64", PYTHONS, ROOT, say=lambda _: None)
    wheels = out / "wheels"
    assert foreign_wheels(wheels, "win_amd64") == []  # win_amd64 or pure Python, nothing else
    for python in PYTHONS:
        fitting = {bundle._normal(wheel_tags(p.name)[0]) for p in wheels.glob("*.whl") if fits_python(p.name, python)}
        assert set(declared()) | {"qwb", "pywin32"} <= fitting, python  # pywin32: xlwings on Windows only
        assert missing_requirements(wheels, "win_amd64", python) == []
    assert (out / "console" / "qwb_console.xlsm").is_file() and (out / "install.bat").is_file()
    assert b"\r\n" in (out / "install.bat").read_bytes()
    assert (out / "安装说明.txt").read_text(encoding="utf-8-sig").startswith("qwb 质量工作考核工具 离线安装说明")


@pytest.mark.network
@pytest.mark.slow
def test_a_fresh_venv_installs_from_the_bundle_with_no_index_and_runs_the_demo(tmp_path: Path) -> None:
    needs_pypi()
    out = tmp_path / "bundle"
    from qwb.cli import main

    assert main(["bundle", "--platform", "native", "--out", str(out), "--source", str(ROOT)]) == 0
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL")}
    env |= {"PIP_NO_INDEX": "1", "PIP_CONFIG_FILE": os.devnull}
    install = subprocess.run([str(bindir / "python"), "-m", "pip", "install", "--no-index", "--find-links",
                              str(out / "wheels"), "qwb"], capture_output=True, text=True, env=env)
    assert install.returncode == 0, install.stderr[-2000:]
    demo = subprocess.run([str(bindir / "qwb"), "demo", "--out", str(tmp_path / "demo")], capture_output=True,
                          text=True, env=env, cwd=tmp_path)
    assert demo.returncode == 0, demo.stderr[-2000:]
    assert (tmp_path / "demo" / "汇总.json").is_file()
    where = subprocess.run([str(bindir / "python"), "-c", "import qwb; print(qwb.__file__)"], capture_output=True,
                           text=True, env=env, cwd=tmp_path, check=True).stdout
    assert str(env_dir) in where  # the installed qwb, not this source tree


@pytest.mark.parametrize(("installed", "refused"), [("24.1", True), ("23.2.1", True), ("", True), ("24.2", False),
                                                    ("26.3", False), ("25.0.dev0", False)])
def test_an_old_pip_is_named_before_the_bundle_starts(installed: str, refused: bool) -> None:
    """pip 24.1 and older failed the offline install check halfway with "numpy requires a different Python"."""
    if refused:
        with pytest.raises(bundle.BundleError, match=r"需要 pip 24\.2 或更新的版本.*pip install --upgrade pip"):
            bundle.check_pip(installed)
    else:
        bundle.check_pip(installed)
    assert bundle.pip_version()  # the pip this qwb runs with
