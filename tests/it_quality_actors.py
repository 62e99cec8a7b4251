#!/usr/bin/env python3
"""it_quality_actors.py: actor quality on ../shared/eval/dev and dev2 must not slide back.

Builds a JSON Lines input from ../shared/eval/dev/*.json AT RUN TIME (no article
text is copied into the repository), runs `$WT_BIN/wiretag annotate`, writes one
output per id and runs ../shared/eval/score.py; fails when actor F1, type
accuracy or country accuracy fall below the thresholds below (the figures
reached when they were set, rounded down by about 0.01). dev2 is checked when
it is present. Skips (77) without ../shared.

Run: WT_BIN=build/bin /usr/bin/python3 tests/it_quality_actors.py [--verbose]
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

THRESHOLDS = {
    "dev": {
        "actors.F1": 0.99,
        "actors.type-acc": 0.99,
        "actors.country-acc": 0.96,
    },
    "dev2": {
        "actors.F1": 0.93,
        "actors.type-acc": 0.98,
        "actors.country-acc": 0.95,
    },
}


def main():
    try:
        import quality
    except ImportError:  # the shared helper is part of the tree; be explicit if not
        print("tests/quality.py is missing")
        return 1
    quality.require_shared("eval", "dev")
    if not os.path.exists(quality.wiretag_bin()):
        print(f"SKIP: {quality.wiretag_bin()} is not built")
        return quality.SKIP
    for name, floors in THRESHOLDS.items():
        if name != "dev" and not os.path.isdir(os.path.join(quality.shared_dir(), "eval", name)):
            print(f"note: no eval/{name}, its floors are not checked")
            continue
        fig = quality.score_set(name)
        print(name + ": " + " ".join(f"{k}={v}" for k, v in sorted(fig.items())
                                     if k.startswith("actors.")))
        quality.enforce(fig, floors)
    return 0


if __name__ == "__main__":
    sys.exit(main())
