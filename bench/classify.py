"""Classification speed on one core: docs/s for the issue-type classifier alone and for
`analyze` end to end, each beside a named baseline measured in the same run.

    python bench/classify.py [--docs 1000]

Baselines: the keyword floor (configs/labels.yaml keywords) for the classifier, and the
pipeline without the issue_types stage (segmentation + kind) for analyze. The documents are
the written corpus, repeated to --docs.
"""

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import itertools  # noqa: E402
import time  # noqa: E402

from nlp_pipeline import artefacts, corpus, paths  # noqa: E402
from nlp_pipeline.evaluation.keyword_floor import keyword_labels  # noqa: E402
from nlp_pipeline.ingest import document_from_pages  # noqa: E402
from nlp_pipeline.learn.train_classifier import segment  # noqa: E402
from nlp_pipeline.pipeline import Pipeline  # noqa: E402


def rate(label: str, count: int, run) -> float:
    started = time.perf_counter()
    run()
    per_second = count / (time.perf_counter() - started)
    print(f"{label:<52} {per_second:10,.1f} docs/s")
    return per_second


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    examples = list(itertools.islice(itertools.cycle(corpus.written()), args.docs))
    chars = sum(len(e.text) for e in examples) / len(examples)
    print(f"{len(examples)} documents, {chars:.0f} characters on average, one core")

    full = Pipeline()
    model, _ = artefacts.load(paths.MODELS / "issue_types_tfidf")
    segmented = segment(examples, full.nlp.tokenizer)
    rate("baseline: keyword floor", len(examples), lambda: [keyword_labels(e.text) for e in examples])
    rate("TF-IDF classifier (pre-segmented, batches of 64)", len(examples),
         lambda: [model.scores(segmented[i:i + 64]) for i in range(0, len(segmented), 64)])

    documents = [document_from_pages(e.id, None, [e.text]) for e in examples]
    bare = Pipeline(overrides={"nlp.pipeline": ["sentencizer", "doc_kind"]})
    rate("baseline: analyze without issue_types", len(documents), lambda: list(bare.analyze(documents)))
    rate("analyze end to end", len(documents), lambda: list(full.analyze(documents)))


if __name__ == "__main__":
    main()
