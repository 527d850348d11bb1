"""Finds user-facing text that `pybabel extract` cannot see, so it would reach the reader in English.

The catalogue test (tests/test_locales.py) checks that every *extracted* string is translated; this
audit checks the other half: that every string meant for a reader is extracted. It walks the syntax
tree of each module and reports

- a translation call (`_`, `gettext`, `N_`, a `t`/`tr` translator) whose literal
  argument the extractor does not pick up at that place (a `tr("...")` call, `_()` inside an f-string);
- a translation call whose argument is built at run time (an f-string, `+`, `%`, `.format()`, `.join()`),
  so no msgid exists for it;
- a module constant (UPPER_CASE, in this module or imported from the project) that is translated but
  holds string literals not marked with `N_()`;
- a string literal, or an f-string, with letters outside the placeholders, passed as the text of a
  message, an edit, a callback answer or a button (emoji, digits and punctuation alone are fine).
"""

from __future__ import annotations

import ast
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract

ROOT = Path(__file__).resolve().parent.parent
AUDITED = ("app", "bot", "features", "scoring")

# The keywords of `make locales` (-k _ -k __ -k N_ -k lazy_gettext) on top of babel's defaults.
KEYWORDS = {**DEFAULT_KEYWORDS, "__": None, "lazy_gettext": None}

# Functions that translate their argument number N (0-based): gettext itself, the N_ marker, the
# translators handed around as `t` / `tr`.
TRANSLATORS = {"_": 0, "__": 0, "gettext": 0, "ngettext": 0, "lazy_gettext": 0, "N_": 0, "t": 0, "tr": 0,
               "translate": 0}
# Calls whose text reaches the reader: (positional index of the text or None, keyword names).
SINKS: dict[str, tuple[int | None, tuple[str, ...]]] = {
    "answer": (0, ("text",)),
    "reply": (0, ("text",)),
    "edit_text": (0, ("text",)),
    "edit_message_text": (0, ("text",)),
    "send_message": (1, ("text",)),
    "answer_callback_query": (1, ("text",)),
    "reach": (2, ("text",)),
    "send_photo": (None, ("caption",)),
    "send_document": (None, ("caption",)),
    "InlineKeyboardButton": (None, ("text",)),
    "KeyboardButton": (None, ("text",)),
    # InlineKeyboardBuilder.button(text=...) and the commission handlers' button(text, act, ...).
    "button": (0, ("text",)),
}
BUILT_AT_RUN_TIME = {"format", "join", "format_map", "str", "repr"}


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    problem: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.problem}"


def call_name(node: ast.Call) -> str | None:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


def extracted_msgids(source: str) -> set[tuple[int, str]]:
    """(line, msgid) of every string pybabel extracts from `source`, as `make locales` runs it."""
    found = set()
    for line, message, _comments, _context in extract("python", io.BytesIO(source.encode()), keywords=KEYWORDS):
        for msgid in message if isinstance(message, tuple) else (message,):
            if msgid:
                found.add((line, msgid))
    return found


def _strings_not_marked(node: ast.expr) -> Iterator[ast.Constant]:
    """String literals of a constant's value that are not wrapped in N_() (dict keys are not text)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node
    elif isinstance(node, ast.Dict):
        for value in node.values:
            yield from _strings_not_marked(value)
    elif isinstance(node, ast.List | ast.Tuple | ast.Set):
        for element in node.elts:
            yield from _strings_not_marked(element)


def module_constants(tree: ast.Module) -> dict[str, ast.expr]:
    out: dict[str, ast.expr] = {}
    for statement in tree.body:
        targets: list[ast.expr] = []
        if isinstance(statement, ast.Assign):
            targets, value = statement.targets, statement.value
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            targets, value = [statement.target], statement.value
        for target in targets:
            if isinstance(target, ast.Name) and target.id.isupper():
                out[target.id] = value
    return out


def project_imports(tree: ast.Module) -> dict[str, tuple[str, str]]:
    """Local name -> (module path relative to the root, name there) for `from <project module> import X`."""
    out = {}
    for statement in tree.body:
        if isinstance(statement, ast.ImportFrom) and statement.module and statement.level == 0:
            path = ROOT / (statement.module.replace(".", "/") + ".py")
            if path.is_file():
                for alias in statement.names:
                    out[alias.asname or alias.name] = (str(path.relative_to(ROOT)), alias.name)
    return out


class _Module:
    def __init__(self, path: str, source: str, constants_of: dict[str, dict[str, ast.expr]]):
        self.path = path
        self.tree = ast.parse(source)
        self.extracted = extracted_msgids(source)
        self.constants = module_constants(self.tree)
        self.imports = project_imports(self.tree)
        self.constants_of = constants_of
        self.findings: list[Finding] = []
        self._in_fstring: set[int] = set()
        for node in ast.walk(self.tree):
            if isinstance(node, ast.JoinedStr):
                self._in_fstring |= {id(inner) for inner in ast.walk(node) if inner is not node}

    def flag(self, node: ast.AST, problem: str) -> None:
        self.findings.append(Finding(self.path, getattr(node, "lineno", 0), problem))

    def constant(self, name: str) -> ast.expr | None:
        if name in self.constants:
            return self.constants[name]
        if name in self.imports:
            module, original = self.imports[name]
            if module not in self.constants_of:
                self.constants_of[module] = module_constants(ast.parse((ROOT / module).read_text(encoding="utf-8")))
            return self.constants_of[module].get(original)
        return None

    def run(self) -> list[Finding]:
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Call):
                name = call_name(node)
                if name in TRANSLATORS:
                    self.translated(node, TRANSLATORS[name])
                if name in SINKS:
                    self.shown(node, *SINKS[name])
        return self.findings

    # --- what is translated ---------------------------------------------------------------------

    def translated(self, call: ast.Call, index: int) -> None:
        if len(call.args) <= index:
            return
        argument = call.args[index]
        if id(call) in self._in_fstring and isinstance(argument, ast.Constant):
            self.flag(call, f"{call_name(call)}({argument.value!r}) inside an f-string is never extracted")
            return
        self.msgid(argument, call)

    def msgid(self, node: ast.expr, call: ast.Call) -> None:
        if isinstance(node, ast.Constant):
            # pybabel reports the line of the call or of the string: either is this call's.
            lines = range(call.lineno, (node.end_lineno or node.lineno) + 1)
            if isinstance(node.value, str) and not any((line, node.value) in self.extracted for line in lines):
                self.flag(node, f"{call_name(call)}({node.value!r}): pybabel does not extract this string")
        elif isinstance(node, ast.IfExp):
            self.msgid(node.body, call)
            self.msgid(node.orelse, call)
        elif isinstance(node, ast.JoinedStr | ast.BinOp) or (
                isinstance(node, ast.Call) and call_name(node) in BUILT_AT_RUN_TIME):
            self.flag(node, f"{call_name(call)}() of a text built at run time: no msgid exists for it")
        elif isinstance(node, ast.Name | ast.Subscript):
            self.marked_constant(node, call)

    def marked_constant(self, node: ast.Name | ast.Subscript, call: ast.Call) -> None:
        base = node.value if isinstance(node, ast.Subscript) else node
        if not isinstance(base, ast.Name) or not base.id.isupper():
            return
        value = self.constant(base.id)
        if value is None:
            return
        for literal in _strings_not_marked(value):
            self.flag(call, f"{call_name(call)}({base.id}...): {literal.value!r} is not marked with N_()")

    # --- what is shown ----------------------------------------------------------------------------

    def shown(self, call: ast.Call, position: int | None, keywords: tuple[str, ...]) -> None:
        texts: list[ast.expr] = [k.value for k in call.keywords if k.arg in keywords]
        if position is not None and len(call.args) > position:
            texts.append(call.args[position])
        for text in texts:
            self.untranslated(text, call)

    def untranslated(self, node: ast.expr, call: ast.Call) -> None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and has_letters(node.value):
            self.flag(node, f"{call_name(call)}(): the literal {node.value!r} is shown untranslated")
        elif isinstance(node, ast.JoinedStr):
            words = "".join(part.value for part in node.values
                            if isinstance(part, ast.Constant) and isinstance(part.value, str))
            if has_letters(words):
                self.flag(node, f"{call_name(call)}(): an f-string with the untranslated words {words.strip()!r}")
        elif isinstance(node, ast.BinOp):
            self.untranslated(node.left, call)
            self.untranslated(node.right, call)
        elif isinstance(node, ast.IfExp):
            self.untranslated(node.body, call)
            self.untranslated(node.orelse, call)


def audit_source(path: str, source: str) -> list[Finding]:
    return _Module(path, source, {}).run()


def python_files(folders: Iterable[str] = AUDITED) -> Iterator[Path]:
    for folder in folders:
        yield from sorted((ROOT / folder).rglob("*.py"))


def audit(folders: Iterable[str] = AUDITED) -> list[Finding]:
    constants_of: dict[str, dict[str, ast.expr]] = {}
    findings: list[Finding] = []
    for path in python_files(folders):
        relative = str(path.relative_to(ROOT))
        findings += _Module(relative, path.read_text(encoding="utf-8"), constants_of).run()
    return findings
