"""The synthetic plate renderer: formats, colours, determinism and degradations."""

from __future__ import annotations

import random

import numpy as np
import pytest
from PIL import Image

from platewarden.domain.plates import parse
from platewarden.synth import degrade, random_uz_text, render_plate


def _mean_rgb(img: Image.Image) -> tuple[float, ...]:
    return tuple(float(v) for v in np.asarray(img, dtype=np.float32).mean(axis=(0, 1)))


def test_private_plate_has_european_proportions_and_is_rgb() -> None:
    img = render_plate("01 A 123 BC")
    assert img.mode == "RGB"
    assert img.size == (520, 110)


def test_height_is_respected() -> None:
    img = render_plate("01A123BC", height_px=40)
    assert img.height == 40
    assert 180 <= img.width <= 200


def test_two_line_formats_are_squarer() -> None:
    trailer = render_plate("01 1234 AB")
    assert trailer.width / trailer.height < 2.0


def test_clean_render_is_deterministic() -> None:
    a = np.asarray(render_plate("40B777AA"))
    b = np.asarray(render_plate("40B777AA"))
    assert np.array_equal(a, b)


def test_different_texts_render_differently() -> None:
    a = np.asarray(render_plate("40B777AA"), dtype=np.int16)
    b = np.asarray(render_plate("40B778AA"), dtype=np.int16)
    assert np.abs(a - b).sum() > 0


def test_colours_follow_the_format() -> None:
    white = _mean_rgb(render_plate("01A123BC"))
    green = _mean_rgb(render_plate("01M123456"))
    yellow = _mean_rgb(render_plate("01H123456"))
    assert white[0] > 150
    assert white[2] > 150
    assert green[1] > green[0] + 30
    assert yellow[0] > yellow[2] + 60


def test_plate_is_mostly_light_with_dark_ink() -> None:
    grey = np.asarray(render_plate("01A123BC").convert("L"))
    dark = (grey < 80).mean()
    assert 0.1 < dark < 0.45


@pytest.mark.parametrize("bad", ["", "---", "  "])
def test_text_without_characters_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="no letters or digits"):
        render_plate(bad)


def test_tiny_height_is_refused() -> None:
    with pytest.raises(ValueError, match="height_px"):
        render_plate("01A123BC", height_px=8)


def test_random_texts_parse_as_their_format() -> None:
    rng = random.Random(3)
    for kind in ("private", "organisation", "trailer", "motorcycle", "foreign-company",
                 "foreign-resident"):
        for _ in range(20):
            parsed = parse(random_uz_text(rng, kind=kind))
            assert parsed.country == "UZ"
            assert parsed.format == kind
            assert not parsed.corrected


def test_random_text_mix_is_mostly_private() -> None:
    rng = random.Random(5)
    kinds = [parse(random_uz_text(rng)).format for _ in range(400)]
    assert 0.55 < kinds.count("private") / len(kinds) < 0.85


def test_degrade_is_seeded_and_changes_the_image() -> None:
    clean = render_plate("01A123BC")
    a = np.asarray(degrade(clean, random.Random(7)))
    b = np.asarray(degrade(clean, random.Random(7)))
    assert np.array_equal(a, b)
    assert a.shape[2] == 3
    assert a.shape[:2] != (110, 520) or np.abs(a.astype(int) - np.asarray(clean)).mean() > 3
