"""Draws the app's PNG icons (a white shield with a check on teal) with no image library.

Run ``python -m app.phone.icons`` to rewrite ``static/icons/``; the PNGs are committed, so
this runs only when the design changes.
"""
import math
import struct
import zlib
from pathlib import Path

TEAL = (15, 118, 110)
WHITE = (255, 255, 255)
OUT = Path(__file__).resolve().parents[2] / "static" / "icons"


def _segment_distance(px, py, ax, ay, bx, by):
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def _in_shield(u, v):
    if v < 0.16 or v > 0.86:
        return False
    if v <= 0.52:
        half = 0.28 - (0.03 if v < 0.2 else 0.0) * (0.2 - v) / 0.04
    else:
        half = 0.28 * max(0.0, 1 - ((v - 0.52) / 0.34) ** 1.7) ** 0.8
    return abs(u - 0.5) <= half


def _in_check(u, v):
    points = [(0.37, 0.51), (0.47, 0.62), (0.65, 0.41)]
    return min(_segment_distance(u, v, *points[i], *points[i + 1]) for i in range(2)) <= 0.045


def _in_rounded_square(x, y, radius):
    cx = min(max(x, radius), 1 - radius)
    cy = min(max(y, radius), 1 - radius)
    return math.hypot(x - cx, y - cy) <= radius


def _sample(x, y, maskable):
    """Colour and opacity at a point of the unit square."""
    if not maskable and not _in_rounded_square(x, y, 0.18):
        return TEAL, 0
    # Maskable icons keep their drawing inside the central 80% safe zone.
    scale = 0.72 if maskable else 0.9
    u = (x - 0.5) / scale + 0.5
    v = (y - 0.5) / scale + 0.5
    if _in_shield(u, v):
        return (TEAL if _in_check(u, v) else WHITE), 255
    return TEAL, 255


def draw(size: int, maskable: bool) -> bytes:
    """RGBA PNG bytes, anti-aliased by 3x3 supersampling."""
    rows = []
    n = 3
    for py in range(size):
        row = bytearray([0])
        for px in range(size):
            r = g = b = a = 0
            for sy in range(n):
                for sx in range(n):
                    colour, alpha = _sample((px + (sx + 0.5) / n) / size, (py + (sy + 0.5) / n) / size, maskable)
                    r += colour[0] * alpha
                    g += colour[1] * alpha
                    b += colour[2] * alpha
                    a += alpha
            if a:
                row += bytes((r // a, g // a, b // a, a // (n * n)))
            else:
                row += bytes((0, 0, 0, 0))
        rows.append(bytes(row))
    return _png(size, size, b"".join(rows))


def _png(width, height, raw):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        (OUT / f"icon-{size}.png").write_bytes(draw(size, maskable=False))
        (OUT / f"maskable-{size}.png").write_bytes(draw(size, maskable=True))
    (OUT / "apple-touch-icon.png").write_bytes(draw(180, maskable=True))


if __name__ == "__main__":
    main()
