"""Training batches: drawn in the training process, or by worker processes (numpy only).

On a shared CPU one process draws every batch from one seeded generator. With an
accelerator, drawing plates is the slow part, so ``workers`` processes each draw whole
batches from their own generator (:func:`worker_rng`), and the trainer takes them in turn,
worker 0, 1, ... (the order PyTorch's data loader keeps), so a run is still fixed by its
seed and worker count.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from platewarden.recognition.training.data import Arrays, RealCrop, augment_real, synth_one


@dataclass(frozen=True, slots=True)
class BatchRecipe:
    """What one training batch is made of.

    Attributes:
        batch: Crops per batch.
        real_share: Share of real crops (augmented) per batch; the rest are synthetic.
        uz_share: Share of the generated synthetic plates that are Uzbek.
        two_line_share: Share of the generated Uzbek plates that are two-line.
        size: The reader's input (height, width).
    """

    batch: int
    real_share: float
    uz_share: float
    two_line_share: float
    size: tuple[int, int]


def make_batch(synth: Arrays | None, real: list[RealCrop], rng: random.Random,
               recipe: BatchRecipe) -> tuple[Any, list[str]]:
    """One batch (``N x H x W x 3`` BGR uint8) and its texts, drawn from ``rng``.

    Synthetic crops come from ``synth`` when given, else are generated fresh.
    """
    images, texts = [], []
    for _ in range(recipe.batch):
        if real and rng.random() < recipe.real_share:
            crop = rng.choice(real)
            images.append(augment_real(crop.image, rng, context=crop.context, size=recipe.size))
            text = crop.text
        elif synth is None:
            image, text = synth_one(rng, uz_share=recipe.uz_share,
                                    two_line_share=recipe.two_line_share, size=recipe.size)
            images.append(image)
        else:
            i = rng.randrange(len(synth.texts))
            images.append(synth.images[i])
            text = synth.texts[i]
        texts.append(text)
    return np.stack(images), texts


def worker_rng(seed: int, worker: int) -> random.Random:
    """The generator worker ``worker`` of a run seeded ``seed`` draws its batches from."""
    return random.Random(f"batches:{seed}:{worker}")  # noqa: S311 (reproducible, not security)


def worker_batches(synth: Arrays | None, real: list[RealCrop], recipe: BatchRecipe, *,
                   seed: int, worker: int) -> Iterator[tuple[Any, list[str]]]:
    """The endless batches of one worker."""
    rng = worker_rng(seed, worker)
    while True:
        yield make_batch(synth, real, rng, recipe)


def interleaved(synth: Arrays | None, real: list[RealCrop], recipe: BatchRecipe, *,
                seed: int, workers: int) -> Iterator[tuple[Any, list[str]]]:
    """The batches of ``workers`` workers in the order the trainer takes them (in turn).

    Drawn here in one process: the same batches, in the same order, as the worker processes
    give; what the data loader's order is checked against (a run without workers draws
    from one generator instead, as before workers existed).
    """
    streams = [worker_batches(synth, real, recipe, seed=seed, worker=w) for w in range(workers)]
    while True:
        for stream in streams:
            yield next(stream)
