"""Cutting a shipped model's vocabulary to the pieces it can meet, without retraining.

The embedding table is most of an e5 model file (100,419 int8 rows, 38.6 MB). A model keeps the
rows it reads, in their original order, and a tokenizer with the same pieces renumbered. The
character NER reads one piece per character, so its outputs stay the same for every input. The
classifier tokenises whole texts: it keeps every single character and the pieces that text it was
trained on, and general Chinese, produce. Where such a text's best segmentation uses only kept
pieces it is unchanged; rarer words fall back to shorter kept pieces.
"""

import json
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from .. import artefacts
from .char_ner import META

SPECIAL = ("<s>", "<pad>", "</s>", "<unk>", "<mask>")


def single_character_pieces(vocabulary: dict[str, int]) -> list[int]:
    """Ids of the special tokens and of every piece that is one character, bare or word-start."""
    return sorted(i for piece, i in vocabulary.items()
                  if piece in SPECIAL or len(piece) == 1 or (len(piece) == 2 and piece[0] == META))


def observed_pieces(tokenizer, texts: list[str]) -> set[int]:
    """Ids of the pieces ``tokenizer`` produces on ``texts``."""
    seen: set[int] = set()
    for start in range(0, len(texts), 5000):
        for encoding in tokenizer.encode_batch(texts[start:start + 5000], add_special_tokens=False):
            seen.update(encoding.ids)
    return seen


def _embedding_initializer(graph) -> str:
    """The initializer the input ids index: the first input of the Gather fed by ``input_ids``."""
    for node in graph.node:
        if node.op_type == "Gather" and node.input[1] == "input_ids":
            return node.input[0]
    raise ValueError("no Gather over input_ids: not an encoder exported by this project")


def _tokenizer_json(config: dict, keep: list[int]) -> dict:
    new_id = {old: new for new, old in enumerate(keep)}
    model = config["model"]
    if model["type"] != "Unigram":
        raise ValueError(f"expected a Unigram tokenizer, found {model['type']}")
    model["vocab"] = [model["vocab"][i] for i in keep]
    model["unk_id"] = new_id[model["unk_id"]]
    config["added_tokens"] = [{**t, "id": new_id[t["id"]]} for t in config["added_tokens"] if t["id"] in new_id]
    for token in (config.get("post_processor") or {}).get("special_tokens", {}).values():
        token["ids"] = [new_id[i] for i in token["ids"]]
    return config


def prune(directory: Path, keep: Iterable[int]) -> dict:
    """Rewrite ``directory``'s model.onnx and tokenizer.json to the vocabulary rows ``keep``, and its
    meta.json to the new file's checksum and size; returns the new metadata."""
    import onnx
    from onnx import numpy_helper
    from tokenizers import Tokenizer

    keep = sorted(set(keep))
    model_path, tokenizer_path = directory / "model.onnx", directory / "tokenizer.json"
    before = model_path.stat().st_size
    model = onnx.load(str(model_path))
    name = _embedding_initializer(model.graph)
    for index, tensor in enumerate(model.graph.initializer):
        if tensor.name == name:
            rows = numpy_helper.to_array(tensor)
            if keep[-1] >= len(rows):
                raise ValueError(f"{model_path}: id {keep[-1]} beyond the {len(rows)} embedding rows")
            model.graph.initializer[index].CopyFrom(numpy_helper.from_array(np.ascontiguousarray(rows[keep]), name))
            break
    config = _tokenizer_json(json.loads(tokenizer_path.read_text(encoding="utf-8")), keep)
    Tokenizer.from_str(json.dumps(config))  # refuse to write a tokenizer that does not load
    onnx.save(model, str(model_path))
    tokenizer_path.write_text(json.dumps(config, ensure_ascii=False), encoding="utf-8")
    meta = json.loads((directory / artefacts.META_FILE).read_text(encoding="utf-8"))
    meta = {k: v for k, v in meta.items() if k not in ("file", "sha256", "bytes")}
    meta["vocabulary"] = {"rows": len(keep), "pruned from bytes": before}
    return artefacts.record(directory, model_path.name, meta)
