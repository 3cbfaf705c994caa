"""QR codes for checkpoint sheets, drawn by segno as inline SVG (no images to fetch)."""
import segno
from markupsafe import Markup

# Medium error correction survives a scuffed or partly dirty sticker on a wall.
ERROR_LEVEL = "m"
QUIET_ZONE = 4


def make_qr(code: str) -> segno.QRCode:
    """The QR symbol for a checkpoint code; the phone's scanner reads back exactly ``code``."""
    return segno.make(code, error=ERROR_LEVEL, micro=False, boost_error=False)


def qr_svg(code: str) -> Markup:
    """Inline SVG sized by CSS; dark modules are one path, so it prints crisply."""
    svg = make_qr(code).svg_inline(scale=1, border=QUIET_ZONE, omitsize=True, title=code,
                                   dark="#000", light="#fff")
    # segno writes every tag itself and XML-escapes the one text in it, the code in <title>.
    return Markup(svg)  # nosec B704 # segno's own SVG: the code is escaped inside <title>
