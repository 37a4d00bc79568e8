"""Command line for following up person by person: the registry and the officials' files."""

import csv
import json
import sys
from dataclasses import asdict
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from .store import DEFAULT_URL

DbOption = Annotated[str, typer.Option("--db", envvar="NLP_PIPELINE_DB",
                                       help="database URL (sqlite:///file.sqlite, postgresql+psycopg://...)")]

registry_app = typer.Typer(help="The registry of officials that mentions are linked to.", no_args_is_help=True)
officials_app = typer.Typer(help="Officials' files: documents, issue tags, flags and dates.", no_args_is_help=True)


class ExportFormat(str, Enum):
    csv = "csv"
    jsonl = "jsonl"


def _console() -> Console:
    return Console(width=None if sys.stdout.isatty() else 160)


@registry_app.command("import")
def registry_import(
    files: Annotated[list[Path], typer.Argument(help="registry files: .csv .xlsx .yaml (id, name, aliases, unit, title, start, end)")],
    db: DbOption = DEFAULT_URL,
) -> None:
    """Add or update registry persons by id, then link every stored mention again."""
    from .ingest.errors import InputError
    from .registry import read_registry
    from .store import Store

    store, failed = Store(db), False
    for file in files:
        try:
            registry_file = read_registry(file)
        except (InputError, OSError) as err:
            typer.echo(str(err) if isinstance(err, InputError) else f"{file}: cannot read ({err})", err=True)
            failed = True
            continue
        for problem in registry_file.problems:
            typer.echo(problem, err=True)
        added, replaced = store.import_persons(registry_file.persons)
        typer.echo(f"{file}: {len(registry_file.persons)} persons ({added} new, {replaced} updated), "
                   f"{len(registry_file.problems)} rows not imported")
    raise typer.Exit(1 if failed else 0)


@officials_app.command("list")
def officials_list(db: DbOption = DEFAULT_URL) -> None:
    """Every official in the store, the most recently named first."""
    from .store import Store

    table = Table(title="人员名单")
    for column in ("人员", "登记编号", "单位", "职务", "文件数", "最近日期", "问题类型", "会议问题"):
        table.add_column(column, overflow="fold")
    for official in Store(db).files():
        labels = sorted({label for d in official.documents for label in d.labels})
        flags = sum(len(d.flags) for d in official.documents)
        table.add_row(official.name, official.person_id or "未关联", "、".join(official.units) or "-",
                      "、".join(official.titles) or "-", str(len(official.documents)), official.latest or "-",
                      "、".join(labels) or "-", str(flags))
    _console().print(table)


@officials_app.command("show")
def officials_show(
    name: Annotated[str, typer.Argument(help="a name as written, or a registry id")],
    db: DbOption = DEFAULT_URL,
) -> None:
    """The file of each official called NAME: documents newest first, with tags, flags and roles."""
    from .store import Store

    files = Store(db).files(name)
    if not files:
        typer.echo(f"no official named {name} in {db}", err=True)
        raise typer.Exit(1)
    console = _console()
    for official in files:
        table = Table(title=f"{official.name}（{official.person_id or '未关联登记'}）"
                            f" {'、'.join(official.units)} {'、'.join(official.titles)}")
        for column in ("日期", "文件", "类型", "身份", "文中职务", "问题类型", "会议问题"):
            table.add_column(column, overflow="fold")
        for d in official.documents:
            table.add_row(d.date or "-", d.source or d.document_id, d.kind or "-", "、".join(d.roles),
                          "、".join(d.titles) or "-", "、".join(d.labels) or "-", "、".join(d.flags) or "-")
        console.print(table)


@officials_app.command("export")
def officials_export(
    db: DbOption = DEFAULT_URL,
    output_format: Annotated[ExportFormat, typer.Option("--format")] = ExportFormat.csv,
    out: Annotated[Path | None, typer.Option(help="file to write (default: standard output)")] = None,
) -> None:
    """One row per official and document, newest first within each official."""
    from .store import Store

    stream = out.open("w", encoding="utf-8-sig" if output_format is ExportFormat.csv else "utf-8", newline="") \
        if out else sys.stdout
    fields = ["official", "name", "registry_id", "units", "date", "document", "source", "kind", "roles", "titles",
              "labels", "flags"]
    writer = csv.DictWriter(stream, fields) if output_format is ExportFormat.csv else None
    if writer:
        writer.writeheader()
    for official in Store(db).files():
        for d in official.documents:
            row = {"official": official.key, "name": official.name, "registry_id": official.person_id,
                   "units": official.units, **{k: v for k, v in asdict(d).items() if k != "document_id"},
                   "document": d.document_id}
            if writer:
                writer.writerow({k: "、".join(v) if isinstance(v, list) else v for k, v in row.items()})
            else:
                stream.write(json.dumps(row, ensure_ascii=False) + "\n")
    if out:
        stream.close()


@officials_app.command("review")
def officials_review(
    db: DbOption = DEFAULT_URL,
    output_format: Annotated[ExportFormat, typer.Option("--format")] = ExportFormat.jsonl,
) -> None:
    """Mentions that matched nobody, several people, or a name with nothing to confirm it."""
    from .store import Store

    rows = Store(db).review()
    if output_format is ExportFormat.jsonl:
        for row in rows:
            typer.echo(json.dumps(row, ensure_ascii=False))
        return
    writer = csv.DictWriter(sys.stdout, list(rows[0]) if rows else ["name"])
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "、".join(v) if isinstance(v, list) else v for k, v in row.items()})
