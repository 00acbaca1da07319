"""Region grants: which cameras' records a user may see."""

from __future__ import annotations

import pytest

from platewarden.domain.access import EVERYWHERE, RegionScope


def test_a_grant_by_any_code_covers_the_whole_region() -> None:
    scope = RegionScope.of(["12"])
    assert scope.codes == frozenset({"10"})
    assert [scope.allows(c) for c in ("09", "10", "19", "20")] == [False, True, True, False]
    assert scope.as_filter() == frozenset(f"{n}" for n in range(10, 20))


def test_nationwide_sees_every_region_and_needs_no_filter() -> None:
    assert all(EVERYWHERE.allows(c) for c in ("01", "95"))
    assert EVERYWHERE.as_filter() is None
    assert RegionScope.of(["*", "30"]).nationwide


def test_an_empty_scope_sees_nothing() -> None:
    scope = RegionScope.of([])
    assert not scope.allows("01")
    assert scope.as_filter() == frozenset()


@pytest.mark.parametrize("code", ["1", "100", "AB", "00", ""])
def test_codes_that_name_no_region_are_refused(code: str) -> None:
    with pytest.raises(ValueError, match="region code"):
        RegionScope.of([code])
