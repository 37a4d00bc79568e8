import numpy as np

from nlp_pipeline import paths
from nlp_pipeline.transformer.char_ner import (PADDING, UNCOVERED, Sentence, bio_tags, char_ids, decode, encode_tags,
                                               piece_alignment, piece_rows, span_scores, without_unmatched_brackets)
from nlp_pipeline.transformer.onnx_ner import chunks
from nlp_pipeline.transformer.train_ner import corpus_sentences, unit_type
from nlp_pipeline.transformer.windows import batch, pool_max, windows
from nlp_pipeline.corpus import Example


def test_long_documents_become_overlapping_windows_covering_every_token():
    ids = list(range(1000))
    parts = windows(ids, length=256, stride=192)
    assert all(len(p) <= 254 for p in parts)
    assert parts[0][0] == 0 and parts[-1][-1] == 999
    assert set().union(*map(set, parts)) == set(ids)
    assert windows(list(range(10)), 256, 192) == [list(range(10))]


def test_batch_pads_and_remembers_owners_and_pooling_takes_the_max():
    prepared = batch([[5] * 300, [7] * 3], bos=0, eos=2, pad=1, length=128, stride=100)
    assert prepared.input_ids.shape[1] == 128
    assert (prepared.owner == 0).sum() == 3 and (prepared.owner == 1).sum() == 1
    row = int(np.flatnonzero(prepared.owner == 1)[0])
    assert list(prepared.input_ids[row, :5]) == [0, 7, 7, 7, 2] and prepared.attention_mask[row].sum() == 5
    pooled = pool_max(np.array([[0.1], [0.9], [0.3], [0.2]]), prepared.owner, 2)
    assert pooled.ravel().tolist() == [0.9, 0.2]


def test_bio_roundtrip_and_transition_rule():
    tags = bio_tags()
    sentence = Sentence("公安部副局长张涛说", [(0, 3, "government"), (3, 6, "position"), (6, 8, "name")])
    gold = encode_tags(sentence, tags)
    scores = np.full((len(gold), len(tags)), -5.0)
    scores[np.arange(len(gold)), gold] = 0.0
    assert decode(scores, tags) == sentence.spans
    lonely = np.full((2, len(tags)), -5.0)
    lonely[:, tags.index("I-name")] = 0.0
    assert all(kind == "name" and start == 0 for start, _, kind in decode(lonely, tags))


def test_each_character_gets_its_own_piece():
    vocabulary = {"王": 10, "\u2581建": 11, "<unk>": 3}
    assert char_ids("王建国", vocabulary, 3) == [10, 11, 3]


def test_characters_take_the_piece_covering_them_and_their_place_in_it():
    # <s>, 王建国 (3 characters), a piece the normaliser made from nothing, 主持 (one character skipped), </s>
    piece, position = piece_alignment([(0, 0), (0, 3), (3, 3), (4, 6), (0, 0)], 6)
    assert piece == [1, 1, 1, 1, 3, 3]
    assert position[:3] == [0 * 4 + 2, 1 * 4 + 2, 2 * 4 + 2]  # offsets 0, 1, 2 in a piece of three
    assert position[3] == UNCOVERED and position[4:] == [0 * 4 + 1, 1 * 4 + 1]


def test_piece_rows_pad_characters_and_pieces_separately():
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(paths.MODELS / "issue_types_e5" / "tokenizer.json"))
    rows = piece_rows(tokenizer, ["县委书记王建国主持会议", "好"])
    vocabulary = tokenizer.get_vocab()
    encoding = tokenizer.encode("县委书记王建国主持会议")
    assert rows["input_ids"][0].tolist() == encoding.ids and rows["attention_mask"][0].all()
    for c, j in enumerate(rows["char_piece"][0]):
        start, end = encoding.offsets[j]
        assert start <= c < end  # the piece the character sits in
    assert rows["char_ids"][0].tolist() == char_ids("县委书记王建国主持会议", vocabulary, vocabulary["<unk>"])
    assert rows["char_position"][1, 0] != PADDING and (rows["char_position"][1, 1:] == PADDING).all()
    assert rows["attention_mask"][1].sum() == len(tokenizer.encode("好").ids)


def test_span_scores_exact_match():
    result = span_scores([[(0, 2, "name"), (3, 5, "position")]], [[(0, 2, "name"), (3, 6, "position")]], ["name", "position"])
    assert result["name"]["f1"] == 1.0 and result["position"]["f1"] == 0.0 and result["macro"]["f1"] == 0.5


def test_a_bracket_without_its_partner_is_left_out_of_a_span():
    text = "在Hermes(黄远康)领军之下，后卫维特尔（davidwheater）与（陆慧明）"
    spans = [(8, 12, "name"), (23, 36, "name"), (37, 42, "name"), (7, 8, "name"), (19, 36, "name")]
    assert without_unmatched_brackets(text, spans) == [(8, 11, "name"), (23, 35, "name"), (37, 42, "name"),
                                                       (19, 36, "name")]


def test_chunks_cut_at_sentence_ends():
    text = "第一句话。" * 40
    parts = chunks(text, 126)
    assert all(e - s <= 126 for s, e in parts) and parts[0][1] % 5 == 0
    assert "".join(text[s:e] for s, e in parts) == text


def test_corpus_officials_become_spans():
    example = Example(id="x", text="县交通运输局党组书记、局长周海峰主持会议。", labels=[],
                      officials=[{"name": "周海峰", "title": "党组书记、局长", "unit": "县交通运输局", "role": "subject"}])
    [sentence] = corpus_sentences([example])
    assert [(sentence.text[s:e], k) for s, e, k in sentence.spans] == [
        ("县交通运输局", "government"), ("党组书记、局长", "position"), ("周海峰", "name")]
    assert unit_type("临江农商银行") == "company" and unit_type("县人民医院") == "organization"
