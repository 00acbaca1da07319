"""Training data for the plate reader: synthetic plates and real crops (numpy only).

Synthetic plates come from :mod:`platewarden.synth` (every one-line Uzbek format plus EU,
US and Brazilian impressions), degraded and cut like a detector box. Real crops come from the
benchmark layouts, from the ``train`` half of the fixed split only (see
:mod:`platewarden.recognition.dataset`); crop data sets (no held-out part) are used whole.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from platewarden.recognition.backends.crnn import resize_for_reader
from platewarden.recognition.dataset import Sample, load_crops, load_endtoend, split_of
from platewarden.recognition.formats import (
    TWO_LINE_HEIGHT_PX,
    TWO_LINE_MIN_HEIGHT_PX,
    TWO_LINE_UZ_KINDS,
)
from platewarden.recognition.imageio import Frame, load_image
from platewarden.recognition.rectify import cut
from platewarden.recognition.twoline import as_one_line
from platewarden.recognition.types import Box
from platewarden.synth import degrade, random_uz_text, render_plate
from platewarden.synth.foreign import render_foreign

HEIGHT, WIDTH = 32, 128
ONE_LINE_KINDS = ("private", "organisation", "foreign-company", "foreign-resident",
                  "diplomatic", "temporary-or-diplomatic", "personalised")


@dataclass
class Arrays:
    """Images (``N x HEIGHT x WIDTH x 3`` BGR uint8) and their texts."""

    images: Any
    texts: list[str]


def two_line_crop(rng: random.Random) -> tuple[Frame, str]:
    """A degraded synthetic two-line Uzbek plate as the reader sees it: rows joined.

    Drawn again until the row finder sees two rows (it cannot on the worst crops; the
    pipeline then reads the crop as it is).
    """
    while True:
        text = random_uz_text(rng, kind=rng.choice(TWO_LINE_UZ_KINDS))
        img = render_plate(text, height_px=rng.randint(*TWO_LINE_HEIGHT_PX), rng=rng)
        out = np.asarray(degrade(img, rng, strength=rng.uniform(0.3, 1.2),
                                 min_height_px=TWO_LINE_MIN_HEIGHT_PX))
        line = as_one_line(cv2.cvtColor(out, cv2.COLOR_RGB2BGR))
        if line is not None:
            return line, text


def synth_one(rng: random.Random, *, uz_share: float, two_line_share: float = 0.0,
              size: tuple[int, int] = (HEIGHT, WIDTH)) -> tuple[Frame, str]:
    """One degraded synthetic plate, resized to ``size`` (height, width), with its text.

    ``two_line_share`` of the Uzbek plates are two-line plates with their rows joined.
    """
    if two_line_share > 0 and rng.random() < uz_share and rng.random() < two_line_share:
        line, text = two_line_crop(rng)
        return resize_for_reader(line, height=size[0], width=size[1]), text
    if rng.random() < uz_share:
        kind = rng.choices(ONE_LINE_KINDS, weights=(70, 8, 4, 4, 4, 3, 4))[0]
        text = random_uz_text(rng, kind=kind)
        img = render_plate(text, height_px=rng.randint(40, 72), rng=rng)
    else:
        plate = render_foreign(rng, height_px=rng.randint(40, 72))
        img, text = plate.image, plate.text
    out = np.asarray(degrade(img, rng, strength=rng.uniform(0.3, 1.2)))
    bgr: Frame = cv2.cvtColor(out, cv2.COLOR_RGB2BGR)
    return resize_for_reader(bgr, height=size[0], width=size[1]), text


def synth_arrays(count: int, *, seed: int, uz_share: float = 0.65,
                 two_line_share: float = 0.0, size: tuple[int, int] = (HEIGHT, WIDTH)) -> Arrays:
    """``count`` synthetic samples drawn from ``seed``, each ``size`` (height, width)."""
    rng = random.Random(seed)  # noqa: S311 (reproducible data, not security)
    images = np.empty((count, *size, 3), np.uint8)
    texts: list[str] = []
    for i in range(count):
        images[i], text = synth_one(rng, uz_share=uz_share, two_line_share=two_line_share,
                                    size=size)
        texts.append(text)
    return Arrays(images, texts)


@dataclass(frozen=True, slots=True)
class RealCrop:
    """A real plate with context for augmentation.

    Attributes:
        image: BGR pixels: the plate grown by ``context`` (end-to-end images) or the whole
            crop (``context`` 0, crop data sets).
        text: The labelled plate text.
        name: The image's file name (fixes whether it is held back for tuning).
        context: The margin the plate was cut with (see :func:`jitter_crop`).
    """

    image: Frame
    text: str
    name: str
    context: float


def real_crops(root: Path, *, split: str = "train", margin: float = 0.35) -> list[RealCrop]:
    """Real plate crops with generous context, for on-the-fly augmentation.

    End-to-end images give the true box grown by ``margin`` (the augmentation then cuts
    loose, detector-like boxes inside it); crop data sets give whole crops.
    """
    if (root / "groundtruth.csv").is_file():
        return [RealCrop(load_image(s.image), s.text, s.image.name, 0.0)
                for s in load_crops(root)]
    out: list[RealCrop] = []
    for sample in load_endtoend(root):
        if split != "all" and split_of(sample.image.name) != split:
            continue
        image, text = _context_crop(sample, margin)
        out.append(RealCrop(image, text, sample.image.name, margin))
    return out


def is_tuning(name: str, *, share: float) -> bool:
    """Whether the real crop ``name`` is held back from training to tune on.

    Fixed by a SHA-1 of the name, salted so it is independent of the train/test split.
    """
    digest = hashlib.sha1(f"tune:{name}".encode()).hexdigest()  # noqa: S324 (not security)
    return int(digest, 16) % 1000 < share * 1000


def tuning_cut(crop: RealCrop) -> Frame:
    """The plate of a held-back crop as the reader is shown it, the same on every evaluation.

    End-to-end crops are cut like the shipped detector's median box on the ``train`` split
    (1.1 x the labelled width, 1.45 x its height); crop data sets give the whole crop.
    """
    if crop.context <= 0:
        return crop.image
    h, w = crop.image.shape[:2]
    pw, ph = plate_size(crop.image, context=crop.context)
    gw, gh = min(w, pw * 1.1), min(h, ph * 1.45)
    x0, y0 = round((w - gw) / 2), round((h - gh) / 2)
    out: Frame = crop.image[y0:y0 + round(gh), x0:x0 + round(gw)]
    return out


def tuning_view(crop: RealCrop, *, size: tuple[int, int] = (HEIGHT, WIDTH)) -> Frame:
    """:func:`tuning_cut` resized to the reader's input ``size`` (height, width)."""
    return resize_for_reader(tuning_cut(crop), height=size[0], width=size[1])


def _context_crop(sample: Sample, margin: float) -> tuple[Frame, str]:
    frame = load_image(sample.image)
    box = sample.box or Box(0, 0, int(frame.shape[1]), int(frame.shape[0]))
    # The plate sits in the centre of the context crop; plate_size relies on that.
    return cut(frame, box, margin_x=margin, margin_y=margin * 2), sample.text


def plate_size(crop: Frame, *, context: float) -> tuple[float, float]:
    """Width and height of the plate centred in a crop cut with ``context`` margin.

    :func:`_context_crop` grows the box by ``context`` of its width on each side and twice
    that of its height; a ``context`` of 0 means the whole crop is the plate.
    """
    h, w = crop.shape[:2]
    return w / (1 + 2 * context), h / (1 + 4 * context)


def jitter_crop(crop: Frame, rng: random.Random, *, context: float) -> Frame:
    """Cut a loose, jittered plate box out of a context crop made with ``context`` margin.

    For end-to-end crops the plate occupies the centre; for crop data sets (``context=0``)
    the whole crop is the plate and only small trims and pads apply.
    """
    h, w = crop.shape[:2]
    pw, ph = plate_size(crop, context=context)
    cx, cy = w / 2, h / 2
    # The shipped detector's boxes on the train split: 1.0-1.3 x the labelled width and
    # 1.1-1.9 x its height (5th-95th percentile), centres within 4 % / 10 %.
    gw = pw * rng.uniform(0.97, 1.35)
    gh = ph * rng.uniform(1.0, 1.95)
    cx += rng.uniform(-0.04, 0.04) * pw
    cy += rng.uniform(-0.1, 0.1) * ph
    x0, x1 = max(0, round(cx - gw / 2)), min(w, round(cx + gw / 2))
    y0, y1 = max(0, round(cy - gh / 2)), min(h, round(cy + gh / 2))
    if x1 - x0 < 4 or y1 - y0 < 4:
        return crop
    out: Frame = crop[y0:y1, x0:x1]
    return out


def augment_real(crop: Frame, rng: random.Random, *, context: float,
                 size: tuple[int, int] = (HEIGHT, WIDTH)) -> Frame:
    """A jittered, rotated or sheared, relit, blurred, downscaled, noisy, recompressed
    version of a real crop, resized to ``size`` (height, width) (the real crops are few:
    the reader must not learn them)."""
    img = jitter_crop(crop, rng, context=context)
    h, w = img.shape[:2]
    if rng.random() < 0.6:
        matrix = cv2.getRotationMatrix2D((w / 2, h / 2), rng.uniform(-7, 7), 1.0)
        matrix[0, 1] += rng.uniform(-0.25, 0.25)  # horizontal shear: italic-like slant
        matrix[0, 2] -= matrix[0, 1] * h / 2
        img = cv2.warpAffine(img, matrix, (w, h), borderMode=cv2.BORDER_REPLICATE)
    if rng.random() < 0.3:
        img = np.ascontiguousarray(img[:, :, rng.sample(range(3), 3)])  # colour swap
    f = img.astype(np.float32) * rng.uniform(0.6, 1.3) + rng.uniform(-30, 30)
    img = np.clip(f, 0, 255).astype(np.uint8)
    if rng.random() < 0.3:
        img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.3, 1.2))
    if rng.random() < 0.4:
        scale = rng.uniform(0.3, 0.8)
        small = cv2.resize(img, (max(8, round(w * scale)), max(4, round(h * scale))),
                           interpolation=cv2.INTER_AREA)
        img = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
    if rng.random() < 0.3:
        noise = np.random.default_rng(rng.getrandbits(32)).normal(0, rng.uniform(2, 10),
                                                                   img.shape)
        img = np.clip(img.astype(np.float32) + noise, 0, 255).astype(np.uint8)
    if rng.random() < 0.3:
        ok, data = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, rng.randint(15, 70)])
        decoded = cv2.imdecode(data, cv2.IMREAD_COLOR) if ok else None
        if decoded is not None:
            img = np.asarray(decoded, dtype=np.uint8)
    return resize_for_reader(img, height=size[0], width=size[1])
