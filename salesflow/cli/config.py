"""``salesflow config``: where the settings come from, and the grading rubric in use."""

from __future__ import annotations

import sys

from salesflow.cli import context, groups
from salesflow.cli.output import Column, FormatOption, OutputFormat, render
from salesflow.config import source_label
from salesflow.i18n import _

app = groups.config


@app.command("show", help=_("Print each setting, its value, and the source it came from."))
def show(fmt: FormatOption = OutputFormat.table) -> None:
    columns = [
        Column("setting", _("Setting")),
        Column("value", _("Value")),
        Column("source", _("Source"), show=source_label),
    ]
    render(context.settings().as_rows(), columns, fmt)


@app.command(
    "rubric",
    help=_(
        "Show the grading rubric in use (criteria, bands, points, grade thresholds and "
        "follow-up cadence) and where it comes from."
    ),
)
def rubric(fmt: FormatOption = OutputFormat.table) -> None:
    import json

    from salesflow.workflow.glossary import GRADES, label
    from salesflow.workflow.rubric import (
        GRADE_CODES,
        TOTAL_POINTS,
        band_text,
        band_value,
        criterion_label,
        load_rubric,
    )

    in_use = load_rubric()
    lowest = dict(in_use.thresholds)
    # (grade, lowest score, days between follow-ups); C starts at 0.
    grades = [(grade, lowest.get(grade, 0), in_use.cadence_for(grade)) for grade in GRADE_CODES]
    origin = _("built-in default") if in_use.is_default else in_use.source
    if fmt is OutputFormat.json:
        data = {
            "rubric": in_use.ident,
            "source": "default" if in_use.is_default else "override",
            "path": None if in_use.is_default else in_use.source,
            "total_points": TOTAL_POINTS,
            "criteria": [
                {
                    "criterion": criterion.code,
                    "max_points": criterion.max_points,
                    "bands": [
                        {"at_least": band_value(criterion.code, band), "points": band.points}
                        for band in criterion.bands
                    ],
                }
                for criterion in in_use.criteria
            ],
            "grades": [
                {"grade": grade, "min_score": score, "cadence_days": days}
                for grade, score, days in grades
            ],
        }
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    if fmt is OutputFormat.csv:
        # One flat table: a row per band, then a row per grade.
        rows: list[dict[str, object]] = [
            {
                "section": "criterion",
                "code": criterion.code,
                "at_least": band_value(criterion.code, band),
                "points": band.points,
                "max_points": criterion.max_points,
            }
            for criterion in in_use.criteria
            for band in criterion.bands
        ]
        rows += [
            {"section": "grade", "code": grade, "at_least": score, "cadence_days": days}
            for grade, score, days in grades
        ]
        keys = ("section", "code", "at_least", "points", "max_points", "cadence_days")
        render(rows, [Column(key, key) for key in keys], fmt)
        context.note(
            _("Rubric in use: {ident} ({origin}).").format(ident=in_use.ident, origin=origin)
        )
        return
    bands = [
        {
            "criterion": criterion_label(criterion.code) if index == 0 else "",
            "when": band_text(criterion.code, band),
            "points": band.points,
            "max_points": criterion.max_points if index == 0 else None,
        }
        for criterion in in_use.criteria
        for index, band in enumerate(criterion.bands)
    ]
    band_columns = [
        Column("criterion", _("Criterion")),
        Column("when", _("When")),
        Column("points", _("Points"), justify="right"),
        Column("max_points", _("Max"), justify="right"),
    ]
    grade_rows = [
        {
            "grade": label(GRADES, grade),
            "from": _("score {score}+").format(score=score),
            "cadence": _("every {days} days").format(days=days),
        }
        for grade, score, days in grades
    ]
    grade_columns = [
        Column("grade", _("Grade")),
        Column("from", _("From")),
        Column("cadence", _("Follow up")),
    ]
    # A plain line rather than a table title: a long override path must not wrap.
    title = _("Grading rubric {ident} ({origin})").format(ident=in_use.ident, origin=origin)
    print(f"### {title}\n" if fmt is OutputFormat.markdown else title)
    render(bands, band_columns, fmt)
    print()
    render(grade_rows, grade_columns, fmt)
