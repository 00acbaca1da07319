"""Training batches as PyTorch tensors, drawn in the training process or by data-loader workers.

The batches themselves come from :mod:`platewarden.recognition.training.loader`; this module
only turns them into tensors and, with ``workers``, runs one generator per worker process.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import torch

from platewarden.recognition.backends.crnn import normalise_batch
from platewarden.recognition.training.data import Arrays, RealCrop
from platewarden.recognition.training.loader import BatchRecipe, make_batch, worker_batches

Batch = tuple[torch.Tensor, list[str]]


def batch_stream(recipe: BatchRecipe, *, synth: Arrays | None, real: list[RealCrop], seed: int,
                 workers: int, channel_order: str, pin_memory: bool = False) -> Iterator[Batch]:
    """Endless normalised batches: drawn here from ``seed`` or by ``workers`` processes.

    The worker processes take turns, so the order of batches is fixed by ``seed`` and
    ``workers``. They are spawned, not forked: forked workers hung here before their first
    batch (forking a process whose OpenCV and OpenMP thread pools have run is unsafe).
    """
    normalise = partial(normalise_batch, channel_order=channel_order)
    if workers == 0:
        rng = random.Random(seed)  # noqa: S311 (reproducible training, not security)
        return ((torch.from_numpy(normalise(images)), texts)
                for images, texts in iter(lambda: make_batch(synth, real, rng, recipe), None))
    stream = _WorkerStream(synth, real, recipe, seed=seed, normalise=normalise)
    loader = torch.utils.data.DataLoader(
        stream, batch_size=None, num_workers=workers, prefetch_factor=4,
        persistent_workers=True, pin_memory=pin_memory, multiprocessing_context="spawn")
    return iter(loader)


class _WorkerStream(torch.utils.data.IterableDataset):  # type: ignore[type-arg]
    """The batches of the data-loader worker that iterates it (:func:`worker_batches`)."""

    def __init__(self, synth: Arrays | None, real: list[RealCrop], recipe: BatchRecipe, *,
                 seed: int, normalise: Callable[[Any], Any]) -> None:
        self.synth, self.real, self.recipe = synth, real, recipe
        self.seed, self.normalise = seed, normalise

    def __iter__(self) -> Iterator[Batch]:
        import cv2

        info = torch.utils.data.get_worker_info()
        cv2.setNumThreads(1)  # one core per worker: the workers fill the machine
        torch.set_num_threads(1)
        for images, texts in worker_batches(self.synth, self.real, self.recipe, seed=self.seed,
                                            worker=info.id if info else 0):
            yield torch.from_numpy(self.normalise(images)), texts
