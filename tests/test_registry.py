"""Registry files and linking: namesakes in different units never merge, doubt goes to review."""

from pathlib import Path

import pytest

from nlp_pipeline import paths
from nlp_pipeline.ingest.errors import InputError
from nlp_pipeline.registry import Registry, read_registry

CPED = paths.DATASETS / "cped-chinese-political-elite" / "background1.csv"
YAML = """officials:
  - {id: P1, name: 王勇, unit: 甲市交通运输局, title: 党组书记、局长, start: "2019-01"}
  - {id: P2, name: 王勇, unit: 乙县卫生健康局, title: 副局长}
  - {id: P3, name: 刘芳, aliases: 刘小芳、刘晓芳, unit: 甲市交通运输局, title: 副局长}
"""


@pytest.fixture
def registry(tmp_path) -> Registry:
    path = tmp_path / "registry.yaml"
    path.write_text(YAML, encoding="utf-8")
    return Registry(read_registry(path).persons)


def test_namesakes_are_told_apart_by_unit_and_title(registry):
    assert registry.link("王勇", "局长", "交通运输局").person_id == "P1"
    assert registry.link("王勇", "原副局长", "乙县卫生健康局").person_id == "P2"
    assert registry.link("王勇", "党组书记、局长").person_id == "P1"


def test_doubt_goes_to_review_instead_of_merging(registry):
    assert registry.link("王勇").status == "ambiguous"
    other_unit = registry.link("王勇", "局长", "丙县公安局")
    assert other_unit.status == "no_match" and other_unit.person_id is None
    assert sorted(other_unit.candidates) == ["P1", "P2"]
    assert registry.link("张三", "局长").status == "no_match"
    assert registry.link("王某某", "局长", "甲市交通运输局").status == "pseudonym"


def test_a_place_is_not_a_unit_inside_it(registry):
    assert registry.link("王勇", "市长", "甲市").status == "no_match"


def test_aliases_link_but_a_name_alone_is_unconfirmed(registry):
    alone = registry.link("刘小芳")
    assert alone.status == "unconfirmed" and alone.person_id == "P3"
    assert registry.link("刘晓芳", "副局长", "甲市交通运输局").status == "linked"


def test_csv_in_gb18030_with_chinese_headers_posts_and_bad_rows(tmp_path):
    path = tmp_path / "名册.csv"
    path.write_bytes("编号,姓名,工作单位,职务,任职时间\r\nA1,周海峰,某县交通运输局,局长,2020-01\r\n"
                     "A1,周海峰,某县教育局,副局长,2016-03\r\nA2,,某县,县长,\r\nA1,周海风,某县,县长,\r\n".encode("gb18030"))
    registry_file = read_registry(path)
    [person] = registry_file.persons
    assert [post.unit for post in person.posts] == ["某县交通运输局", "某县教育局"]
    assert len(registry_file.problems) == 2
    assert all(str(path) in problem for problem in registry_file.problems)
    assert "row 4: no name" in registry_file.problems[0] and "row 5" in registry_file.problems[1]


def test_xlsx_registry(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["id", "name", "aliases", "unit", "title"])
    sheet.append(["X1", "李强", "李小强", "乙县财政局", "局长"])
    sheet.append([None, "赵敏", None, "乙县审计局", "副局长"])
    path = tmp_path / "registry.xlsx"
    book.save(path)
    persons = read_registry(path).persons
    assert [(p.id, p.name, p.aliases) for p in persons] == [("X1", "李强", ["李小强"]), ("registry:3", "赵敏", [])]


@pytest.mark.parametrize("name,content,message", [
    ("r.txt", "x", "unsupported registry format"),
    ("r.csv", "编号,单位\nA1,某局\n", "no name column"),
    ("r.yaml", "just: [1, 2]", "expected a list of officials"),
    ("r.xlsx", "not a workbook", "not a readable XLSX"),
])
def test_unusable_registry_files_are_named_with_the_problem(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message) as raised:
        read_registry(path)
    assert str(path) in str(raised.value)


@pytest.mark.skipif(not CPED.exists(), reason="CPED not in ../shared/datasets")
def test_cped_scale_namesakes_in_other_units_never_merge(tmp_path: Path):
    """4,057 real officials plus namesakes of 200 of them in units of our own: a mention with a
    unit reaches its own person, and CPED (which records no units) is never merged into by name."""
    cped = read_registry(CPED)
    assert len(cped.persons) == 4057 and not cped.problems
    sample = cped.persons[::20][:200]
    namesakes = tmp_path / "namesakes.csv"
    namesakes.write_text("id,name,unit,title\n" + "".join(f"N{i},{p.name},第{i}号测试局,副局长\n" for i, p in enumerate(sample)),
                         encoding="utf-8")
    registry = Registry(cped.persons + read_registry(namesakes).persons)
    for i, person in enumerate(sample):
        assert registry.link(person.name, "副局长", f"第{i}号测试局").person_id == f"N{i}"
        other = registry.link(person.name, "局长", "某市税务局")
        assert other.status != "linked", (person.name, other)
        assert registry.link(person.name).status == "ambiguous"
