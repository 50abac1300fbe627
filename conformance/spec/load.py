"""Loading spec files: schema validation, semantic checks and case expansion.

All problems in all files are collected before anything is raised, so that
``validate-specs`` shows the whole list at once, each as ``file:line:col``.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any, Iterable

import jsonschema

from ..errors import Problem, UsageError
from ..paths import specs_dir
from ..runtime.compile import compile_case
from ..runtime.values import resolve_type
from . import cache
from .inventory import DEFAULT_DOCS, DOCS_TEXTS, docs_text, load_inventory, normalize
from .lint import lint_case
from .markers import kind_requires, parse_python_spec
from .model import Case, Markers, Suite
from .yamlload import Located, load_yaml

DEFAULT_TIMEOUT = 10.0
#: Spec code must use the watched protocol classes in scope, so the machines see every call.
_UNWATCHED_PROTOCOL = re.compile(r"\basyncio\.(Base|Buffered|Datagram|Subprocess)?Protocol\b")
#: Keys of a parameter row that are not variables for the code.
_ROW_KEYS = ("id", "expect", "python", "platforms", "requires")
_RESERVED_PARAM_NAMES = {"loop", "trace", "check", "equal", "raises", "tick", "asyncio"}


@functools.cache
def _validator() -> jsonschema.protocols.Validator:
    schema = json.loads((Path(__file__).with_name("schema.json")).read_text())
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    # Resolving "$ref" on every node was half the cost of collection; the schema
    # is not recursive, so it can be inlined once.
    return cls(_inline_refs(schema, schema.get("$defs", {})))


def _inline_refs(node: Any, defs: dict) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/") and len(node) == 1:
            return _inline_refs(defs[ref[len("#/$defs/") :]], defs)
        return {k: _inline_refs(v, defs) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline_refs(v, defs) for v in node]
    return node


def spec_files(root: Path) -> list[Path]:
    """The spec files under ``root`` (a file or a folder), in a stable order."""
    if root.is_file():
        return [root]
    if not root.is_dir():
        raise UsageError(Problem(str(root), None, None, "no such spec file or folder"))
    return sorted(p for p in root.glob("*.yaml") if p.is_file())


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def load_suite(roots: Path | list[Path] | None = None, *, check_semantics: bool = True) -> Suite:
    """Load every spec file under ``roots`` (files or folders; default: the bundled specs)."""
    if not roots:
        roots = [specs_dir()]
    elif isinstance(roots, Path):
        roots = [roots]
    problems: list[Problem] = []
    cases: list[Case] = []
    machines: dict = {}
    files = [f for root in roots for f in spec_files(root)]
    for path in files:
        display = _display(path)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            problems.append(Problem(display, None, None, f"cannot read: {exc}"))
            continue
        key = cache.key_for(raw)
        cached = cache.get(key) if check_semantics else None
        if cached is not None:
            file_cases = cache.rebuild(cached, display, start=len(cases))
            file_machines = cached["machines"]
        else:
            try:
                doc = load_yaml(path, display)
            except UsageError as exc:
                problems.extend(exc.problems)
                continue
            file_problems = list(_schema_problems(doc))
            if not file_problems and check_semantics:
                file_problems = list(_semantic_problems(doc, path))
            if file_problems:
                problems.extend(file_problems)
                continue
            file_cases = _expand(doc, start=len(cases))
            file_machines = doc.data.get("machines") or {}
            if check_semantics:
                cache.put(key, file_cases, file_machines)
        for name, machine in file_machines.items():
            if name in machines:
                problems.append(Problem(display, None, None, f"machine {name!r} is defined twice"))
            machines[name] = machine
        cases.extend(file_cases)
    seen: dict[str, Case] = {}
    for case in cases:
        if case.id in seen:
            problems.append(
                Problem(
                    case.file,
                    case.line,
                    None,
                    f"duplicate case id {case.id!r} (also at {seen[case.id].file}:"
                    f"{seen[case.id].line})",
                )
            )
        seen[case.id] = case
    if problems:
        raise UsageError(problems)
    if not machines and roots != [specs_dir()]:
        # A single file or another folder is still watched by the bundled machines.
        machines = bundled_machines()
    return Suite(cases=cases, files=[_display(p) for p in files], machines=machines)


def bundled_machines() -> dict:
    """The protocol state machines of the bundled specs."""
    return load_suite(specs_dir() / "state-machines.yaml").machines


def _schema_problems(doc: Located) -> Iterable[Problem]:
    if not isinstance(doc.data, dict):
        yield doc.problem((), "a spec file must be a mapping with 'section' and 'apis'")
        return
    errors = sorted(
        _validator().iter_errors(doc.data), key=lambda e: list(map(str, e.absolute_path))
    )
    for error in errors:
        path = tuple(error.absolute_path)
        where = "/".join(map(str, path)) or "<top>"
        message = error.message
        if error.validator == "additionalProperties" and len(message) > 200:
            message = message[:200] + "..."
        yield doc.problem(path, f"{where}: {message}")


def _quotes(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _semantic_problems(doc: Located, path: Path) -> Iterable[Problem]:
    inventory = load_inventory()
    data = doc.data
    file_docs = data.get("docs", DEFAULT_DOCS)
    every_text = " ".join(docs_text(version=v) for v in DOCS_TEXTS)
    section = data["section"]
    if section not in inventory.sections:
        yield doc.problem(
            ("section",),
            f"unknown section {section!r}; sections are those of reference/api-inventory.yaml",
        )
    elif path.stem != section:
        yield doc.problem(
            ("section",), f"section {section!r} belongs in {section}.yaml, not {path.name}"
        )
    for name, machine in (data.get("machines") or {}).items():
        quotes = machine.get("quote", [])
        docs = docs_text(version=file_docs)
        for i, quote in enumerate(_quotes(quotes)):
            if normalize(quote) not in docs:
                at = ("machines", name, "quote") + ((i,) if isinstance(quotes, list) else ())
                yield doc.problem(
                    at,
                    f"machine {name}: quote is not verbatim from reference/{DOCS_TEXTS[file_docs]}: "
                    f"{normalize(quote)[:80]!r}",
                )
    for api, api_body in (data.get("apis") or {}).items():
        api_path = ("apis", api)
        if inventory.section_of.get(api) != section:
            owner = inventory.section_of.get(api)
            hint = f" (it belongs to section {owner!r})" if owner else ""
            yield doc.problem(
                api_path, f"{api!r} is not an inventory id of section {section!r}{hint}"
            )
        yield from _marker_problems(doc, api_path, api_body)
        for clause_id, clause in api_body["clauses"].items():
            clause_path = api_path + ("clauses", clause_id)
            yield from _marker_problems(doc, clause_path, clause)
            cited = clause.get("docs", file_docs)
            docs = docs_text(version=cited)
            for i, quote in enumerate(_quotes(clause["quote"])):
                if normalize(quote) not in docs:
                    qpath = (
                        clause_path
                        + ("quote",)
                        + ((i,) if isinstance(clause["quote"], list) else ())
                    )
                    yield doc.problem(
                        qpath,
                        f"quote is not verbatim from reference/{DOCS_TEXTS[cited]} "
                        f"(the {cited} docs it cites): {normalize(quote)[:80]!r}",
                    )
            resolution = clause.get("resolution") or {}
            # A contradiction may be with the other version's text.
            for quote in _quotes(resolution.get("contradicts", [])):
                if normalize(quote) not in every_text:
                    yield doc.problem(
                        clause_path + ("resolution", "contradicts"),
                        f"contradicting quote is not verbatim: {normalize(quote)[:80]!r}",
                    )
            cases = clause.get("cases") or {}
            if clause["level"] == "precondition" and cases:
                yield doc.problem(
                    clause_path + ("cases",),
                    "precondition clauses bind the caller and have no cases",
                )
            if clause["level"] != "precondition" and not cases:
                yield doc.problem(clause_path, "a clause needs at least one case")
            for case_id, case in cases.items():
                yield from _case_problems(doc, clause_path + ("cases", case_id), case)


def _marker_problems(doc: Located, at: tuple, node: dict) -> Iterable[Problem]:
    if "python" in node:
        error = parse_python_spec(node["python"])
        if error:
            yield doc.problem(at + ("python",), error)


def _case_problems(doc: Located, at: tuple, case: dict) -> Iterable[Problem]:
    yield from _marker_problems(doc, at, case)
    line = doc.block_starts.get(at + ("code",)) or doc.where(at + ("code",))[0] or 1
    try:
        compile_case(case["code"], case.get("mode", "async"), line, doc.file)
    except SyntaxError as exc:
        yield Problem(doc.file, exc.lineno, exc.offset, f"code does not compile: {exc.msg}")
    param_names = {key for row in case.get("params") or [] for key in row if key not in _ROW_KEYS}
    indent = doc.block_indents.get(at + ("code",), 0)
    yield from lint_case(
        case["code"], case.get("mode", "async"), line, doc.file, param_names, indent
    )
    for offset, text in enumerate(case["code"].splitlines()):
        found = _UNWATCHED_PROTOCOL.search(text)
        if found:
            yield Problem(
                doc.file,
                line + offset,
                found.start() + 1,
                f"use the watched {found.group(0)[len('asyncio.') :]} in scope, not "
                f"{found.group(0)}: the state machines must see every callback",
            )
    expects = [(at + ("expect",), case.get("expect") or {})]
    for i, row in enumerate(case.get("params") or []):
        expects.append((at + ("params", i, "expect"), row.get("expect") or {}))
        yield from _marker_problems(doc, at + ("params", i), row)
        clash = _RESERVED_PARAM_NAMES & set(row)
        if clash:
            yield doc.problem(
                at + ("params", i), f"parameter names shadow helpers: {sorted(clash)}"
            )
    ids = [row["id"] for row in case.get("params") or []]
    if len(ids) != len(set(ids)):
        yield doc.problem(at + ("params",), "parameter row ids must be unique")
    for where, value in expects + [(at + ("params",), case.get("params") or [])]:
        try:
            json.dumps(value)
        except (TypeError, ValueError) as exc:
            yield doc.problem(
                where,
                f"values must be plain data (str, int, float, bool, null, "
                f"lists, mappings), because cases travel as JSON: {exc}",
            )
    for where, expect in expects:
        for name in _type_names(expect):
            try:
                resolve_type(name)
            except LookupError as exc:
                yield doc.problem(where, str(exc))


def _type_names(expect: dict) -> Iterable[str]:
    raises = expect.get("raises")
    if isinstance(raises, str):
        yield raises
    elif isinstance(raises, dict):
        yield raises["type"]
    for call in expect.get("handler_calls") or []:
        if "exception" in call:
            yield call["exception"]
    for warning in expect.get("warns") or []:
        yield warning["category"]


def _expand(doc: Located, start: int) -> list[Case]:
    """Every clause and parameter row of one file as cases, in file order."""
    section = doc.data["section"]
    out: list[Case] = []
    for api, api_body in doc.data["apis"].items():
        api_markers = Markers().merged(
            api_body.get("python"), api_body.get("platforms"), api_body.get("requires")
        )
        for clause_id, clause in api_body["clauses"].items():
            clause_path = ("apis", api, "clauses", clause_id)
            markers = api_markers.merged(
                clause.get("python"), clause.get("platforms"), clause.get("requires")
            )
            common = {
                "api": api,
                "section": section,
                "clause": f"{api}/{clause_id}",
                "level": clause["level"],
                "quote": tuple(_quotes(clause["quote"])),
                "docs": clause.get("docs", doc.data.get("docs", DEFAULT_DOCS)),
                "file": doc.file,
                "resolution": clause.get("resolution"),
                "note": clause.get("note"),
            }
            if clause["level"] == "precondition":
                out.append(
                    Case(
                        id=f"{api}/{clause_id}",
                        line=doc.where(clause_path)[0] or 1,
                        order=start + len(out),
                        markers=markers,
                        **common,
                    )
                )
                continue
            for case_id, case in (clause.get("cases") or {}).items():
                at = clause_path + ("cases", case_id)
                case_markers = markers.merged(
                    case.get("python"), case.get("platforms"), case.get("requires")
                )
                code_line = (
                    doc.block_starts.get(at + ("code",)) or doc.where(at + ("code",))[0] or 1
                )
                base = dict(
                    common,
                    code=case["code"],
                    code_line=code_line,
                    mode=case.get("mode", "async"),
                    timeout=float(case.get("timeout", DEFAULT_TIMEOUT)),
                    capture_handler=case.get("capture_handler", True),
                    markers=case_markers,
                    env=dict(case.get("env") or {}),
                    loop_independent=bool(
                        case.get("loop-independent", clause.get("loop-independent", False))
                    ),
                    slow=str(case.get("slow", clause.get("slow", ""))),
                )
                rows = case.get("params") or [None]
                for i, row in enumerate(rows):
                    expect = dict(case.get("expect") or {})
                    case_full_id = f"{api}/{clause_id}/{case_id}"
                    params: dict = {}
                    line = doc.where(at)[0] or 1
                    row_markers = case_markers
                    if row is not None:
                        expect.update(row.get("expect") or {})
                        params = {k: v for k, v in row.items() if k not in _ROW_KEYS}
                        row_markers = case_markers.merged(
                            row.get("python"),
                            row.get("platforms"),
                            [*(row.get("requires") or ()), *kind_requires(params.get("kind"))],
                        )
                        case_full_id += f"[{row['id']}]"
                        line = doc.where(at + ("params", i))[0] or line
                    out.append(
                        Case(
                            id=case_full_id,
                            line=line,
                            order=start + len(out),
                            params=params,
                            expect=expect,
                            **dict(base, markers=row_markers),
                        )
                    )
    return out
