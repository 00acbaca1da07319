"""The CRNN plate reader in PyTorch: a small CNN, a bidirectional GRU, CTC output.

Sized for CPU training on two shared cores and ~1 ms inference: about 31 M
multiply-adds per 32 x 128 crop.
"""

from __future__ import annotations

import torch
from torch import nn


def _block(cin: int, cout: int) -> list[nn.Module]:
    return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout),
            nn.ReLU(inplace=True)]


class Crnn(nn.Module):
    """``N x 3 x 32 x 128`` images to ``N x 32 x classes`` log-probabilities."""

    def __init__(self, classes: int, *, height: int = 32) -> None:
        super().__init__()
        self.features = nn.Sequential(
            *_block(3, 16), nn.MaxPool2d(2),                      # 16 x 64
            *_block(16, 32), nn.MaxPool2d(2),                     # 8 x 32
            *_block(32, 64), *_block(64, 64), nn.MaxPool2d((2, 1)),  # 4 x 32
            *_block(64, 96),
        )
        self.collapse = nn.Conv2d(96, 96, (height // 8, 1), bias=False)  # 1 x 32
        self.rnn = nn.GRU(96, 64, batch_first=True, bidirectional=True)
        self.dropout = nn.Dropout(0.15)
        self.head = nn.Linear(128, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        f = self.collapse(self.features(x)).squeeze(2).transpose(1, 2)  # N x T x C
        seq, _ = self.rnn(f)
        return torch.log_softmax(self.head(self.dropout(seq)), dim=-1)
