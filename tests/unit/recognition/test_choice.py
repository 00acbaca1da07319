"""The rule that picks the default preset from tuning figures."""

from __future__ import annotations

from platewarden.recognition.choice import TuningFigures, choose_default


def _figures(train: float = 98.0, one: float = 99.0, two: float = 95.0,
             check: float = 95.0) -> TuningFigures:
    return TuningFigures(train_e2e=train, one_line=one, two_line=two, two_line_check=check)


def test_the_highest_score_that_holds_everywhere_wins() -> None:
    figures = {"shipped": _figures(), "a": _figures(two=96.0), "b": _figures(two=97.0)}
    assert choose_default(figures, current="shipped") == "b"


def test_a_gain_smaller_than_the_margin_keeps_the_default() -> None:
    figures = {"shipped": _figures(), "a": _figures(two=95.3)}
    assert choose_default(figures, current="shipped") == "shipped"
    assert choose_default(figures, current="shipped", min_gain=0.2) == "a"


def test_a_figure_too_far_below_rules_a_candidate_out() -> None:
    # Two-line up 2 points but one-line down 0.6: not a win however high the sum.
    figures = {"shipped": _figures(), "a": _figures(two=97.0, one=98.4)}
    assert choose_default(figures, current="shipped") == "shipped"


def test_the_unscored_check_set_can_still_rule_a_candidate_out() -> None:
    # Fitted to seed 556's failures: up there, down on the seed nobody looked into.
    fitted = _figures(two=97.0, check=94.0)
    assert fitted.score > _figures().score
    figures = {"shipped": _figures(), "fitted": fitted}
    assert choose_default(figures, current="shipped") == "shipped"
