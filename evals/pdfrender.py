"""Render a budget text into a PDF, so the PDF path can be tested end to end.

Each non-blank source line becomes one line of text on the page, drawn with a CJK
TrueType font (the extraction must give back exactly the same characters, spaces
included). A line that starts with a space begins a new page, as in the text the
real PDFs extract to; otherwise a page holds ``lines_per_page`` lines. A line too wide
for the page is drawn in a smaller size rather than wrapped, so that it stays one line.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

FONT_NAME = "BudgetCJK"

#: TrueType-outline CJK fonts from Debian packages (reportlab cannot embed CFF fonts
#: such as Noto Sans CJK). fonts-wqy-zenhei is the one installed for the project.
FONT_CANDIDATES = (
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
)

MARGIN = 28.0
MAX_FONT_SIZE = 10.0


def register_font() -> str:
    """Register the first CJK font found and return its name; fail with the fix."""
    if FONT_NAME in pdfmetrics.getRegisteredFontNames():
        return FONT_NAME
    for path, index in FONT_CANDIDATES:
        if Path(path).is_file():
            pdfmetrics.registerFont(TTFont(FONT_NAME, path, subfontIndex=index))
            return FONT_NAME
    raise RuntimeError(
        "no CJK TrueType font found (looked for "
        + ", ".join(p for p, _ in FONT_CANDIDATES)
        + "); install one with `apt-get install -y fonts-wqy-zenhei`"
    )


def paginate(text: str, lines_per_page: int = 45) -> list[list[str]]:
    """The pages of ``text``: its non-blank lines, stripped, cut where a line starts
    with a space (a page start in the source) or where a page is full."""
    if lines_per_page < 1:
        raise ValueError(f"lines_per_page must be at least 1, got {lines_per_page}")
    pages: list[list[str]] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        starts_page = raw[:1] in (" ", "\f")
        if not pages or (starts_page and pages[-1]) or len(pages[-1]) >= lines_per_page:
            pages.append([])
        pages[-1].append(line)
    return pages


def render_pdf(text: str, path: str | Path, lines_per_page: int = 45) -> Path:
    """Write ``text`` as a landscape A4 PDF at ``path`` and return the path."""
    font = register_font()
    path = Path(path)
    width, height = landscape(A4)
    usable = width - 2 * MARGIN
    leading = (height - 2 * MARGIN) / lines_per_page
    size = min(MAX_FONT_SIZE, leading * 0.8)
    pdf = canvas.Canvas(str(path), pagesize=(width, height), pageCompression=1)
    pdf.setTitle(path.stem)
    for page in paginate(text, lines_per_page) or [[]]:
        y = height - MARGIN - size
        for line in page:
            line_size = min(size, usable / max(pdfmetrics.stringWidth(line, font, 1.0), 1e-6))
            pdf.setFont(font, line_size)
            pdf.drawString(MARGIN, y, line)
            y -= leading
        pdf.showPage()
    pdf.save()
    return path
