"""Text of a budget PDF, laid out like the extracted text the parser reads.

One output line per text line of the page, in reading order, with blank characters
kept as they are (``合    计`` keeps its four spaces); the first line of every page
starts with a single space, which is how the layout marks a page start. Anything
that is not a readable PDF raises ``ValueError`` with a message that says why.
"""

from __future__ import annotations

from pathlib import Path

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfplumber.utils.exceptions import PdfminerException

#: Words stay together when their glyphs touch; spaces in the PDF are kept as text.
EXTRACT_OPTIONS = {"keep_blank_chars": True, "x_tolerance": 3, "y_tolerance": 3}


def pdf_to_text(path: str | Path) -> str:
    """The text of the PDF at ``path``, one line per text line, pages marked.

    Raises ``FileNotFoundError`` if there is no such file and ``ValueError`` if it is
    empty, not a PDF, corrupt, password-protected, or has no text layer at all.
    """
    path = Path(path)
    head = _head(path)
    if not head:
        raise ValueError(f"{path.name}: the file is empty, not a PDF")
    if b"%PDF-" not in head:
        raise ValueError(f"{path.name}: not a PDF (no %PDF- header in its first bytes)")
    pages = _pages(path)
    if not any(pages):
        raise ValueError(f"{path.name}: the PDF has no text layer (a scanned document?); it needs OCR first")
    lines: list[str] = []
    for page in pages:
        if page:
            lines.append(" " + page[0])
            lines.extend(page[1:])
    return "\n".join(lines) + "\n"


def _head(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(1024)


def _pages(path: Path) -> list[list[str]]:
    """Every page's text lines; pdfminer's many failure modes become one ValueError."""
    try:
        with pdfplumber.open(path) as pdf:
            return [_page_lines(page) for page in pdf.pages]
    except PdfminerException as exc:
        cause = exc.args[0] if exc.args else exc
        if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError):
            raise ValueError(f"{path.name}: the PDF is encrypted and needs a password") from exc
        raise ValueError(f"{path.name}: corrupt or unreadable PDF ({_reason(cause)})") from exc
    except Exception as exc:  # a broken file can fail anywhere inside pdfminer
        raise ValueError(f"{path.name}: corrupt or unreadable PDF ({_reason(exc)})") from exc


def _page_lines(page) -> list[str]:
    text = page.extract_text(**EXTRACT_OPTIONS) or ""
    return [line.strip() for line in text.split("\n") if line.strip()]


def _reason(exc: object) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
