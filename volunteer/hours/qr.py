"""QR codes, drawn from one module matrix: as inline SVG on the page and as squares in the PDF."""
from markupsafe import Markup
from reportlab.graphics.barcode.qrencoder import QRCode, QRErrorCorrectLevel

# The blank margin a reader needs around the code, in modules (the standard asks for four).
QUIET_ZONE = 4


def matrix(text: str) -> list[list[bool]]:
    """The dark (True) and light modules of a QR code for the text, without the quiet zone."""
    code = QRCode(None, QRErrorCorrectLevel.M)
    code.addData(text)
    code.make()
    size = code.getModuleCount()
    return [[bool(code.isDark(row, col)) for col in range(size)] for row in range(size)]


def svg(text: str, label: str) -> Markup:
    """The QR code as an inline SVG element (no style attributes, so the site's CSP allows it)."""
    modules = matrix(text)
    side = len(modules) + 2 * QUIET_ZONE
    path = "".join(f"M{col + QUIET_ZONE} {row + QUIET_ZONE}h1v1h-1z"
                   for row, line in enumerate(modules) for col, dark in enumerate(line) if dark)
    return Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" class="qr" viewBox="0 0 {side} {side}" role="img" '
        'aria-label="{label}" shape-rendering="crispEdges"><rect width="{side}" height="{side}" fill="#fff"/>'
        '<path d="{path}" fill="#000"/></svg>'
    ).format(side=side, label=label, path=Markup(path))
