"""Draws the sample photo of issue 1650 (a riverside skyline at dusk): sample data, no real news photo.

    python issues/1650/sample_photo.py   # writes issues/1650/sample-photo.jpg

Deterministic: a fixed random seed, so the same file is written every time.
"""

import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

W, H = 1800, 1200
rng = random.Random(1650)
img = Image.new("RGB", (W, H))
d = ImageDraw.Draw(img)
for y in range(H):  # dusk sky: deep blue to warm orange at the horizon
    t = min(1.0, y / (H * 0.62))
    d.line([(0, y), (W, y)], fill=(int(40 + 200 * t), int(60 + 110 * t), int(120 - 40 * t)))
d.ellipse([1250, 420, 1390, 560], fill=(255, 214, 150))
horizon = int(H * 0.62)
x = 0
while x < W:  # skyline
    bw, bh = rng.randint(60, 160), rng.randint(120, 520)
    shade = rng.randint(25, 55)
    d.rectangle([x, horizon - bh, x + bw, horizon], fill=(shade, shade + 5, shade + 20))
    for wy in range(horizon - bh + 14, horizon - 10, 22):
        for wx in range(x + 8, x + bw - 10, 18):
            if rng.random() < 0.35:
                d.rectangle([wx, wy, wx + 7, wy + 10], fill=(255, 220, 140))
    x += bw + rng.randint(2, 14)
d.rectangle([0, horizon, W, H], fill=(30, 50, 80))  # the river
for _ in range(500):  # reflections
    rx, ry = rng.randint(0, W), rng.randint(horizon + 4, H)
    d.line([(rx, ry), (rx + rng.randint(10, 60), ry)], fill=(200, 150, 90), width=2)
d.polygon([(0, H), (0, H - 180), (700, H - 60), (900, H)], fill=(60, 70, 50))  # the promenade
img = img.filter(ImageFilter.GaussianBlur(1.2))
img.save(Path(__file__).with_name("sample-photo.jpg"), quality=85, optimize=True)
