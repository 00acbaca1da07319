"""Search rules: query parsing, reason and case checks, the window, and misuse signals."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from platewarden.domain.audit import AuditAction, AuditEntry
from platewarden.domain.search import (
    MisusePolicy,
    QueryKind,
    SearchRefused,
    SignalKind,
    check_case_reference,
    check_reason,
    check_window,
    many_searches,
    misuse_signals,
    outside_hours,
    parse_query,
    repeated_plate,
)

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)  # 17:00 local (UTC+5)
REASONS = frozenset({"stolen-vehicle", "court-order"})


def refused_code(call: object, *args: object, **kwargs: object) -> str:
    with pytest.raises(SearchRefused) as caught:
        call(*args, **kwargs)  # type: ignore[operator]
    return caught.value.code


def test_exact_query_is_normalised_and_confusable_query_is_the_key() -> None:
    assert parse_query("01 a 123-bc", QueryKind.EXACT).value == "01A123BC"
    assert parse_query("O1A123BO", QueryKind.CONFUSABLE).value == "01A12380"
    assert parse_query("01A123B0", QueryKind.CONFUSABLE).value == "01A12380"


def test_wildcard_query_keeps_star_and_question_mark_and_needs_three_literals() -> None:
    query = parse_query("01a*b?", QueryKind.WILDCARD)
    assert query.value == "01A*B?"
    assert query.matches("01A123BC", "")
    assert query.matches("01AXBC", "")
    assert not query.matches("01A123B", "")
    assert not query.matches("02A123BC", "")
    assert query.like_pattern() == "01A%B_"
    for text in ("*", "0?*", "**A1*"):
        assert refused_code(parse_query, text, QueryKind.WILDCARD) == "invalid_query"


@pytest.mark.parametrize("text", ["", "-", "A", "X" * 13])
def test_plates_of_impossible_length_are_refused(text: str) -> None:
    assert refused_code(parse_query, text, QueryKind.EXACT) == "invalid_query"


def test_like_pattern_escapes_sql_wildcards() -> None:
    from platewarden.domain.search import PlateQuery
    query = PlateQuery(kind=QueryKind.WILDCARD, value="A%B_C\\*")
    assert query.like_pattern() == "A\\%B\\_C\\\\%"


def test_reason_must_be_on_the_list() -> None:
    assert check_reason(" court-order ", REASONS) == "court-order"
    for reason in (None, "", "curiosity"):
        assert refused_code(check_reason, reason, REASONS) == "reason_required"


def test_case_reference_needs_a_digit_and_a_sane_form() -> None:
    assert check_case_reference(" cr-2026/0042 ") == "CR-2026/0042"
    for case in (None, "", "ab", "no-digits", "X1 2", "1" * 41, "<script>1"):
        assert refused_code(check_case_reference, case) == "case_reference_required"


def test_window_within_the_default_days_needs_no_approval() -> None:
    assert not check_window(NOW - timedelta(days=90), NOW, now=NOW, default_days=90)
    assert check_window(NOW - timedelta(days=90, seconds=1), NOW, now=NOW, default_days=90)
    assert refused_code(check_window, NOW, NOW - timedelta(seconds=1), now=NOW,
                        default_days=90) == "invalid_window"
    assert refused_code(check_window, datetime(2026, 1, 1), NOW, now=NOW,
                        default_days=90) == "invalid_window"


def search_entry(seq: int, *, actor: str = "u1", at: datetime = NOW,
                 plate_hash: str = "h1") -> AuditEntry:
    return AuditEntry(sequence=seq, at=at, actor=actor, action=AuditAction.SEARCH,
                      details={"plate_hash": plate_hash, "reason": "court-order"})


def test_repeated_plate_needs_the_threshold_per_user_and_plate() -> None:
    entries = [search_entry(1), search_entry(2), search_entry(3, actor="u2"),
               search_entry(4, plate_hash="h2"), search_entry(5)]
    signals = repeated_plate(entries, MisusePolicy(repeat_threshold=3))
    assert [(s.kind, s.actor, s.plate_hash, s.sequences) for s in signals] == [
        (SignalKind.REPEATED_PLATE, "u1", "h1", (1, 2, 5))]
    assert repeated_plate(entries, MisusePolicy(repeat_threshold=4)) == []


def test_outside_hours_uses_local_time_with_inclusive_start_and_exclusive_end() -> None:
    policy = MisusePolicy(work_start_hour=7, work_end_hour=20, utc_offset_hours=5)
    local_7 = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)  # 07:00 local: inside
    local_659 = local_7 - timedelta(minutes=1)  # 06:59 local: outside
    local_20 = datetime(2026, 3, 1, 15, 0, tzinfo=UTC)  # 20:00 local: outside
    local_2330 = datetime(2026, 3, 1, 18, 30, tzinfo=UTC)  # 23:30 local, same local day
    entries = [search_entry(1, at=local_7), search_entry(2, at=local_659),
               search_entry(3, at=local_20), search_entry(4, at=local_2330),
               search_entry(5, at=local_2330, actor="u2")]
    signals = outside_hours(entries, policy)
    assert [(s.actor, s.day, s.sequences) for s in signals] == [
        ("u1", date(2026, 3, 1), (2, 3, 4)), ("u2", date(2026, 3, 1), (5,))]


def test_many_searches_counts_per_user_and_local_day() -> None:
    policy = MisusePolicy(daily_threshold=3)
    late = datetime(2026, 3, 1, 19, 30, tzinfo=UTC)  # already 2 March locally
    entries = [search_entry(1), search_entry(2), search_entry(3, at=late),
               search_entry(4), search_entry(5, actor="u2")]
    assert many_searches(entries, policy) == []
    entries.append(search_entry(6, at=NOW + timedelta(hours=1)))
    signals = many_searches(entries, policy)
    assert [(s.kind, s.actor, s.day, s.sequences) for s in signals] == [
        (SignalKind.MANY_SEARCHES, "u1", date(2026, 3, 1), (1, 2, 4, 6))]


def test_misuse_signals_combines_every_rule_and_carries_no_plate_text() -> None:
    night = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)  # 01:00 local
    entries = [search_entry(n, at=night) for n in range(1, 4)]
    signals = misuse_signals(entries, MisusePolicy(daily_threshold=2))
    assert {s.kind for s in signals} == set(SignalKind)
    assert all(s.sequences == (1, 2, 3) for s in signals)


@pytest.mark.parametrize(("text", "prefix"), [("01A*", "01A"), ("01A?23BC", "01A"),
                                              ("*123BC", ""), ("01A123BC", "01A123BC")])
def test_literal_prefix_is_what_comes_before_the_first_wildcard(text: str, prefix: str) -> None:
    assert parse_query(text, QueryKind.WILDCARD).literal_prefix() == prefix
