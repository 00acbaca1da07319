"""Training batches (numpy only): what a batch holds, and that worker processes' batches are
fixed by the seed and the worker count."""

from __future__ import annotations

import itertools
import random

import numpy as np

from platewarden.recognition.training.data import RealCrop, synth_arrays
from platewarden.recognition.training.loader import (
    BatchRecipe,
    interleaved,
    make_batch,
    worker_batches,
    worker_rng,
)

from .factories import plate_bgr

SIZE = (48, 192)


def _recipe(*, batch: int = 6, real_share: float = 0.5) -> BatchRecipe:
    return BatchRecipe(batch=batch, real_share=real_share, uz_share=1.0, two_line_share=0.0,
                       size=SIZE)


def _real() -> list[RealCrop]:
    return [RealCrop(plate_bgr(text, height=60), text, f"{text}.jpg", 0.0)
            for text in ("01A123BC", "10H777AA")]


def test_a_batch_is_reader_sized_crops_with_their_texts() -> None:
    real = _real()
    images, texts = make_batch(None, real, random.Random(3), _recipe(batch=5, real_share=1.0))
    assert images.shape == (5, *SIZE, 3)
    assert images.dtype == np.uint8
    assert set(texts) <= {c.text for c in real}
    synth = synth_arrays(4, seed=2, uz_share=1.0, size=SIZE)
    images, texts = make_batch(synth, real, random.Random(3), _recipe(batch=7, real_share=0.0))
    assert images.shape == (7, *SIZE, 3)
    assert set(texts) <= set(synth.texts)
    for image, text in zip(images, texts, strict=True):
        # a synthetic crop is taken whole from the fixed set, with its own text
        assert any(np.array_equal(image, s) and text == t
                   for s, t in zip(synth.images, synth.texts, strict=True))


def test_workers_draw_different_batches_in_turn_and_a_rerun_draws_the_same() -> None:
    real, recipe = _real(), _recipe()
    first = list(itertools.islice(interleaved(None, real, recipe, seed=4, workers=3), 6))
    again = list(itertools.islice(interleaved(None, real, recipe, seed=4, workers=3), 6))
    for (a, ta), (b, tb) in zip(first, again, strict=True):
        assert np.array_equal(a, b)
        assert ta == tb
    # batch i comes from worker i % 3, as its (i // 3)-th batch
    streams = [worker_batches(None, real, recipe, seed=4, worker=w) for w in range(3)]
    for i, (images, texts) in enumerate(first):
        mine, my_texts = next(streams[i % 3])
        assert np.array_equal(images, mine)
        assert texts == my_texts
    assert not np.array_equal(first[0][0], first[1][0])
    other = next(interleaved(None, real, recipe, seed=5, workers=3))
    assert not np.array_equal(first[0][0], other[0])


def test_each_worker_has_its_own_generator_fixed_by_seed_and_index() -> None:
    draws = {(seed, worker): worker_rng(seed, worker).random()
             for seed in (1, 2) for worker in (0, 1)}
    assert len(set(draws.values())) == 4
    assert worker_rng(2, 1).random() == draws[(2, 1)]
