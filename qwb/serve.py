"""``qwb serve``: the QWB_* functions for Excel on the web and on macOS, through a self-hosted xlwings Server.

xlwings Server (the ``xlwings-server`` package, licensed PolyForm Noncommercial
for noncommercial use such as a government office's own work) is an Office
add-in backend: it serves the add-in manifest, the task pane and the custom
functions of a project folder's ``custom_functions`` package. ``qwb serve``
writes such a folder whose ``custom_functions`` is :mod:`qwb.udfs` and runs the
server on a local address. Install with ``pip install "qwb[serve]"``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8000
PROJECT_NAME = "qwb 质量工作考核"
FUNCTIONS_INIT = '''"""The custom functions xlwings Server offers: qwb's scoring functions (written by qwb serve)."""

from qwb.udfs import *  # noqa: F401,F403
'''
SCRIPTS_INIT = '''"""No custom scripts: the console runs in desktop Excel (written by qwb serve)."""
'''


def default_project() -> Path:
    return Path.home() / ".qwb" / "xlwings-server"


def write_project(folder: Path) -> Path:
    """The xlwings Server project folder: ``custom_functions`` is qwb.udfs; nothing else of the examples."""
    from qwb.files import write_atomic

    folder = Path(folder)
    write_atomic(folder / "custom_functions" / "__init__.py", FUNCTIONS_INIT.encode("utf-8"))
    write_atomic(folder / "custom_scripts" / "__init__.py", SCRIPTS_INIT.encode("utf-8"))
    return folder


def server_environment(folder: Path, namespace: str = "QWB") -> dict[str, str]:
    """The settings xlwings Server reads from XLWINGS_* variables; a licence key the user set is kept."""
    env = {
        "XLWINGS_PROJECT_DIR": str(Path(folder).resolve()),
        "XLWINGS_ON_SERVER": "true",
        "XLWINGS_PROJECT_NAME": PROJECT_NAME,
        "XLWINGS_FUNCTIONS_NAMESPACE": namespace,
        "XLWINGS_ENABLE_HOTRELOAD": "false",
        "XLWINGS_ENABLE_EXAMPLES": "false",
    }
    env["XLWINGS_LICENSE_KEY"] = os.environ.get("XLWINGS_LICENSE_KEY") or "noncommercial"
    return env


def missing_packages() -> list[str]:
    import importlib.util

    return [name for name in ("xlwings_server", "uvicorn") if importlib.util.find_spec(name) is None]


def serve(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, folder: Path | None = None,
          ssl_keyfile: str | None = None, ssl_certfile: str | None = None, namespace: str = "QWB") -> None:
    """Run xlwings Server with qwb.udfs as its custom functions until interrupted."""
    folder = write_project(folder or default_project())
    os.environ.update(server_environment(folder, namespace))
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
    import uvicorn

    uvicorn.run("xlwings_server.main:main_app", host=host, port=port, ssl_keyfile=ssl_keyfile,
                ssl_certfile=ssl_certfile, log_level="info")


# --- command line -------------------------------------------------------------------------


def add_commands(subparsers: Any) -> None:
    """``qwb serve``: xlwings Server with the QWB_* functions on a local address."""
    p = subparsers.add_parser("serve", help="以 xlwings Server 提供 QWB_* 计分函数（网页版 Excel、macOS Excel）")
    add_arguments(p)
    p.set_defaults(run=run_serve_command)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default=DEFAULT_HOST, help=f"监听地址（默认 {DEFAULT_HOST}，仅本机可访问）")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"端口（默认 {DEFAULT_PORT}）")
    p.add_argument("--project", type=Path, default=None, help="xlwings Server 项目文件夹（默认 ~/.qwb/xlwings-server）")
    p.add_argument("--ssl-keyfile", default=None, help="HTTPS 私钥文件（Office 加载项要求 HTTPS）")
    p.add_argument("--ssl-certfile", default=None, help="HTTPS 证书文件")
    p.add_argument("--namespace", default="QWB", help="函数在 Excel 中的前缀，例如 =QWB.QWB_TARGET(...)（默认 QWB）")


def run_serve_command(args: argparse.Namespace) -> int:
    missing = missing_packages()
    if missing:
        print(f"缺少 {'、'.join(missing)}：请先运行 pip install \"qwb[serve]\"", file=sys.stderr)
        return 1
    scheme = "https" if args.ssl_certfile else "http"
    print(f"xlwings Server 启动中：{scheme}://{args.host}:{args.port}/manifest 为加载项清单；按 Ctrl+C 停止。")
    serve(args.host, args.port, args.project, args.ssl_keyfile, args.ssl_certfile, args.namespace)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="qwb serve", description="以 xlwings Server 提供 QWB_* 计分函数")
    add_arguments(parser)
    return run_serve_command(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
