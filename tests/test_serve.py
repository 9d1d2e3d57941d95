"""``qwb serve`` on loopback: xlwings Server offers the QWB_* functions over HTTP, as Excel on the web calls them."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import xlwings as xw

from qwb.serve import missing_packages, server_environment, write_project

pytestmark = pytest.mark.skipif(bool(missing_packages()), reason='需要 pip install "qwb[serve]"')
DATA = Path(__file__).parent / "data"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read()


def post(url: str, data: dict[str, Any]) -> Any:
    request = urllib.request.Request(url, json.dumps(data).encode("utf-8"), {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``qwb serve`` on a free loopback port; stopped afterwards."""
    port, folder = free_port(), tmp_path_factory.mktemp("xlwings-server")
    env = {k: v for k, v in os.environ.items() if not k.startswith("XLWINGS_")}
    log = (folder / "server.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "qwb", "serve", "--host", "127.0.0.1", "--port", str(port),
                             "--project", str(folder / "project")], env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                get(base + "/xlwings/custom-functions-meta")
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((folder / "server.log").read_text(errors="replace")) from None
                time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def call(base: str, name: str, *args: Any) -> Any:
    data = {"func_name": name, "args": list(args), "version": xw.__version__, "client": "Office.js",
            "runtime": "1.4", "caller_address": "Sheet1!C3"}
    return post(base + "/xlwings/custom-functions-call", data)["result"]


def test_metadata_over_http_lists_the_qwb_functions(server: str) -> None:
    status, body = get(server + "/xlwings/custom-functions-meta")
    functions = {f["name"]: f for f in json.loads(body)["functions"]}
    assert status == 200
    assert {"QWB_TARGET", "QWB_SCORE", "QWB_TOTAL", "QWB_RANK"} <= set(functions)
    assert len(functions) == 16  # qwb.udfs only: none of xlwings Server's examples
    target = functions["QWB_TARGET"]
    assert [p["name"] for p in target["parameters"]] == ["value", "op", "target", "pass_score", "fail_score"]
    assert "目标" in target["description"]


def test_functions_called_over_http(server: str) -> None:
    assert call(server, "QWB_TARGET", [[95.19999999999999]], [[">="]], [[95.2]], [[20]], [[None]]) == [[20.0]]
    assert call(server, "QWB_TARGET", [[None]], [[">="]], [[95.2]], [[20]], [[None]]) == [
        [{"type": "Error", "errorType": "NotAvailable"}]]
    assert call(server, "QWB_RANK", [[87.5]], [[90], [87.5], [87.5], [80]]) == [[2]]
    assert call(server, "QWB_SCORE", [[str(DATA / "mini.yaml")]], [["5"]], [[[81]]]) == [[15.0]]


def test_addin_manifest_and_function_code_are_served(server: str) -> None:
    status, manifest = get(server + "/manifest")
    assert status == 200 and "qwb 质量工作考核".encode() in manifest and b'DefaultValue="QWB"' in manifest
    status, code = get(server + "/xlwings/custom-functions-code")
    assert status == 200 and b'CustomFunctions.associate("QWB_TARGET"' in code


def test_project_folder_and_environment(tmp_path: Path) -> None:
    folder = write_project(tmp_path / "p")
    assert "from qwb.udfs import *" in (folder / "custom_functions" / "__init__.py").read_text(encoding="utf-8")
    env = server_environment(folder)
    assert env["XLWINGS_PROJECT_DIR"] == str(folder.resolve()) and env["XLWINGS_FUNCTIONS_NAMESPACE"] == "QWB"
    assert env["XLWINGS_LICENSE_KEY"]
