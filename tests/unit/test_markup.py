"""HTML the server builds itself (charts, QR sheets) escapes every value it is given."""
from datetime import date

from app.admin.qr import qr_svg
from app.review import charts

HOSTILE = '<script>alert("x")</script>&'


def test_chart_escapes_its_title_and_labels():
    html = str(charts.bars([date(2026, 11, 1), date(2026, 11, 2)],
                           [charts.Series(HOSTILE, [1, None], "bar-a")], HOSTILE, target=1))
    assert "<script>" not in html
    assert html.count("&lt;script&gt;") == 5  # caption, legend, aria-label, <title>, the bar's tooltip
    assert html.startswith('<figure class="chart-box">') and html.endswith("</svg></figure>")


def test_qr_sheet_escapes_the_code_in_its_title():
    svg = str(qr_svg(HOSTILE))
    assert "<script>" not in svg
    assert "<title>&lt;script&gt;" in svg
