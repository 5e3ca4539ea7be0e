"""A certificate as a one-page A4 PDF, drawn with ReportLab from the same wording as the printable page."""
import io
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from . import qr
from .certificates import Sheet

# A font with Cyrillic and more besides Latin, when the system has one (Debian's fonts-dejavu-core); else
# Helvetica, whose Latin-1 covers Swedish (åäö) and English.
SYSTEM_FONTS = (Path("/usr/share/fonts/truetype/dejavu"),)
QR_SIDE = 32 * mm


def fonts() -> tuple[str, str]:
    """The regular and bold font names to use, registering DejaVu Sans once if it is there."""
    if "DejaVuSans" in pdfmetrics.getRegisteredFontNames():
        return "DejaVuSans", "DejaVuSans-Bold"
    for folder in SYSTEM_FONTS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
            pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
            return "DejaVuSans", "DejaVuSans-Bold"
    return "Helvetica", "Helvetica-Bold"


class QRFlowable(Flowable):
    """A QR code drawn as filled squares, one per dark module (sharp at any zoom, no image library)."""

    def __init__(self, text: str, side: float = QR_SIDE):
        super().__init__()
        self.modules = qr.matrix(text)
        self.width = self.height = side

    def draw(self):
        count = len(self.modules) + 2 * qr.QUIET_ZONE
        size = self.width / count
        canvas = self.canv
        canvas.setFillColor(colors.black)
        for row, line in enumerate(self.modules):
            for col, dark in enumerate(line):
                if dark:
                    x = (col + qr.QUIET_ZONE) * size
                    y = self.height - (row + qr.QUIET_ZONE + 1) * size
                    canvas.rect(x, y, size, size, stroke=0, fill=1)


def render(sheet: Sheet, author: str) -> bytes:
    """The certificate as PDF bytes."""
    regular, bold = fonts()
    styles = {
        "title": ParagraphStyle("title", fontName=bold, fontSize=20, leading=26, spaceAfter=6 * mm),
        "lead": ParagraphStyle("lead", fontName=regular, fontSize=11.5, leading=16, spaceAfter=6 * mm),
        "label": ParagraphStyle("label", fontName=bold, fontSize=10, leading=14),
        "value": ParagraphStyle("value", fontName=regular, fontSize=10.5, leading=14),
        "small": ParagraphStyle("small", fontName=regular, fontSize=9, leading=12),
    }
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=22 * mm, rightMargin=22 * mm, topMargin=22 * mm,
                                 bottomMargin=20 * mm, title=sheet.title, author=author, lang=sheet.locale)
    # The labels' column is as wide as its longest word, so that no label is split inside a word
    # ("Samarbetsorganisatio-ner" at 48 mm), within a third of the page.
    longest = max((pdfmetrics.stringWidth(word, bold, 10) for label, _ in sheet.rows for word in str(label).split()),
                  default=0)
    label_width = min(max(48 * mm, longest + 6 + 2 * mm), document.width / 3)
    facts = Table(
        [[Paragraph(escape(label), styles["label"]),
          [Paragraph(escape(line), styles["value"]) for line in lines] or Paragraph("–", styles["value"])]
         for label, lines in sheet.rows],
        colWidths=[label_width, document.width - label_width])
    facts.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -2), 0.4, colors.HexColor("#cccccc")),
        ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ("LEFTPADDING", (0, 0), (0, -1), 0),
    ]))
    verification = Table(
        [[QRFlowable(sheet.verify_url), Paragraph(escape(sheet.verify_text), styles["small"])]],
        colWidths=[QR_SIDE + 4 * mm, document.width - QR_SIDE - 4 * mm])
    verification.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                                      ("LEFTPADDING", (0, 0), (0, -1), 0)]))
    document.build([
        Paragraph(escape(sheet.title), styles["title"]),
        Paragraph(escape(sheet.lead), styles["lead"]),
        facts,
        Spacer(1, 10 * mm),
        verification,
    ])
    return buffer.getvalue()
