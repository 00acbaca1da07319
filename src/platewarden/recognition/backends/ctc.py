"""Greedy CTC decoding with per-character confidences and substitution alternatives."""

from __future__ import annotations

import heapq
import math
from typing import Any

import numpy as np

from platewarden.recognition.types import Alternative, Reading

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def decode(probs: Any, alphabet: str = ALPHABET, *, top_n: int = 5) -> Reading:
    """Decode one ``T x (1 + len(alphabet))`` probability matrix (class 0 = blank).

    Each emitted character keeps the frame where it peaked; its confidence is the
    probability there, and the runner-up class at that frame gives the substitutions from
    which the alternatives are built (best products first).
    """
    best = probs.argmax(axis=1)
    chars: list[str] = []
    confs: list[float] = []
    seconds: list[tuple[str, float]] = []
    prev = 0
    peak_frame = -1
    for t, cls in enumerate(best):
        cls = int(cls)
        if cls != 0 and cls != prev:
            chars.append(alphabet[cls - 1])
            confs.append(float(probs[t, cls]))
            seconds.append(_runner_up(probs[t], cls, alphabet))
            peak_frame = t
        elif cls != 0 and cls == prev and probs[t, cls] > confs[-1]:
            confs[-1] = float(probs[t, cls])
            seconds[-1] = _runner_up(probs[t], cls, alphabet)
            peak_frame = t
        prev = cls
    del peak_frame
    text = "".join(chars)
    overall = float(math.prod(confs)) if confs else 0.0
    alternatives = _alternatives(chars, confs, seconds, top_n=top_n)
    return Reading(text, overall, tuple(confs), alternatives)


def _runner_up(row: Any, cls: int, alphabet: str) -> tuple[str, float]:
    """Best non-blank class other than ``cls`` in one frame, with its probability."""
    masked = np.array(row, dtype=np.float64)
    masked[0] = -1.0
    masked[cls] = -1.0
    other = int(masked.argmax())
    return alphabet[other - 1], float(row[other])


def _alternatives(
    chars: list[str], confs: list[float], seconds: list[tuple[str, float]], *, top_n: int,
) -> tuple[Alternative, ...]:
    """Texts with one or two characters swapped for their runner-up, best first."""
    if not chars:
        return ()
    base = math.prod(confs)
    swaps = [
        (i, ch, p / max(confs[i], 1e-9)) for i, (ch, p) in enumerate(seconds) if p > 1e-4
    ]
    swaps.sort(key=lambda s: -s[2])
    swaps = swaps[:6]
    candidates: list[tuple[float, str]] = []
    for a in range(len(swaps)):
        i, ch, ratio = swaps[a]
        candidates.append((base * ratio, _swap(chars, {i: ch})))
        for b in range(a + 1, len(swaps)):
            j, ch2, ratio2 = swaps[b]
            if j != i:
                candidates.append((base * ratio * ratio2, _swap(chars, {i: ch, j: ch2})))
    best = heapq.nlargest(top_n, candidates)
    return tuple(Alternative(text, float(conf)) for conf, text in best)


def _swap(chars: list[str], changes: dict[int, str]) -> str:
    return "".join(changes.get(i, c) for i, c in enumerate(chars))


def softmax(logits: Any) -> Any:
    """Softmax over the last axis."""
    shifted = logits - logits.max(axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)
