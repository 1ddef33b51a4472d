"""``python -m samples [--datasets DIR] [--wilayah FILE] [--seed N]``: rewrite the sampel-* packages.

Run from the repository root; prints each file written. The defaults are the repository's own
datasets/ and metadata/wilayah.geojson, and seed 2026 (the bundled samples).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from . import ROOT, SEED, WILAYAH, generate_samples


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m samples", description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=Path, default=ROOT / "datasets",
                        help="folder of data packages; must hold kode-wilayah-indonesia (default: datasets/)")
    parser.add_argument("--wilayah", type=Path, default=WILAYAH,
                        help="GeoJSON of the kelurahan boundaries (default: metadata/wilayah.geojson)")
    parser.add_argument("--seed", type=int, default=SEED, help=f"seed of the pseudo-random generator (default: {SEED})")
    args = parser.parse_args(argv)
    for path in generate_samples(args.datasets, seed=args.seed, wilayah=args.wilayah):
        print(path)


if __name__ == "__main__":
    main()
