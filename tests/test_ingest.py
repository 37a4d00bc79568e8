import json

import docx
import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from nlp_pipeline.document import Document, ProblemInput
from nlp_pipeline.ingest import read_inputs

pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))


def write_pdf(path, pages, encrypt=None):
    pdf = canvas.Canvas(str(path), encrypt=encrypt)
    for lines in pages:
        pdf.setFont("STSong-Light", 12)
        for i, line in enumerate(lines):
            pdf.drawString(60, 780 - 22 * i, line)
        pdf.showPage()
    pdf.save()


def only(items):
    items = list(items)
    assert len(items) == 1, items
    return items[0]


def test_docx_paragraphs_and_tables_in_order(tmp_path):
    document = docx.Document()
    document.add_paragraph("党组会议纪要")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "姓名", "职务"
    table.cell(1, 0).text, table.cell(1, 1).text = "周海峰", "党组书记、局长"
    document.add_paragraph("议定事项：同意。")
    path = tmp_path / "纪要.docx"
    document.save(path)
    result = only(read_inputs([path]))
    assert isinstance(result, Document)
    assert result.text == "党组会议纪要\n姓名\t职务\n周海峰\t党组书记、局长\n议定事项：同意。"


def test_pdf_text_layer_page_by_page(tmp_path):
    path = tmp_path / "来信.pdf"
    write_pdf(path, [["关于白沙镇违规发放津补贴的反映"], [], ["请上级纪委调查核实。"]])
    result = only(read_inputs([path]))
    assert isinstance(result, Document)
    assert result.text.startswith("关于白沙镇违规发放津补贴的反映")
    assert [page.number for page in result.pages] == [1, 2, 3]
    assert [page.method for page in result.pages] == ["text", "ocr", "text"]
    assert result.text[result.pages[2].start:] == "请上级纪委调查核实。"
    assert result.problems == ["page 2: no text (OCR found none)"]


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", "\u3000 \r\n\t".encode("utf-8"), "no text"),
        ("photo.bmp", b"BM" + bytes(100), "damaged image"),
        ("表格.xls", b"\xd0\xcf\x11\xe0" + bytes(100), "unsupported file type '.xls'"),
        ("binary.txt", bytes(range(256)) * 8, "binary"),
        ("fake.docx", b"this is not a zip", "damaged or incomplete .docx"),
        ("legacy.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "password-protected or legacy"),
        ("fake.pdf", b"%PDF-1.4 truncated", "not a readable PDF"),
    ],
)
def test_bad_files_become_error_records_naming_the_file(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    result = only(read_inputs([path]))
    assert isinstance(result, ProblemInput)
    assert result.id == str(path)
    assert message in result.message


def test_encrypted_pdf(tmp_path):
    path = tmp_path / "secret.pdf"
    write_pdf(path, [["机密材料"]], encrypt="s3cret")
    result = only(read_inputs([path]))
    assert isinstance(result, ProblemInput)
    assert "encrypted PDF" in result.message


def test_scanned_pdf_without_text_layer(tmp_path):
    path = tmp_path / "scan.pdf"
    write_pdf(path, [[], []])
    result = only(read_inputs([path]))
    assert isinstance(result, ProblemInput)
    assert "no text on any of its 2 pages" in result.message


def test_jsonl_lines_each_a_document_and_bad_lines_reported(tmp_path):
    path = tmp_path / "messages.jsonl"
    lines = [
        json.dumps({"id": "m1", "text": "小区噪音扰民", "kind": "petition"}, ensure_ascii=False),
        "{not json",
        json.dumps({"id": "m3"}),
        json.dumps({"id": 4, "text": "举报村主任侵占补助款"}, ensure_ascii=False),
        json.dumps({"id": "m5", "text": "x", "kind": "letter"}),
        "",
        json.dumps(["a list"]),
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    results = list(read_inputs([path]))
    assert [type(r).__name__ for r in results] == ["Document", "ProblemInput", "ProblemInput", "Document",
                                                    "ProblemInput", "ProblemInput"]
    assert results[0].kind == "petition" and results[0].source == str(path)
    assert results[1].id == f"{path}:2" and "invalid JSON" in results[1].message
    assert results[2].id == "m3" and "'text'" in results[2].message
    assert results[3].id == "4" and results[3].kind is None
    assert "kind must be one of" in results[4].message
    assert results[5].id == f"{path}:7"


def test_directories_recursively_in_stable_order_and_missing_paths(tmp_path):
    (tmp_path / "b" / "c").mkdir(parents=True)
    (tmp_path / "b" / "c" / "2.txt").write_text("第二份", encoding="utf-8")
    (tmp_path / "a.txt").write_bytes("第一份".encode("gb18030"))
    results = list(read_inputs([tmp_path, tmp_path / "missing.txt"]))
    assert [r.text for r in results[:2]] == ["第一份", "第二份"]
    assert results[2].message == "no such file or directory"
