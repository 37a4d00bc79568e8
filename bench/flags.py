"""Meeting-flag scoring speed on one core: sentences/s and documents/s for the shipped blended
model beside its own n-gram half (the previous model's kind) as the named baseline, same run.

    python bench/flags.py [--docs 200]

The documents are the written corpus's minutes and petitions, in order, up to --docs; each is
split into sentences by the pipeline's own sentencizer. Embeddings are not memoised across the
two runs' inputs (the memo is cleared before the blended run).
"""

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"
os.environ["NLP_PIPELINE_THREADS"] = "1"

import argparse  # noqa: E402
import time  # noqa: E402

from nlp_pipeline import artefacts, corpus, paths  # noqa: E402
from nlp_pipeline.language import load_language  # noqa: E402
from nlp_pipeline.learn import sentence_embeddings  # noqa: E402
from nlp_pipeline.learn.train_flags import sentences  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=200)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    nlp = load_language(None, {"nlp.pipeline": ["sentencizer"]})
    documents = [[(t, w) for _, _, t, w in sentences(nlp, e.text)] for e in corpus.written()[: args.docs]]
    count = sum(map(len, documents))
    model, _ = artefacts.load(paths.MODELS / "meeting_flags")
    print(f"{len(documents)} documents, {count} sentences, one core")
    for label, scorer in (("baseline: n-gram half alone", model.ngrams_), ("shipped: n-grams + e5 embeddings", model)):
        sentence_embeddings._memo.clear()
        started = time.perf_counter()
        for parts in documents:
            scorer.predict_proba(parts)
        seconds = time.perf_counter() - started
        print(f"{label:<36} {count / seconds:8,.1f} sentences/s {len(documents) / seconds:8,.2f} docs/s")


if __name__ == "__main__":
    main()
