"""The labelled data: the project's written corpus and the real public texts it annotated.

Written documents live in ``corpora/written/*.jsonl`` with their gold. Real texts are not
ours to redistribute, so ``corpora/real/`` keeps only ids and labels; the text is read from
the shared datasets folder at use time, and a missing folder means those sets are absent.
"""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import paths

CORPORA = paths.HOME / "corpora"
SPLITS = ("train", "dev", "test")
TAIDI = Path("taidi2020c-zhihui-zhengwu") / "jsonl"
CCDI_CASES = Path("ccdi-reports") / "derived" / "cases_from_public_reports.jsonl"
CCDI_HEADLINES = Path("ccdi-headlines") / "headlines.jsonl"
CCDI_ARTICLES = Path("ccdi-reports") / "derived" / "articles_text.jsonl"
SOURCES = {"taidi:": "real messages", "ccdi-article:": "CCDI article paragraphs"}


@dataclass
class Example:
    id: str
    text: str
    labels: list[str]
    kind: str | None = None
    split: str | None = None
    flags: list[dict] = field(default_factory=list)
    officials: list[dict] = field(default_factory=list)
    hard_negative: bool = False
    register: str | None = None


def split_of(doc_id: str, train: int = 70, dev: int = 15) -> str:
    """A fixed split by document, by a hash of the id (percent train, dev, rest test): stable
    as documents are added, and never dependent on the order files are read."""
    bucket = int(hashlib.sha1(doc_id.encode("utf-8")).hexdigest(), 16) % 100
    return "train" if bucket < train else "dev" if bucket < train + dev else "test"


def read_jsonl(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def written(corpora: Path = CORPORA) -> list[Example]:
    examples = []
    for path in sorted((corpora / "written").glob("*.jsonl")):
        for record in read_jsonl(path):
            examples.append(Example(
                id=record["id"], text=record["text"], labels=record["labels"], kind=record["kind"],
                split=split_of(record["id"]), flags=record.get("flags", []), officials=record.get("officials", []),
                hard_negative=record.get("hard_negative", False), register=record.get("register"),
            ))
    return examples


def flag_agreement(corpora: Path = CORPORA) -> list[dict]:
    """Two further annotators' meeting flags on test-split documents (``corpora/agreement``): how far
    people who follow the guide agree with the gold, and so what the flag targets can mean."""
    return list(read_jsonl(corpora / "agreement" / "flags_test.jsonl"))


def taidi_messages(datasets: Path = paths.DATASETS, corpora: Path = CORPORA) -> list[Example]:
    """Real citizen messages (subject + body) with this project's labels, split 40/15/45 so that
    the real test set is large enough to measure out_of_scope precision."""
    folder = datasets / TAIDI
    if not folder.is_dir():
        return []
    gold = [r for path in sorted((corpora / "real").glob("taidi_labels_*.jsonl")) for r in read_jsonl(path)]
    texts: dict[tuple[str, str], str] = {}
    for file in {r["file"] for r in gold}:
        for record in read_jsonl(folder / file):
            texts[(file, record["留言编号"])] = record["留言主题"] + "\n" + record["留言详情"]
    return [
        Example(id=f"taidi:{r['id']}", text=texts[(r["file"], r["id"])], labels=r["labels"], kind="petition",
                split=split_of(f"taidi:{r['id']}", train=40, dev=15))
        for r in gold
    ]


def ccdi_cases(datasets: Path = paths.DATASETS, corpora: Path = CORPORA) -> list[Example]:
    """The 57 published CCDI cases, labelled per case; evaluation only, never trained on."""
    source = datasets / CCDI_CASES
    labels_path = corpora / "real" / "ccdi_cases_labels.jsonl"
    if not source.exists() or not labels_path.exists():
        return []
    gold = {r["id"]: r["labels"] for r in read_jsonl(labels_path)}
    examples = []
    for record in read_jsonl(source):
        case_id = f"{record['source_file']}#{record['paragraph_index']}"
        if case_id in gold:
            examples.append(Example(id=case_id, text=record["text"], labels=gold[case_id], kind="other", split="test"))
    return examples


def ccdi_article_paragraphs(datasets: Path = paths.DATASETS, corpora: Path = CORPORA) -> list[Example]:
    """Case paragraphs of the CCDI feature articles and 通报 that are not among the 57 test cases'
    reports, labelled by this project (id ``file#line``): a second real test set in the register
    of the CCDI cases, never trained or tuned on. None retells a test case (no test official's
    name, at most 30 % shared 5-character shingles with any case)."""
    source = datasets / CCDI_ARTICLES
    labels_path = corpora / "real" / "ccdi_article_labels.jsonl"
    if not source.exists() or not labels_path.exists():
        return []
    lines = {(record["file"], index): line for record in read_jsonl(source)
             for index, line in enumerate(record["text"].split("\n"))}
    examples = []
    for record in read_jsonl(labels_path):
        file, index = record["id"].rsplit("#", 1)
        examples.append(Example(id=f"ccdi-article:{record['id']}", text=lines[(file, int(index))],
                                labels=record["labels"], kind="other", split="test"))
    return examples


def issue_type_documents(datasets: Path = paths.DATASETS) -> list[Example]:
    """Every document the issue-type classifiers learn from (train split) or tune on (dev split):
    the written corpus and the real citizen messages."""
    return written() + taidi_messages(datasets)


def source_of(example: Example) -> str:
    return next((name for prefix, name in SOURCES.items() if example.id.startswith(prefix)), "written corpus")


def counts_by_source(examples: list[Example]) -> dict[str, int]:
    from collections import Counter

    return dict(Counter(source_of(e) for e in examples))


def stats(examples: list[Example]) -> dict:
    """Counts for the data card: documents by kind, register and split, labels, flags, lengths."""
    from collections import Counter

    lengths = sorted(len(e.text) for e in examples)
    return {
        "documents": len(examples),
        "kinds": dict(Counter(e.kind for e in examples)),
        "registers": dict(Counter(e.register for e in examples).most_common()),
        "splits": dict(Counter(e.split for e in examples)),
        "labels": dict(Counter(label for e in examples for label in e.labels).most_common()),
        "no_label": sum(1 for e in examples if not e.labels),
        "multi_label": sum(1 for e in examples if len(e.labels) > 1),
        "hard_negatives": sum(1 for e in examples if e.hard_negative),
        "flags": dict(Counter(f["type"] for e in examples for f in e.flags).most_common()),
        "documents_with_flags": sum(1 for e in examples if e.flags),
        "officials": sum(len(e.officials) for e in examples),
        "length": {"min": lengths[0], "median": lengths[len(lengths) // 2], "max": lengths[-1]} if lengths else {},
    }



def ccdi_officials(datasets: Path = paths.DATASETS, corpora: Path = CORPORA) -> list[Example]:
    """CCDI cases and headlines with gold officials; the gold is kept as offsets only."""
    gold_path = corpora / "real" / "ccdi_officials.jsonl"
    cases, headlines = datasets / CCDI_CASES, datasets / CCDI_HEADLINES
    if not (gold_path.exists() and cases.exists() and headlines.exists()):
        return []
    texts = {("cases", f"{r['source_file']}#{r['paragraph_index']}"): r["text"] for r in read_jsonl(cases)}
    texts.update({("headlines", r["url"]): r["title"] for r in read_jsonl(headlines)})
    examples = []
    for record in read_jsonl(gold_path):
        text = texts[(record["source"], record["id"])]

        def cut(span):
            return text[span[0]:span[1]] if span else None

        officials = [{"name": cut(o["name"]), "title": cut(o["title"]), "unit": cut(o["unit"]), "role": o["role"]}
                     for o in record["officials"]]
        examples.append(Example(id=record["id"], text=text, labels=[], kind="other", split="test", officials=officials))
    return examples
