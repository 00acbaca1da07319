"""A Haar cascade face detector in NumPy, reading OpenCV's cascade files.

OpenCV 5 no longer has ``CascadeClassifier`` nor ships the cascade files, so this evaluates
the classic frontal-face cascade (OpenCV's BOOST/HAAR format, upright features) the way
OpenCV 4 did: the image is scaled down step by step, every 24 x 24 window is normalised by
its standard deviation, stages of decision stumps reject windows early, and overlapping hits
are grouped (a face needs ``min_neighbors`` + 1 hits). The cascade file is OpenCV's
``haarcascade_frontalface_default.xml`` (Intel License Agreement, kept in the file).
"""

from __future__ import annotations

import gzip
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

DEFAULT_CASCADE = Path(__file__).parent / "models" / "haarcascade_frontalface_default.xml.gz"
Box = tuple[int, int, int, int]  # x, y, width, height


@dataclass(frozen=True, slots=True)
class _Stage:
    threshold: float
    features: NDArray[np.int64]
    thresholds: NDArray[np.float64]
    left: NDArray[np.float64]
    right: NDArray[np.float64]


class HaarCascade:
    """One loaded cascade; ``detect`` is thread-safe."""

    def __init__(self, path: Path = DEFAULT_CASCADE) -> None:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rb") as file:
            # A file shipped with the package (or named by the operator), not untrusted input.
            root = ET.parse(file).getroot().find("cascade")  # noqa: S314
        if root is None or root.findtext("featureType", "").strip() != "HAAR":
            raise ValueError(f"{path} is not an OpenCV HAAR cascade")
        self.size = int(root.findtext("width", "24")), int(root.findtext("height", "24"))
        self._stages = [_stage(node) for node in root.find("stages") or []]
        rects = [[[float(v) for v in (r.text or "").split()] for r in f.find("rects") or []]
                 for f in root.find("features") or []]
        self._rects = np.zeros((len(rects), 3, 5))
        for index, feature in enumerate(rects):
            self._rects[index, :len(feature)] = feature

    def detect(self, gray: NDArray[Any], *, scale_factor: float = 1.1,
               min_neighbors: int = 3, min_size: int = 24) -> list[Box]:
        """Face boxes in a grayscale image, in its pixels."""
        height, width = gray.shape[:2]
        win_w, win_h = self.size
        hits: list[Box] = []
        factor = 1.0
        while win_w * factor <= width and win_h * factor <= height:
            if win_w * factor >= min_size:
                scaled = cv2.resize(gray, (round(width / factor), round(height / factor)),
                                    interpolation=cv2.INTER_LINEAR)
                step = 1 if factor > 2 else 2  # as OpenCV: finer steps on coarse scales
                hits += [(round(x * factor), round(y * factor), round(win_w * factor),
                          round(win_h * factor)) for x, y in self._windows(scaled, step)]
            factor *= scale_factor
        return group(hits, min_neighbors=min_neighbors)

    def _windows(self, image: NDArray[Any], step: int) -> list[tuple[int, int]]:
        win_w, win_h = self.size
        pixels = image.astype(np.float64)
        ii = np.pad(pixels.cumsum(0).cumsum(1), ((1, 0), (1, 0)))
        sq = np.pad((pixels ** 2).cumsum(0).cumsum(1), ((1, 0), (1, 0)))
        ys, xs = np.mgrid[0:image.shape[0] - win_h + 1:step, 0:image.shape[1] - win_w + 1:step]
        ys, xs = ys.ravel(), xs.ravel()
        area = (win_w - 2) * (win_h - 2)  # OpenCV normalises over the window less a border
        total = _sum(ii, ys + 1, xs + 1, win_h - 2, win_w - 2)
        norm = area * _sum(sq, ys + 1, xs + 1, win_h - 2, win_w - 2) - total ** 2
        inv = 1.0 / np.where(norm > 0, np.sqrt(np.maximum(norm, 0)), 1.0)
        alive = np.arange(len(ys))
        flat, stride = ii.ravel(), ii.shape[1]
        base = ys * stride + xs  # linear index of each window's top-left corner
        for stage in self._stages:
            rects = self._rects[stage.features]  # (features, 3, 5)
            at = base[alive][:, None]
            value = np.zeros((len(alive), len(stage.features)))
            for r in range(3):
                weight = rects[:, r, 4]
                if not weight.any():
                    continue
                rx, ry, rw, rh = (rects[:, r, k].astype(np.int64) for k in range(4))
                top, bottom = ry * stride + rx, (ry + rh) * stride + rx
                value += weight * (flat[at + bottom + rw] - flat[at + top + rw]
                                   - flat[at + bottom] + flat[at + top])
            value *= inv[alive][:, None]
            score = np.where(value < stage.thresholds, stage.left, stage.right).sum(axis=1)
            alive = alive[score >= stage.threshold]
            if not len(alive):
                return []
        return [(int(xs[i]), int(ys[i])) for i in alive]


def _sum(ii: NDArray[np.float64], y: NDArray[np.int64], x: NDArray[np.int64], h: int,
         w: int) -> NDArray[np.float64]:
    return ii[y + h, x + w] - ii[y, x + w] - ii[y + h, x] + ii[y, x]


def _stage(node: ET.Element) -> _Stage:
    features, thresholds, left, right = [], [], [], []
    for weak in node.find("weakClassifiers") or []:
        internal = (weak.findtext("internalNodes") or "").split()
        leaves = (weak.findtext("leafValues") or "").split()
        features.append(int(internal[2]))
        thresholds.append(float(internal[3]))
        left.append(float(leaves[0]))
        right.append(float(leaves[1]))
    return _Stage(threshold=float(node.findtext("stageThreshold", "0")),
                  features=np.array(features), thresholds=np.array(thresholds),
                  left=np.array(left), right=np.array(right))


def group(boxes: list[Box], *, min_neighbors: int, eps: float = 0.2) -> list[Box]:
    """OpenCV's ``groupRectangles``: average clusters of similar boxes with enough members."""
    parent = list(range(len(boxes)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(boxes):
        for j in range(i):
            if _similar(a, boxes[j], eps):
                parent[root(i)] = root(j)
    clusters: dict[int, list[Box]] = {}
    for i, box in enumerate(boxes):
        clusters.setdefault(root(i), []).append(box)
    found = [[round(sum(b[k] for b in members) / len(members)) for k in range(4)]
             for members in clusters.values() if len(members) > min_neighbors]
    return [(b[0], b[1], b[2], b[3]) for b in found]


def _similar(a: Box, b: Box, eps: float) -> bool:
    delta = eps * (min(a[2], b[2]) + min(a[3], b[3])) * 0.5
    return (abs(a[0] - b[0]) <= delta and abs(a[1] - b[1]) <= delta
            and abs(a[0] + a[2] - b[0] - b[2]) <= delta and abs(a[1] + a[3] - b[1] - b[3]) <= delta)
