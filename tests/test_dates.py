"""The date a document states, and the date a jsonl line gives."""

import json

import pytest

from nlp_pipeline.ingest import read_inputs
from nlp_pipeline.ingest.dates import stated_date


@pytest.mark.parametrize("text,date", [
    ("会议时间：2024年3月14日下午3时", "2024-03-14"),
    ("落款：二〇二三年十二月二十日", "2023-12-20"),
    ("二〇二四年一月五日", "2024-01-05"),
    ("2023年2月30日误写，后于2023.3.1召开", "2023-03-01"),
    ("2024/7/08 来电", "2024-07-08"),
    ("2019年1月以来多次反映", None),
    ("电话13912345678", None),
])
def test_stated_date(text, date):
    assert stated_date(text) == date


def test_jsonl_date_is_used_and_checked(tmp_path):
    path = tmp_path / "m.jsonl"
    path.write_text(json.dumps({"id": "a", "text": "留言内容", "date": "2024-05-01"}, ensure_ascii=False) + "\n"
                    + json.dumps({"id": "b", "text": "留言内容", "date": "5月1日"}, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    good, bad = read_inputs([path])
    assert good.date == "2024-05-01"
    assert bad.id == "b" and "ISO date" in bad.message and "line 2" in bad.message
