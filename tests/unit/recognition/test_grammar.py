"""The grammar step: Uzbek formats first, corrections by slot, generic fallback."""

from __future__ import annotations

from dataclasses import replace

from platewarden.recognition.grammar import choose
from platewarden.recognition.types import Alternative, Reading


def _reading(text: str, conf: float, *alts: tuple[str, float]) -> Reading:
    return Reading(text, conf, tuple([conf ** (1 / max(1, len(text)))] * len(text)),
                   tuple(Alternative(t, c) for t, c in alts))


def test_exact_uzbek_text_is_kept_with_country_and_format() -> None:
    choice = choose(_reading("01A123BC", 0.9))
    assert (choice.text, choice.country, choice.format) == ("01A123BC", "UZ", "private")


def test_confusable_in_a_digit_slot_is_corrected() -> None:
    choice = choose(_reading("O1A123BC", 0.9))
    assert choice.text == "01A123BC"
    assert choice.country == "UZ"


def test_an_uzbek_alternative_beats_a_slightly_better_generic_read() -> None:
    choice = choose(_reading("01A12BC", 0.5, ("01A123BC", 0.4)))
    assert choice.text == "01A123BC"
    assert choice.alternatives[0].text == "01A12BC"


def test_a_much_better_generic_read_is_kept() -> None:
    choice = choose(_reading("ABC1234", 0.9, ("01A123BC", 0.01)))
    assert choice.text == "ABC1234"
    assert choice.country == "??"
    assert choice.format == "generic"


def test_any_mode_keeps_the_reader_text_uncorrected() -> None:
    choice = choose(_reading("O1A123BC", 0.9), mode="any")
    assert choice.text == "O1A123BC"


def test_alternatives_are_unique_and_exclude_the_choice() -> None:
    choice = choose(_reading("01A123BC", 0.9, ("01A123BC", 0.1), ("01A128BC", 0.05)))
    texts = [a.text for a in choice.alternatives]
    assert "01A123BC" not in texts
    assert len(texts) == len(set(texts))


def test_a_two_line_format_read_off_a_one_line_crop_is_weighed_down() -> None:
    # "670894FA" is a trailer plate (printed on two lines); "67O894FA" a private one.
    trailer_first = _reading("670894FA", 0.9, ("67O894FA", 0.6))
    assert choose(trailer_first).text == "670894FA"  # layout unknown: confidence decides
    one_line = replace(trailer_first, layout="one-line")
    assert choose(one_line).text == "67O894FA"
    two_line = replace(trailer_first, layout="two-line")
    assert choose(two_line).text == "670894FA"


def test_a_layout_mismatch_is_weighed_down_not_ruled_out() -> None:
    alone = replace(_reading("670894FA", 0.9), layout="one-line")
    assert choose(alone).format == "trailer"
    assert choose(replace(_reading("01A123BC", 0.95, ("011234AB", 0.3)), layout="two-line"),
                  ).text == "01A123BC"  # a much better one-line read still wins
