"""An overview picture with several plates and a face, for redaction and evidence tests.

The face is cut from the astronaut photograph (Eileen Collins, NASA, public domain) that
scikit-image ships as ``skimage/data/astronaut.png``.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw

from platewarden.synth.uzplate import render_plate

FACE = Path(__file__).resolve().parents[1] / "fixtures" / "astronaut-face.jpg"
OFFENDER, BYSTANDERS = "01A123BC", ("10B456CD", "40C789EF")
# Where each plate is pasted (left, top); each is about 160 x 34 px.
SPOTS = {OFFENDER: (30, 250), BYSTANDERS[0]: (240, 320), BYSTANDERS[1]: (440, 250)}
FACE_AT = (470, 40)


def street_scene() -> bytes:
    """A 640 x 400 JPEG: three cars with plates and a person's face."""
    img = Image.new("RGB", (640, 400), (92, 96, 100))
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 300, 640, 400), fill=(60, 60, 64))
    for text, (x, y) in SPOTS.items():
        draw.rectangle((x - 15, y - 60, x + 185, y + 45), fill=(180, 30, 30))
        img.paste(render_plate(text, height_px=34), (x, y))
    img.paste(Image.open(FACE), FACE_AT)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=92)
    return out.getvalue()
