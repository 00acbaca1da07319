"""Camera-like degradations of clean plate images, for training and tests.

Each step is drawn from ``rng`` so a seed reproduces a data set exactly. The steps follow
what the real development crops show: slightly rotated and sheared boxes with loose margins,
uneven lighting and shadows, dirt, defocus and motion blur, low resolution, sensor noise and
heavy JPEG compression.
"""

from __future__ import annotations

import io
import random
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image

# cv2's stubs type most results loosely; images here are uint8 HxWx3 arrays.
Array = npt.NDArray[Any]


def _translate(dx: float, dy: float) -> npt.NDArray[np.float64]:
    return np.array([[1, 0, dx], [0, 1, dy], [0, 0, 1]], np.float64)


def _geometry(img: Array, rng: random.Random, strength: float) -> Array:
    """Random perspective (tilt, shear, loose margins) over a cluttered background."""
    h, w = img.shape[:2]
    pad_x, pad_y = round(w * 0.3), round(h * 0.8)
    noise = np.random.default_rng(rng.getrandbits(32))
    shape = (h + 2 * pad_y, w + 2 * pad_x, 3)
    texture = noise.integers(20, 200, size=3) + noise.integers(0, 50, shape)
    canvas: Array = np.clip(texture, 0, 255).astype(np.uint8)
    canvas[pad_y:pad_y + h, pad_x:pad_x + w] = img
    src = np.array([[pad_x, pad_y], [pad_x + w, pad_y], [pad_x + w, pad_y + h],
                      [pad_x, pad_y + h]], dtype=np.float32)
    jx, jy = 0.04 * w * strength, 0.10 * h * strength
    rot = rng.uniform(-0.10, 0.10) * h * strength  # right side up or down: a small rotation
    shear = rng.uniform(-0.06, 0.06) * h * strength
    offsets = [[shear, -rot], [shear, rot], [-shear, rot], [-shear, -rot]]
    dst = src + np.array(
        [[ox + rng.uniform(-jx, jx), oy + rng.uniform(-jy, jy)] for ox, oy in offsets],
        dtype=np.float32,
    )
    # The output box is the nominal plate plus a random margin, as a loose detector box.
    # Detector boxes are 1.0-1.3 x the plate's width and 1.1-1.9 x its height.
    mx0, mx1 = (rng.uniform(-0.02, 0.12) * w for _ in range(2))
    my0, my1 = (rng.uniform(-0.03, 0.45) * h for _ in range(2))
    matrix = _translate(-(pad_x - mx0), -(pad_y - my0)) @ cv2.getPerspectiveTransform(src, dst)
    size = (max(8, round(w + mx0 + mx1)), max(8, round(h + my0 + my1)))
    out: Array = cv2.warpPerspective(canvas, matrix, size, flags=cv2.INTER_LINEAR,
                                     borderMode=cv2.BORDER_REPLICATE)
    return out


def _lighting(img: Array, rng: random.Random) -> Array:
    """Contrast, brightness, gamma, a colour cast and a soft shadow edge."""
    f = img.astype(np.float32) / 255.0
    f = f ** rng.uniform(0.6, 1.6)
    f = f * rng.uniform(0.45, 1.15) + rng.uniform(-0.15, 0.2)
    f = f * np.array([rng.uniform(0.85, 1.15) for _ in range(3)], dtype=np.float32)
    if rng.random() < 0.4:
        h, w = f.shape[:2]
        angle = rng.uniform(0, np.pi)
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        proj = (xx - w / 2) * np.cos(angle) + (yy - h / 2) * np.sin(angle)
        edge = rng.uniform(-0.3, 0.3) * max(h, w)
        soft = max(1.0, rng.uniform(0.01, 0.2) * max(h, w))
        shadow = 1.0 - rng.uniform(0.3, 0.65) / (1.0 + np.exp(-(proj - edge) / soft))
        f = f * shadow[..., None]
    out: Array = np.clip(f * 255.0, 0, 255).astype(np.uint8)
    return out


def _dirt(img: Array, rng: random.Random) -> Array:
    """Translucent dark and light blobs, like mud, bolts and specular glare."""
    out = img.copy()
    h, w = img.shape[:2]
    for _ in range(rng.randint(0, 6)):
        overlay = out.copy()
        centre = (rng.randrange(w), rng.randrange(h))
        axes = (max(1, round(rng.uniform(0.005, 0.05) * w)),
                max(1, round(rng.uniform(0.02, 0.15) * h)))
        tone = rng.choice([(40, 35, 30), (90, 80, 60), (250, 250, 250)])
        cv2.ellipse(overlay, centre, axes, rng.uniform(0, 180), 0, 360, tone, -1)
        alpha = rng.uniform(0.15, 0.6)
        out = cv2.addWeighted(overlay, alpha, out, 1 - alpha, 0)
    return out


def _blur(img: Array, rng: random.Random) -> Array:
    """Defocus or motion blur, scaled to the image height."""
    h = img.shape[0]
    if rng.random() < 0.3:
        length = max(1, round(rng.uniform(0.0, 0.06) * h))
        kernel = np.zeros((2 * length + 1, 2 * length + 1), np.float32)
        kernel[length, :] = 1.0
        rot = cv2.getRotationMatrix2D((length, length), rng.uniform(0, 180), 1.0)
        turned: Array = cv2.warpAffine(kernel, rot, kernel.shape[::-1])
        kernel = turned / max(float(turned.sum()), 1e-6)
        return cv2.filter2D(img, -1, kernel)
    sigma = rng.uniform(0.0, 0.018) * h
    if sigma < 0.3:
        return img
    return cv2.GaussianBlur(img, (0, 0), sigma)


def _resolution(img: Array, rng: random.Random, min_height_px: int) -> Array:
    """Drop to a random low resolution and back, as a far plate in a wide frame."""
    h, w = img.shape[:2]
    target_h = rng.randint(min_height_px, max(min_height_px + 1, h))
    scale = target_h / h
    small = cv2.resize(img, (max(4, round(w * scale)), target_h), interpolation=cv2.INTER_AREA)
    up = rng.choice([cv2.INTER_LINEAR, cv2.INTER_CUBIC, cv2.INTER_NEAREST])
    return cv2.resize(small, (w, h), interpolation=up)


def _noise_and_jpeg(img: Array, rng: random.Random) -> Array:
    """Sensor noise, then JPEG compression at a random quality."""
    gen = np.random.default_rng(rng.getrandbits(32))
    sigma = rng.uniform(0, 10)
    noisy = np.clip(img.astype(np.float32) + gen.normal(0, sigma, img.shape), 0, 255)
    buf = io.BytesIO()
    Image.fromarray(noisy.astype(np.uint8)).save(buf, "JPEG", quality=rng.randint(12, 92))
    buf.seek(0)
    with Image.open(buf) as decoded:
        return np.asarray(decoded.convert("RGB"), dtype=np.uint8)


def degrade(img: Image.Image, rng: random.Random, *, strength: float = 1.0,
            min_height_px: int = 14) -> Image.Image:
    """Apply a random chain of camera degradations to a plate image.

    Args:
        img: A clean plate, as from :func:`platewarden.synth.render_plate`.
        rng: Source of every random choice (seed it to reproduce a data set).
        strength: Scales the geometric distortion; 0 keeps the plate straight.
        min_height_px: The lowest resolution (crop height) a plate may drop to.

    Returns:
        An RGB image: the plate tilted inside a loose box, relit, dirtied, blurred,
        resampled, noised and JPEG-compressed. Its size differs from the input's.
    """
    arr = np.asarray(img.convert("RGB"), dtype=np.uint8)
    arr = _geometry(arr, rng, strength)
    arr = _lighting(arr, rng)
    if rng.random() < 0.5:
        arr = _dirt(arr, rng)
    arr = _blur(arr, rng)
    arr = _resolution(arr, rng, min_height_px)
    if rng.random() < 0.5:
        arr = 255 - arr if rng.random() < 0.03 else arr
    arr = _noise_and_jpeg(arr, rng)
    return Image.fromarray(arr)
