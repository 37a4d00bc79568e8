import json

import numpy as np
import pytest

from nlp_pipeline import artefacts
from nlp_pipeline.evaluation.classification import multilabel_report
from nlp_pipeline.evaluation.keyword_floor import keyword_labels
from nlp_pipeline.labels import codes, decide
from nlp_pipeline.learn.tfidf_classifier import TfidfIssueClassifier, best_threshold

LABELS = ["eight_rules", "bribery_embezzlement", "out_of_scope"]
TEMPLATES = {
    "eight_rules": ["局长{n}用公款在酒店宴请{m}，喝高档白酒", "科长{n}节日收受下属送的购物卡{m}张", "主任{n}公车私用接送家人{m}次"],
    "bribery_embezzlement": ["副县长{n}收受老板{m}万元好处费，帮其拿下工程", "站长{n}挪用公款{m}万元炒股", "所长{n}索要回扣{m}万元"],
    "out_of_scope": ["小区{n}号楼电梯坏了{m}天，物业不修", "楼下饭店{n}点以后还很吵，噪音扰民{m}次", "请问{n}路公交什么时候恢复，等了{m}天"],
}


def make(n_per_template: int, offset: int = 0):
    X, y = [], []
    for label, templates in TEMPLATES.items():
        for template in templates:
            for i in range(n_per_template):
                text = template.format(n="甲乙丙丁戊己庚辛壬癸"[(i + offset) % 10], m=i + offset + 2)
                X.append((text, list(text)))
                y.append([label])
    return X, y


def test_fit_tune_predict_on_separable_data():
    X, y = make(8)
    model = TfidfIssueClassifier(labels=LABELS, min_df=1).fit_out_of_fold(X, y, folds=3)
    assert ((0.05 <= model.thresholds_) & (model.thresholds_ <= 0.95)).all()
    X_test, y_test = make(3, offset=40)
    probabilities = model.predict_proba(X_test)
    assert probabilities.shape == (len(X_test), 3) and ((0 <= probabilities) & (probabilities <= 1)).all()
    report = multilabel_report(y_test, model.predict(X_test), LABELS)
    assert report["macro"]["f1"] > 0.9


def test_best_threshold_prefers_the_middle_of_a_plateau():
    scores = np.array([0.1, 0.2, 0.8, 0.9])
    truth = np.array([False, False, True, True])
    assert 0.2 < best_threshold(scores, truth) <= 0.8
    assert best_threshold(scores, np.zeros(4, dtype=bool)) == 0.5


def test_decide_keeps_out_of_scope_exclusive():
    thresholds = {c: 0.5 for c in codes()}
    assert decide({"eight_rules": 0.9, "out_of_scope": 0.95, "formalism": 0.6}, thresholds) == ["eight_rules", "formalism"]
    assert decide({"eight_rules": 0.1, "out_of_scope": 0.7}, thresholds) == ["out_of_scope"]
    assert decide({"eight_rules": 0.1, "out_of_scope": 0.2}, thresholds) == []


def test_decide_gives_a_petition_its_top_code_when_none_passes():
    thresholds = {c: 0.5 for c in codes()}
    scores = {"eight_rules": 0.3, "out_of_scope": 0.2, "formalism": 0.1}
    assert decide(scores, thresholds, at_least_one=True) == ["eight_rules"]
    assert decide({**scores, "formalism": 0.6}, thresholds, at_least_one=True) == ["formalism"]
    assert decide({"eight_rules": 0.1, "out_of_scope": 0.2}, thresholds, at_least_one=True) == ["out_of_scope"]


def test_multilabel_report_counts():
    report = multilabel_report([["a"], ["a", "b"], []], [["a"], ["b"], ["b"]], ["a", "b", "c"])
    assert report["per_label"]["a"] == {"precision": 1.0, "recall": 0.5, "f1": 0.6667, "support": 2, "predicted": 1}
    assert report["per_label"]["b"]["precision"] == 0.5
    assert report["macro"]["f1"] == round((0.6667 + 0.6667) / 2, 4)  # c has no support: not averaged
    assert report["exact_match"] == round(1 / 3, 4)


def test_keyword_floor():
    assert keyword_labels("他收受购物卡，还索要好处费") == ["eight_rules", "bribery_embezzlement"]
    assert keyword_labels("今天天气很好") == ["out_of_scope"]


def test_artefact_refuses_a_changed_file(tmp_path):
    meta = artefacts.save(tmp_path, {"weights": [1, 2, 3]}, {"name": "t"})
    loaded, loaded_meta = artefacts.load(tmp_path)
    assert loaded == {"weights": [1, 2, 3]} and loaded_meta["sha256"] == meta["sha256"]
    (tmp_path / "model.joblib").write_bytes(b"tampered")
    with pytest.raises(ValueError, match="checksum"):
        artefacts.load(tmp_path)
    with pytest.raises(FileNotFoundError, match="train it"):
        artefacts.load(tmp_path / "missing")
    assert json.loads((tmp_path / "meta.json").read_text())["name"] == "t"


def test_a_tolerance_widens_the_plateau_of_best_thresholds():
    scores = np.array([0.2, 0.4, 0.5, 0.9])
    truth = np.array([False, False, True, True])
    assert best_threshold(scores, truth) == 0.475  # F1 1.0 from 0.425 to 0.5
    assert best_threshold(scores, truth, tolerance=0.2) == 0.375  # F1 0.8 from 0.225 to 0.4 joins them
