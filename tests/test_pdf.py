"""PDF in and out: a rendered budget reads back line for line; a bad file says why it failed."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen import canvas

from evals.pdfrender import paginate, render_pdf
from evals.variants import generate
from index.pdf import pdf_to_text

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "samples" / "000_3d71c1f270c17ec6.txt"


def nonblank(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def sample_round_trip(tmp_path_factory):
    """The sample rendered and read back once (about 100 pages, a few seconds)."""
    text = SAMPLE.read_text(encoding="utf-8")
    pdf = render_pdf(text, tmp_path_factory.mktemp("pdf") / "sample.pdf")
    return text, pdf_to_text(pdf)


def test_the_sample_reads_back_with_identical_lines(sample_round_trip):
    text, back = sample_round_trip
    assert nonblank(back) == nonblank(text)
    assert len(nonblank(back)) == 3597


def test_every_page_of_the_sample_starts_with_a_single_space(sample_round_trip):
    text, back = sample_round_trip
    lines = back.splitlines()
    assert lines[0] == " 一、部门概况"
    assert not any(line.startswith("  ") for line in lines)
    source_starts = {line.strip() for line in text.splitlines() if line.startswith(" ") and line.strip()}
    pdf_starts = {line.strip() for line in lines if line.startswith(" ")}
    assert source_starts <= pdf_starts  # a page start of the source stays a page start
    assert " 预算13表 2022年部门（单位）项目支出绩效表" in lines


def test_spaces_inside_a_line_are_kept(sample_round_trip):
    _, back = sample_round_trip
    assert "合    计 6,458.43 1,464.25 4,994.18" in back.splitlines()
    assert "收    入 支    出" in nonblank(back)


def test_a_variant_reads_back_with_identical_lines(tmp_path):
    variant = generate(5, units=3, projects=4)
    back = pdf_to_text(render_pdf(variant.text, tmp_path / "variant.pdf"))
    assert nonblank(back) == nonblank(variant.text)


def test_a_line_too_wide_for_the_page_is_shrunk_not_wrapped(tmp_path):
    line = "统筹推进本区大数据工作，" * 12 + "1,234.56"
    assert nonblank(pdf_to_text(render_pdf(line, tmp_path / "wide.pdf"))) == [line]


def test_pages_break_at_a_leading_space_or_when_full():
    assert paginate("a\nb\n c\nd\n\ne\nf", lines_per_page=3) == [["a", "b"], ["c", "d", "e"], ["f"]]
    with pytest.raises(ValueError):
        paginate("a", lines_per_page=0)


def _random_bytes() -> bytes:
    return random.Random(0).randbytes(4096)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty, not a PDF"),
        (_random_bytes(), "not a PDF (no %PDF- header"),
        ("预算01表 2022年部门（单位）收支总表\n".encode(), "not a PDF (no %PDF- header"),
        (b"%PDF-1.4\n" + _random_bytes(), "corrupt or unreadable PDF"),
    ],
    ids=["empty file", "random bytes", "text file renamed .pdf", "pdf header then garbage"],
)
def test_a_file_that_is_not_a_readable_pdf_raises_value_error_saying_why(tmp_path, content, message):
    path = tmp_path / "budget.pdf"
    path.write_bytes(content)
    with pytest.raises(ValueError, match="^budget.pdf: ") as caught:
        pdf_to_text(path)
    assert message in str(caught.value)


def test_a_truncated_pdf_is_reported_as_corrupt(tmp_path):
    whole = render_pdf("预算01表\n合    计 1.00", tmp_path / "whole.pdf").read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(whole[: len(whole) // 3])
    with pytest.raises(ValueError, match="corrupt or unreadable PDF"):
        pdf_to_text(cut)


def test_a_password_protected_pdf_asks_for_the_password(tmp_path):
    path = tmp_path / "locked.pdf"
    pdf = canvas.Canvas(str(path), encrypt=StandardEncryption("user-secret", "owner-secret"))
    pdf.drawString(72, 720, "budget")
    pdf.save()
    with pytest.raises(ValueError, match="encrypted and needs a password"):
        pdf_to_text(path)


def test_a_pdf_without_a_text_layer_says_it_needs_ocr(tmp_path):
    path = tmp_path / "scan.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.rect(72, 72, 200, 200, fill=1)
    pdf.save()
    with pytest.raises(ValueError, match="no text layer"):
        pdf_to_text(path)


def test_a_missing_file_is_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        pdf_to_text(tmp_path / "missing.pdf")
