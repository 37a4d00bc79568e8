"""Pages rendered from known text, clean or degraded as scanners and phones degrade them, and
character accuracy of what OCR reads back: the measure of the OCR benchmark and tests.
"""

import io
import random
import subprocess
from pathlib import Path

import numpy as np

DEGRADATIONS = ("rotation", "noise", "blur", "jpeg")
FONT_CANDIDATES = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
                   "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


def cjk_font() -> Path | None:
    """A font with Chinese glyphs on this machine (fontconfig first), or None."""
    try:
        found = subprocess.run(["fc-match", "-f", "%{file}", ":lang=zh"], capture_output=True, text=True, timeout=10)
        path = Path(found.stdout.strip())
        if found.returncode == 0 and path.suffix.lower() in (".ttc", ".ttf", ".otf") and path.exists() \
                and "dejavu" not in path.name.lower():
            return path
    except (OSError, subprocess.SubprocessError):
        pass
    return next((Path(p) for p in FONT_CANDIDATES if Path(p).exists()), None)


def render_page(lines: list[str], font: Path, size: int = 34, width: int = 1654, margin: int = 120):
    """An A4-proportioned page at 200 dpi with ``lines`` in black on white, one per row."""
    from PIL import Image, ImageDraw, ImageFont

    face = ImageFont.truetype(str(font), size)
    height = max(int(width * 1.414), margin * 2 + len(lines) * int(size * 1.9))
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((margin, margin + i * int(size * 1.9)), line, fill="black", font=face)
    return image


def degrade(image, kind: str, seed: int = 0):
    """One degradation: a skew of up to 2 degrees, speckle noise, blur, or heavy JPEG compression."""
    from PIL import Image, ImageFilter

    rng = random.Random(seed)
    if kind == "rotation":
        return image.rotate(rng.uniform(-2.0, 2.0), resample=Image.BICUBIC, expand=True, fillcolor="white")
    if kind == "noise":
        pixels = np.asarray(image).astype(np.int16)
        noise = np.random.default_rng(seed).normal(0, 28, pixels.shape[:2])[:, :, None]
        return Image.fromarray(np.clip(pixels + noise, 0, 255).astype(np.uint8))
    if kind == "blur":
        return image.filter(ImageFilter.GaussianBlur(1.2))
    if kind == "jpeg":
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=20)
        return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    raise ValueError(f"unknown degradation {kind!r} (expected one of {DEGRADATIONS})")


def edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def char_accuracy(gold: str, read: str) -> float:
    """1 - character edit distance / gold length, whitespace ignored (line breaks are layout)."""
    gold, read = "".join(gold.split()), "".join(read.split())
    return max(0.0, 1 - edit_distance(gold, read) / len(gold)) if gold else float(not read)
