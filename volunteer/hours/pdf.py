"""A certificate as a one-page A4 PDF, drawn with ReportLab from the same wording as the printable page; and the
partnership's follow-up on one page in Swedish."""
import io
from pathlib import Path
from xml.sax.saxutils import escape

from flask_babel import force_locale
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, KeepInFrame, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ..i18n.catalog import gettext as _
from ..i18n.formats import date_range, join_list, month_name, number
from . import qr
from .certificates import Sheet
from .partnership import in_the_period, languages_text, shown, small_number

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


def render_partnership(report, name: str) -> bytes:
    """The partnership's follow-up on one A4 page in Swedish (shrunk to fit when the period has many months or
    activities), for the committee."""
    with force_locale("sv"):
        return _partnership_pdf(report, name)


def _partnership_pdf(report, name: str) -> bytes:
    regular, bold = fonts()
    title = _("Follow-up of the partnership")
    styles = {
        "title": ParagraphStyle("title", fontName=bold, fontSize=16, leading=20, spaceAfter=2 * mm),
        "lead": ParagraphStyle("lead", fontName=regular, fontSize=10, leading=13, spaceAfter=1 * mm),
        "heading": ParagraphStyle("heading", fontName=bold, fontSize=11, leading=14, spaceBefore=4 * mm,
                                  spaceAfter=1.5 * mm),
        "cell": ParagraphStyle("cell", fontName=regular, fontSize=8, leading=10),
        "head": ParagraphStyle("head", fontName=bold, fontSize=8, leading=10),
        "small": ParagraphStyle("small", fontName=regular, fontSize=7.5, leading=9.5, spaceBefore=3 * mm),
    }
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=16 * mm, rightMargin=16 * mm, topMargin=16 * mm,
                                 bottomMargin=14 * mm, title=f"{title}: {name}", lang="sv")

    def grid(header: list[str], rows: list[list], widths: list[float]) -> Table:
        cells = [[Paragraph(escape(str(text)), styles["head"]) for text in header]]
        cells += [[Paragraph(escape(str(text)), styles["cell"]) for text in row] for row in rows]
        table = Table(cells, colWidths=[document.width * share for share in widths], repeatRows=1)
        table.setStyle(TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
            ("LINEBELOW", (0, 1), (-1, -1), 0.3, colors.HexColor("#cccccc")),
            ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ("LEFTPADDING", (0, 0), (0, -1), 0),
        ]))
        return table

    figures = in_the_period(report)
    content = [
        Paragraph(escape(title), styles["title"]),
        Paragraph(escape(name), styles["lead"]),
        Paragraph(escape(_("Period: %(period)s", period=date_range(report.start, report.end))), styles["lead"]),
        Paragraph(escape(_("Partner organisations: %(names)s",
                           names=join_list(org.name for org in report.organisations))), styles["lead"]),
        Paragraph(escape(_("In the period")), styles["heading"]),
        grid([label for label, _value in figures], [[value for _label, value in figures]], [0.2] * 5),
        Paragraph(escape(_("Per activity and target group")), styles["heading"]),
        grid([_("Task"), _("Target group"), _("Shifts held"), _("Hours"), _("Volunteers"), _("Languages spoken")],
             [[row.task.name_in(), row.group.name_in() if row.group else _("No target group named"), row.shifts,
               number(row.hours), shown(row.volunteers), languages_text(row)] for row in report.rows]
             or [[_("No attended shifts are recorded in this period."), "", "", "", "", ""]],
             [0.2, 0.2, 0.1, 0.1, 0.12, 0.28]),
        Paragraph(escape(_("Per month")), styles["heading"]),
        grid([_("Month"), _("Shifts held"), _("Hours"), _("Volunteers"), _("Trainings held"), _("People trained")],
             [[month_name(month.first_day), month.shifts, number(month.hours), shown(month.volunteers),
               month.training_sessions, shown(month.trained)] for month in report.months],
             [0.25, 0.15, 0.15, 0.15, 0.15, 0.15]),
        Paragraph(escape(_("Counts of people below %(num)d are shown as \"fewer than %(num)d\", so that no volunteer "
                           "can be singled out. A shift for several target groups counts under each of them. Hours "
                           "and shifts include people who have since deleted their account; the counts of people "
                           "do not.", num=small_number())), styles["small"]),
    ]
    document.build([KeepInFrame(document.width, document.height, content, mode="shrink")])
    return buffer.getvalue()
