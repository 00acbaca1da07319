"""The checkpoint a held-back training run exports: best real plus synthetic, earliest on ties."""

from __future__ import annotations

from platewarden.recognition.training.checkpoint import BestCheckpoint


def test_the_best_real_plus_synthetic_checkpoint_is_kept_and_the_earliest_wins_a_tie() -> None:
    best: BestCheckpoint[str] = BestCheckpoint()
    taken: list[str] = []

    def offer(step: int, real: float, synthetic: float) -> bool:
        def snapshot() -> str:
            taken.append(f"w{step}")
            return f"w{step}"

        return best.offer(step=step, real=real, synthetic=synthetic, snapshot=snapshot)

    assert offer(0, 0.70, 0.95)  # the starting weights are a candidate
    assert offer(900, 0.947, 0.970)
    assert not offer(1000, 0.947, 0.960)  # more real is not enough if synthetic falls more
    assert offer(1700, 0.941, 0.988)  # real alone would have kept step 900
    assert not offer(1900, 0.941, 0.988)  # a tie keeps the earlier step
    assert (best.step, best.state, best.real, best.synthetic) == (1700, "w1700", 0.941, 0.988)
    assert taken == ["w0", "w900", "w1700"]  # weights are copied only when kept
