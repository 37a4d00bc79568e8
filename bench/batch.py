"""Batch benchmark: OCR character accuracy on pages rendered here (clean and degraded), pages/s
for text PDFs and for scanned PDFs, and documents/s end to end with 1 and 2 Dask workers.

    python bench/batch.py [--pages 12] [--docs 120]

Baselines in the same run: the text layer of the same pages (what a text PDF costs) beside OCR,
and one worker beside two. The page texts are sentences of the written corpus; a font with
Chinese glyphs must be installed (apt-get install fonts-wqy-microhei).
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

from dask.distributed import Client, LocalCluster
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from nlp_pipeline import corpus
from nlp_pipeline.batch.runner import WORKER_ENV, run
from nlp_pipeline.evaluation.scans import DEGRADATIONS, char_accuracy, cjk_font, degrade, render_page
from nlp_pipeline.ingest.formats import read_pdf
from nlp_pipeline.ingest.ocr import Ocr


def page_texts(count: int, lines: int = 14, width: int = 36) -> list[list[str]]:
    """Pages of corpus text cut into lines of ``width`` characters."""
    text = "".join(e.text.replace("\n", "") for e in corpus.written() if e.split == "test")
    cut = [text[i:i + width] for i in range(0, len(text), width)]
    return [cut[p * lines:(p + 1) * lines] for p in range(count)]


def write_pdf(path: Path, pages: list[list[str]], font: Path, scanned: bool) -> None:
    """A text PDF (reportlab's STSong-Light CID font) or one image per page."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    pdf = canvas.Canvas(str(path))
    for lines in pages:
        if scanned:
            pdf.drawImage(ImageReader(render_page(lines, font)), 0, 0, width=595, height=842)
        else:
            pdf.setFont("STSong-Light", 12)
            for i, line in enumerate(lines):
                pdf.drawString(50, 780 - 22 * i, line)
        pdf.showPage()
    pdf.save()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=12)
    parser.add_argument("--docs", type=int, default=120)
    args = parser.parse_args()
    font = cjk_font()
    if font is None:
        sys.exit("no font with Chinese glyphs: apt-get install fonts-wqy-microhei")
    ocr = Ocr(threads=1)
    pages = page_texts(args.pages)
    print(f"OCR character accuracy over {len(pages)} rendered pages ({font.name}):")
    for kind in ("clean",) + DEGRADATIONS:
        scores = []
        for i, lines in enumerate(pages):
            image = render_page(lines, font)
            read = ocr.image(image if kind == "clean" else degrade(image, kind, seed=i))
            scores.append(char_accuracy("".join(lines), read.text))
        print(f"  {kind:<10} {sum(scores) / len(scores):.4f} (worst page {min(scores):.4f})")

    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        for scanned in (False, True):
            path = folder / f"{'scanned' if scanned else 'text'}.pdf"
            write_pdf(path, pages, font, scanned)
            started = time.perf_counter()
            read = read_pdf(path, ocr)
            rate = len(read) / (time.perf_counter() - started)
            methods = {p.method for p in read}
            print(f"{'scanned PDF (OCR, one thread)' if scanned else 'text PDF (text layer), baseline':<40} "
                  f"{rate:8.2f} pages/s  {methods}")

        documents = folder / "documents"
        documents.mkdir()
        examples = [e for e in corpus.written() if e.split == "test"]
        for i in range(args.docs):
            example = examples[i % len(examples)]
            (documents / f"{i:04d}.txt").write_text(f"{example.text}\n（副本{i}）", encoding="utf-8")
        warm_up = folder / "warm-up"
        warm_up.mkdir()
        for i in range(8):
            (warm_up / f"{i}.txt").write_text(examples[i].text, encoding="utf-8")
        rates = {}
        for workers in (1, 2):
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                                   env=WORKER_ENV)
            with Client(cluster) as client:
                run([warm_up], folder / f"warm{workers}", client=client)  # every worker loads its models
                started = time.perf_counter()
                run([documents], folder / f"out{workers}", client=client)
                elapsed = time.perf_counter() - started
            cluster.close()
            rates[workers] = args.docs / elapsed
            print(f"end to end, {workers} worker{'s' if workers > 1 else ''}: {rates[workers]:8.2f} documents/s "
                  f"(models loaded before timing)")
        print(f"speed-up 1 -> 2 workers: {rates[2] / rates[1]:.2f}x")


if __name__ == "__main__":
    main()
