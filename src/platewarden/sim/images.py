"""Synthetic evidence images for simulated reads: a plate crop and an overview frame.

Images are made when a read is sent, not when the scenario is generated, so a large
scenario stays small in memory. Each read's images depend only on the seed, the camera and
the read id, so a resend carries byte-identical evidence (same SHA-256).
"""

from __future__ import annotations

import dataclasses
import io
import random
from datetime import datetime
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageFilter

from platewarden.camera.payloads import Attachment, ReadPayload
from platewarden.domain.plates import normalise
from platewarden.synth import render_plate

OVERVIEW_SIZE = (640, 360)
_CAR_COLOURS = ((236, 236, 236), (30, 30, 34), (160, 164, 170), (120, 20, 24), (24, 52, 110),
                (210, 200, 180), (70, 80, 60))


_RENDER_HEIGHT = 60


@lru_cache(maxsize=1024)
def _rendered(text: str) -> Image.Image:
    # A vehicle passes several cameras: render its plate once and vary only the capture.
    return render_plate(text, height_px=_RENDER_HEIGHT)


def _clean_plate(text: str, height_px: int) -> Image.Image:
    plate = _rendered(text)
    if height_px == plate.height:
        return plate
    width = max(1, round(plate.width * height_px / plate.height))
    return plate.resize((width, height_px), Image.Resampling.BILINEAR, reducing_gap=2.0)


def _jpeg(img: Image.Image, *, quality: int) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality)
    return buf.getvalue()


@lru_cache(maxsize=4)
def _noise_field(sigma: float) -> npt.NDArray[np.int16]:
    # Drawing fresh Gaussian noise per frame dominated the cost of a read; a fixed seeded
    # field, shifted by a random offset per image, looks the same and stays deterministic.
    gen = np.random.default_rng(20261126)
    height, width = OVERVIEW_SIZE[1] * 2, OVERVIEW_SIZE[0] * 2
    field = gen.normal(0.0, sigma, (height, width, 3))
    return np.round(field).astype(np.int16)


def _add_noise(img: Image.Image, rng: random.Random, *, sigma: float) -> Image.Image:
    arr = np.asarray(img, dtype=np.int16)
    field = _noise_field(sigma)
    top = rng.randint(0, field.shape[0] - arr.shape[0])
    left = rng.randint(0, field.shape[1] - arr.shape[1])
    gain = rng.randint(75, 110)
    noisy = arr * gain // 100 + field[top:top + arr.shape[0], left:left + arr.shape[1]]
    return Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))


def plate_crop_jpeg(text: str, *, rng: random.Random, height_px: int = 56) -> bytes:
    """A camera's plate crop (about 8 KB): the plate in a loose box on the bumper.

    Args:
        text: Plate text, any spacing.
        rng: Source of the capture's variation (margins, lighting, noise).
        height_px: Height of the plate itself inside the crop.
    """
    plate = _clean_plate(normalise(text), height_px)
    margin_x, margin_y = rng.randint(8, 20), rng.randint(6, 14)
    bumper = tuple(rng.randint(20, 90) for _ in range(3))
    crop = Image.new("RGB", (plate.width + 2 * margin_x, plate.height + 2 * margin_y),
                     bumper)
    crop.paste(plate, (margin_x + rng.randint(-3, 3), margin_y + rng.randint(-2, 2)))
    crop = crop.rotate(rng.uniform(-3.0, 3.0), resample=Image.Resampling.BILINEAR,
                       fillcolor=bumper)
    crop = crop.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.8)))
    return _jpeg(_add_noise(crop, rng, sigma=6.0), quality=85)


def _road(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    width, height = OVERVIEW_SIZE
    horizon = 120
    sky = (rng.randint(120, 170), rng.randint(160, 200), rng.randint(200, 235))
    draw.rectangle((0, 0, width, horizon), fill=sky)
    draw.rectangle((0, horizon, width, height), fill=(88, 90, 94))
    centre = width // 2
    for offset in (-1, 1):  # road edges converging on the horizon
        draw.line((centre + offset * 40, horizon, centre + offset * 420, height),
                  fill=(230, 230, 230), width=4)
    for y in range(horizon + 10, height, 40):  # dashed centre line
        spread = (y - horizon) / (height - horizon)
        draw.line((centre, y, centre, y + 18), fill=(240, 240, 240), width=max(1, int(5 * spread)))


def _car(draw: ImageDraw.ImageDraw, rng: random.Random) -> tuple[int, int, int, int]:
    width, height = OVERVIEW_SIZE
    car_w, car_h = rng.randint(250, 320), rng.randint(150, 190)
    left = width // 2 - car_w // 2 + rng.randint(-80, 80)
    top = height - car_h - rng.randint(10, 40)
    colour = rng.choice(_CAR_COLOURS)
    draw.rounded_rectangle((left, top, left + car_w, top + car_h), radius=24, fill=colour,
                           outline=(15, 15, 15), width=2)
    draw.rectangle((left + 30, top + 12, left + car_w - 30, top + car_h // 3),
                   fill=(40, 50, 60))  # rear window
    for side in (left + 12, left + car_w - 52):  # lights
        draw.rectangle((side, top + car_h // 2, side + 40, top + car_h // 2 + 18),
                       fill=(200, 30, 30))
    return left, top, car_w, car_h


def overview_jpeg(text: str, *, rng: random.Random, caption: str) -> bytes:
    """A 640x360 overview frame: a road, a car and its plate, with a caption bar.

    Args:
        text: Plate text to paste on the car.
        rng: Source of the scene's variation.
        caption: Camera and time text burnt into the frame, as roadside cameras do.
    """
    img = Image.new("RGB", OVERVIEW_SIZE)
    draw = ImageDraw.Draw(img)
    _road(draw, rng)
    left, top, car_w, car_h = _car(draw, rng)
    plate = _clean_plate(normalise(text), 16)  # 520 mm on a 1.8 m wide car
    img.paste(plate, (left + (car_w - plate.width) // 2, top + car_h - plate.height - 18))
    draw.rectangle((0, 0, OVERVIEW_SIZE[0], 16), fill=(0, 0, 0))
    draw.text((4, 2), caption, fill=(255, 255, 255))
    return _jpeg(_add_noise(img, rng, sigma=4.0), quality=70)


def _caption(camera_id: str, captured_at: datetime) -> str:
    return f"{camera_id}  {captured_at.isoformat(timespec='milliseconds')}"


def evidence_for(read: ReadPayload, *, camera_id: str, seed: int) -> tuple[Attachment, ...]:
    """The plate crop and overview of a simulated read, deterministic per read."""
    rng = random.Random(f"{seed}:{camera_id}:{read.read_id}")  # noqa: S311 - not for secrets
    crop = plate_crop_jpeg(read.plate, rng=rng, height_px=rng.randint(48, 60))
    overview = overview_jpeg(read.plate, rng=rng, caption=_caption(camera_id, read.captured_at))
    return (Attachment(role="plate", content_type="image/jpeg", data=crop),
            Attachment(role="overview", content_type="image/jpeg", data=overview))


def with_evidence(read: ReadPayload, *, camera_id: str, seed: int) -> ReadPayload:
    """``read`` with its simulated images attached."""
    return dataclasses.replace(read, images=evidence_for(read, camera_id=camera_id, seed=seed))
