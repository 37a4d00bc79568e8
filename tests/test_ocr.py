"""Scanned pages and photos read by OCR (rapidocr, models inside its wheel), through the same
readers as every other input. Needs a font with Chinese glyphs to render the pages."""

import pytest
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from nlp_pipeline.document import Document, ProblemInput
from nlp_pipeline.evaluation.scans import char_accuracy, cjk_font, degrade, render_page
from nlp_pipeline.ingest import read_inputs
from nlp_pipeline.ingest.ocr import looks_garbled

LINES = ["关于青川县交通运输局违规发放津补贴的举报", "2024年3月14日，党组书记、局长周海峰在党组会上",
         "说“这事会前已经定了，今天走个程序”。", "请派驻纪检监察组调查核实。"]


@pytest.fixture(scope="module")
def font():
    found = cjk_font()
    if found is None:
        pytest.skip("no font with Chinese glyphs (apt-get install fonts-wqy-microhei)")
    return found


def only(items):
    items = list(items)
    assert len(items) == 1, items
    return items[0]


def test_photo_is_read_with_its_confidence(tmp_path, font):
    path = tmp_path / "来信.jpg"
    degrade(render_page(LINES, font), "jpeg").save(path)
    document = only(read_inputs([path]))
    assert isinstance(document, Document)
    assert char_accuracy("".join(LINES), document.text) >= 0.95
    [page] = document.pages
    assert page.method == "ocr" and page.confidence > 0.9 and not document.problems
    assert document.text.splitlines()[0] == LINES[0]  # lines come back in reading order


def test_scanned_pdf_and_multipage_tiff_page_by_page(tmp_path, font):
    pages = [render_page(LINES[:2], font), render_page(LINES[2:], font)]
    tiff = tmp_path / "卷宗.tif"
    pages[0].save(tiff, save_all=True, append_images=pages[1:])
    pdf_path = tmp_path / "扫描件.pdf"
    pdf = canvas.Canvas(str(pdf_path))
    for image in pages:
        pdf.drawImage(ImageReader(image), 0, 0, width=595, height=842)
        pdf.showPage()
    pdf.save()
    for document in read_inputs([tiff, pdf_path]):
        assert isinstance(document, Document), document
        assert [(p.number, p.method) for p in document.pages] == [(1, "ocr"), (2, "ocr")]
        second = document.text[document.pages[1].start:]
        assert char_accuracy("".join(LINES[2:]), second) >= 0.95


def test_flags_and_officials_carry_their_page(tmp_path, font, pipeline):
    path = tmp_path / "纪要.tif"
    first, second = render_page(["青川县交通运输局党组会议纪要"], font), render_page(LINES[1:3], font)
    first.save(path, save_all=True, append_images=[second])
    [analysis] = pipeline.analyze(read_inputs([path]))
    assert [p.number for p in analysis.pages] == [1, 2]
    assert any(o.name == "周海峰" and o.page == 2 for o in analysis.officials)
    assert analysis.meeting_flags and all(f.page == 2 for f in analysis.meeting_flags)


def test_garbled_text_layer_is_recognised():
    assert looks_garbled("ÂÃ¤Â¸Â­Ã¥Â\u009bÂ½Ã¥Â\u0085Â±Ã¤ÂºÂ§Ã¥Â\u0085ÂÃ¤Â¼Âé\u0081\u0093")
    assert looks_garbled("\ue000\ue001\ue002\ue003" * 6)
    assert not looks_garbled("党组书记、局长周海峰主持会议，研究2024年第一季度工程款拨付事项（共3项）。")


def test_damaged_image_is_an_error_record(tmp_path):
    path = tmp_path / "坏图.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n not really")
    result = only(read_inputs([path]))
    assert isinstance(result, ProblemInput) and str(path) in result.id
