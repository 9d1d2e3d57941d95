"""The `qwb` command line (docs/cli.md). Thin: every command calls one pipeline function.

Imports are lazy so `qwb --help` and `qwb check` start fast.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
SCHEME_HELP = "方案文件（.yaml 或 .xlsx），或内置方案名：changzhou、tieling、xianning、yangjiang、yongzhou"


class ChineseParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"用法错误：{message}（qwb --help 查看帮助）", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseParser(prog="qwb", description="qwb：质量工作考核，从考核方案到排名。")
    parser.add_argument("--version", action="store_true", help="显示版本")
    sub = parser.add_subparsers(dest="command", parser_class=ChineseParser)

    scheme = sub.add_parser("scheme", help="考核方案：检查、转换")
    scheme_sub = scheme.add_subparsers(dest="scheme_command", parser_class=ChineseParser)
    p = scheme_sub.add_parser("check", help="检查方案（.yaml 或 .xlsx）中的不一致")
    p.add_argument("scheme", type=scheme_arg, help=SCHEME_HELP)
    p.set_defaults(run=run_scheme_check)
    p = scheme_sub.add_parser("export", help="在 YAML 与 Excel 两种形式之间转换方案")
    p.add_argument("scheme", type=scheme_arg, help=SCHEME_HELP)
    p.add_argument("--out", type=Path, required=True, help="输出文件（.yaml 或 .xlsx）")
    p.set_defaults(run=run_scheme_export)
    p = scheme_sub.add_parser("blank", help="生成空白的方案编制工作簿")
    p.add_argument("--out", type=Path, default=Path("workbook_templates/考核方案编制模板.xlsx"))
    p.set_defaults(run=run_scheme_blank)

    p = sub.add_parser("score", help="按方案为 JSON 中的填报值计分")
    p.add_argument("scheme", type=scheme_arg, help=SCHEME_HELP)
    p.add_argument("entries", type=Path, help='{"entries": {编码: 值}}')
    p.add_argument("--json", type=Path, dest="json_out", help="写出汇总 JSON")
    p.add_argument("--full", action="store_true", help="在终端显示完整排名（默认单位多时只显示前 10 名和后 10 名）")
    p.set_defaults(run=run_score)

    p = sub.add_parser("template", help="生成填报模板（按部门或按被考核单位）")
    p.add_argument("scheme", type=scheme_arg, help=SCHEME_HELP)
    p.add_argument("--by", choices=("department", "unit"), required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--password", default=None, help="工作表保护密码（默认无密码）")
    p.set_defaults(run=run_template)

    p = sub.add_parser("check", help="检查一份退回的填报文件")
    p.add_argument("scheme", type=scheme_arg, help=SCHEME_HELP)
    p.add_argument("return_file", type=Path)
    p.set_defaults(run=run_check)

    p = sub.add_parser("consolidate", help="汇总一个文件夹中的退回文件，计分并排名")
    p.add_argument("scheme", type=scheme_arg, help=SCHEME_HELP)
    p.add_argument("returns", type=Path)
    p.add_argument("--out", type=Path, required=True, help="排名工作簿 .xlsx")
    p.add_argument("--json", type=Path, dest="json_out", help="汇总 JSON")
    p.add_argument("--expect", choices=("department", "unit", "both"), default=None,
                   help="应提交的模板类型（默认：按收到的文件判断，都没有时为 department）")
    p.add_argument("--workers", type=int, default=None, help="读取文件的进程数（默认：CPU 核数）")
    p.add_argument("--full", action="store_true", help="在终端显示完整排名（默认单位多时只显示前 10 名和后 10 名）")
    p.add_argument("--timings", action="store_true", help="最后显示各阶段用时（读取与校验、计分、排名工作簿、汇总 JSON、终端输出）")
    p.add_argument("--as-of", dest="as_of", default=None, metavar="PERIOD",
                   help="期中汇总：只计到该时间节点（编号或名称，如 H1 或 半年）为止；默认为退回文件中填了值的最晚节点")
    p.add_argument("--adjust", type=Path, default=None, metavar="ADJUST.xlsx",
                   help="质强办核查调整工作簿（“调整”表：编码、调整值、理由、调整人）；用 qwb adjustments 生成空白表")
    p.add_argument("--previous", type=Path, default=None, metavar="LAST.json",
                   help="上年的汇总 JSON：排名中加上年得分、上年名次和名次升降")
    p.add_argument("--feedback", type=Path, default=None, metavar="DIR",
                   help="为有问题或未报送的部门（单位）各写一份退回修改工作簿到该文件夹")
    p.add_argument("--max-file-mb", type=int, default=50, help="单个文件大小上限（MB）")
    p.add_argument("--max-unzipped-mb", type=int, default=200, help="解压后大小上限（MB）")
    p.add_argument("--max-rows", type=int, default=50_000, help="工作表行数上限")
    p.add_argument("--max-columns", type=int, default=200, help="工作表列数上限")
    p.add_argument("--max-chars", type=int, default=32_767, help="单元格文字长度上限")
    p.set_defaults(run=run_consolidate)

    p = sub.add_parser("adjustments", help="生成空白的核查调整工作簿（配合 qwb consolidate --adjust）")
    p.add_argument("scheme", type=scheme_arg, help=SCHEME_HELP)
    p.add_argument("--out", type=Path, required=True, help="输出的 .xlsx")
    p.set_defaults(run=run_adjustments)

    p = sub.add_parser("demo", help="用内置方案演示完整流程")
    p.add_argument("--out", type=Path, default=Path("demo"))
    p.add_argument("--scheme", default="changzhou", help="内置方案名（changzhou、yongzhou、xianning、tieling、yangjiang）或路径")
    p.add_argument("--year", action="store_true", help="全年演示：铁岭方案的半年、前三季度、年终三次汇总，含退回修改、核查调整、与上年比较")
    p.set_defaults(run=run_demo)

    from qwb.console_book import add_commands as add_console  # qwb console: the Excel console workbook

    add_console(sub)

    from qwb.bundle import add_commands as add_bundle  # qwb bundle: the offline install for Windows

    add_bundle(sub)

    from qwb.serve import add_commands as add_serve  # qwb serve: QWB_* functions through xlwings Server

    add_serve(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.version:
        from qwb.version import __version__

        print(f"qwb {__version__}")
        return EXIT_OK
    run: Callable[[argparse.Namespace], int] | None = getattr(args, "run", None)
    if run is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return run(args)
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return EXIT_FAILED


# --- commands ---------------------------------------------------------------------


def scheme_arg(text: str) -> Path:
    """A scheme file, or a bundled scheme by name (changzhou, tieling, xianning, yangjiang, yongzhou)."""
    from qwb.scheme import resolve

    return resolve(text) or Path(text)


def _console() -> Any:
    from qwb.terminal import console

    return console()


def _load_scheme(path: Path) -> Any:
    """The scheme, or None after printing why it cannot be used."""
    from qwb.issues import errors
    from qwb.scheme import read
    from qwb.terminal import where

    scheme, issues = read(path)
    if scheme is None or errors(issues):
        print(f"方案“{path}”有错误，无法使用：", file=sys.stderr)
        for issue in errors(issues):
            print(f"  ✗ {where(issue)}{issue.message}", file=sys.stderr)
        return None
    return scheme


def run_scheme_check(args: argparse.Namespace) -> int:
    from qwb.issues import errors
    from qwb.scheme import read
    from qwb.terminal import print_issues

    console = _console()
    scheme, issues = read(args.scheme)
    print_issues(issues, console)
    n_err, n_warn = len(errors(issues)), len(issues) - len(errors(issues))
    if scheme is not None:
        console.print(
            f"方案 {scheme.id}「{scheme.name}」：{len(scheme.indicators)} 项指标，{len(scheme.units)} 个被考核单位，"
            f"{len(scheme.departments)} 个部门，{len(scheme.periods)} 个时间节点，{len(scheme.vetoes)} 个否决项。"
        )
    console.print(f"{n_err} 个错误，{n_warn} 个警告。" if issues else "未发现问题。")
    return EXIT_FAILED if n_err or scheme is None else EXIT_OK


def run_scheme_export(args: argparse.Namespace) -> int:
    scheme = _load_scheme(args.scheme)
    if scheme is None:
        return EXIT_FAILED
    from qwb.files import write_atomic

    suffix = args.out.suffix.lower()
    if suffix in (".yaml", ".yml"):
        from qwb.scheme.yaml_form import dump_yaml

        write_atomic(args.out, dump_yaml(scheme).encode("utf-8"))
    elif suffix == ".xlsx":
        from qwb.scheme.excel_writer import write_excel

        write_excel(scheme, args.out)
    else:
        print("输出文件应为 .yaml 或 .xlsx", file=sys.stderr)
        return EXIT_USAGE
    print(f"已写出 {args.out}")
    return EXIT_OK


def run_scheme_blank(args: argparse.Namespace) -> int:
    from qwb.scheme.excel_writer import write_blank

    write_blank(args.out)
    print(f"已写出 {args.out}")
    return EXIT_OK


def run_score(args: argparse.Namespace) -> int:
    scheme = _load_scheme(args.scheme)
    if scheme is None:
        return EXIT_FAILED
    try:
        data = json.loads(args.entries.read_text(encoding="utf-8"))
        entries = data["entries"]
        if not isinstance(entries, dict):
            raise TypeError
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"无法读取填报值文件“{args.entries}”：应为 {{\"entries\": {{编码: 值}}}}（{exc}）", file=sys.stderr)
        return EXIT_FAILED
    from qwb.engine import score
    from qwb.summary import summary_json
    from qwb.terminal import print_issues, print_ranking

    result = score(scheme, entries)
    console = _console()
    print_ranking(result, console, args.full)
    print_issues(result.issues, console)
    if args.json_out:
        from qwb.files import write_atomic

        write_atomic(args.json_out, summary_json(result))
        console.print(f"汇总已写出：{args.json_out}")
    return EXIT_OK


def run_template(args: argparse.Namespace) -> int:
    scheme = _load_scheme(args.scheme)
    if scheme is None:
        return EXIT_FAILED
    from qwb.templates import write_templates

    paths = write_templates(scheme, args.by, args.out, password=args.password)
    print(f"已生成 {len(paths)} 个模板，位于 {args.out}")
    return EXIT_OK


def run_check(args: argparse.Namespace) -> int:
    scheme = _load_scheme(args.scheme)
    if scheme is None:
        return EXIT_FAILED
    from qwb.pipeline import check_return
    from qwb.terminal import print_check

    check = check_return(scheme, args.return_file)
    print_check(check, _console())
    return EXIT_FAILED if not check.found or check.errors else EXIT_OK


def run_consolidate(args: argparse.Namespace) -> int:
    scheme = _load_scheme(args.scheme)
    if scheme is None:
        return EXIT_FAILED
    if not args.returns.is_dir():
        print(f"找不到退回文件夹：{args.returns}", file=sys.stderr)
        return EXIT_FAILED
    from qwb.guard import Limits
    from qwb.terminal import consolidate_and_print

    as_of = _period(scheme, args.as_of)
    if as_of == "":
        return EXIT_USAGE

    limits = Limits(file_bytes=args.max_file_mb << 20, uncompressed_bytes=args.max_unzipped_mb << 20,
                    rows=args.max_rows, columns=args.max_columns, string_chars=args.max_chars)
    kinds = {"both": ("department", "unit"), None: None}.get(args.expect, (args.expect,))
    return consolidate_and_print(scheme, args.returns, args.out, args.json_out, _console(), kinds, limits,
                                 args.workers, args.full, as_of, args.adjust, args.previous, args.feedback,
                                 args.timings)


def _period(scheme: Any, given: str | None) -> str | None:
    """A period id from its id or name; None when not given; "" (after saying why) when the scheme has none."""
    if given is None:
        return None
    for p in scheme.periods:
        if given.strip() in (p.id, p.name):
            return p.id
    known = "、".join(f"{p.id}（{p.name}）" for p in scheme.periods)
    print(f"用法错误：方案中没有时间节点“{given}”，可选：{known}", file=sys.stderr)
    return ""


def run_adjustments(args: argparse.Namespace) -> int:
    scheme = _load_scheme(args.scheme)
    if scheme is None:
        return EXIT_FAILED
    from qwb.adjustments import blank_workbook

    blank_workbook(scheme, args.out)
    print(f"已写出 {args.out}：在“调整”表逐行填写编码、调整值、理由（编码见“编码表”），"
          f"再运行 qwb consolidate … --adjust {args.out}")
    return EXIT_OK


def run_demo(args: argparse.Namespace) -> int:
    if args.year:
        from qwb.demo_year import run_year

        return run_year(args.out, _console())
    from qwb.demo import run

    return run(args.scheme, args.out, _console())
