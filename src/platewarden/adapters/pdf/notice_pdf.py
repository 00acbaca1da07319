"""Notices as PDF with fpdf2 and the shipped DejaVu Sans (Latin and Cyrillic)."""

from __future__ import annotations

import io
from importlib import resources
from pathlib import Path

from fpdf import FPDF

from platewarden.adapters.pdf.labels import LABELS, UNITS, money
from platewarden.services.notice_documents import NoticeDocument

FONT = "DejaVu"
_LABEL_W = 62.0


def font_path() -> Path:
    """The shipped DejaVu Sans (Bitstream Vera licence, ``fonts/LICENSE-DejaVu.txt``)."""
    return Path(str(resources.files("platewarden.adapters.pdf").joinpath(
        "fonts", "DejaVuSans.ttf")))


def _number(value: float) -> str:
    return f"{value:g}"


class NoticePdfRenderer:
    """``NoticeRenderer`` producing an A4 PDF whose text can be extracted and searched."""

    def render(self, document: NoticeDocument) -> bytes:
        """The notice as PDF bytes."""
        text = LABELS[document.notice.language]
        pdf = FPDF(format="A4")
        pdf.set_creator("Platewarden")
        pdf.set_title(f"{text['title']} {document.notice.number}")
        pdf.add_font(FONT, "", str(font_path()))
        pdf.set_auto_page_break(auto=True, margin=15)
        pdf.add_page()
        pdf.set_font(FONT, size=15)
        pdf.multi_cell(0, 8, text["title"], new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        pdf.set_font(FONT, size=10)
        for label, value in self._rows(document):
            self._row(pdf, label, value)
        pdf.ln(3)
        pdf.set_font(FONT, size=11)
        pdf.cell(0, 7, text["appeal_title"], new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, size=10)
        pdf.multi_cell(0, 5, text["appeal"].format(url=document.look_up_url),
                       new_x="LMARGIN", new_y="NEXT")
        self._images(pdf, document, text["evidence"])
        return bytes(pdf.output())

    def _rows(self, d: NoticeDocument) -> list[tuple[str, str]]:
        n, f, text = d.notice, d.notice.fine, LABELS[d.notice.language]
        unit = UNITS.get(d.violation_type, "")
        keeper = (f"{n.addressee.name}, {n.addressee.address}" if n.addressee
                  else text["unknown_keeper"])
        rows = [
            (text["number"], n.number), (text["issued"], d.issued_on.isoformat()),
            (text["to"], keeper), (text["plate"], d.plate),
            (text["offence"], text.get(d.violation_type, d.violation_type)),
            (text["when"], d.occurred_local.strftime("%Y-%m-%d %H:%M:%S %z")),
            (text["where"], f"{d.place} ({d.latitude:.5f}, {d.longitude:.5f})"),
            (text["measured"], f"{_number(d.measured)} {unit}".strip()),
            (text["limit"], f"{_number(d.limit)} {unit}".strip()),
            (text["tolerance"], d.tolerance), (text["law"], f.legal_basis),
            (text["amount"], money(f.amount_som, n.language)),
            (text["discounted"], f"{money(f.discounted_som, n.language)} "
                                 f"{text['until']} {d.discount_last_day.isoformat()}"),
            (text["due"], d.due_last_day.isoformat()),
            (text["points"], str(f.penalty_points)),
            (text["reference"], n.payment_reference),
            (text["verify"], n.verification_code),
        ]
        return rows

    @staticmethod
    def _row(pdf: FPDF, label: str, value: str) -> None:
        y = pdf.get_y()
        pdf.multi_cell(_LABEL_W, 6, label + ":", new_x="RIGHT", new_y="TOP")
        label_bottom = pdf.get_y()
        pdf.set_xy(pdf.l_margin + _LABEL_W, y)
        pdf.multi_cell(0, 6, value, new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(max(pdf.get_y(), label_bottom))

    @staticmethod
    def _images(pdf: FPDF, document: NoticeDocument, heading: str) -> None:
        if not document.images:
            return
        pdf.ln(3)
        pdf.set_font(FONT, size=11)
        pdf.cell(0, 7, heading, new_x="LMARGIN", new_y="NEXT")
        for image in document.images:
            width = 120.0 if image.role == "overview" else 60.0
            try:
                pdf.image(io.BytesIO(image.data), w=width)
            except (OSError, ValueError, RuntimeError):
                continue  # an image the PDF library cannot read is left out, not fatal
            pdf.ln(2)
