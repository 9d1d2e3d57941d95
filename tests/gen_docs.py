"""Generated parts of the documentation, and the command that rewrites them.

    python -m tests.gen_docs            # rewrite docs/cli.md (between its markers) and docs/issue-codes.md
    python -m tests.gen_docs --check    # exit 1 and name the files that are out of date

docs/cli.md is prose written by hand around one generated block: every command
of ``qwb.cli.build_parser()`` with its arguments, found by walking the parser's
subparsers and actions (so an option added to the parser appears here without
editing this file). tests/test_docs.py fails when the block is stale.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CLI_DOC = ROOT / "docs" / "cli.md"
ISSUE_DOC = ROOT / "docs" / "issue-codes.md"
BEGIN = "<!-- BEGIN GENERATED: python -m tests.gen_docs -->"
END = "<!-- END GENERATED -->"

TYPE_WORDS = {int: "整数", float: "数字", Path: "路径", str: "文字"}


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


#: what a positional or option without a help text is, by (command, dest) or by dest alone
FALLBACK_HELP: dict[Any, str] = {
    "scheme": "考核方案文件（.yaml/.yml 或 .xlsx）",
    "return_file": "一份退回的填报工作簿",
    "returns": "放退回文件的文件夹",
    ("qwb template", "out"): "输出文件夹，每个部门或单位一个 .xlsx",
    ("qwb template", "by"): "department：每个评价部门一个填报模板；unit：每个被考核单位一个自评模板",
    ("qwb scheme blank", "out"): "输出的 .xlsx 文件",
    ("qwb demo", "out"): "输出文件夹（模板、退回文件、排名工作簿、汇总 JSON）",
}


def _help(prog: str, action: argparse.Action) -> str:
    if action.help:
        return action.help
    return FALLBACK_HELP.get((prog, action.dest)) or FALLBACK_HELP.get(action.dest, "")


def _metavar(action: argparse.Action) -> str:
    if action.metavar:
        return str(action.metavar)
    if action.choices and action.option_strings:
        return "{" + ",".join(str(c) for c in action.choices) + "}"
    if action.option_strings:  # named after the option, not its dest: --json FILE reads better than JSON_OUT
        return action.option_strings[-1].lstrip("-").replace("-", "_").upper()
    return action.dest.upper()


def _takes_value(action: argparse.Action) -> bool:
    return action.nargs != 0


def _value_kind(action: argparse.Action) -> str:
    if not _takes_value(action):
        return "开关"
    if action.choices:
        return " / ".join(f"`{c}`" for c in action.choices)
    return TYPE_WORDS.get(action.type or str, getattr(action.type, "__name__", "文字"))


def _default(action: argparse.Action) -> str:
    default = action.default
    if action.required or not _takes_value(action) or default in (None, "", argparse.SUPPRESS):
        return ""
    if isinstance(default, list | tuple):
        return " ".join(f"`{d}`" for d in default)
    return f"`{default}`"


def _usage(prog: str, actions: list[argparse.Action]) -> str:
    parts = [prog]
    for a in actions:
        if a.option_strings:
            text = a.option_strings[-1] + (f" {_metavar(a)}" if _takes_value(a) else "")
            parts.append(text if a.required else f"[{text}]")
        else:
            parts.append(_metavar(a))
    return " ".join(parts)


def _own_actions(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    return [a for a in parser._actions  # argparse has no public list of arguments
            if not isinstance(a, (argparse._HelpAction, argparse._SubParsersAction)) and a.help != argparse.SUPPRESS]


def _subcommands(parser: argparse.ArgumentParser) -> list[tuple[str, str, argparse.ArgumentParser]]:
    """(name, one-line help, parser) of each subcommand, in the order they were added."""
    out = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help or "" for a in action._choices_actions}
            seen: set[int] = set()
            for name, sub in action.choices.items():
                if id(sub) not in seen and helps.get(name) != argparse.SUPPRESS:  # an alias maps to a parser seen
                    seen.add(id(sub))
                    out.append((name, helps.get(name, ""), sub))
    return out


def _section(prog: str, summary: str, parser: argparse.ArgumentParser, level: int) -> list[str]:
    actions = _own_actions(parser)
    subs = _subcommands(parser)
    lines = [f"{'#' * level} `{prog}`", ""]
    if summary:
        lines += [summary, ""]
    if actions or not subs:
        lines += ["```", _usage(prog, actions), "```", ""]
    if actions:
        lines += ["| 参数 | 必需 | 取值 | 默认值 | 说明 |", "|---|---|---|---|---|"]
        for a in actions:
            if a.option_strings:
                name = ", ".join(f"`{o}`" for o in a.option_strings)
                required = "是" if a.required else ""
            else:
                name, required = f"`{_metavar(a)}`", "是"
            lines.append(f"| {name} | {required} | {_cell(_value_kind(a))} | {_cell(_default(a))} | "
                         f"{_cell(_help(prog, a))} |")
        lines.append("")
    for name, help_text, sub in subs:
        lines += _section(f"{prog} {name}", help_text, sub, min(level + 1, 4))
    return lines


def cli_block(parser: argparse.ArgumentParser | None = None) -> str:
    """The generated block of docs/cli.md, markers included."""
    if parser is None:
        from qwb.cli import build_parser

        parser = build_parser()
    body = _section(parser.prog, parser.description or "", parser, 3)
    while body and body[-1] == "":
        body.pop()
    note = ("<!-- 以下由 qwb.cli.build_parser() 生成，请勿手改；"
            "修改命令行后运行 python -m tests.gen_docs 重新生成。 -->")
    return "\n".join([BEGIN, note, "", *body, "", END])


def render_cli_doc(current: str) -> str:
    """docs/cli.md with its generated block replaced by the current one."""
    start, stop = current.find(BEGIN), current.find(END)
    if start < 0 or stop < start:
        raise ValueError(f"{CLI_DOC.name} has no {BEGIN} ... {END} block")
    return current[:start] + cli_block() + current[stop + len(END):]


def outputs() -> dict[Path, str]:
    """Each generated file and the text it should hold."""
    from qwb.issues import codes_markdown

    return {
        CLI_DOC: render_cli_doc(CLI_DOC.read_text(encoding="utf-8")),
        ISSUE_DOC: codes_markdown(),
    }


def main(argv: list[str] | None = None) -> int:
    check = "--check" in (argv if argv is not None else sys.argv[1:])
    stale = []
    for path, text in outputs().items():
        if path.read_text(encoding="utf-8") != text:
            stale.append(path)
            if not check:
                path.write_text(text, encoding="utf-8")
    for path in stale:
        print(f"{'out of date' if check else 'rewrote'}: {path.relative_to(ROOT)}")
    return 1 if check and stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
