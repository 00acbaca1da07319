"""Voting over a pass and following plates across frames."""

from __future__ import annotations

import pytest

from platewarden.agent.tracker import Tracker, iou
from platewarden.agent.vote import Observation, vote


def _obs(text: str, conf: float, frame: int = 0, x: int = 0) -> Observation:
    return Observation(frame, 1000 + frame, text, conf, (x, 100, 100, 25), b"jpeg", None)


def test_majority_with_confidence_wins() -> None:
    result = vote([_obs("01A123BC", 0.9, 0), _obs("01A128BC", 0.5, 1), _obs("01A123BC", 0.8, 2)])
    assert result.text == "01A123BC"
    assert result.support == 2
    assert result.seen == 3
    assert result.best.frame_index == 0
    assert result.alternatives[0][0] == "01A128BC"


def test_confusable_spellings_pool_their_votes() -> None:
    result = vote([_obs("01A123BC", 0.6), _obs("O1A123BC", 0.5), _obs("40B777AA", 0.9)])
    assert result.text == "01A123BC"
    assert result.support == 2


def test_empty_pass_is_an_error() -> None:
    with pytest.raises(ValueError, match="at least one"):
        vote([])


def test_iou() -> None:
    assert iou((0, 0, 10, 10), (0, 0, 10, 10)) == 1.0
    assert iou((0, 0, 10, 10), (20, 20, 5, 5)) == 0.0
    assert iou((0, 0, 10, 10), (5, 0, 10, 10)) == pytest.approx(50 / 150)


def test_two_plates_moving_side_by_side_stay_apart() -> None:
    tracker = Tracker()
    closed = []
    for f in range(6):
        closed += tracker.update(f, [_obs("01A123BC", 0.9, f, 100 + 20 * f),
                                     _obs("40B777AA", 0.9, f, 600 + 20 * f)])
    closed += tracker.flush()
    assert len(closed) == 2
    assert {t.observations[0].text for t in closed} == {"01A123BC", "40B777AA"}
    assert all(len(t.observations) == 6 for t in closed)


def test_a_track_closes_after_the_gap() -> None:
    tracker = Tracker(max_gap=2)
    tracker.update(0, [_obs("01A123BC", 0.9, 0)])
    assert tracker.update(1, []) == []
    assert tracker.update(2, []) == []
    closed = tracker.update(3, [])
    assert len(closed) == 1


def test_a_fast_plate_joins_its_track_by_text() -> None:
    tracker = Tracker()
    tracker.update(0, [_obs("01A123BC", 0.9, 0, 100)])
    tracker.update(1, [_obs("01A123BC", 0.9, 1, 300)])  # no overlap, same text, near
    assert len(tracker.flush()) == 1
