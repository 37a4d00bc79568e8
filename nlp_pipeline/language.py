"""spaCy ``zh`` with jieba and the domain dictionary, assembled from ``configs/pipeline.cfg``.

spaCy's own jieba segmenter uses the process-wide jieba instance and aligns words to the
text in quadratic time; this tokenizer keeps a private ``jieba.Tokenizer`` (so two pipelines
with different dictionaries do not leak into each other), aligns in one pass, and merges
what jieba cannot keep whole: posts chained with 、 (党组书记、局长) and pseudonymised
names (王某某), since jieba always splits at punctuation.
"""

from collections.abc import Iterable
from pathlib import Path

import jieba
import spacy
from spacy.tokens import Doc
from spacy.util import registry
from spacy.vocab import Vocab

from . import paths

jieba.setLogLevel(60)

TITLE_TAG = "title"
CHAIN_MARK = "、"
PSEUDONYM_MARK = "某"


def read_dictionary(path: Path) -> list[tuple[str, str | None]]:
    """Lines ``word [tag]``; ``#`` starts a comment. Several words per line are allowed
    when the file has no tags (surname lists)."""
    entries: list[tuple[str, str | None]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        fields = line.split()
        if len(fields) == 2 and fields[1].isascii():
            entries.append((fields[0], fields[1]))
        else:
            entries.extend((word, None) for word in fields)
    return entries


class DomainSegmenter:
    """Callable spaCy tokenizer: jieba with user words, then the two merges."""

    def __init__(self, vocab: Vocab, dictionaries: Iterable[str | Path], surnames: str | Path | None, hmm: bool = True):
        self.vocab = vocab
        self.dictionaries = [Path(p) for p in dictionaries]
        self.surnames_path = Path(surnames) if surnames else None
        self.hmm = hmm
        self._jieba: jieba.Tokenizer | None = None
        self.titles: set[str] = set()
        self.surnames: set[str] = set()

    def initialize(self, get_examples=None, *, nlp=None) -> None:
        """Load jieba's dictionary and ours once (spaCy calls this from ``nlp.initialize``)."""
        if self._jieba is not None:
            return
        segmenter = jieba.Tokenizer()
        segmenter.initialize()
        for path in self.dictionaries:
            for word, tag in read_dictionary(path):
                # freq=None: jieba suggests the lowest frequency that keeps the word whole,
                # but never below its built-in frequency.
                segmenter.add_word(word, freq=None, tag=tag)
                if tag == TITLE_TAG:
                    self.titles.add(word)
        if self.surnames_path:
            self.surnames = {word for word, _ in read_dictionary(self.surnames_path)}
        self._jieba = segmenter

    @property
    def word_frequency(self) -> dict[str, int]:
        """jieba's word frequencies with the domain words: how word-like a string is."""
        self.initialize()
        return self._jieba.FREQ

    def cut(self, text: str) -> list[str]:
        """Words of ``text``; they concatenate back to it exactly."""
        self.initialize()
        words = [w for w in self._jieba.cut(text, HMM=self.hmm) if w]
        return self._merge_pseudonyms(self._merge_title_chains(words))

    def _merge_title_chains(self, words: list[str]) -> list[str]:
        merged: list[str] = []
        i = 0
        while i < len(words):
            word = words[i]
            if word in self.titles:
                while i + 2 < len(words) and words[i + 1] == CHAIN_MARK and words[i + 2] in self.titles:
                    word += CHAIN_MARK + words[i + 2]
                    i += 2
            merged.append(word)
            i += 1
        return merged

    def _merge_pseudonyms(self, words: list[str]) -> list[str]:
        merged: list[str] = []
        for word in words:
            if merged and merged[-1] in self.surnames and word and set(word) == {PSEUDONYM_MARK}:
                merged[-1] += word
            else:
                merged.append(word)
        return merged

    def __call__(self, text: str) -> Doc:
        words: list[str] = []
        spaces: list[bool] = []
        for word in self.cut(text):
            if word == " " and words and not spaces[-1] and not words[-1].isspace():
                spaces[-1] = True
            else:
                words.append(word)
                spaces.append(False)
        return Doc(self.vocab, words=words, spaces=spaces)


@registry.tokenizers("nlp_pipeline.domain_segmenter.v1")
def create_domain_segmenter(dictionaries: list[str], surnames: str | None = None, hmm: bool = True):
    def make(nlp):
        return DomainSegmenter(nlp.vocab, dictionaries, surnames, hmm)

    return make


def load_language(config_path: Path | None = None, overrides: dict | None = None, components: bool = True):
    """Build the configured spaCy pipeline, resources loaded once (spaCy's ``initialize``).
    With ``components=False`` only the tokenizer is built: training needs it before any model exists."""
    from . import components as _factories  # noqa: F401  registers the factories

    config_path = Path(config_path or paths.DEFAULT_CONFIG)
    settings = {"paths.configs": str(config_path.parent.resolve()), "paths.models": str(paths.MODELS)}
    settings.update(overrides or {})
    config = spacy.util.load_config(config_path, overrides=settings, interpolate=True)
    exclude = [] if components else list(config["nlp"]["pipeline"])
    nlp = spacy.util.load_model_from_config(config, auto_fill=True, validate=True, exclude=exclude)
    nlp.config["initialize"]["tokenizer"] = {}  # spaCy's zh defaults carry pkuseg settings we do not take
    nlp.initialize()
    return nlp


def load_tokenizer(config_path: Path | None = None) -> DomainSegmenter:
    return load_language(config_path, components=False).tokenizer
