"""Command line: ``python -m scoring evaluate SHEET FILE|-``, ``sheets [SHEET]``, ``essay FILE|-``,
``rules check FILE``, ``rules diff A B``.

Output is JSON on stdout (format in docs/scoring-format.md). Bad input gives one line on stderr and
exit code 2. ``rules check`` prints a summary (exit 0) or every problem of the file with its place
(exit 1); ``rules diff`` prints what B changes against A, one change a line.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from scoring.config import Rules, load_rules
from scoring.essay import EssayFileError, count_words, essay_verdict, read_essay_bytes
from scoring.rulesets import RuleSet, RuleSetError, load_ruleset, parse_ruleset, read_toml
from scoring.rulesets.diff import diff
from scoring.sheets import SHEETS, ScoringSheet
from scoring.sheets.describe import describe_sheet
from scoring.sheets.evaluate import AnswerError, evaluate_answers

EXIT_BAD_INPUT = 2
EXIT_BAD_RULES = 1


class CliError(Exception):
    """A user error: printed as one line on stderr, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise CliError(f"{message} (see: {self.prog} --help)")


def _read_bytes(name: str) -> bytes:
    if name == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(name).read_bytes()
    except OSError as exc:
        raise CliError(f"cannot read {name}: {exc.strerror or exc}") from exc


def _sheet(args: argparse.Namespace, sheet_id: str) -> ScoringSheet:
    sheet = args.sheets.get(sheet_id)
    if sheet is None:
        raise CliError(f"unknown sheet '{sheet_id}'; expected one of: {', '.join(args.sheets)}")
    return sheet


def _reject_constant(name: str) -> NoReturn:
    # Python's json accepts NaN and Infinity, which are not JSON and not answers.
    raise CliError(f"invalid JSON: {name} is not a number")


def _print(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def cmd_evaluate(args: argparse.Namespace, rules: Rules) -> None:
    sheet = _sheet(args, args.sheet)
    raw = _read_bytes(args.file)
    try:
        data = json.loads(raw.decode("utf-8-sig"), parse_constant=_reject_constant)
    except UnicodeDecodeError as exc:
        raise CliError("the answers are not UTF-8 text") from exc
    except json.JSONDecodeError as exc:
        raise CliError(f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from exc
    except RecursionError as exc:
        raise CliError("invalid JSON: nested too deeply") from exc
    try:
        evaluation = evaluate_answers(sheet, data, rules)
    except AnswerError as exc:
        raise CliError(exc.message.render()) from exc
    _print(evaluation.to_json())


def cmd_sheets(args: argparse.Namespace, rules: Rules) -> None:
    if args.sheet:
        _print(describe_sheet(_sheet(args, args.sheet), rules))
    else:
        _print([describe_sheet(sheet, rules) for sheet in args.sheets.values()])


def cmd_essay(args: argparse.Namespace, rules: Rules) -> None:
    try:
        text = read_essay_bytes(_read_bytes(args.file))
    except EssayFileError as exc:
        raise CliError(f"cannot read the essay: {exc}") from exc
    verdict = essay_verdict(count_words(text), rules)
    _print({"words": verdict.words, "min": verdict.min, "max": verdict.max, "ok": verdict.ok})


class BadRuleSet(Exception):
    """A rule set file with problems: each is printed on its own line, exit code 1."""

    def __init__(self, error: RuleSetError) -> None:
        super().__init__(str(error))
        self.error = error


def _load(path: str) -> RuleSet:
    try:
        return load_ruleset(path)
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except RuleSetError as exc:
        raise BadRuleSet(exc) from exc


def summary(ruleset: RuleSet) -> list[str]:
    years = f"{ruleset.first_year}/{(ruleset.first_year + 1) % 100:02d}"
    last = ruleset.last_year
    years += f" - {last}/{(last + 1) % 100:02d}" if last is not None else " on, until a later set starts"
    windows = ", ".join(f"{od:02d}.{om:02d}-{cd:02d}.{cm:02d}" for (om, od), (cm, cd) in ruleset.windows)
    criteria = sum(len(sheet.criteria) for sheet in ruleset.sheets.values())
    return [
        f"ok: {ruleset.key} - {ruleset.title}",
        f"source: {ruleset.source.order}, {ruleset.source.date.isoformat()}",
        f"academic years: {years}; first submission day {ruleset.starts_on().isoformat()}",
        f"windows: {windows}",
        f"sheets: {len(ruleset.sheets)} ({criteria} criteria): {', '.join(ruleset.sheets)}",
        f"observation sheets: {', '.join(ruleset.observation_sheets)}; documents: {len(ruleset.documents)}",
    ]


def cmd_rules_check(args: argparse.Namespace, rules: Rules) -> None:
    print("\n".join(summary(_load(args.file))))


def cmd_rules_diff(args: argparse.Namespace, rules: Rules) -> None:
    before, after = _load(args.before), _load(args.after)
    changes = diff(before, after)
    print(f"{before.key} -> {after.key}: {len(changes)} change(s)")
    for change in changes:
        print(str(change))


def _rules_parser(sub: Any) -> None:
    rules = sub.add_parser("rules", help="check a rule set file, or show what one changes against another")
    rules_sub = rules.add_subparsers(dest="rules_command", required=True, parser_class=_Parser)
    check = rules_sub.add_parser("check", help="every problem of a rule set file with its place, or a summary")
    check.add_argument("file", help="a rule set TOML file (e.g. scoring/rulesets/2024-pilot.toml)")
    check.set_defaults(handler=cmd_rules_check)
    changed = rules_sub.add_parser("diff", help="what rule set B changes against A, criterion by criterion")
    changed.add_argument("before", help="rule set A (TOML)")
    changed.add_argument("after", help="rule set B (TOML)")
    changed.set_defaults(handler=cmd_rules_diff)


def rules_and_sheets(path: str | None) -> tuple[Rules, dict[str, ScoringSheet]]:
    """The rules and sheets of the rule set file at `path`; for a file of a few tables (or none), the
    pilot's sheets and the pilot's rules with those tables overlaid."""
    if path:
        data = read_toml(path)
        if "ruleset" in data:
            ruleset = parse_ruleset(data, path)
            return ruleset.rules, ruleset.sheets
    return load_rules(path), SHEETS


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m scoring", description="Attestation scoring sheets, essay length check.")
    parser.add_argument("--rules", help="a rule set file (its sheets and rules), or a TOML file of tables "
                        "overriding the pilot's rules")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    evaluate = sub.add_parser("evaluate", help="score answers (JSON) against a sheet")
    evaluate.add_argument("sheet", help=f"sheet id: {', '.join(SHEETS)}")
    evaluate.add_argument("file", help="answers JSON file, or - for stdin")
    evaluate.set_defaults(handler=cmd_evaluate)
    sheets = sub.add_parser("sheets", help="list the sheets, their criteria and answer formats")
    sheets.add_argument("sheet", nargs="?", help="only this sheet")
    sheets.set_defaults(handler=cmd_sheets)
    essay = sub.add_parser("essay", help="count the words of an essay (text or .docx)")
    essay.add_argument("file", help="essay file (UTF-8 text or .docx), or - for stdin")
    essay.set_defaults(handler=cmd_essay)
    _rules_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        try:
            rules, args.sheets = rules_and_sheets(args.rules)
        except (OSError, ValueError) as exc:
            raise CliError(f"cannot read the rules file: {exc}") from exc
        args.handler(args, rules)
    except BadRuleSet as exc:
        for problem in exc.error.problems:
            print(f"{exc.error.origin}: {problem}", file=sys.stderr)
        print(f"{len(exc.error.problems)} problem(s)", file=sys.stderr)
        return EXIT_BAD_RULES
    except CliError as exc:
        # One line, whatever a quoted value contains: other tools read the first line.
        print("error: " + " ".join(str(exc).split()), file=sys.stderr)
        return EXIT_BAD_INPUT
    return 0


if __name__ == "__main__":
    sys.exit(main())
