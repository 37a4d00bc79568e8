import jieba
import pytest
from typer.testing import CliRunner

from nlp_pipeline.cli import app
from nlp_pipeline.evaluation.segmentation import read_conllu, read_segmented, score, segment_all
from nlp_pipeline.language import read_dictionary


@pytest.mark.parametrize(
    "sentence, word",
    [
        ("严格落实八项规定，一把手带头。", "八项规定"),
        ("严格落实中央八项规定精神。", "中央八项规定精神"),
        ("派驻纪检监察组列席会议。", "派驻纪检监察组"),
        ("纪检组长参加会议。", "纪检组长"),
        ("县交通运输局党组成员、副局长李某某", "党组成员、副局长"),
        ("县交通运输局党组成员、副局长李某某", "李某某"),
        ("县交通运输局党组成员、副局长李某某", "交通运输局"),
        ("党组书记、局长王建国主持会议", "党组书记、局长"),
        ("村党支部书记、村委会主任张某", "村党支部书记、村委会主任"),
        ("三重一大事项未经集体研究", "三重一大"),
        ("会上搞一言堂，会前定调", "会前定调"),
    ],
)
def test_domain_words_stay_whole(segmenter, sentence, word):
    assert word in segmenter.cut(sentence)


def test_plain_jieba_splits_them(segmenter):
    plain = jieba.Tokenizer()
    for word in ("八项规定", "纪检监察组", "党组成员", "纪检组长"):
        assert word not in plain.lcut(f"他说{word}很重要", HMM=True)


def test_user_words_never_lower_builtin_frequencies(segmenter):
    """jieba pitfall: a user frequency replaces the built-in one, so a low one splits words."""
    plain = jieba.Tokenizer()
    plain.initialize()
    for path in segmenter.dictionaries:
        for word, _ in read_dictionary(path):
            assert segmenter._jieba.FREQ[word] >= plain.FREQ.get(word, 0), word
    assert "局长" in segmenter.cut("王局长说") and "村委会" in segmenter.cut("去村委会")


def test_the_global_jieba_instance_is_untouched(segmenter):
    assert "纪检监察组" not in jieba.lcut("派驻纪检监察组")


def test_words_spell_the_text_and_tokens_keep_offsets(pipeline):
    text = "会议时间：2024年3月14日\n主持人：周海峰 (党组书记、局长)  出席：林晓东"
    doc = pipeline.nlp.make_doc(text)
    assert doc.text == text
    assert "".join(pipeline.nlp.tokenizer.cut(text)) == text
    token = next(t for t in doc if t.text == "党组书记、局长")
    assert text[token.idx: token.idx + len(token)] == "党组书记、局长"


def test_segment_command_prints_each_line(tmp_path):
    path = tmp_path / "in.txt"
    path.write_bytes("党组书记、局长王建国主持会议\n严格落实八项规定".encode("gb18030"))
    result = CliRunner().invoke(app, ["segment", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["党组书记、局长 王建国 主持会议", "严格 落实 八项规定"]


def test_segment_command_names_an_unreadable_file(tmp_path):
    path = tmp_path / "bin.txt"
    path.write_bytes(bytes(range(256)) * 4)
    result = CliRunner().invoke(app, ["segment", str(path)])
    assert result.exit_code == 1 and str(path) in result.output


def test_sighan_scoring():
    gold = [["共同", "创造", "美好", "的", "新", "世纪"]]
    predicted = [["共同", "创造", "美好", "的", "新世纪"]]
    result = score(gold, predicted, training_words={"共同", "创造", "美好", "的"})
    assert (result.correct, result.gold_words, result.predicted_words) == (4, 6, 5)
    assert result.f1 == pytest.approx(2 * 0.8 * (4 / 6) / (0.8 + 4 / 6))
    assert result.oov_recall == 0.0
    with pytest.raises(ValueError):
        score(gold, [["共同"]])


def test_segmenter_on_real_gold_matches_or_beats_plain_jieba(segmenter, datasets):
    gold_path = datasets / "sighan2005-icwb2" / "gold" / "pku_test_gold.utf8"
    ud_path = datasets / "ud-chinese-gsdsimp" / "zh_gsdsimp-ud-test.conllu"
    plain = jieba.Tokenizer()
    for gold in (read_segmented(gold_path)[:500], read_conllu(ud_path)[:300]):
        ours = score(gold, list(segment_all(segmenter.cut, gold))).f1
        baseline = score(gold, list(segment_all(lambda t: plain.cut(t, HMM=True), gold))).f1
        assert ours >= baseline - 0.005
        assert ours > 0.75
