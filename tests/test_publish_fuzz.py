"""Whole publishes of generated packages (hypothesis): descriptors and CSVs near the limits (width, cell
sizes, short and long rows, names, types with formats, nesting, many resources) beside a good package.
Whatever comes in, publish returns a report: every package is published or fails with its own issues,
and the good package is always published."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from portal.publish import publish

from .conftest import FIXTURE_DATASETS, FIXTURE_METADATA

WILAYAH = json.loads((FIXTURE_DATASETS / "wilayah-mini" / "datapackage.json").read_text())
# What real packages declare; a table in four also gets what they get wrong, so most examples reach the data.
TYPES = ["string"] * 4 + ["integer"] * 3 + ["number"] * 3 + ["boolean", "date", "datetime", "year", "geopoint",
                                                             "object", "array", "duration", "time", "yearmonth", "any"]
FORMATS = [None] * 12 + ["default", "email", "uri", "any"]
WRONG = {"type": ["no-such-type", "String", ""], "format": ["%Y-%m-%d", "%d/%m/%Y", "array", 3]}
CELLS = st.one_of(st.sampled_from(["", "1", "-1", "1.5", "1,5", "9.829.164,82", "2024-02-30", "2024-01-31", "true",
                                   "Ya", "-", "...", "=SUM(A1)", "x" * 200, "9" * 30, "NaN", '"', "a\rb", "ü"]),
                  st.text(max_size=8))


@st.composite
def tables(draw, index: int):
    width = draw(st.sampled_from([1, 2, 5, 63, 64, 130, 401]))
    names = [f"c{i}" for i in range(width)]
    fields, broken = [], draw(st.integers(0, 3)) == 0
    for name in names[:10]:
        field = {"name": name, "type": draw(st.sampled_from(TYPES))}
        fmt = draw(st.sampled_from(FORMATS))
        if fmt is not None:
            field["format"] = fmt
        if broken and draw(st.booleans()):
            key = draw(st.sampled_from(sorted(WRONG)))
            field[key] = draw(st.sampled_from(WRONG[key]))
        if draw(st.integers(0, 5 if broken else 20)) == 0:
            field["constraints"] = draw(st.sampled_from([{"required": True}, {"unique": True}, {"minimum": 0},
                                                         {"enum": ["a", "b"]}, {"pattern": "[a-"}, {"maxLength": -1}]))
        fields.append(field)
    fields += [{"name": name, "type": "integer"} for name in names[10:]]
    rows = []
    for _ in range(draw(st.integers(0, 4))):
        cells = [draw(CELLS) if i < 10 else str(i) for i in range(width)]
        length = draw(st.sampled_from([width, width, 0, 1, width + 1]))  # short and long rows too
        rows.append(cells[:length] + ["extra"] * (length - width))
    header = ",".join(names)
    body = "\n".join(",".join(f'"{c}"' if ("," in c or '"' in c) and draw(st.booleans()) else c for c in row)
                     for row in rows)
    schema = {"fields": fields}
    if draw(st.booleans()):
        schema["primaryKey"] = draw(st.sampled_from([names[0], names[:2]] + (["missing", 5] if broken else [])))
    return {"name": f"t{index}_{draw(st.sampled_from(['a', 'b']))}", "path": f"data/t{index}.csv",
            "schema": schema}, header + "\n" + body + ("\n" if draw(st.booleans()) else "")


@st.composite
def packages(draw):
    count = draw(st.integers(1, 3))
    drawn = [draw(tables(i)) for i in range(count)]
    descriptor = {key: value for key, value in WILAYAH.items() if key not in ("resources", "queries", "name")}
    descriptor.update(name="umpan", resources=[resource for resource, _ in drawn])
    if draw(st.integers(0, 7)) == 0:
        descriptor["title"] = draw(st.sampled_from(["", 5, {"nested": {"deep": [1, [2, [3]]]}}, "x" * 5000]))
    return descriptor, [text for _, text in drawn]


# PORTAL_FUZZ_EXAMPLES=1000 for a longer hunt than CI's.
@settings(max_examples=int(os.environ.get("PORTAL_FUZZ_EXAMPLES", 60)), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(packages())
def test_any_package_fails_alone(generated):
    descriptor, texts = generated
    with tempfile.TemporaryDirectory() as folder:
        datasets = Path(folder) / "datasets"
        shutil.copytree(FIXTURE_DATASETS / "wilayah-mini", datasets / "wilayah-mini")
        package = datasets / "umpan"
        (package / "data").mkdir(parents=True)
        (package / "datapackage.json").write_text(json.dumps(descriptor))
        for resource, text in zip(descriptor["resources"], texts):
            (package / resource["path"]).write_text(text, encoding="utf-8")
        report = publish(datasets, FIXTURE_METADATA, Path(folder) / "build")
        outcomes = {outcome.name: outcome for outcome in report.datasets}
        assert outcomes["wilayah-mini"].status == "published", outcomes["wilayah-mini"].issues
        umpan = outcomes["umpan"]
        event(f"{umpan.status}: {sorted({issue.code for issue in umpan.issues})[:3]}")
        assert umpan.status == "published" or umpan.issues, umpan
        internal = [issue.message for issue in umpan.issues if issue.code == "portal-internal-error"]
        assert not internal, internal  # the portal's own bugs, caught: none expected
