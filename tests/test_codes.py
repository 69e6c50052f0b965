"""Every finding code the package can emit is registered in ladder_sheets/codes.py, documented
in docs/codes.md, and that document is current.

Codes are found in the source: string literals given to a finding constructor (error, warning,
info, Finding, or any call passed a Severity), literals assigned to a variable named `code` or
looped over as `code`, and the codes of the schema rules. A code built at run time (an
f-string) would escape this scan, so the scan also fails on one.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import ladder_sheets
from ladder_sheets.codes import CODES, Code, UnregisteredCode, code, is_kind, markdown
from ladder_sheets.findings import Severity
from ladder_sheets.schema.schemas import CHOICE_CODES, KIND_CODES, PARSE_CODES, RULES

PACKAGE = Path(ladder_sheets.__file__).resolve().parent
DOC = PACKAGE.parent / "docs" / "codes.md"
CODE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)+$")
CONSTRUCTORS = {"error": Severity.ERROR, "warning": Severity.WARNING, "info": Severity.INFO}
HOW = (
    "register it: add an entry to CODES in ladder_sheets/codes.py (severity, title, hint; a "
    "kind if code elsewhere must recognise it), then run python3 scripts/build_codes_doc.py "
    "and commit docs/codes.md"
)


def _literals(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE.match(node.value):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _literals(node.body) + _literals(node.orelse)
    if isinstance(node, (ast.Tuple, ast.List)):
        return [c for e in node.elts for c in _literals(e)]
    return []


def _name(func: ast.expr) -> str:
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def _severity_arg(call: ast.Call) -> Severity | None:
    for arg in call.args:
        if isinstance(arg, ast.Attribute) and _name(arg.value) == "Severity":
            return Severity[arg.attr]
    return None


def _code_position(call: ast.Call, helpers: dict[str, int]) -> int | None:
    """Which argument of the call is a finding code, if the call takes one."""
    name = _name(call.func)
    if name in CONSTRUCTORS or name in ("Finding", "severity"):
        return 0
    for n, arg in enumerate(call.args):
        if isinstance(arg, ast.Attribute) and _name(arg.value) == "Severity":
            return n + 1  # notes.add(Severity.ERROR, "code", ...)
    return helpers.get(name)


def _constructed_as(call: ast.Call) -> Severity | None:
    return CONSTRUCTORS.get(_name(call.func)) or _severity_arg(call)


def emitted() -> dict[str, set[tuple[str, Severity | None]]]:
    """code -> {(place, severity it is constructed with, where the scan can tell)}."""
    found: dict[str, set[tuple[str, Severity | None]]] = {}

    def add(value: str, place: str, severity: Severity | None = None) -> None:
        found.setdefault(value, set()).add((place, severity))

    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = str(path.relative_to(PACKAGE.parent))
        # the module's own helpers that take a `code` argument, and its position
        helpers = {
            f.name: [a.arg for a in f.args.args].index("code")
            for f in tree.body
            if isinstance(f, ast.FunctionDef) and "code" in [a.arg for a in f.args.args]
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                at = _code_position(node, helpers)
                if at is not None and at < len(node.args):
                    arg = node.args[at]
                    if isinstance(arg, ast.JoinedStr):
                        add(f"<f-string {ast.unparse(arg)}>", f"{where}:{node.lineno}")
                    for value in _literals(arg):
                        add(value, f"{where}:{node.lineno}", _constructed_as(node))
            targets: list[ast.expr] = []
            if isinstance(node, ast.Assign):
                targets, value = node.targets, node.value
            elif isinstance(node, ast.For):
                targets, value = [node.target], node.iter
            else:
                continue
            names = [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
            if "code" in names:
                for value_node in ast.walk(value):
                    for literal in _literals(value_node):
                        add(literal, f"{where}:{node.lineno}")
    for table in (RULES, PARSE_CODES.values(), KIND_CODES.values(), CHOICE_CODES.values()):
        for value in table:
            add(value, "ladder_sheets/schema/schemas.py")
    return found


def test_every_emitted_code_is_registered():
    found = emitted()
    assert len(found) >= 75, "the scan found too few codes: it has stopped seeing them"
    missing = sorted(c for c in found if c not in CODES)
    assert not missing, (
        "finding codes not registered ("
        + HOW
        + "):\n"
        + "\n".join(f"{c} at {', '.join(sorted(p for p, _ in found[c]))}" for c in missing)
    )


def test_registered_severities_are_the_ones_used():
    wrong = []
    for name, places in emitted().items():
        entry = CODES.get(name)
        for place, severity in places:
            if entry is None or severity is None:
                continue  # unregistered: the test above says so; unknown: not checkable here
            if severity not in (entry.severity, entry.also):
                wrong.append(f"{name} at {place}: {severity.value}, registered {entry}")
    assert not wrong, "\n".join(wrong)


def test_every_registered_code_is_emitted_somewhere():
    unused = sorted(set(CODES) - set(emitted()))
    assert not unused, f"registered but never emitted (remove from codes.py): {unused}"


def test_registry_entries_say_something():
    for name, entry in CODES.items():
        assert CODE.match(name), name
        assert isinstance(entry, Code) and entry.title and entry.hint and entry.area, name
        assert entry.kind in ("", "missing", "unknown", "duplicate", "range"), name


def test_kinds_replace_the_spelling_they_were_read_from():
    # The kinds stand for what the code used to read from prefixes; they must still agree.
    for name in CODES:
        if name in RULES:
            assert is_kind(name, "duplicate") == name.startswith("duplicate-"), name
            assert is_kind(name, "unknown") == name.startswith("unknown-"), name
        assert is_kind(name, "missing") == name.startswith("missing-"), name
    assert not is_kind("no-such-code", "missing")


def test_an_unregistered_code_says_how_to_register_it():
    with pytest.raises(UnregisteredCode, match="add it to CODES in ladder_sheets/codes.py"):
        code("made-up-code")
    assert code("missing-value").severity is Severity.ERROR


def test_docs_codes_md_is_current():
    assert DOC.read_text(encoding="utf-8") == markdown(), (
        "docs/codes.md is out of date: run python3 scripts/build_codes_doc.py"
    )
    for name in CODES:
        assert f"`{name}`" in markdown()


def test_a_real_check_emits_only_registered_codes(framework_workbook):
    from ladder_sheets.api import check

    book = framework_workbook(
        levels=[["Engineering", "Wizard", "IC1", "Junior", 1, "x", 4, 90, 10]],
        employees=[["E1", "A", "a@example.test", "E9", "Nowhere", "IC", "IC9", "someday"]],
    )
    codes = check(book).report.codes()
    assert {"unknown-track", "unknown-manager", "unknown-family"} <= codes
    assert codes <= set(CODES)
