"""The portal's mark as a 32x32 ICO, drawn in code (no image library, no binary in git): three
rising bars on a rounded square in the brand blue, the same shapes as static/favicon.svg."""

from __future__ import annotations

import struct
from functools import lru_cache

SIZE = 32
BRAND = (0x0B, 0x5D, 0x8F)
WHITE = (0xFF, 0xFF, 0xFF)
RADIUS = 6
# (left, top, right, bottom) of each bar, in the 32x32 grid of favicon.svg
BARS = ((7, 17, 11, 25), (14, 12, 18, 25), (21, 7, 25, 25))


def pixel(x: int, y: int) -> tuple[int, int, int, int]:
    """RGBA of one pixel: transparent outside the rounded square, white in a bar, blue elsewhere."""
    cx = min(max(x, RADIUS), SIZE - 1 - RADIUS)
    cy = min(max(y, RADIUS), SIZE - 1 - RADIUS)
    if (x - cx) ** 2 + (y - cy) ** 2 > RADIUS ** 2:
        return (0, 0, 0, 0)
    if any(left <= x < right and top <= y < bottom for left, top, right, bottom in BARS):
        return (*WHITE, 255)
    return (*BRAND, 255)


@lru_cache(maxsize=1)
def favicon_ico() -> bytes:
    # A BMP inside an ICO is stored bottom-up, as BGRA, with a 1-bit AND mask after it (all zero:
    # the alpha channel decides transparency).
    rows = []
    for y in reversed(range(SIZE)):
        rows.append(b"".join(bytes((b, g, r, a)) for r, g, b, a in (pixel(x, y) for x in range(SIZE))))
    mask = b"\x00" * (SIZE * SIZE // 8)
    header = struct.pack("<IiiHHIIiiII", 40, SIZE, SIZE * 2, 1, 32, 0, len(rows) * SIZE * 4 + len(mask), 0, 0, 0, 0)
    image = header + b"".join(rows) + mask
    directory = struct.pack("<HHH", 0, 1, 1) + struct.pack("<BBBBHHII", SIZE, SIZE, 0, 0, 1, 32, len(image), 22)
    return directory + image
