"""Runs the scenarios, pairs each with its baseline, prints medians (min–max) and ratios."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass

from chandong_tui.bench import report_scenarios, scenarios
from chandong_tui.bench.dataset import bench_home, ensure_vault
from chandong_tui.bench.measure import Timing, format_ms


@dataclass(frozen=True)
class Comparison:
    """A scenario beside its baseline, measured in the same run."""

    scenario: Timing
    baseline: Timing | None
    target: str

    @property
    def ratio(self) -> float | None:
        """Scenario median ÷ baseline median (below 1: faster than the baseline)."""
        if self.baseline is None:
            return None
        return self.scenario.median / self.baseline.median

    def ratio_text(self) -> str:
        ratio = self.ratio
        if ratio is None:
            return ""
        return f"{1 / ratio:.1f}× faster" if ratio < 1 else f"{ratio:.2f}× as long"


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_bench(
    scale: str = "dong", quick: bool = False, as_json: bool = False, repeat: int | None = None
) -> int:
    """Measure everything once, in one run, and print the table (or JSON)."""
    folder = ensure_vault("dong", say=_say)  # the gu scale adds its 20 vaults below
    vault = folder / "vault"

    def n(full: int, fast: int) -> int:
        return repeat or (fast if quick else full)

    with bench_home(folder):
        _say("measuring…")
        kdf = scenarios.passphrase_kdf(vault, n(3, 1))
        save = scenarios.save_visit(vault, n(300, 50))
        results = [
            Comparison(
                save, scenarios.tinydb_insert(vault, n(7, 3)), "≤ 5 ms median; ≥ 50× faster than plain TinyDB"
            ),
            Comparison(save, scenarios.fsync_append(n(300, 50)), "(what a save costs over a bare fsync)"),
            Comparison(
                scenarios.open_warm(vault, n(5, 2)),
                scenarios.minimal_textual_app(n(5, 2)),
                "(storage part of 'open ≤ 2.5× minimal app')",
            ),
            Comparison(scenarios.open_rebuild(vault, n(3, 1)), None, "bootstrap ≤ 2 s"),
            Comparison(report_scenarios.monthly_report(vault, n(20, 5)), None, "dong report ≤ 0.5 s"),
            Comparison(
                report_scenarios.monthly_report_with_unlock(vault, n(5, 2)), kdf, "(dong report incl. unlock)"
            ),
        ]
    if scale == "gu":
        results.append(
            Comparison(report_scenarios.gu_monthly_report(n(3, 1), say=_say), None, "gu report ≤ 10 s")
        )
    if as_json:
        print(
            json.dumps(
                {
                    "scale": scale,
                    "kdf": kdf.as_dict(),
                    "results": [
                        {
                            "scenario": c.scenario.as_dict(),
                            "baseline": c.baseline.as_dict() if c.baseline else None,
                            "ratio": c.ratio,
                            "target": c.target,
                        }
                        for c in results
                    ],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    print(f"chandong bench — scale {scale}{' (quick)' if quick else ''}; medians (min–max), one run")
    print(
        f"{'scenario':36} {'median':>10} {'min–max':>22}   "
        f"{'baseline':36} {'median':>10} {'ratio':>15}  target"
    )
    for c in results:
        s, b = c.scenario, c.baseline
        spread = f"{format_ms(min(s.samples))}–{format_ms(max(s.samples))}"
        base = f"{b.name:36} {format_ms(b.median):>10}" if b else f"{'':36} {'':>10}"
        ratio = f"{c.ratio_text():>15}"
        print(f"{s.name:36} {format_ms(s.median):>10} {spread:>22}   {base} {ratio}  {c.target}")
    print(f"passphrase KDF alone: {format_ms(kdf.median)} (included in both unlock rows)")
    return 0
