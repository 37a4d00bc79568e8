"""Transformer inference speed on the CPU: ONNX Runtime int8 (what analyze ships) against
torch fp32 (the baseline), same encoder architecture and vocabulary, same documents, same threads.

    python bench/transformer.py [--docs 24] [--threads 2] [--rounds 3] [--models DIR ...] [--ner DIR]

Documents are the written corpus's longest ones, cut or repeated to exactly 510 tokens each, so
every row is a full 512-token window (the cost the issue's reference of 4.5 docs/s refers to).
Torch runs the base checkpoint (build/e5-small-zh) with a mean-pooled linear head of the same
size as the fine-tuned model's; ONNX runs each of ``--models`` (default models/issue_types_e5, a
model directory written by ``nlp-pipeline train transformer``).

The NER (``--ner``, default models/ner_e5) is raced the same way on rows of 126 characters: torch
fp32 (the same architecture on the base encoder, reading the same kind of input) 32 rows per call,
its fastest, against the shipped ONNX int8 model one row per call, as the officials stage runs it (the
int8 activation scales are per call, so rows batched together would change each other's tags), and
32 rows per call.

Each engine is timed in a process of its own: in one process, the engine that just ran leaves its
threads spinning (torch's OpenMP workers, onnxruntime's pool) and they take the cores from the next
one. The engines take turns for ``--rounds`` rounds, a fresh process each, and each one's best round
is reported, so that a busy moment on a shared machine does not decide the ratio.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from nlp_pipeline import artefacts, corpus, paths
from nlp_pipeline.transformer.train_classifier import BASE_DIR

BASELINE = "baseline: torch fp32"
NER_ROWS, NER_WIDTH, NER_CALLS = 32, 126, 8


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=24)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--models", type=Path, nargs="+", default=[paths.MODELS / "issue_types_e5"])
    parser.add_argument("--ner", type=Path, default=paths.MODELS / "ner_e5")
    parser.add_argument("--engine", help=argparse.SUPPRESS)  # set in the child process that times one engine
    args = parser.parse_args()
    if args.engine:
        print(json.dumps(time_engine(args)))
        return

    print(f"{args.docs} documents x 512 tokens, {args.threads} threads, each engine in its own process")
    report(race([BASELINE] + [f"onnxruntime int8 {m}" for m in args.models], args), "docs/s")
    ner_inputs = json.loads((args.ner / "meta.json").read_text(encoding="utf-8")).get("inputs", "characters")
    print(f"NER reading {ner_inputs}: {NER_CALLS} x {NER_ROWS} rows of {NER_WIDTH} characters")
    rows = {name: value * NER_ROWS for name, value in race(
        ["ner " + BASELINE, "ner onnxruntime int8, 1 row/call", f"ner onnxruntime int8, {NER_ROWS} rows/call"],
        args).items()}
    report({name.removeprefix("ner "): value for name, value in rows.items()}, "rows/s")


def race(engines: list[str], args) -> dict[str, float]:
    """Calls per second of each engine, the best of ``args.rounds`` alternating rounds."""
    best = {name: 0.0 for name in engines}
    passed = [f"--docs={args.docs}", f"--threads={args.threads}", f"--ner={args.ner}", "--models", *map(str, args.models)]
    for _ in range(args.rounds):
        for name in engines:
            child = subprocess.run([sys.executable, __file__, *passed, f"--engine={name}"],
                                   capture_output=True, text=True, check=True)
            best[name] = max(best[name], json.loads(child.stdout.splitlines()[-1]))
    return best


def time_engine(args) -> float:
    """One engine's calls per second over its items, after a first call (set-up is not throughput)."""
    os.environ["NLP_PIPELINE_THREADS"] = str(args.threads)  # the threads of every session artefacts.load opens
    if args.engine.startswith("ner "):
        run, items = ner_engine(args.engine.removeprefix("ner "), args)
    else:
        run, items = classifier_engine(args.engine, args)
    run(0)
    started = time.perf_counter()
    for i in range(items):
        run(i)
    return items / (time.perf_counter() - started)


def full_windows(tokenizer, texts: list[str]) -> np.ndarray:
    """Each text's pieces, repeated or cut to 510, between <s> and </s>."""
    rows = []
    for encoding in tokenizer.encode_batch(texts, add_special_tokens=False):
        rows.append([0] + (encoding.ids * (510 // max(len(encoding.ids), 1) + 1))[:510] + [2])
    return np.array(rows, dtype=np.int64)


def classifier_engine(name: str, args):
    texts = sorted((e.text for e in corpus.written()), key=len)[-args.docs:]
    if name == BASELINE:
        import torch
        from tokenizers import Tokenizer
        from transformers import AutoModel

        torch.set_num_threads(args.threads)
        meta = json.loads((args.models[0] / "meta.json").read_text(encoding="utf-8"))  # no session in torch's process
        input_ids = torch.from_numpy(full_windows(Tokenizer.from_file(str(BASE_DIR / "tokenizer.json")), texts))
        mask = torch.ones_like(input_ids)
        encoder = AutoModel.from_pretrained(BASE_DIR, add_pooling_layer=False).eval()
        head = torch.nn.Linear(encoder.config.hidden_size, len(meta["labels"]))

        def torch_run(i):
            with torch.inference_mode():
                hidden = encoder(input_ids=input_ids[i:i + 1], attention_mask=mask[i:i + 1]).last_hidden_state
                head(hidden.mean(1))
        return torch_run, len(texts)

    model_dir = Path(name.removeprefix("onnxruntime int8 "))
    classifier, meta = artefacts.load(model_dir)  # each model reads the ids of its own (pruned) vocabulary
    input_ids = full_windows(classifier.tokenizer, texts)
    mask = np.ones_like(input_ids)
    return lambda i: classifier.session.run(["logits"], {"input_ids": input_ids[i:i + 1], "attention_mask": mask[i:i + 1]}), len(texts)


def ner_engine(name: str, args):
    from nlp_pipeline.transformer.char_ner import Sentence
    from nlp_pipeline.transformer.train_ner import CharTensors, PieceTensors, char_tagger

    meta = json.loads((args.ner / "meta.json").read_text(encoding="utf-8"))
    inputs = meta.get("inputs", "characters")
    text = "".join(e.text.replace("\n", "") for e in corpus.written())
    sentences = [Sentence(text[i:i + NER_WIDTH], []) for i in range(0, NER_ROWS * NER_CALLS * NER_WIDTH, NER_WIDTH)]
    tensors = PieceTensors if inputs == "pieces" else CharTensors
    batches = [sentences[i * NER_ROWS:(i + 1) * NER_ROWS] for i in range(NER_CALLS)]
    if name == BASELINE:
        import torch
        from tokenizers import Tokenizer

        torch.set_num_threads(args.threads)
        model = char_tagger(BASE_DIR, meta["tags"], crf=False, inputs=inputs).eval()
        feeds = tensors(Tokenizer.from_file(str(BASE_DIR / "tokenizer.json")), meta["tags"])
        torch_inputs = [feeds(part)[0] for part in batches]

        def torch_run(i):
            with torch.inference_mode():
                model(**torch_inputs[i])
        return torch_run, NER_CALLS
    ner, _ = artefacts.load(args.ner)
    if name.endswith("1 row/call"):
        alone = [[ner.inputs_for(s.text)[0] for s in part] for part in batches]
        return lambda i: [ner.session.run(["logits"], feeds) for feeds in alone[i]], NER_CALLS
    feeds = tensors(ner.tokenizer, meta["tags"])
    onnx_inputs = [{k: v.numpy() for k, v in feeds(part)[0].items()} for part in batches]
    return lambda i: ner.session.run(["logits"], onnx_inputs[i]), NER_CALLS


def report(best: dict[str, float], unit: str) -> None:
    baseline = next(value for name, value in best.items() if name.endswith(BASELINE))
    for name, value in best.items():
        print(f"{name:<36} {value:8.2f} {unit}   ({value / baseline:.2f}x)")


if __name__ == "__main__":
    main()
