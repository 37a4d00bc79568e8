"""Transformer inference speed on the CPU: ONNX Runtime int8 (what analyze ships) against
torch fp32 (the baseline), same encoder architecture and vocabulary, same documents, same threads.

    python bench/transformer.py [--docs 24] [--threads 2]

Documents are the written corpus's longest ones, cut or repeated to exactly 510 tokens each, so
every row is a full 512-token window (the cost the issue's reference of 4.5 docs/s refers to).
Torch runs the base checkpoint (build/e5-small-zh) with a mean-pooled linear head of the same
size as the fine-tuned model's; ONNX runs models/issue_types_e5.
"""

import argparse
import time

import numpy as np

from nlp_pipeline import artefacts, corpus, paths
from nlp_pipeline.transformer.onnx_session import open_session
from nlp_pipeline.transformer.train_classifier import BASE_DIR


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=24)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    import torch
    from transformers import AutoModel

    torch.set_num_threads(args.threads)
    model_dir = paths.MODELS / "issue_types_e5"
    classifier, meta = artefacts.load(model_dir)
    classifier.session = open_session(model_dir / meta["file"], args.threads)
    texts = sorted((e.text for e in corpus.written()), key=len)[-args.docs:]
    ids = []
    for encoding in classifier.tokenizer.encode_batch(texts, add_special_tokens=False):
        row = (encoding.ids * (510 // max(len(encoding.ids), 1) + 1))[:510]
        ids.append([0] + row + [2])
    input_ids = np.array(ids, dtype=np.int64)
    mask = np.ones_like(input_ids)
    print(f"{len(ids)} documents x 512 tokens, {args.threads} threads")

    encoder = AutoModel.from_pretrained(BASE_DIR, add_pooling_layer=False).eval()
    head = torch.nn.Linear(encoder.config.hidden_size, len(meta["labels"]))
    with torch.inference_mode():
        started = time.perf_counter()
        for i in range(len(ids)):
            hidden = encoder(input_ids=torch.from_numpy(input_ids[i:i + 1]),
                             attention_mask=torch.from_numpy(mask[i:i + 1])).last_hidden_state
            head(hidden.mean(1))
        torch_rate = len(ids) / (time.perf_counter() - started)
    started = time.perf_counter()
    for i in range(len(ids)):
        classifier.session.run(["logits"], {"input_ids": input_ids[i:i + 1], "attention_mask": mask[i:i + 1]})
    onnx_rate = len(ids) / (time.perf_counter() - started)
    print(f"{'baseline: torch fp32':<28} {torch_rate:8.2f} docs/s")
    print(f"{'onnxruntime int8':<28} {onnx_rate:8.2f} docs/s   ({onnx_rate / torch_rate:.2f}x)")


if __name__ == "__main__":
    main()
