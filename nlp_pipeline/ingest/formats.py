"""One reader per file format; each returns the pages of raw text it found.

Readers know formats, nothing else: normalising, ids and error records are the walker's
business (``ingest.read_inputs``).
"""

import zipfile
from pathlib import Path

from .encoding import decode
from .errors import InputError
from .ocr import Ocr, RawPage, looks_garbled

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp")
MAX_PAGES = 2000
MAX_PIXELS = 120_000_000  # a 600 dpi A3 scan is about 70 million


def read_text(path: Path) -> list[str]:
    text, _ = decode(path.read_bytes())
    return [text]


def _docx_table_text(table) -> str:
    rows = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = cell.text.strip()
            if not cells or cells[-1] != text:  # merged cells repeat their text
                cells.append(text)
        rows.append("\t".join(cells))
    return "\n".join(rows)


def read_docx(path: Path) -> list[str]:
    """Paragraphs and tables of the body, in document order."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    with path.open("rb") as handle:
        if handle.read(8) == OLE_MAGIC:
            raise InputError("password-protected or legacy binary Word file (save it as .docx)")
    if not zipfile.is_zipfile(path):
        raise InputError("damaged or incomplete .docx (not a readable zip archive)")
    try:
        document = docx.Document(str(path))
    except Exception as err:  # zipfile, python-docx's PackageNotFoundError, lxml: all mean "broken"
        raise InputError(f"not a valid .docx file ({type(err).__name__}: {err})") from None
    blocks = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            blocks.append(Paragraph(child, document).text)
        elif tag == "tbl":
            blocks.append(_docx_table_text(Table(child, document)))
    return ["\n".join(blocks)]


def read_pdf(path: Path, ocr: Ocr) -> list[RawPage]:
    """The text layer, page by page; a page without one, or whose layer is garbled, is read by OCR."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as err:
        message = str(err)
        if "password" in message.lower():
            raise InputError("encrypted PDF (password required)") from None
        raise InputError(f"not a readable PDF ({message})") from None
    try:
        if len(pdf) > MAX_PAGES:
            raise InputError(f"too many pages ({len(pdf)}, limit {MAX_PAGES})")
        pages = []
        for page in pdf:
            textpage = page.get_textpage()
            text = textpage.get_text_bounded()
            textpage.close()
            pages.append(RawPage(text) if text.strip() and not looks_garbled(text) else ocr.pdf_page(page))
            page.close()
        return pages
    finally:
        pdf.close()


def read_image(path: Path, ocr: Ocr) -> list[RawPage]:
    """A photo or scan; every frame of a multi-page TIFF is a page."""
    from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(path) as image:
            frames = [ImageOps.exif_transpose(frame.copy()) for frame in ImageSequence.Iterator(image)]
    except UnidentifiedImageError:
        raise InputError("not a readable image") from None
    except Image.DecompressionBombError as err:
        raise InputError(f"image too large ({err})") from None
    except (OSError, SyntaxError) as err:
        raise InputError(f"damaged image ({err})") from None
    if len(frames) > MAX_PAGES:
        raise InputError(f"too many pages ({len(frames)}, limit {MAX_PAGES})")
    return [ocr.image(frame) for frame in frames]
