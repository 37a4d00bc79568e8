"""Transformer inference speed on the CPU: ONNX Runtime int8 (what analyze ships) against
torch fp32 (the baseline), same encoder architecture and vocabulary, same documents, same threads.

    python bench/transformer.py [--docs 24] [--threads 2] [--rounds 3] [--models DIR ...] [--ner DIR]

Documents are the written corpus's longest ones, cut or repeated to exactly 510 tokens each, so
every row is a full 512-token window (the cost the issue's reference of 4.5 docs/s refers to).
Torch runs the base checkpoint (build/e5-small-zh) with a mean-pooled linear head of the same
size as the fine-tuned model's; ONNX runs each of ``--models`` (default models/issue_types_e5, a
model directory written by ``nlp-pipeline train transformer``). The engines take turns for
``--rounds`` rounds and each one's best round is reported, so that a busy moment on a shared
machine does not decide the ratio.

The NER (``--ner``, default models/ner_e5) is raced the same way on rows of 126 characters: torch
fp32 (the same architecture on the base encoder, reading the same kind of input) 32 rows per call,
its fastest, against the shipped ONNX int8 model one row per call, as the officials stage runs it (the
int8 activation scales are per call, so rows batched together would change each other's tags), and
32 rows per call.
"""

import argparse
import time
from pathlib import Path

import numpy as np

from nlp_pipeline import artefacts, corpus, paths
from nlp_pipeline.transformer.onnx_session import open_session
from nlp_pipeline.transformer.train_classifier import BASE_DIR


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=24)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--models", type=Path, nargs="+", default=[paths.MODELS / "issue_types_e5"])
    parser.add_argument("--ner", type=Path, default=paths.MODELS / "ner_e5")
    args = parser.parse_args()

    import torch
    from transformers import AutoModel

    torch.set_num_threads(args.threads)
    texts = sorted((e.text for e in corpus.written()), key=len)[-args.docs:]

    def full_windows(tokenizer) -> np.ndarray:
        """Each text's pieces, repeated or cut to 510, between <s> and </s>."""
        rows = []
        for encoding in tokenizer.encode_batch(texts, add_special_tokens=False):
            rows.append([0] + (encoding.ids * (510 // max(len(encoding.ids), 1) + 1))[:510] + [2])
        return np.array(rows, dtype=np.int64)

    models = {}  # each model reads the ids of its own (pruned) vocabulary
    for model_dir in args.models:
        classifier, meta = artefacts.load(model_dir)
        models[str(model_dir)] = open_session(model_dir / meta["file"], args.threads), full_windows(classifier.tokenizer)
    input_ids = next(iter(models.values()))[1]
    mask = np.ones_like(input_ids)
    print(f"{len(texts)} documents x 512 tokens, {args.threads} threads")

    encoder = AutoModel.from_pretrained(BASE_DIR, add_pooling_layer=False).eval()
    head = torch.nn.Linear(encoder.config.hidden_size, len(meta["labels"]))

    def torch_run(i):
        with torch.inference_mode():
            hidden = encoder(input_ids=torch.from_numpy(input_ids[i:i + 1]),
                             attention_mask=torch.from_numpy(mask[i:i + 1])).last_hidden_state
            head(hidden.mean(1))

    def onnx_run(session, ids):
        return lambda i: session.run(["logits"], {"input_ids": ids[i:i + 1], "attention_mask": mask[i:i + 1]})

    runs = {"baseline: torch fp32": torch_run, **{f"onnxruntime int8 {name}": onnx_run(*model) for name, model in models.items()}}
    report(race(runs, len(texts), args.rounds), "docs/s")
    ner_race(args.ner, args.rounds)


def race(runs: dict, items: int, rounds: int) -> dict[str, float]:
    """Items per second of each run(i), i in range(items): the best of ``rounds`` alternating rounds."""
    for run in runs.values():
        run(0)  # first-call set-up is not throughput
    best = {name: 0.0 for name in runs}
    for _ in range(rounds):
        for name, run in runs.items():
            started = time.perf_counter()
            for i in range(items):
                run(i)
            best[name] = max(best[name], items / (time.perf_counter() - started))
    return best


def report(best: dict[str, float], unit: str) -> None:
    baseline = best["baseline: torch fp32"]
    for name, value in best.items():
        print(f"{name:<36} {value:8.2f} {unit}   ({value / baseline:.2f}x)")


def ner_race(model_dir: Path, rounds: int, rows: int = 32, width: int = 126, calls: int = 8) -> None:
    import torch
    from tokenizers import Tokenizer

    from nlp_pipeline.transformer.char_ner import Sentence
    from nlp_pipeline.transformer.train_ner import CharTensors, PieceTensors, char_tagger

    ner, meta = artefacts.load(model_dir)
    text = "".join(e.text.replace("\n", "") for e in corpus.written())
    sentences = [Sentence(text[i:i + width], []) for i in range(0, rows * calls * width, width)]
    tensors = PieceTensors if ner.inputs == "pieces" else CharTensors
    model = char_tagger(BASE_DIR, meta["tags"], crf=False, inputs=ner.inputs).eval()
    torch_feeds = tensors(Tokenizer.from_file(str(BASE_DIR / "tokenizer.json")), meta["tags"])
    onnx_feeds = tensors(ner.tokenizer, meta["tags"])
    batches = [slice(i * rows, (i + 1) * rows) for i in range(calls)]
    torch_inputs = [torch_feeds(sentences[part])[0] for part in batches]
    onnx_inputs = [{k: v.numpy() for k, v in onnx_feeds(sentences[part])[0].items()} for part in batches]
    alone = [[ner.inputs_for(s.text)[0] for s in sentences[part]] for part in batches]

    def torch_run(i):
        with torch.inference_mode():
            model(**torch_inputs[i])

    def onnx_batched(i):
        ner.session.run(["logits"], onnx_inputs[i])

    def onnx_alone(i):
        for feeds in alone[i]:
            ner.session.run(["logits"], feeds)

    print(f"NER reading {ner.inputs}: {calls} x {rows} rows of {width} characters")
    best = race({"baseline: torch fp32": torch_run, "onnxruntime int8, 1 row/call": onnx_alone,
                 f"onnxruntime int8, {rows} rows/call": onnx_batched}, calls, rounds)
    report({name: value * rows for name, value in best.items()}, "rows/s")


if __name__ == "__main__":
    main()
