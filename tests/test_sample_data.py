"""The sample data set (sample_data/) is realistic, consistent and importable.

Every value passes the project's own normalizers, so ``salesflow init --sample`` can load it
through the lead importer without a refusal; and scripts/make_sample_data.py reproduces it.
"""

from __future__ import annotations

import csv
import itertools
import re
import subprocess
import sys
import tomllib
from collections import Counter
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path

import pytest
from rapidfuzz import fuzz

from salesflow.workflow.companies import company_key
from salesflow.workflow.contacts import normalize_email, normalize_phone, normalize_wechat
from salesflow.workflow.glossary import (
    ACTIVITY_KINDS,
    LOST_REASONS,
    PERSONALITIES,
    SOURCES,
    STAGES,
    VALUE_TYPES,
    parse_code,
)
from salesflow.workflow.grading import GradingInputs, score_lead
from salesflow.workflow.money import parse_amount
from salesflow.workflow.regions import normalize_region
from salesflow.workflow.rubric import default_rubric

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "sample_data"
GENERATOR = ROOT / "scripts" / "make_sample_data.py"
ANCHOR = date(2026, 11, 20)
WINDOW_START = ANCHOR - timedelta(days=180)
LEAD_HEADER = [
    "external_ref",
    "company",
    "contact",
    "title",
    "phone",
    "email",
    "wechat",
    "province",
    "city",
    "county",
    "industry",
    "employees",
    "founded_year",
    "source",
    "referrer",
    "need",
    "amount",
    "notes",
    "owner",
    "stage",
    "created_at",
    "closed_at",
    "lost_reason",
    "competitor",
    "expected_close",
]
GRADE_HEADER = [
    "external_ref",
    "budget",
    "need_fit",
    "likelihood",
    "decision_maker",
    "value_type",
    "personality",
]
ACTIVITY_HEADER = [
    "lead",
    "user",
    "kind",
    "occurred_at",
    "summary",
    "outcome",
    "next_date",
    "next_action",
]
SERVICE_DESK = "zhou.xin"
CADENCE = {"A": 7, "B": 14, "C": 30}
# The deliberate near-duplicates (see the generator's docstring): different keys, similar.
NEAR_DUPLICATES = {
    frozenset({"深圳市鑫朗电子科技有限公司", "深圳鑫朗电子科技有限公司"}),
    frozenset({"宁波恒拓机械制造有限公司", "宁波恒拓精密机械制造有限公司"}),
}
OPEN_WITH_CLOSE_DATE = {"proposal", "negotiation", "contract"}
CLOSED = {"won", "lost"}


def read(name: str) -> tuple[list[str], list[dict[str, str]]]:
    raw = (DATA / name).read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), f"{name} must not start with a BOM"
    reader = csv.DictReader(raw.decode("utf-8").splitlines())
    return list(reader.fieldnames or []), list(reader)


@cache
def leads() -> list[dict[str, str]]:
    header, rows = read("leads.csv")
    assert header == LEAD_HEADER
    return rows


@cache
def grades() -> list[dict[str, str]]:
    header, rows = read("grades.csv")
    assert header == GRADE_HEADER
    return rows


@cache
def activities() -> list[dict[str, str]]:
    header, rows = read("activities.csv")
    assert header == ACTIVITY_HEADER
    return rows


def log_of(ref: str) -> list[dict[str, str]]:
    """One lead's activities, oldest first."""
    return sorted((a for a in activities() if a["lead"] == ref), key=lambda a: a["occurred_at"])


def rubric_grades() -> dict[str, str]:
    """Each graded lead's grade under the default rubric, as ``init --sample`` grades it."""
    lead = {r["external_ref"]: r for r in leads()}
    rubric = default_rubric()
    result = {}
    for g in grades():
        row = lead[g["external_ref"]]
        inputs = GradingInputs(
            as_of_year=ANCHOR.year,
            employees=int(row["employees"]),
            founded_year=int(row["founded_year"]),
            budget_fen=parse_amount(g["budget"]),
            need_fit=int(g["need_fit"]),
            likelihood=int(g["likelihood"]),
            decision_maker=g["decision_maker"] == "yes",
        )
        result[g["external_ref"]] = score_lead(rubric, inputs).grade
    return result


def day(text: str) -> date:
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", text), text
    return date.fromisoformat(text)


def working_days_between(start: date, end: date) -> int:
    return sum((start + timedelta(days=n)).weekday() < 5 for n in range(1, (end - start).days + 1))


def test_enough_leads_with_sequential_references() -> None:
    rows = leads()
    assert len(rows) >= 200
    assert [r["external_ref"] for r in rows] == [f"SF-{n:04d}" for n in range(1, len(rows) + 1)]


def test_contact_details_pass_the_normalizers_and_are_unique() -> None:
    phones: Counter[str] = Counter()
    emails: Counter[str] = Counter()
    wechats: Counter[str] = Counter()
    for row in leads():
        assert row["contact"].strip(), row["external_ref"]
        assert row["phone"] or row["email"] or row["wechat"], row["external_ref"]
        if row["phone"]:
            phones[normalize_phone(row["phone"])] += 1
        if row["email"]:
            emails[normalize_email(row["email"])] += 1
        if row["wechat"]:
            wechats[normalize_wechat(row["wechat"]).lower()] += 1
    assert [p for p, n in phones.items() if n > 1] == []
    assert [e for e, n in emails.items() if n > 1] == []
    assert [w for w, n in wechats.items() if n > 1] == []
    # Everyday forms, not only the normalized one.
    written = [r["phone"] for r in leads() if r["phone"]]
    assert any(" " in p for p in written)
    assert any(p.startswith("+86") for p in written)
    assert any(re.match(r"0\d{2,3}-", p) for p in written), "some landlines with area code"
    assert len(phones) > 0.9 * len(leads())


def test_regions_are_official_places_in_many_provinces() -> None:
    provinces: Counter[str] = Counter()
    for row in leads():
        region = normalize_region(row["province"], row["city"], row["county"])
        assert region is not None, row["external_ref"]
        assert region.city is not None, row["external_ref"]
        provinces[region.province] += 1
    assert len(provinces) >= 20
    top = {name for name, _n in provinces.most_common(7)}
    assert top == {"浙江省", "江苏省", "广东省", "上海市", "北京市", "山东省", "四川省"}
    written = {r["province"] for r in leads()}
    assert {"浙江", "浙江省"} <= written, "short and official forms both occur"
    assert any(r["county"] for r in leads())


def test_amounts_and_company_facts_are_realistic() -> None:
    forms = set()
    for row in leads():
        if row["amount"]:
            fen = parse_amount(row["amount"])
            assert 5_000_00 <= fen <= 3_000_000_00, row["amount"]
            forms.add("万" if "万" in row["amount"] else "," if "," in row["amount"] else "plain")
        assert 5 <= int(row["employees"]) <= 20_000
        assert 1985 <= int(row["founded_year"]) <= 2025
        assert row["industry"]
        if row["stage"] != "new":
            assert row["need"], f"{row['external_ref']}: past new needs a recorded need"
    assert forms == {"万", ",", "plain"}
    assert sum(1 for r in leads() if not r["amount"]) >= 5


def test_company_names_are_unique_apart_from_the_near_duplicate_pairs() -> None:
    rows = leads()
    keys = {r["company"]: company_key(r["company"]) for r in rows}
    assert len(keys) == len(rows), "a company name occurs twice"
    assert len(set(keys.values())) == len(rows), "two names normalize to the same key"
    similar = {
        frozenset({a, b})
        for a, b in itertools.combinations(keys, 2)
        if fuzz.ratio(keys[a], keys[b]) >= 85
    }
    assert similar == NEAR_DUPLICATES
    owner = {r["company"]: r["owner"] for r in rows}
    for pair in NEAR_DUPLICATES:
        first, second = sorted(pair)
        assert owner[first], first
        assert owner[second], second
        assert owner[first] != owner[second]
    foreign = [r for r in rows if re.search(r"[A-Za-z]", r["company"])]
    assert 0.1 * len(rows) <= len(foreign) <= 0.2 * len(rows)


def test_sources_stages_and_owners_cover_the_process() -> None:
    rows = leads()
    sources = Counter(parse_code(SOURCES, r["source"], field="source") for r in rows)
    assert set(sources) == set(SOURCES)
    labels = [r for r in rows if r["source"] not in SOURCES]
    assert 0 < len(labels) <= 0.2 * len(rows)
    stages = Counter(r["stage"] for r in rows)
    assert set(stages) == set(STAGES)
    assert stages["new"] > stages["proposal"] > stages["contract"]
    assert 20 <= stages["won"] <= 30
    assert 20 <= stages["lost"] <= 30
    with (DATA / "users.csv").open(encoding="utf-8") as handle:
        roles = {u["username"]: u["role"] for u in csv.DictReader(handle)}
    owners = Counter(r["owner"] for r in rows if r["owner"])
    assert len(owners) >= 5
    assert all(roles[o] in {"rep", "manager"} for o in owners)
    pool = [r for r in rows if not r["owner"]]
    assert 10 <= len(pool) <= 20
    assert all(r["stage"] == "new" for r in pool)
    waiting = [working_days_between(day(r["created_at"]), ANCHOR) for r in pool]
    assert any(n > 2 for n in waiting), "some unassigned leads are overdue for assignment"
    assert any(n <= 1 for n in waiting), "and some are fresh"


def test_dates_follow_the_stage() -> None:
    for row in leads():
        ref, stage = row["external_ref"], row["stage"]
        created = day(row["created_at"])
        assert WINDOW_START <= created <= ANCHOR, ref
        if stage in CLOSED:
            closed = day(row["closed_at"])
            assert created < closed <= ANCHOR, ref
        else:
            assert row["closed_at"] == "", ref
        if stage in OPEN_WITH_CLOSE_DATE:
            expected = day(row["expected_close"])
            assert ANCHOR < expected <= ANCHOR + timedelta(days=90), ref
        else:
            assert row["expected_close"] == "", ref
    by_stage: dict[str, list[int]] = {}
    for row in leads():
        by_stage.setdefault(row["stage"], []).append((ANCHOR - day(row["created_at"])).days)
    age = {stage: sum(days) / len(days) for stage, days in by_stage.items()}
    assert age["new"] < age["contacted"] < age["qualified"] < age["negotiation"] < age["won"]


def test_lost_reasons_and_competitors_only_for_lost_leads() -> None:
    reasons: Counter[str] = Counter()
    for row in leads():
        if row["stage"] == "lost":
            reason = parse_code(LOST_REASONS, row["lost_reason"], field="lost_reason")
            reasons[reason] += 1
            assert bool(row["competitor"]) == (reason == "competitor"), row["external_ref"]
        else:
            assert row["lost_reason"] == row["competitor"] == "", row["external_ref"]
    assert len(reasons) >= 4
    assert any(r["lost_reason"] not in LOST_REASONS for r in leads() if r["stage"] == "lost")


def test_referrals_name_their_referrer() -> None:
    rows = leads()
    position = {r["company"]: i for i, r in enumerate(rows)}
    by_company = {r["company"]: r for r in rows}
    to_customers = 0
    for index, row in enumerate(rows):
        source = parse_code(SOURCES, row["source"], field="source")
        if source != "referral":
            assert row["referrer"] == "", row["external_ref"]
            continue
        assert row["referrer"].strip(), row["external_ref"]
        referrer = by_company.get(row["referrer"])
        if referrer is not None:
            to_customers += 1
            assert position[row["referrer"]] < index
            assert referrer["stage"] == "won"
            assert day(referrer["closed_at"]) <= day(row["created_at"])
    assert to_customers > 0


def test_grades_refer_to_leads_and_are_in_range() -> None:
    stage = {r["external_ref"]: r["stage"] for r in leads()}
    rows = grades()
    refs = [g["external_ref"] for g in rows]
    assert len(refs) == len(set(refs))
    assert set(refs) <= set(stage)
    assert {ref for ref, s in stage.items() if s != "new"} <= set(refs), "past new is graded"
    assert any(stage[ref] == "new" for ref in refs)
    for g in rows:
        assert parse_amount(g["budget"]) > 0
        assert 1 <= int(g["need_fit"]) <= 5
        assert 1 <= int(g["likelihood"]) <= 5
        assert g["decision_maker"] in {"yes", "no"}
        assert g["value_type"] in VALUE_TYPES
        assert g["personality"] in PERSONALITIES
    assert {g["value_type"] for g in rows} == set(VALUE_TYPES)
    assert {g["personality"] for g in rows} == set(PERSONALITIES)


def test_later_stages_are_better_fits() -> None:
    stage = {r["external_ref"]: r["stage"] for r in leads()}

    def mean_fit(stages: set[str]) -> float:
        fits = [int(g["need_fit"]) + int(g["likelihood"]) for g in grades()]
        chosen = [
            f for f, g in zip(fits, grades(), strict=True) if stage[g["external_ref"]] in stages
        ]
        return sum(chosen) / len(chosen)

    assert mean_fit({"won", "contract"}) > mean_fit({"contacted", "qualified"}) > mean_fit({"lost"})


def test_the_default_rubric_gives_every_grade() -> None:
    lead = {r["external_ref"]: r for r in leads()}
    rubric = default_rubric()
    by_stage: dict[str, Counter[str]] = {}
    for g in grades():
        row = lead[g["external_ref"]]
        inputs = GradingInputs(
            as_of_year=ANCHOR.year,
            employees=int(row["employees"]),
            founded_year=int(row["founded_year"]),
            budget_fen=parse_amount(g["budget"]),
            need_fit=int(g["need_fit"]),
            likelihood=int(g["likelihood"]),
            decision_maker=g["decision_maker"] == "yes",
        )
        by_stage.setdefault(row["stage"], Counter())[score_lead(rubric, inputs).grade] += 1
    total = sum(by_stage.values(), Counter())
    assert all(total[grade] >= 15 for grade in "ABC"), total
    assert by_stage["won"]["A"] > by_stage["won"]["C"]
    assert by_stage["lost"]["A"] < by_stage["lost"]["C"]


def test_manifest_names_the_anchor_date() -> None:
    manifest = tomllib.loads((DATA / "manifest.toml").read_text(encoding="utf-8"))
    assert manifest["anchor_date"] == ANCHOR.isoformat()


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sample")
    subprocess.run([sys.executable, str(GENERATOR), "--out", str(out)], check=True)
    return out


@pytest.mark.parametrize(
    "name", ["leads.csv", "grades.csv", "activities.csv", "products.csv", "manifest.toml"]
)
def test_the_generator_reproduces_the_files(name: str, regenerated: Path) -> None:
    assert (regenerated / name).read_bytes() == (DATA / name).read_bytes()


CJK = re.compile(r"[\u4e00-\u9fff]")


def test_activities_refer_to_leads_owners_and_kinds() -> None:
    lead = {r["external_ref"]: r for r in leads()}
    rows = activities()
    assert 600 <= len(rows) <= 900
    for a in rows:
        row = lead[a["lead"]]
        assert a["user"] == (row["owner"] or SERVICE_DESK), a
        assert a["kind"] in ACTIVITY_KINDS, a
        assert a["summary"].strip(), a
        assert len(a["next_action"]) <= 200, a
        assert bool(a["next_date"]) == bool(a["next_action"]), a
    assert set(Counter(a["kind"] for a in rows)) == set(ACTIVITY_KINDS)
    assert len({a["summary"] for a in rows}) >= 80, "varied texts"


def test_activity_dates_fit_the_lead() -> None:
    lead = {r["external_ref"]: r for r in leads()}
    for a in activities():
        row = lead[a["lead"]]
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", a["occurred_at"]), a
        when = datetime.strptime(a["occurred_at"], "%Y-%m-%d %H:%M")
        # After the lead came in (local midnight of its created day), before the anchor day:
        # loaded in the morning, a time later on "today" would be in the future.
        assert day(row["created_at"]) <= when.date() < ANCHOR, a
        if row["closed_at"]:
            assert when.date() <= day(row["closed_at"]), a
        if a["next_date"]:
            assert when.date() <= day(a["next_date"]) <= ANCHOR + timedelta(days=31), a


def test_the_log_follows_the_stage() -> None:
    for row in leads():
        ref, stage = row["external_ref"], row["stage"]
        log = log_of(ref)
        if not row["owner"]:
            assert len(log) <= 1, ref  # at most the service desk's note, no next step
            assert all(a["kind"] == "note" and not a["next_date"] for a in log), ref
            continue
        if stage == "new":
            assert len(log) <= 1, ref  # at most a first call that did not get through
        elif stage == "contacted":
            assert log, ref
        else:
            assert len(log) >= 2, ref
        if stage in CLOSED:
            assert log[-1]["next_date"] == log[-1]["next_action"] == "", ref
        elif log:
            assert log[-1]["next_date"], ref
            assert log[-1]["next_action"], ref
    new = [r for r in leads() if r["stage"] == "new" and r["owner"]]
    assert sum(bool(log_of(r["external_ref"])) for r in new) < len(new)


def test_activities_are_written_in_the_language_of_the_lead() -> None:
    lead = {r["external_ref"]: r for r in leads()}
    for a in activities():
        row = lead[a["lead"]]
        text = a["summary"] + a["outcome"] + a["next_action"]
        if CJK.search(row["company"]):
            assert CJK.search(a["summary"]), a
        else:  # an English-named company: English, apart from a Chinese contact name
            assert not CJK.search(text.replace(row["contact"], "")), a


def test_the_agenda_on_the_anchor_day_shows_every_case() -> None:
    grade = rubric_grades()
    cases: dict[str, Counter[str]] = {}
    for row in leads():
        if not row["owner"] or row["stage"] in CLOSED:
            continue
        seen = cases.setdefault(row["owner"], Counter())
        log = log_of(row["external_ref"])
        if not log:
            seen["no next step"] += 1
            continue
        late = (ANCHOR - day(log[-1]["next_date"])).days
        if 1 <= late <= 20:
            seen["overdue 1-20 days"] += 1
        elif late == 0:
            seen["due"] += 1
        elif late < 0:
            seen["upcoming"] += 1
        quiet = (ANCHOR - day(log[-1]["occurred_at"][:10])).days
        seen["past cadence"] += quiet > CADENCE[grade.get(row["external_ref"], "C")]
        seen["stale"] += quiet > 30
    assert set(cases) >= {"li.na", "zhang.wei", "liu.yang", "wang.qiang"}
    for owner, seen in cases.items():
        for case in ("overdue 1-20 days", "due", "upcoming", "no next step", "past cadence"):
            assert seen[case] >= 1, (owner, case, seen)
        assert seen["stale"] >= 1, (owner, seen)
        assert seen["due"] <= 2, (owner, seen)
        assert seen["overdue 1-20 days"] <= seen["upcoming"], (owner, seen)


def test_the_price_list_is_valid_and_covers_the_leads_needs() -> None:
    from salesflow.workflow.products import check_price_rows, read_price_file

    rows = check_price_rows(read_price_file(DATA / "products.csv"))
    assert 15 <= len(rows) <= 30
    assert {row.tax_rate_bp for row in rows} == {1300, 600}
    assert len({row.category for row in rows}) >= 2
    assert sum(row.active is False for row in rows) == 1
    assert any(CJK.search(row.name) for row in rows)
    assert any(not CJK.search(row.name) for row in rows)
    names = " ".join(row.name for row in rows)
    for need in ("ERP", "CRM", "企业邮箱", "容灾", "等保", "MLPS", "服务器", "运维"):
        assert need in names, need
