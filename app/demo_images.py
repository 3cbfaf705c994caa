"""Small real PNG photos for the demo, written with zlib and struct (no image library).

A phone scales its pictures down before upload; these stand in for them: a few kilobytes,
a valid PNG that browsers show, drawn from the photo's id alone, so that the same id always
gets the same bytes whatever it ends up showing (the server keeps the first bytes uploaded
under an id, and a demo seeded again over an old photo folder must not meet other bytes).
"""
import random
import struct
import zlib

WIDTH, HEIGHT = 160, 120

# A few rough scenes: (sky or wall, ground, the thing in the picture).
PALETTES = {
    "security": ((148, 163, 184), (71, 85, 105), (220, 38, 38)),
    "cleaning": ((203, 213, 225), (120, 113, 108), (101, 163, 13)),
    "repair": ((191, 219, 254), (100, 116, 139), (234, 88, 12)),
    "greenery": ((186, 230, 253), (77, 124, 15), (21, 128, 61)),
    "fire": ((226, 232, 240), (87, 83, 78), (185, 28, 28)),
    "parking": ((203, 213, 225), (64, 64, 64), (37, 99, 235)),
    "other": ((224, 231, 255), (107, 114, 128), (202, 138, 4)),
}


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def png(seed: str) -> bytes:
    """A 160x120 RGB PNG: a wall or sky shading down to the ground, and an object on it."""
    rng = random.Random(seed)
    top, ground, thing = PALETTES[rng.choice(sorted(PALETTES))]
    horizon = rng.randint(HEIGHT // 3, HEIGHT * 2 // 3)
    x0, y0 = rng.randint(10, WIDTH // 2), rng.randint(10, horizon)
    x1, y1 = x0 + rng.randint(25, 60), y0 + rng.randint(20, 45)
    rows = []
    for y in range(HEIGHT):
        shade = (y * 30) // HEIGHT + rng.randint(0, 3)
        row = bytearray(bytes(max(0, c - shade) for c in (top if y < horizon else ground)) * WIDTH)
        if y0 <= y < y1:
            row[x0 * 3:x1 * 3] = bytes(max(0, c - shade // 2) for c in thing) * (x1 - x0)
        rows.append(b"\x00" + bytes(row))  # filter type 0 for each scanline
    header = struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(b"".join(rows), 6)) + _chunk(b"IEND", b""))
