#!/usr/bin/env python3
"""Write the bilingual sample data set that ``salesflow init --sample`` loads.

    .venv/bin/python scripts/make_sample_data.py [--out DIR]

Writes ``leads.csv``, ``grades.csv``, ``activities.csv``, ``products.csv`` and
``manifest.toml`` into ``sample_data/`` (or DIR).
Everything is invented here: company and brand names, people, phones, e-mail addresses and
WeChat IDs. The output is deterministic (one fixed seed, standard library only), so running
the script again reproduces the files byte for byte; tests/test_sample_data.py checks that.

All dates lie in the 180 days before ANCHOR (2026-11-20); the loader shifts every date so
that the anchor becomes today, so the sample always looks current.

The activity log (activities.csv, about 850 calls, visits, meetings, emails, WeChat messages
and notes) follows each lead through the sales process as far as its stage: a first call,
materials, needs, a visit or a demo, the proposal, the quote, price talks, the contract, and
the signing or the reason it was lost. It is written in the lead's language (English for the
English-named companies), by the lead's owner, between its created date and the day before
the anchor (its closed date for won and lost leads); the service desk (zhou.xin) noted a few
inquiries on unassigned leads. Every activity names a next step; the latest one of an open
lead is its current next step, and closed leads have none. The log is planned (a random
stream of its own, so the leads stay as they are) so that on the anchor day each owner's
agenda shows every case: follow-ups overdue by 1-20 days, one or two due that day, upcoming
ones, new leads not contacted yet (no next step), last contacts older than the grade's
cadence (A 7, B 14, C 30 days, computed with the default rubric) and deals with no activity
for more than 30 days.

Deliberate near-duplicate company pairs (撞单 candidates). Their normalized keys differ, so
both are imported, but the keys are similar (rapidfuzz ``fuzz.ratio`` >= 85), so duplicate
checks warn; each pair is owned by two different reps:

    1. 深圳市鑫朗电子科技有限公司 (zhang.wei)  vs  深圳鑫朗电子科技有限公司 (liu.yang): 94
    2. 宁波恒拓机械制造有限公司 (li.na)  vs  宁波恒拓精密机械制造有限公司 (zhang.wei): 89

Every other company name is unique after normalization and not similar to any other.
"""

from __future__ import annotations

import argparse
import csv
import math
import random
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

SEED = 20261120
ANCHOR = date(2026, 11, 20)
WINDOW_DAYS = 180
LEAD_COUNT = 240
FOREIGN = 36  # foreign or English-named companies, about 15%

LEAD_COLUMNS = (
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
)
GRADE_COLUMNS = (
    "external_ref",
    "budget",
    "need_fit",
    "likelihood",
    "decision_maker",
    "value_type",
    "personality",
)

# How many leads sit in each stage: a funnel, with about 25 won and 25 lost.
STAGE_QUOTA = {
    "new": 74,
    "contacted": 42,
    "qualified": 30,
    "proposal": 20,
    "negotiation": 14,
    "contract": 10,
    "won": 25,
    "lost": 25,
}
# Key accounts (大客户) per stage: big companies, big budgets, strong fit.
KEY_ACCOUNTS = {"won": 5, "contract": 3, "negotiation": 2, "proposal": 2, "qualified": 1}
UNASSIGNED = 15  # new leads in the pool, not yet given to a rep
UNASSIGNED_STALE = 5  # of those, created long enough ago to be flagged to the manager

SOURCE_WEIGHTS = {
    "website": 27,
    "phone": 20,
    "trade-show": 18,
    "list": 9,
    "referral": 10,
    "cold-visit": 6,
    "event": 7,
    "other": 3,
}
SOURCE_LABELS = {
    "website": "官网/在线咨询",
    "phone": "来电咨询",
    "trade-show": "展会",
    "list": "客户名录",
    "referral": "转介绍",
    "cold-visit": "陌生拜访",
    "event": "行业活动",
    "other": "其他",
}
LOST_REASON_WEIGHTS = {
    "price": 7,
    "competitor": 7,
    "no-budget": 4,
    "no-decision": 3,
    "timing": 3,
    "other": 1,
}
LOST_REASON_LABELS = {
    "price": "价格原因",
    "competitor": "竞争对手",
    "no-budget": "无预算",
    "no-decision": "未决策",
    "timing": "时机不对",
    "other": "其他",
}
COMPETITORS = (
    "岳衡信息",
    "云岫软件",
    "捷算科技",
    "众睿数据",
    "原供应商（续约）",
    "本地代理商",
    "客户自研",
    "Veltora Systems",
    "Kaimon Software",
)
PERSONALITY_WEIGHTS = {
    "rational": 14,
    "calm-thinker": 12,
    "haggler": 11,
    "hesitant": 9,
    "procrastinator": 8,
    "conservative": 7,
    "curious": 7,
    "talkative": 6,
    "suspicious": 6,
    "silent": 5,
    "know-it-all": 5,
    "preconceived": 5,
    "impulsive": 4,
    "stubborn": 4,
    "shy": 4,
    "boaster": 3,
    "insincere": 3,
    "resentful": 2,
}

# --- regions ---------------------------------------------------------------------------
# Province (official name, short form), leads per province, and its cities:
# (official city name, weight, landline area code or "" when we use mobiles only, counties).
# Area codes are given only where eight-digit local numbers are valid.


@dataclass(frozen=True)
class City:
    name: str
    weight: int
    area_code: str
    counties: tuple[str, ...]


@dataclass(frozen=True)
class Province:
    name: str
    short: str
    quota: int
    cities: tuple[City, ...]

    @property
    def municipality(self) -> bool:
        return self.cities[0].name == self.name


def _city(name: str, weight: int, area_code: str, counties: str) -> City:
    return City(name, weight, area_code, tuple(counties.split()))


PROVINCES = (
    Province(
        "浙江省",
        "浙江",
        35,
        (
            _city("杭州市", 5, "0571", "西湖区 余杭区 滨江区 萧山区 拱墅区 临平区"),
            _city("宁波市", 3, "0574", "鄞州区 北仑区 海曙区 慈溪市 余姚市"),
            _city("温州市", 2, "0577", "鹿城区 瑞安市 乐清市"),
            _city("嘉兴市", 1, "0573", "南湖区 海宁市 桐乡市"),
            _city("绍兴市", 2, "0575", "柯桥区 诸暨市 越城区"),
            _city("金华市", 2, "0579", "义乌市 永康市 婺城区"),
            _city("台州市", 1, "0576", "温岭市 黄岩区 椒江区"),
            _city("湖州市", 1, "", "吴兴区 长兴县 德清县"),
        ),
    ),
    Province(
        "江苏省",
        "江苏",
        31,
        (
            _city("苏州市", 5, "0512", "昆山市 吴中区 相城区 常熟市 张家港市 吴江区 太仓市"),
            _city("南京市", 3, "025", "江宁区 鼓楼区 建邺区 玄武区"),
            _city("无锡市", 3, "0510", "新吴区 江阴市 宜兴市 滨湖区"),
            _city("常州市", 2, "0519", "武进区 新北区"),
            _city("南通市", 1, "0513", "崇川区 海门区 如皋市"),
            _city("徐州市", 1, "0516", "铜山区 云龙区"),
        ),
    ),
    Province(
        "广东省",
        "广东",
        32,
        (
            _city("深圳市", 5, "0755", "南山区 福田区 宝安区 龙岗区 龙华区"),
            _city("广州市", 4, "020", "天河区 番禺区 白云区 黄埔区 海珠区"),
            _city("东莞市", 2, "0769", ""),
            _city("佛山市", 2, "0757", "顺德区 南海区 禅城区"),
            _city("珠海市", 1, "", "香洲区 金湾区"),
            _city("中山市", 1, "0760", ""),
        ),
    ),
    Province(
        "上海市",
        "上海",
        22,
        (
            _city(
                "上海市",
                1,
                "021",
                "浦东新区 闵行区 徐汇区 嘉定区 松江区 静安区 长宁区 青浦区",
            ),
        ),
    ),
    Province(
        "北京市",
        "北京",
        16,
        (_city("北京市", 1, "010", "海淀区 朝阳区 丰台区 大兴区 昌平区 顺义区 东城区"),),
    ),
    Province(
        "山东省",
        "山东",
        16,
        (
            _city("济南市", 3, "0531", "历下区 历城区 章丘区"),
            _city("青岛市", 3, "0532", "黄岛区 城阳区 崂山区 即墨区 胶州市"),
            _city("烟台市", 1, "", "芝罘区 龙口市"),
            _city("潍坊市", 1, "", "寿光市 诸城市 奎文区"),
        ),
    ),
    Province(
        "四川省",
        "四川",
        12,
        (
            _city("成都市", 5, "028", "武侯区 锦江区 双流区 郫都区 青羊区"),
            _city("绵阳市", 1, "", "涪城区"),
            _city("德阳市", 1, "", "旌阳区 广汉市"),
        ),
    ),
    Province(
        "福建省",
        "福建",
        8,
        (
            _city("福州市", 2, "0591", "鼓楼区 仓山区 福清市"),
            _city("厦门市", 2, "", "思明区 湖里区 集美区"),
            _city("泉州市", 2, "0595", "晋江市 石狮市 丰泽区"),
        ),
    ),
    Province("湖北省", "湖北", 7, (_city("武汉市", 1, "027", "洪山区 江夏区 武昌区 东西湖区"),)),
    Province("湖南省", "湖南", 6, (_city("长沙市", 1, "0731", "岳麓区 雨花区 长沙县 浏阳市"),)),
    Province("河南省", "河南", 6, (_city("郑州市", 1, "0371", "金水区 中原区 新郑市"),)),
    Province("安徽省", "安徽", 6, (_city("合肥市", 1, "0551", "蜀山区 包河区 肥西县"),)),
    Province("天津市", "天津", 5, (_city("天津市", 1, "022", "滨海新区 西青区 武清区 南开区"),)),
    Province(
        "重庆市",
        "重庆",
        5,
        (_city("重庆市", 1, "023", "渝中区 九龙坡区 沙坪坝区 南岸区 两江新区"),),
    ),
    Province("陕西省", "陕西", 4, (_city("西安市", 1, "029", "雁塔区 未央区 长安区"),)),
    Province(
        "河北省",
        "河北",
        4,
        (_city("石家庄市", 2, "0311", "裕华区 正定县"), _city("保定市", 1, "", "")),
    ),
    Province(
        "辽宁省",
        "辽宁",
        4,
        (_city("沈阳市", 1, "024", "浑南区 铁西区"), _city("大连市", 1, "0411", "甘井子区 金州区")),
    ),
    Province("江西省", "江西", 3, (_city("南昌市", 1, "0791", "红谷滩区 青山湖区"),)),
    Province("云南省", "云南", 3, (_city("昆明市", 1, "0871", "五华区 官渡区"),)),
    Province("广西壮族自治区", "广西", 3, (_city("南宁市", 1, "", "青秀区 西乡塘区"),)),
    Province("贵州省", "贵州", 2, (_city("贵阳市", 1, "0851", "观山湖区 南明区"),)),
    Province("山西省", "山西", 2, (_city("太原市", 1, "", "小店区"),)),
    Province("黑龙江省", "黑龙江", 2, (_city("哈尔滨市", 1, "0451", "南岗区 松北区"),)),
    Province("吉林省", "吉林", 1, (_city("长春市", 1, "0431", "朝阳区"),)),
    Province("海南省", "海南", 1, (_city("海口市", 1, "0898", "龙华区 美兰区"),)),
    Province("甘肃省", "甘肃", 1, (_city("兰州市", 1, "", "城关区"),)),
    Province("宁夏回族自治区", "宁夏", 1, (_city("银川市", 1, "", "金凤区"),)),
    Province("新疆维吾尔自治区", "新疆", 1, (_city("乌鲁木齐市", 1, "", "天山区"),)),
    Province("内蒙古自治区", "内蒙古", 1, (_city("呼和浩特市", 1, "", "赛罕区"),)),
)
# A city written without its province: only names that exist once in the country.
CITY_ALONE = {"苏州市", "深圳市", "杭州市", "青岛市", "成都市"}

# Where foreign companies have their Chinese subsidiaries, with the place in their name.
FOREIGN_PLACES = {
    "苏州市": "Suzhou",
    "昆山市": "Kunshan",
    "太仓市": "Taicang",
    "常熟市": "Changshu",
    "上海市": "Shanghai",
    "深圳市": "Shenzhen",
    "北京市": "Beijing",
    "天津市": "Tianjin",
    "大连市": "Dalian",
    "青岛市": "Qingdao",
    "广州市": "Guangzhou",
    "无锡市": "Wuxi",
    "宁波市": "Ningbo",
    "南京市": "Nanjing",
    "成都市": "Chengdu",
}

# Sales territories: which rep usually owns a lead from a province.
EAST = {"浙江省", "江苏省", "上海市", "安徽省", "福建省", "江西省"}
NORTH = {
    "北京市",
    "天津市",
    "河北省",
    "山东省",
    "山西省",
    "辽宁省",
    "吉林省",
    "黑龙江省",
    "内蒙古自治区",
    "河南省",
}
OWNER_WEIGHTS = {
    "east": {"li.na": 55, "zhang.wei": 18, "liu.yang": 10, "wang.qiang": 11, "chen.jing": 6},
    "north": {"zhang.wei": 58, "li.na": 17, "liu.yang": 10, "wang.qiang": 10, "chen.jing": 5},
    "west": {"liu.yang": 62, "chen.jing": 14, "li.na": 12, "zhang.wei": 12},
}

# --- companies -------------------------------------------------------------------------
# Industry label, Chinese words that end a company name, English words, and typical needs.


@dataclass(frozen=True)
class Industry:
    label: str
    weight: int
    words: tuple[str, ...]
    english: tuple[str, ...]
    needs: tuple[str, ...]


INDUSTRIES = (
    Industry(
        "制造业",
        22,
        ("机械制造", "精密机械", "智能装备", "自动化设备", "五金制品", "塑胶制品", "模具"),
        ("Automation", "Precision Components", "Machinery", "Industrial Equipment"),
        ("车间MES系统选型", "设备联网与数据采集", "仓库条码管理", "生产排程优化", "新厂区网络建设"),
    ),
    Industry(
        "软件和信息技术",
        13,
        ("信息技术", "软件技术", "网络科技", "数据科技", "智能科技", "数字科技"),
        ("Software", "Digital", "Data Systems"),
        ("开发测试服务器扩容", "代码托管与持续集成平台", "正版软件授权采购", "办公网络安全加固"),
    ),
    Industry(
        "电子",
        9,
        ("电子科技", "电子", "光电科技", "电气"),
        ("Electronics", "Photonics"),
        ("SMT产线数据采集", "仓库条码管理", "研发图纸文档管理", "车间MES系统选型"),
    ),
    Industry(
        "零售",
        8,
        ("商贸", "商业连锁", "百货", "便利店连锁"),
        ("Retail",),
        (
            "门店收银系统更换（{stores}家门店）",
            "会员小程序开发",
            "门店库存管理系统",
            "门店网络统一改造",
        ),
    ),
    Industry(
        "批发贸易",
        6,
        ("贸易", "进出口", "供应链"),
        ("Trading",),
        ("进销存系统上线", "报关单证管理", "多仓库库存同步"),
    ),
    Industry(
        "医疗器械",
        7,
        ("医疗器械", "医疗科技", "生物科技"),
        ("Medical Devices", "Life Sciences"),
        ("GSP合规仓储系统", "产品追溯与UDI赋码", "经销商管理系统", "质量管理体系文档系统"),
    ),
    Industry(
        "教育",
        5,
        ("教育科技", "文化教育"),
        ("Education", "Learning"),
        ("智慧教室设备（{classrooms}间教室）", "在线课程平台", "校区网络改造", "教务排课系统"),
    ),
    Industry(
        "物流",
        7,
        ("物流", "供应链管理", "国际货运代理", "仓储服务"),
        ("Logistics", "Freight"),
        ("运输管理系统TMS", "车队GPS定位与调度", "仓储WMS上线", "电子回单与对账系统"),
    ),
    Industry(
        "建筑工程",
        5,
        ("建设工程", "建筑装饰工程", "工程技术"),
        ("Engineering",),
        ("项目管理系统", "工地视频监控", "投标文件协同平台"),
    ),
    Industry(
        "食品饮料",
        5,
        ("食品", "饮品", "农业科技"),
        ("Foods", "Beverages"),
        ("食品安全追溯系统", "冷库温湿度监控", "经销商订货平台"),
    ),
    Industry(
        "汽车零部件",
        5,
        ("汽车零部件", "汽车部件", "车业"),
        ("Auto Parts", "Automotive Systems"),
        ("PPAP文档管理", "车间MES系统选型", "模具寿命管理"),
    ),
    Industry(
        "化工",
        3,
        ("化工", "精细化工", "涂料"),
        ("Chemicals", "Coatings"),
        ("危化品仓储管理", "实验室LIMS系统", "安全生产巡检系统"),
    ),
    Industry(
        "纺织服装",
        3,
        ("纺织", "服饰", "针织"),
        ("Textiles", "Apparel"),
        ("订单排产系统", "面料仓库条码管理", "电商订单与仓库打通"),
    ),
    Industry(
        "能源环保",
        3,
        ("新能源科技", "环保科技", "节能科技"),
        ("Energy", "Clean Technology"),
        ("能耗监测平台", "设备远程运维平台", "环保数据在线上报"),
    ),
    Industry(
        "餐饮酒店",
        2,
        ("餐饮管理", "酒店管理"),
        ("Hospitality",),
        ("门店点餐收银系统", "中央厨房进销存", "连锁门店视频巡店"),
    ),
)
GENERAL_NEEDS = (
    "办公电脑批量采购（约{pcs}台）",
    "视频会议系统（{rooms}间会议室）",
    "企业邮箱迁移",
    "数据备份与容灾方案",
    "年度IT运维外包",
    "办公网络改造与无线覆盖",
    "网络安全等保二级整改",
    "ERP系统升级",
    "CRM系统选型",
    "OA审批流程上线",
    "服务器扩容",
    "门禁考勤一体化",
)
ENGLISH_FACTORY_NEEDS = (
    "Replace the legacy ERP at the {city} plant",
    "MES pilot on one production line",
    "Barcode tracking for the plant warehouse",
)
ENGLISH_NEEDS = (
    "Video conferencing for {rooms} meeting rooms",
    "WMS for the new warehouse",
    "Laptops for {pcs} new hires",
    "Network refresh and Wi-Fi for the new office",
    "Annual IT support contract",
    "Backup and disaster recovery for the local servers",
    "CRM for the China sales team",
    "Cybersecurity assessment (MLPS level 2)",
)

# Two-character brands: a first and a second character with their pinyin. Combinations that
# are well-known brands are skipped (FAMOUS); the second characters are chosen to be rare.
BRAND_FIRST = (
    ("启", "qi"),
    ("瑞", "rui"),
    ("泓", "hong"),
    ("睿", "rui"),
    ("澄", "cheng"),
    ("锦", "jin"),
    ("骏", "jun"),
    ("弘", "hong"),
    ("嘉", "jia"),
    ("晟", "sheng"),
    ("昊", "hao"),
    ("卓", "zhuo"),
    ("汇", "hui"),
    ("鼎", "ding"),
    ("凯", "kai"),
    ("益", "yi"),
    ("裕", "yu"),
    ("泰", "tai"),
    ("宏", "hong"),
    ("博", "bo"),
    ("润", "run"),
    ("翔", "xiang"),
    ("远", "yuan"),
    ("星", "xing"),
    ("晨", "chen"),
    ("青", "qing"),
    ("蓝", "lan"),
    ("森", "sen"),
    ("浩", "hao"),
    ("诚", "cheng"),
    ("佳", "jia"),
    ("安", "an"),
    ("康", "kang"),
    ("宁", "ning"),
    ("和", "he"),
    ("信", "xin"),
    ("铭", "ming"),
    ("捷", "jie"),
    ("智", "zhi"),
    ("慧", "hui"),
    ("峰", "feng"),
    ("禾", "he"),
    ("沐", "mu"),
    ("澜", "lan"),
    ("朗", "lang"),
    ("翰", "han"),
    ("拓", "tuo"),
    ("恒", "heng"),
)
BRAND_SECOND = (
    ("岑", "cen"),
    ("屹", "yi"),
    ("翊", "yi"),
    ("珩", "heng"),
    ("澍", "shu"),
    ("霁", "ji"),
    ("峤", "qiao"),
    ("沣", "feng"),
    ("昱", "yu"),
    ("琮", "cong"),
    ("翀", "chong"),
    ("瑾", "jin"),
    ("棠", "tang"),
    ("澈", "che"),
    ("屿", "yu"),
    ("翎", "ling"),
    ("楷", "kai"),
    ("骐", "qi"),
    ("岚", "lan"),
    ("禧", "xi"),
    ("璟", "jing"),
    ("钧", "jun"),
    ("湛", "zhan"),
    ("麓", "lu"),
    ("垚", "yao"),
    ("桉", "an"),
    ("澋", "jing"),
    ("珏", "jue"),
)
FAMOUS = {"晨岚", "安岚", "和钧", "恒屹", "博澈"}

FOREIGN_BRANDS = (
    "Nordlicht",
    "Brightwave",
    "Kestrel",
    "Alpenmark",
    "Silverfjord",
    "Tidewell",
    "Corvane",
    "Meridane",
    "Quellbrunn",
    "Lumetra",
    "Fennwick",
    "Solvaria",
    "Brenntal",
    "Greywater",
    "Orindale",
    "Zephyrin",
    "Tessaro",
    "Kaltwerk",
    "Aldercrest",
    "Bluefinch",
    "Rivenhall",
    "Nimbra",
    "Castellane",
    "Harrowgate",
    "Velamo",
    "Ostwind",
    "Sundvik",
    "Hollowell",
    "Pembrook",
    "Arvenna",
    "Delmora",
    "Everholt",
    "Fjellborg",
    "Kitahara",
    "Marlowe & Pike",
    "Grantham & Lowe",
    "Vanterra",
    "Ashgrove",
    "Calderon",
    "Wexmoor",
    "Lindqvist",
    "Bellmont",
)

# Near-duplicate pairs (see the module docstring): (name, city, county, industry, owner).
NEAR_DUPLICATES = (
    (
        (
            "深圳市鑫朗电子科技有限公司",
            "广东省",
            "深圳市",
            "宝安区",
            "电子",
            "zhang.wei",
            "xinlang",
        ),
        ("深圳鑫朗电子科技有限公司", "广东省", "深圳市", "", "电子", "liu.yang", "xinlangdz"),
    ),
    (
        ("宁波恒拓机械制造有限公司", "浙江省", "宁波市", "北仑区", "制造业", "li.na", "hengtuo"),
        ("宁波恒拓精密机械制造有限公司", "浙江省", "宁波市", "", "制造业", "zhang.wei", "nbhtjm"),
    ),
)
NEAR_DUPLICATE_STAGES = (("contacted", "qualified"), ("proposal", "new"))

# --- people ----------------------------------------------------------------------------
SURNAMES = (
    ("王", "wang"),
    ("李", "li"),
    ("张", "zhang"),
    ("刘", "liu"),
    ("陈", "chen"),
    ("杨", "yang"),
    ("黄", "huang"),
    ("赵", "zhao"),
    ("吴", "wu"),
    ("周", "zhou"),
    ("徐", "xu"),
    ("孙", "sun"),
    ("马", "ma"),
    ("朱", "zhu"),
    ("胡", "hu"),
    ("郭", "guo"),
    ("何", "he"),
    ("高", "gao"),
    ("林", "lin"),
    ("罗", "luo"),
    ("郑", "zheng"),
    ("梁", "liang"),
    ("谢", "xie"),
    ("宋", "song"),
    ("唐", "tang"),
    ("许", "xu"),
    ("韩", "han"),
    ("冯", "feng"),
    ("邓", "deng"),
    ("曹", "cao"),
    ("彭", "peng"),
    ("曾", "zeng"),
    ("肖", "xiao"),
    ("田", "tian"),
    ("董", "dong"),
    ("袁", "yuan"),
    ("潘", "pan"),
    ("蒋", "jiang"),
    ("蔡", "cai"),
    ("余", "yu"),
    ("杜", "du"),
    ("叶", "ye"),
    ("程", "cheng"),
    ("苏", "su"),
    ("魏", "wei"),
    ("吕", "lv"),
    ("丁", "ding"),
    ("沈", "shen"),
    ("姚", "yao"),
    ("卢", "lu"),
    ("崔", "cui"),
    ("钟", "zhong"),
    ("谭", "tan"),
    ("陆", "lu"),
    ("汪", "wang"),
    ("范", "fan"),
    ("金", "jin"),
    ("廖", "liao"),
    ("贾", "jia"),
    ("夏", "xia"),
    ("方", "fang"),
    ("邹", "zou"),
    ("熊", "xiong"),
    ("孟", "meng"),
    ("秦", "qin"),
    ("邱", "qiu"),
    ("薛", "xue"),
    ("顾", "gu"),
    ("龚", "gong"),
    ("钱", "qian"),
    ("欧阳", "ouyang"),
    ("上官", "shangguan"),
)


def _chars(chars: str, pinyin: str) -> tuple[tuple[str, str], ...]:
    """Characters paired with their pinyin, given as one string each."""
    return tuple(zip(chars, pinyin.split(), strict=True))


# Given-name characters, as they usually appear in men's and in women's names.
GIVEN_MALE = _chars(
    "伟强磊军勇杰涛明超刚建国志海辉鹏飞宇浩俊斌峰亮博凯东永宏德成昊泽文华晨睿嘉",
    "wei qiang lei jun yong jie tao ming chao gang jian guo zhi hai hui peng fei yu hao "
    "jun bin feng liang bo kai dong yong hong de cheng hao ze wen hua chen rui jia",
)
GIVEN_FEMALE = _chars(
    "芳敏静丽艳娟秀霞英红玉婷雪慧琳欣颖倩思佳梦春怡蕾琪瑶彤悦晓文华晨嘉",
    "fang min jing li yan juan xiu xia ying hong yu ting xue hui lin xin ying qian si jia "
    "meng chun yi lei qi yao tong yue xiao wen hua chen jia",
)
# The sample team's own names are not used for customers' contacts.
TEAM_NAMES = {"赵敏", "王强", "李娜", "张伟", "陈静", "刘洋", "孙丽", "周欣"}
# Foreign staff: first and last names that go together, with the last name for e-mail.
WESTERN_NAMES = (
    (
        ("Thomas", "Anna", "Lukas", "Jonas", "Julia", "Markus", "Katrin"),
        (("Becker", "becker"), ("Schmidt", "schmidt"), ("Müller", "mueller"), ("Weber", "weber")),
    ),
    (("Pierre", "Claire", "Sophie", "Julien"), (("Dubois", "dubois"), ("Moreau", "moreau"))),
    (("Marco", "Giulia", "Luca"), (("Rossi", "rossi"), ("Bianchi", "bianchi"))),
    (("Henrik", "Ingrid", "Lars"), (("Larsen", "larsen"), ("Nilsson", "nilsson"))),
    (("Daan", "Sanne"), (("Bakker", "bakker"), ("de Vries", "devries"))),
    (
        ("Michael", "Emma", "Daniel", "Laura", "Sarah", "David", "Olivia", "James"),
        (("Johnson", "johnson"), ("Hughes", "hughes"), ("Carter", "carter")),
    ),
    (("Kenji", "Yuki", "Hiroshi"), (("Tanaka", "tanaka"), ("Sato", "sato"), ("Mori", "mori"))),
)
ENGLISH_GIVEN = (
    "Kevin",
    "Amy",
    "Jason",
    "Grace",
    "Eric",
    "Cindy",
    "Leo",
    "Vivian",
    "Frank",
    "Iris",
)
CN_TITLES = (
    ("采购经理", 14),
    ("总经理", 10),
    ("IT主管", 10),
    ("信息部经理", 7),
    ("副总经理", 6),
    ("行政经理", 6),
    ("采购专员", 6),
    ("财务总监", 4),
    ("运营总监", 4),
    ("技术总监", 4),
    ("董事长助理", 3),
    ("厂长", 3),
    ("店长", 2),
    ("董事长", 2),
)
EN_TITLES = (
    ("Purchasing Manager", 6),
    ("General Manager", 5),
    ("IT Manager", 5),
    ("Plant Manager", 3),
    ("Operations Director", 3),
    ("Procurement Specialist", 3),
    ("Finance Director", 2),
    ("Managing Director", 2),
    ("Supply Chain Manager", 2),
)
FACTORIES = {"制造业", "电子", "汽车零部件", "化工", "纺织服装", "食品饮料"}
TITLE_INDUSTRIES = {
    "厂长": FACTORIES,
    "Plant Manager": FACTORIES,
    "店长": {"零售", "餐饮酒店"},
}
REFERRER_ROLES = ("老客户", "朋友", "合作伙伴", "前同事", "同行")
# Mobile number prefixes of the three carriers (134, 154 and 184 left out on purpose).
MOBILE_PREFIXES = tuple(
    str(n)
    for n in (*range(130, 140), *range(150, 160), *range(180, 190), 166, 173, 175, 176, 177)
    if n not in {134, 154, 184}
)

CN_NOTES = (
    "客户要求先试用两周",
    "需开增值税专用发票",
    "老板下周出差回来再约",
    "对价格比较敏感",
    "已发产品资料和报价参考",
    "展会现场交换名片",
    "客户在对比两家供应商",
    "年底前有预算需要用完",
    "决策人是董事长",
    "要求本地化服务团队",
    '客户称"预算已批"，下月启动',
    "原IT主管离职，新联系人待确认",
    "对接人说明年一季度再考虑",
    "希望安排参观我司样板客户",
    "财务要求分期付款, 需经理审批",
)
EN_NOTES = (
    "Prefers email; English-speaking GM",
    "HQ must approve orders above EUR 50k",
    "Needs the quote in CNY and USD, incl. 13% VAT",
    "Met at our booth, asked for case studies",
    "Pilot on one line first, then roll out",
)


# --- helpers ---------------------------------------------------------------------------
_SUFFIXES = (
    "集团股份有限公司",
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
    "有限公司",
    "集团公司",
    "公司",
    "company limited",
    "co ltd",
    "co limited",
    "corporation",
    "limited",
    "company",
    "corp",
    "inc",
    "llc",
    "ltd",
    "gmbh",
    "co",
)
_SUFFIX_RE = re.compile(
    "(?:"
    + "|".join(re.escape(s).replace(r"\ ", " ?") for s in sorted(_SUFFIXES, key=len, reverse=True))
    + ")$"
)


def name_key(name: str) -> str:
    """Mirror of salesflow.workflow.companies.company_key (the test uses the real one)."""
    text = unicodedata.normalize("NFKC", name).lower()
    text = "".join(" " if unicodedata.category(ch)[0] in "PSZC" else ch for ch in text)
    plain = " ".join(text.split())
    stripped = plain
    while True:
        shorter = _SUFFIX_RE.sub("", stripped).strip()
        if shorter == stripped or not shorter:
            break
        stripped = shorter
    return (stripped or plain).replace(" ", "")


def similarity(a: str, b: str) -> float:
    """rapidfuzz's fuzz.ratio: 100 * 2 * LCS / (len(a) + len(b)), in plain Python."""
    if not a and not b:
        return 100.0
    previous = [0] * (len(b) + 1)
    for ch in a:
        current = [0]
        for j, other in enumerate(b):
            current.append(previous[j] + 1 if ch == other else max(previous[j + 1], current[j]))
        previous = current
    return 200.0 * previous[-1] / (len(a) + len(b))


def weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def weighted_pair(rng: random.Random, items: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([i for i, _w in items], weights=[w for _i, w in items])[0]


def workday(rng: random.Random, day: date, keep_weekend: float = 0.15) -> date:
    """Most business happens on weekdays: move a weekend day to Friday or Monday."""
    if day.weekday() < 5 or rng.random() < keep_weekend:
        return day
    back = day - timedelta(days=day.weekday() - 4)
    forward = day + timedelta(days=7 - day.weekday())
    if back < ANCHOR - timedelta(days=WINDOW_DAYS):
        return forward
    return back if forward > ANCHOR or rng.random() < 0.5 else forward


def days_ago(n: int) -> date:
    return ANCHOR - timedelta(days=n)


def round_amount(yuan: float) -> int:
    step = 500 if yuan < 20_000 else 1_000 if yuan < 200_000 else 10_000
    return max(5_000, min(3_000_000, round(yuan / step) * step))


# --- records ---------------------------------------------------------------------------
@dataclass
class Company:
    name: str
    key: str
    foreign: bool
    industry: Industry
    employees: int
    founded: int
    domain: str


@dataclass
class Place:
    province: Province
    city: City
    county: str


@dataclass
class Lead:
    stage: str
    owner: str
    place: Place
    company: Company
    created: date
    closed: date | None = None
    expected_close: date | None = None
    source: str = "website"
    source_text: str = "website"
    referrer: str = ""
    contact: str = ""
    title: str = ""
    phone: str = ""
    email: str = ""
    wechat: str = ""
    need: str = ""
    amount: int | None = None
    amount_text: str = ""
    notes: str = ""
    lost_reason: str = ""
    competitor: str = ""
    ref: str = ""
    order: float = field(default=0.0)
    key_account: bool = False


class Generator:
    def __init__(self, seed: int = SEED) -> None:
        self.rng = random.Random(seed)
        self.keys: list[str] = []
        self.domains: set[str] = set()
        self.phones: set[str] = set()
        self.emails: set[str] = set()
        self.wechats: set[str] = set()
        self.brands = [
            (a + b, pa + pb)
            for a, pa in BRAND_FIRST
            for b, pb in BRAND_SECOND
            if a + b not in FAMOUS and a != b
        ]
        self.rng.shuffle(self.brands)
        self.foreign_brands = list(FOREIGN_BRANDS)
        self.rng.shuffle(self.foreign_brands)

    # -- places and companies
    def place(self, province: Province) -> Place:
        rng = self.rng
        city = rng.choices(province.cities, weights=[c.weight for c in province.cities])[0]
        county = rng.choice(city.counties) if city.counties and rng.random() < 0.4 else ""
        return Place(province, city, county)

    def distinct(self, key: str) -> bool:
        return all(similarity(key, other) < 80 for other in self.keys)

    def company(self, place: Place, foreign: bool) -> Company:
        rng = self.rng
        industry = rng.choices(INDUSTRIES, weights=[i.weight for i in INDUSTRIES])[0]
        while True:
            name, domain = (
                self.foreign_name(place, industry)
                if foreign
                else self.chinese_name(place, industry)
            )
            key = name_key(name)
            if key not in self.keys and domain not in self.domains and self.distinct(key):
                break
        self.keys.append(key)
        self.domains.add(domain)
        employees = self.employees(foreign)
        return Company(name, key, foreign, industry, employees, self.founded(employees), domain)

    def chinese_name(self, place: Place, industry: Industry) -> tuple[str, str]:
        rng = self.rng
        brand, pinyin = self.brands.pop()
        word = rng.choice(industry.words)
        city = place.city.name.removesuffix("市")
        province = place.province.short
        style = rng.random()
        if style < 0.45:
            name = f"{city}{brand}{word}有限公司"
        elif style < 0.60:
            name = f"{city}市{brand}{word}有限公司"
        elif style < 0.72:
            name = f"{province}{brand}{word}股份有限公司"
        elif style < 0.82:
            name = f"{brand}（{city}）{word}有限公司"
        elif style < 0.90:
            name = f"{city}{brand}{word}有限责任公司"
        elif style < 0.95:
            name = f"{province}{brand}{word}集团有限公司"
        else:
            name = f"{brand}{word}股份有限公司"
        tail = rng.choice(("", "", "-tech", "tech", "group", "-cn"))
        tld = rng.choice((".com", ".com", ".com.cn", ".cn", ".net"))
        return name, f"{pinyin}{tail}{tld}"

    def foreign_name(self, place: Place, industry: Industry) -> tuple[str, str]:
        rng = self.rng
        brand = self.foreign_brands.pop()
        word = rng.choice(industry.english)
        where = FOREIGN_PLACES.get(place.county) or FOREIGN_PLACES.get(place.city.name, "China")
        style = rng.random()
        if style < 0.55:
            name = f"{brand} {word} ({where}) Co., Ltd."
        elif style < 0.70:
            name = f"{brand} {word} Inc."
        elif style < 0.82:
            name = f"{brand} ({where}) {word} Co., Ltd."
        elif style < 0.92:
            name = f"{brand} {word} Ltd."
        else:
            name = f"{brand} {word} Technology Co., Ltd."
        slug = re.sub(r"[^a-z]+", "", brand.lower().replace("&", "and"))
        domain = rng.choice((f"{slug}.com", f"{slug}-group.com", f"{slug}.cn", f"{slug}.com.cn"))
        return name, domain

    def employees(self, foreign: bool) -> int:
        rng = self.rng
        median, spread = (260.0, 0.9) if foreign else (110.0, 1.25)
        value = math.exp(rng.gauss(math.log(median), spread))
        value = max(5.0, min(20_000.0, value))
        if value >= 100:
            value = round(value, -1)
        return int(value)

    def founded(self, employees: int) -> int:
        rng = self.rng
        typical = 4 + 4 * math.log10(max(employees, 5))  # bigger companies are older
        years = max(1, round(rng.gauss(typical, 6)))
        return max(1985, min(2025, 2026 - years))

    # -- people and contact details
    def chinese_person(self) -> tuple[str, str, str]:
        """(name, surname pinyin, given-name pinyin)."""
        rng = self.rng
        while True:
            weights = [max(1, 40 - i) for i in range(len(SURNAMES))]
            surname, sur_py = rng.choices(SURNAMES, weights=weights)[0]
            pool = GIVEN_MALE if rng.random() < 0.55 else GIVEN_FEMALE
            parts = rng.sample(pool, 1 if rng.random() < 0.35 else 2)
            name = surname + "".join(p[0] for p in parts)
            if name not in TEAM_NAMES:
                return name, sur_py, "".join(p[1] for p in parts)

    def mobile(self) -> str:
        rng = self.rng
        while True:
            digits = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
            if digits not in self.phones:
                self.phones.add(digits)
                return digits

    def phone_text(self, place: Place) -> tuple[str, str]:
        """(phone as written, the mobile's digits or "" for a landline)."""
        rng = self.rng
        code = place.city.area_code
        if code and rng.random() < 0.22:
            while True:
                local = rng.choice("5678") + f"{rng.randrange(10**7):07d}"
                if code + local not in self.phones:
                    self.phones.add(code + local)
                    break
            a, b = local[:4], local[4:]
            form = weighted(
                rng,
                {
                    f"{code}-{a} {b}": 4,
                    f"{code}-{local}": 4,
                    f"({code}) {a} {b}": 1,
                    f"+86 {code[1:]} {a} {b}": 1,
                    f"{code} {local}": 1,
                },
            )
            return form, ""
        m = self.mobile()
        a, b, c = m[:3], m[3:7], m[7:]
        form = weighted(
            rng,
            {
                m: 40,
                f"{a} {b} {c}": 20,
                f"{a}-{b}-{c}": 12,
                f"+86 {a}-{b}-{c}": 10,
                f"+86 {m}": 8,
                f"+86{m}": 5,
                f"0086 {a} {b} {c}": 2,
            },
        )
        return form, m

    def email(self, lead: Lead, local_parts: list[str], personal: bool) -> str:
        rng = self.rng
        for name in local_parts:
            local, host = name, lead.company.domain
            if personal:
                host = rng.choice(("163.com", "126.com", "qq.com", "sina.com", "139.com"))
                if host == "qq.com" and rng.random() < 0.6:
                    local = str(rng.randrange(10_000_000, 3_000_000_000))  # a QQ number
            address = f"{local}@{host}"
            if rng.random() < 0.06:  # people sometimes type it with capitals
                address = address[0].upper() + address[1:]
            if address.lower() not in self.emails:
                self.emails.add(address.lower())
                return address
        return ""

    def wechat(self, handle: str, mobile: str) -> str:
        rng = self.rng
        options = [
            f"{handle}{rng.randrange(1970, 2003)}",
            f"{handle}_{rng.randrange(10, 99)}",
            "wxid_" + "".join(rng.choices("abcdefghijklmnopqrstuvwxyz0123456789", k=12)),
            f"{handle.capitalize()}{rng.choice(['_sh', '-work', '888', '666', 'wx'])}",
        ]
        if mobile:
            options.append(mobile)
        rng.shuffle(options)
        for option in options:
            candidate = option[:20]
            valid = re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]{5,19}|1\d{10}", candidate)
            if valid and candidate.lower() not in self.wechats:
                self.wechats.add(candidate.lower())
                return candidate
        return ""

    @staticmethod
    def fitting(titles: tuple[tuple[str, int], ...], industry: str) -> tuple[tuple[str, int], ...]:
        """Titles that exist in the industry: a plant manager in a factory, a store manager
        in a shop."""
        return tuple(
            (title, weight)
            for title, weight in titles
            if title not in TITLE_INDUSTRIES or industry in TITLE_INDUSTRIES[title]
        )

    def fill_contact(self, lead: Lead) -> None:
        rng = self.rng
        foreign = lead.company.foreign
        kind = rng.random() if foreign else 1.0
        if kind < 0.45:
            firsts, lasts = rng.choice(WESTERN_NAMES)
            first = rng.choice(firsts)
            last, last_ascii = rng.choice(lasts)
            lead.contact = f"{first} {last}"
            locals_ = [f"{first.lower()}.{last_ascii}", f"{first[0].lower()}{last_ascii}"]
            handle = f"{first.lower()}{last_ascii[:3]}"
            english_title = True
        elif kind < 0.75:
            first = rng.choice(ENGLISH_GIVEN)
            _name, sur_py, given_py = self.chinese_person()
            lead.contact = f"{first} {sur_py.capitalize()}"
            locals_ = [f"{first.lower()}.{sur_py}", f"{first.lower()}{sur_py}{given_py[:1]}"]
            handle = f"{first.lower()}{sur_py}"
            english_title = True
        else:
            name, sur_py, given_py = self.chinese_person()
            lead.contact = name
            locals_ = [
                f"{sur_py}{given_py}",
                f"{sur_py}.{given_py}",
                f"{given_py}.{sur_py}",
                f"{sur_py}{given_py}{rng.randrange(1, 99)}",
            ]
            handle = f"{sur_py}{given_py}"
            english_title = foreign and rng.random() < 0.5
        titles = EN_TITLES if english_title else CN_TITLES
        lead.title = weighted_pair(rng, self.fitting(titles, lead.company.industry.label))
        phone, mobile = self.phone_text(lead.place) if rng.random() < 0.96 else ("", "")
        lead.phone = phone
        if not phone or rng.random() < 0.78:
            personal = not foreign and rng.random() < 0.22
            lead.email = self.email(lead, locals_, personal)
        if rng.random() < (0.25 if foreign else 0.7):
            lead.wechat = self.wechat(re.sub(r"[^a-z]", "", handle)[:14], mobile)

    # -- the deal
    def fill_need_amount_notes(self, lead: Lead) -> None:
        rng = self.rng
        company = lead.company
        counts = self.counts(company.employees)
        pool: tuple[str, ...]
        if company.foreign:
            city = FOREIGN_PLACES.get(lead.place.city.name, "local")
            pool = ENGLISH_NEEDS
            if company.industry.label in FACTORIES:
                pool += ENGLISH_FACTORY_NEEDS
            lead.need = rng.choice(pool).format(city=city, **counts)
        else:
            pool = company.industry.needs + GENERAL_NEEDS[: 4 + rng.randrange(8)]
            lead.need = rng.choice(pool).format(**counts)
        if lead.stage == "new" and rng.random() < 0.08:
            lead.need = ""
        scale = 30_000 * (company.employees / 50) ** 0.45
        if lead.key_account:
            scale = max(scale, 600_000)
        yuan = round_amount(math.exp(rng.gauss(math.log(scale), 0.6)))
        early = lead.stage in {"new", "contacted", "qualified", "lost"}
        lead.amount = None if early and rng.random() < 0.12 else yuan
        lead.amount_text = self.amount_text(lead.amount)
        if rng.random() < 0.3:
            lead.notes = rng.choice(EN_NOTES if company.foreign else CN_NOTES)

    def counts(self, employees: int) -> dict[str, int]:
        """How many meeting rooms, stores, computers or classrooms a company of this size
        would buy for."""
        rng = self.rng

        def between(low: int, high: int, share: tuple[float, float]) -> int:
            n = max(low, min(high, round(employees * rng.uniform(*share))))
            return n if n < 20 else round(n, -1)

        return {
            "rooms": between(2, 30, (0.01, 0.04)),
            "stores": between(2, 80, (0.03, 0.1)),
            "pcs": between(5, 300, (0.1, 0.4)),
            "classrooms": between(4, 60, (0.1, 0.3)),
        }

    def amount_text(self, yuan: int | None) -> str:
        if yuan is None:
            return ""
        rng = self.rng
        forms = {str(yuan): 45, f"{yuan:,}.00": 15, f"¥{yuan:,}": 5, f"{yuan}元": 5}
        forms[f"RMB {yuan:,}"] = 3
        if yuan % 1_000 == 0:
            forms[f"{yuan / 10_000:g}万"] = 22
        return weighted(rng, forms)

    def dates(self, lead: Lead) -> None:
        rng = self.rng
        stage = lead.stage
        if stage in {"won", "lost"}:
            closed_ago = rng.randrange(0, 151 if stage == "won" else 161)
            cycle = rng.randrange(20, 111) if stage == "won" else rng.randrange(7, 81)
            created_ago = min(WINDOW_DAYS, closed_ago + cycle)
            lead.created = workday(rng, days_ago(created_ago))
            closed = workday(rng, days_ago(closed_ago), keep_weekend=0.05)
            if closed <= lead.created:
                closed = lead.created + timedelta(days=7)
            lead.closed = min(closed, ANCHOR)
            return
        spans = {
            "new": (0, 35),
            "contacted": (3, 75),
            "qualified": (10, 110),
            "proposal": (20, 130),
            "negotiation": (30, 150),
            "contract": (40, 165),
        }
        low, high = spans[stage]
        if stage == "new" and rng.random() < 0.1:
            low, high = 36, 90  # some new leads went stale without a first contact
        lead.created = workday(rng, days_ago(rng.randrange(low, high + 1)))
        ahead = {"proposal": (14, 90), "negotiation": (7, 60), "contract": (3, 30)}
        if stage in ahead:
            lo, hi = ahead[stage]
            lead.expected_close = ANCHOR + timedelta(days=rng.randrange(lo, hi + 1))

    def lost(self, lead: Lead) -> None:
        rng = self.rng
        reason = weighted(rng, LOST_REASON_WEIGHTS)
        lead.lost_reason = LOST_REASON_LABELS[reason] if rng.random() < 0.2 else reason
        if reason == "competitor":
            lead.competitor = rng.choice(COMPETITORS)

    def source(self, lead: Lead) -> None:
        rng = self.rng
        if not lead.owner:
            weights = {"website": 6, "phone": 5, "trade-show": 2, "other": 1}
            lead.source = weighted(rng, weights)
        else:
            lead.source = weighted(rng, SOURCE_WEIGHTS)
        as_label = rng.random() < 0.12
        lead.source_text = SOURCE_LABELS[lead.source] if as_label else lead.source

    # -- the whole set
    def leads(self) -> list[Lead]:
        rng = self.rng
        stages = [s for s, n in STAGE_QUOTA.items() for _ in range(n)]
        provinces = {p.name: p for p in PROVINCES}
        slots = [p for p in PROVINCES for _ in range(p.quota)]
        assert len(stages) == len(slots) == LEAD_COUNT
        leads: list[Lead] = []
        # The near-duplicate pairs first, so no other name comes close to them.
        for pair, pair_stages in zip(NEAR_DUPLICATES, NEAR_DUPLICATE_STAGES, strict=True):
            for (name, prov, city, county, industry, owner, brand), stage in zip(
                pair, pair_stages, strict=True
            ):
                province = provinces[prov]
                stages.remove(stage)
                slots.remove(province)
                place = Place(province, next(c for c in province.cities if c.name == city), county)
                domain = f"{brand}.com"
                self.domains.add(domain)
                self.keys.append(name_key(name))
                sector = next(i for i in INDUSTRIES if i.label == industry)
                employees = self.employees(False)
                company = Company(
                    name, name_key(name), False, sector, employees, self.founded(employees), domain
                )
                leads.append(Lead(stage, owner, place, company, ANCHOR))
        rng.shuffle(stages)
        rng.shuffle(slots)
        places = [self.place(province) for province in slots]
        friendly = [
            i
            for i, place in enumerate(places)
            if place.city.name in FOREIGN_PLACES or place.county in FOREIGN_PLACES
        ]
        others = [i for i in range(len(places)) if i not in friendly]
        foreign = set(rng.sample(friendly, FOREIGN - 4) + rng.sample(others, 4))
        unassigned = UNASSIGNED
        for index, (stage, province, place) in enumerate(zip(stages, slots, places, strict=True)):
            owner = ""
            if stage == "new" and unassigned > 0:
                unassigned -= 1
            else:
                owner = self.owner(province)
            company = self.company(place, index in foreign)
            leads.append(Lead(stage, owner, place, company, ANCHOR))
        self.key_accounts(leads)
        stale = UNASSIGNED_STALE
        for lead in leads:
            if not lead.owner:
                if stale > 0:  # waiting for assignment for days: flagged to the manager
                    stale -= 1
                    lead.created = workday(rng, days_ago(rng.randrange(5, 16)), keep_weekend=0)
                else:
                    lead.created = days_ago(rng.randrange(0, 2))
            else:
                self.dates(lead)
            self.source(lead)
            self.fill_contact(lead)
            self.fill_need_amount_notes(lead)
            if lead.stage == "lost":
                self.lost(lead)
            lead.order = rng.random()
        leads.sort(key=lambda lead: (lead.created, lead.order))
        for number, lead in enumerate(leads, 1):
            lead.ref = f"SF-{number:04d}"
        self.referrers(leads)
        return leads

    def key_accounts(self, leads: list[Lead]) -> None:
        """A few large, long-established companies with big deals late in the pipeline."""
        rng = self.rng
        ordinary = {name for pair in NEAR_DUPLICATES for name, *_rest in pair}
        for stage, count in KEY_ACCOUNTS.items():
            candidates = [
                lead
                for lead in leads
                if lead.stage == stage and lead.owner and lead.company.name not in ordinary
            ]
            for lead in rng.sample(candidates, count):
                lead.key_account = True
                company = lead.company
                company.employees = int(round(math.exp(rng.uniform(7.0, 9.9)), -2))
                company.founded = rng.randrange(1988, 2011)

    def owner(self, province: Province) -> str:
        territory = (
            "east" if province.name in EAST else "north" if province.name in NORTH else "west"
        )
        return weighted(self.rng, OWNER_WEIGHTS[territory])

    def referrers(self, leads: list[Lead]) -> None:
        """A referral names a customer won before it (by company name) or a person."""
        rng = self.rng
        used: set[str] = set()
        for index, lead in enumerate(leads):
            if lead.source != "referral":
                continue
            customers = [
                earlier.company.name
                for earlier in leads[:index]
                if earlier.stage == "won" and earlier.closed and earlier.closed <= lead.created
            ]
            if customers and rng.random() < 0.65:
                fresh = [c for c in customers if c not in used]
                lead.referrer = rng.choice(fresh or customers)
                used.add(lead.referrer)
            else:
                name, _sur, _given = self.chinese_person()
                lead.referrer = f"{rng.choice(REFERRER_ROLES)} {name}"

    def points(self, q: float) -> str:
        """A 1-5 rating around the lead's quality q (0-1)."""
        return str(min(5, max(1, round(1 + 4 * q + self.rng.gauss(0, 0.6)))))

    def grades(self, leads: list[Lead]) -> list[list[str]]:
        """Grading inputs for every lead past new and a few new ones, fitting the stage."""
        rng = self.rng
        quality = {
            "new": 0.4,
            "contacted": 0.45,
            "qualified": 0.52,
            "proposal": 0.6,
            "negotiation": 0.7,
            "contract": 0.8,
            "won": 0.82,
            "lost": 0.32,
        }
        rows = []
        for lead in leads:
            if lead.stage == "new" and (not lead.owner or rng.random() > 0.12):
                continue
            q = min(1.0, max(0.0, rng.gauss(quality[lead.stage], 0.18)))
            if lead.key_account:
                q = rng.uniform(0.9, 1.0)
            basis = lead.amount or round_amount(20_000 * (lead.company.employees / 50) ** 0.4)
            budget = round_amount(basis * rng.uniform(0.6, 1.3 + q / 2))
            decision_maker = "yes" if lead.key_account or rng.random() < 0.15 + 0.8 * q else "no"
            big = lead.company.employees >= 1_000
            value_type = weighted(
                rng,
                {
                    "intrinsic": 45,
                    "extrinsic": 35,
                    "strategic": 120 if lead.key_account else 30 if big else 12,
                },
            )
            personality = weighted(rng, PERSONALITY_WEIGHTS)
            rows.append(
                [
                    lead.ref,
                    str(budget),
                    self.points(q),
                    self.points(q),
                    decision_maker,
                    value_type,
                    personality,
                ]
            )
        return rows


def lead_row(lead: Lead) -> list[str]:
    place = lead.place
    province, city = place.province, place.city
    rng_forms = random.Random(f"{SEED}-{lead.ref}")  # forms of writing: per row, stable
    province_text = rng_forms.choice((province.short, province.name))
    city_text = rng_forms.choice((city.name.removesuffix("市"), city.name))
    county_text = place.county
    if county_text and rng_forms.random() < 0.12:
        short = re.sub(r"(区|县|市)$", "", county_text)
        if len(short) >= 2 and not county_text.endswith("新区"):
            county_text = short
    if province.municipality and county_text and rng_forms.random() < 0.25:
        city_text, county_text = county_text, ""  # 上海 / 浦东新区: the district as the city
    if city.name in CITY_ALONE and rng_forms.random() < 0.08:
        province_text = ""  # only the city: its province is unambiguous
    return [
        lead.ref,
        lead.company.name,
        lead.contact,
        lead.title,
        lead.phone,
        lead.email,
        lead.wechat,
        province_text,
        city_text,
        county_text,
        lead.company.industry.label,
        str(lead.company.employees),
        str(lead.company.founded),
        lead.source_text,
        lead.referrer,
        lead.need,
        lead.amount_text,
        lead.notes,
        lead.owner,
        lead.stage,
        lead.created.isoformat(),
        lead.closed.isoformat() if lead.closed else "",
        lead.lost_reason,
        lead.competitor,
        lead.expected_close.isoformat() if lead.expected_close else "",
    ]


# --- the activity log ------------------------------------------------------------------
# Each phase of the sales process: what the rep wrote (kind, summary, outcome) for a
# Chinese-speaking or an English-speaking customer, and how the activity before it names
# it as the next step. Placeholders: {who} (the contact as the rep calls them), {need},
# {amount}, {pct} (a discount) and {competitor}.
Written = tuple[str, str, str]


@dataclass(frozen=True)
class Phase:
    cn: tuple[Written, ...]
    en: tuple[Written, ...]
    cn_plans: tuple[str, ...]
    en_plans: tuple[str, ...]


PHASES = {
    "attempt": Phase(
        (
            ("call", "首次致电{who}，电话未接通，已发短信说明来意。", "未联系上"),
            ("call", "按官网留言回电，对方在开会，前台请我们下午再打。", "未联系上，需再次致电"),
            (
                "wechat",
                "电话未接，已按手机号发送微信好友申请，备注公司名称。",
                "等待对方通过好友申请",
            ),
            ("call", "打了两次电话都在忙线，发短信约{who}方便时回电。", "暂未回复"),
        ),
        (
            (
                "call",
                "First call to {who}: no answer, left a voicemail introducing us.",
                "Not reached yet",
            ),
            (
                "call",
                "Returned the web inquiry; the assistant says {who} is travelling.",
                "Not reached",
            ),
            (
                "email",
                "Could not get through by phone; sent a short introduction by email.",
                "No reply yet",
            ),
        ),
        ("再次致电{who}", "换个时间再打电话", "再打一次电话，争取约到沟通时间"),
        ("Call {who} again", "Try calling again in the morning"),
    ),
    "first_call": Phase(
        (
            (
                "call",
                "首次电话沟通，向{who}介绍我司及{need}相关方案，对方有明确需求。",
                "客户愿意进一步了解，同意接收资料",
            ),
            (
                "call",
                "与{who}首次通话，了解到对方正在评估{need}，还在收集供应商信息。",
                "已加微信，约定先发资料",
            ),
            (
                "call",
                "电话联系{who}，确认官网留言内容，初步了解{need}的背景和时间要求。",
                "客户希望先看案例和大致报价",
            ),
            (
                "call",
                "首次电话沟通顺利，{who}对我们在同行业的案例比较感兴趣。",
                "同意下周进一步沟通",
            ),
        ),
        (
            (
                "call",
                "Intro call with {who}: presented our company and our approach to {need}.",
                "Interested; asked for our brochure and references",
            ),
            (
                "call",
                "First call with {who}. They are comparing vendors for {need}, early stage.",
                "Agreed to receive materials by email",
            ),
            (
                "email",
                "Replied to the inquiry from {who} ({need}) with a short introduction and two "
                "questions on scope.",
                "They answered the same day; timing is Q1",
            ),
        ),
        ("致电{who}，初步沟通需求", "电话联系{who}做首次沟通", "打电话了解客户的具体情况"),
        ("Intro call with {who}", "Call {who} to introduce our offer"),
    ),
    "materials": Phase(
        (
            ("email", "通过邮件发送产品手册、标准价格表和两个同行业案例。", "客户已确认收到"),
            (
                "wechat",
                "微信发送公司介绍和{need}方案资料，附成功案例链接。",
                "{who}回复会先内部看一下",
            ),
            ("email", "按客户要求发送资质文件和服务范围说明。", "客户已收到，会转给技术负责人"),
        ),
        (
            (
                "email",
                "Emailed our brochure, the standard price list and two case studies from their "
                "industry.",
                "Receipt confirmed",
            ),
            (
                "email",
                "Sent the company profile and a solution overview for {need}.",
                "{who} will review it with the team",
            ),
        ),
        ("发送产品资料和案例", "把方案资料发给{who}", "整理资质文件和案例发给客户"),
        ("Send the brochure and case studies", "Email the solution overview to {who}"),
    ),
    "wechat_follow": Phase(
        (
            ("wechat", "微信跟进资料反馈，{who}说已经转给部门负责人看了。", "客户还在内部讨论"),
            (
                "wechat",
                "微信询问资料是否有疑问，客户问了实施周期和售后服务。",
                "已逐条解答，客户比较满意",
            ),
            ("call", "电话跟进资料反馈，{who}说这周忙盘点，下周再细聊。", "约下周再沟通"),
        ),
        (
            (
                "email",
                "Followed up on the materials; {who} has passed them to the department head.",
                "Still discussing internally",
            ),
            (
                "call",
                "Called to see whether the brochure raised questions; they asked about rollout "
                "time and support.",
                "Answered; positive response",
            ),
        ),
        ("微信跟进资料反馈", "确认客户看资料的情况"),
        ("Follow up on the materials", "Check in with {who} for feedback"),
    ),
    "needs": Phase(
        (
            (
                "call",
                "电话详细沟通需求：预算约{amount}，由{who}牵头，计划年内完成。",
                "需求基本明确，决策人是总经理",
            ),
            (
                "call",
                "与{who}深入沟通{need}的具体要求，了解现有系统和痛点。",
                "需求要点已记录，客户希望看演示",
            ),
            (
                "visit",
                "上门了解需求：客户现在用的产品服务响应慢，想更换供应商。",
                "有更换意向，预算待确认",
            ),
            (
                "call",
                "和{who}确认采购流程：先部门立项，再走招采，预算约{amount}。",
                "流程清楚，需准备立项材料",
            ),
        ),
        (
            (
                "call",
                "Needs call with {who}: budget around {amount}, the general manager decides, "
                "target this year.",
                "Needs clear; decision maker identified",
            ),
            (
                "meeting",
                "Needs workshop with {who} at our office: current setup, pain points, timeline "
                "for {need}.",
                "Requirements noted; they want a demo",
            ),
        ),
        ("电话沟通具体需求和预算", "确认决策人和采购流程", "和{who}详细聊需求"),
        ("Needs call: budget, decision maker, timeline", "Confirm the buying process with {who}"),
    ),
    "visit": Phase(
        (
            (
                "visit",
                "上门拜访{who}，实地查看现场，了解{need}的实施条件。",
                "现场情况已记录，客户希望尽快出方案",
            ),
            ("visit", "拜访客户，与{who}及技术负责人面谈约一小时。", "对方认可我们的方案思路"),
            ("visit", "上门拜访，介绍实施团队和售后服务体系。", "关系推进明显，约好来公司参观"),
        ),
        (
            (
                "visit",
                "Visited {who} on site to see the current setup for {need}.",
                "Site notes taken; they want a proposal soon",
            ),
            (
                "visit",
                "Site visit: met {who} and their technical lead for about an hour.",
                "They like our approach",
            ),
        ),
        ("上门拜访{who}", "约时间上门拜访", "去客户现场看一下环境"),
        ("Visit {who} on site", "Arrange an on-site visit"),
    ),
    "demo": Phase(
        (
            (
                "meeting",
                "客户来司参观，现场演示系统功能，{who}带了两位同事。",
                "演示效果好，客户要求出正式方案",
            ),
            (
                "meeting",
                "邀请{who}来公司面谈，展示同行业成功案例和实施团队。",
                "客户对交付能力比较认可",
            ),
        ),
        (
            (
                "meeting",
                "{who} came to our office for a live demo with two colleagues.",
                "Demo went well; they asked for a formal proposal",
            ),
            (
                "meeting",
                "Office meeting: showed reference projects and introduced the delivery team.",
                "Confident in our delivery",
            ),
        ),
        ("邀请客户来司演示", "安排产品演示"),
        ("Invite {who} for a demo at our office", "Schedule a product demo"),
    ),
    "proposal_sent": Phase(
        (
            (
                "email",
                "发送方案初稿，包括实施计划、配置清单和报价区间。",
                "客户已收到，内部评审后反馈",
            ),
            ("email", "把按需求调整后的方案发给{who}，附项目时间表。", "等待客户评审"),
        ),
        (
            (
                "email",
                "Sent the draft proposal: implementation plan, bill of materials and a price "
                "range.",
                "Received; internal review next",
            ),
            (
                "email",
                "Sent {who} the revised proposal with a project timeline.",
                "Waiting for their review",
            ),
        ),
        ("准备并发送方案", "提交方案初稿"),
        ("Prepare and send the proposal", "Send the draft proposal"),
    ),
    "proposal_review": Phase(
        (
            ("meeting", "方案讨论会，客户对二期范围有疑问，需要调整。", "同意修改后再提交一次"),
            (
                "visit",
                "上门与{who}逐项过方案，客户提出增加培训和驻场服务。",
                "方案基本认可，等报价",
            ),
            ("call", "电话沟通方案反馈，技术部认可，财务关注价格。", "进入报价阶段"),
        ),
        (
            (
                "meeting",
                "Proposal review meeting; they questioned the scope of phase two.",
                "Will revise and resend",
            ),
            (
                "call",
                "Walked {who} through the proposal by phone; they asked to add training and "
                "on-site support.",
                "Accepted in principle; waiting for the quote",
            ),
        ),
        ("跟进方案反馈", "约方案讨论会"),
        ("Follow up on the proposal", "Hold a proposal review with {who}"),
    ),
    "quote": Phase(
        (
            (
                "email",
                "发送正式报价{amount}，有效期30天，付款方式现款现货。",
                "客户收到报价，认为价格偏高",
            ),
            ("call", "电话说明报价构成，{who}希望分两期付款。", "付款条件需评估"),
        ),
        (
            (
                "email",
                "Sent the formal quote of {amount}, valid 30 days, cash on delivery.",
                "Received; they find it high",
            ),
            (
                "call",
                "Went through the quote with {who}; they asked to pay in two instalments.",
                "Payment terms to be checked",
            ),
        ),
        ("发送正式报价", "确认报价细节"),
        ("Send the formal quote", "Go through the quote with {who}"),
    ),
    "negotiation": Phase(
        (
            (
                "meeting",
                "价格谈判：客户要求在{amount}基础上优惠{pct}%，拿了{competitor}的报价对比。",
                "我方最多让5%，需再沟通",
            ),
            ("visit", "上门与{who}谈商务条款，客户希望质保期延长一年。", "质保可谈，价格不变"),
            ("call", "电话谈价格，客户采购部压价，强调今年预算紧张。", "同意提交折扣申请"),
        ),
        (
            (
                "meeting",
                "Price negotiation: they want {pct}% off {amount}, citing a quote from "
                "{competitor}.",
                "We can go to 5%; to be continued",
            ),
            (
                "call",
                "Call with {who} on commercial terms; they asked for an extra year of warranty.",
                "Warranty negotiable, price unchanged",
            ),
        ),
        ("价格谈判", "和客户确认最终价格"),
        ("Negotiate the final price", "Agree the final price with {who}"),
    ),
    "approval_note": Phase(
        (
            ("note", "已提交{pct}%折扣审批，说明该客户是区域标杆客户。", "等待经理审批"),
            ("note", "备注：客户要求月结30天，已提交付款条件审批。", "审批中"),
        ),
        (
            (
                "note",
                "Submitted a {pct}% discount request; a reference account in the region.",
                "Waiting for the manager",
            ),
            (
                "note",
                "Note: they asked for 30-day payment terms; sent for approval.",
                "Pending approval",
            ),
        ),
        ("提交折扣审批", "申请特殊付款条件"),
        ("Request discount approval", "Ask for approval of the payment terms"),
    ),
    "contract_draft": Phase(
        (
            ("email", "按标准模板起草合同，发客户法务审阅。", "客户法务预计一周内反馈"),
            ("email", "发送合同草稿，金额{amount}，附交付计划。", "客户在走内部审批"),
        ),
        (
            (
                "email",
                "Drafted the contract from our standard template and sent it to their legal team.",
                "Feedback expected within a week",
            ),
            (
                "email",
                "Sent the draft contract ({amount}) with the delivery schedule.",
                "In their internal approval",
            ),
        ),
        ("发送合同草稿", "准备合同文本"),
        ("Send the draft contract", "Prepare the contract"),
    ),
    "contract_review": Phase(
        (
            ("call", "电话确认合同修改意见，主要是验收条款和违约责任。", "双方已达成一致"),
            ("wechat", "微信跟进合同审批进度，{who}说在等老板签字。", "预计本周盖章"),
        ),
        (
            (
                "call",
                "Call on their contract comments: acceptance criteria and liability.",
                "Agreed on both points",
            ),
            (
                "email",
                "Checked on the contract approval; {who} is waiting for the director's signature.",
                "Signing expected this week",
            ),
        ),
        ("跟进合同审批", "确认合同修改意见"),
        ("Chase the contract approval", "Settle the contract comments"),
    ),
    "signing": Phase(
        (
            ("visit", "上门签署合同，金额{amount}，已约项目启动会。", "合同已签，转交付团队"),
            ("meeting", "客户来司签约，确认首付款时间和交付计划。", "签约完成"),
        ),
        (
            (
                "visit",
                "Signed the contract ({amount}) at their office; kick-off meeting booked.",
                "Won; handed over to delivery",
            ),
            (
                "meeting",
                "Contract signed at our office; first payment date and delivery plan confirmed.",
                "Signed",
            ),
        ),
        ("上门签约", "安排签约"),
        ("Sign the contract", "Arrange the signing"),
    ),
    "paused": Phase(
        (
            ("call", "{who}表示预算还在审批，项目暂缓，让我们过段时间再联系。", "项目推迟"),
            ("wechat", "微信联系{who}，负责人长期出差，项目暂时搁置。", "等待客户回复"),
        ),
        (
            (
                "call",
                "{who} says the budget is still in approval; asked us to check back later.",
                "Project on hold",
            ),
            (
                "email",
                "Their project lead is away for weeks; the project is on hold.",
                "Waiting for them",
            ),
        ),
        ("再联系确认预算审批结果", "联系{who}了解项目是否重启"),
        ("Check whether the budget was approved", "Ask {who} whether the project is back on"),
    ),
    "checkin": Phase(
        (
            ("wechat", "微信和{who}简单沟通项目进展。", "进展正常"),
            ("wechat", "微信发送新产品介绍，顺便了解项目进度。", "客户回复会关注"),
            ("wechat", "微信问候{who}，了解内部评审排期。", "评审排在下周"),
        ),
        (
            ("email", "Quick check-in with {who} on progress.", "On track"),
            (
                "email",
                "Shared our new product sheet and asked how the project is going.",
                "They will take a look",
            ),
        ),
        ("微信跟进进展", "微信了解内部评审情况"),
        ("Check in with {who} on progress", "Ask about their internal review"),
    ),
    "note": Phase(
        (
            ("note", "备注：{who}下周出差，采购需要总部审批。", ""),
            ("note", "备注：客户现用{competitor}，合同年底到期。", ""),
            ("note", "备注：对方财务总监也参与决策，比较关注付款方式。", ""),
        ),
        (
            ("note", "Note: {who} travels next week; purchases need head-office approval.", ""),
            ("note", "Note: they currently use {competitor}; the contract ends at year end.", ""),
        ),
        ("跟进项目进展", "整理客户资料"),
        ("Follow up on progress", "Update the account notes"),
    ),
}
LOST_FINAL = {
    "competitor": (
        ("call", "客户通知已选择{competitor}，主要原因是对方报价更低。", "丢单：竞争对手"),
        ("call", "{who} told us they chose {competitor}, mainly on price.", "Lost to a competitor"),
    ),
    "price": (
        ("note", "客户认为价格超出预算，多次沟通后仍无法接受。", "丢单：价格"),
        (
            "note",
            "Our price is above their budget; no agreement after several rounds.",
            "Lost on price",
        ),
    ),
    "no-budget": (
        ("call", "{who}表示今年预算被取消，项目暂停。", "丢单：无预算"),
        (
            "call",
            "{who} says this year's budget was cut; the project is cancelled.",
            "Lost: no budget",
        ),
    ),
    "no-decision": (
        ("note", "客户内部迟迟无法决策，项目搁置，暂停跟进。", "丢单：未决策"),
        ("note", "No decision on their side for weeks; project shelved.", "Lost: no decision"),
    ),
    "timing": (
        ("call", "客户表示现在时机不对，明年再考虑。", "丢单：时机不对"),
        ("call", "{who} says the timing is wrong; maybe next year.", "Lost: timing"),
    ),
    "other": (
        ("note", "客户公司架构调整，项目取消。", "丢单"),
        ("note", "Their company is reorganising; the project was cancelled.", "Lost"),
    ),
}
SERVICE_NOTES = (
    ("客服记录：客户来电咨询{need}，希望尽快安排销售对接，工作日下午方便。", "待分配销售"),
    ("客服记录：官网在线咨询{need}，已登记联系方式，转销售经理分配。", "待分配"),
)
EN_SERVICE_NOTE = (
    "Service desk: web inquiry about {need}; asked for an English-speaking sales contact.",
    "Waiting for assignment",
)


ACTIVITY_COLUMNS = (
    "lead",
    "user",
    "kind",
    "occurred_at",
    "summary",
    "outcome",
    "next_date",
    "next_action",
)
SERVICE_USER = "zhou.xin"  # the service desk logs inquiries on leads still in the pool
CADENCE = {"A": 7, "B": 14, "C": 30}  # follow-up cadence by grade (SPEC §4)
UNGRADED = "C"  # an ungraded lead follows the loosest cadence
STALE_DAYS = 30
# The phases a lead at each stage went through: (always, some of).
REACH = {
    "contacted": (("first_call",), ("materials", "wechat_follow")),
    "qualified": (("first_call", "needs"), ("materials", "wechat_follow", "visit", "demo")),
    "proposal": (
        ("first_call", "needs", "proposal_sent"),
        ("materials", "wechat_follow", "visit", "demo", "proposal_review"),
    ),
    "negotiation": (
        ("first_call", "needs", "proposal_sent", "quote"),
        ("materials", "visit", "demo", "proposal_review", "negotiation", "approval_note"),
    ),
    "contract": (
        ("first_call", "needs", "proposal_sent", "quote", "contract_draft"),
        (
            "materials",
            "visit",
            "demo",
            "proposal_review",
            "negotiation",
            "approval_note",
            "contract_review",
        ),
    ),
}
REACH["won"] = (REACH["contract"][0] + ("signing",), REACH["contract"][1])
TRACK = (
    "attempt",
    "first_call",
    "materials",
    "wechat_follow",
    "needs",
    "visit",
    "demo",
    "proposal_sent",
    "proposal_review",
    "quote",
    "negotiation",
    "approval_note",
    "contract_draft",
    "contract_review",
    "signing",
)
# How many activities a lead at each stage has (before any extra check-in or note).
LOG_LENGTH = {
    "contacted": (1, 3),
    "qualified": (2, 5),
    "proposal": (3, 6),
    "negotiation": (4, 8),
    "contract": (5, 9),
    "won": (6, 10),
}
# What an open lead's rep plans next, by stage.
STAGE_NEXT = {
    "contacted": ("needs", "visit", "materials"),
    "qualified": ("demo", "proposal_sent", "visit"),
    "proposal": ("proposal_review", "quote"),
    "negotiation": ("negotiation", "approval_note", "contract_draft"),
    "contract": ("contract_review", "signing"),
}
LOST_AT = {"contacted": 3, "qualified": 3, "proposal": 2, "negotiation": 1}
EN_COMPETITORS = ("Veltora Systems", "Kaimon Software")
CN_COMPETITORS = ("岳衡信息", "云岫软件", "捷算科技", "众睿数据")
WORK_HOURS = {
    "call": (9, 17),
    "visit": (9, 16),
    "meeting": (10, 16),
    "email": (8, 18),
    "wechat": (8, 21),
    "note": (9, 19),
}
RUBRIC_BANDS = {
    "company_size": ((1, 4), (20, 8), (100, 12), (500, 16), (2000, 20)),
    "years_in_business": ((0, 1), (1, 3), (3, 5), (5, 8), (10, 10)),
    "budget": ((10_000, 4), (50_000, 8), (200_000, 12), (500_000, 16), (1_000_000, 20)),
}
RATING_POINTS = (0, 5, 10, 15, 20)


def band_points(criterion: str, value: int) -> int:
    return max((p for at_least, p in RUBRIC_BANDS[criterion] if value >= at_least), default=0)


def rubric_grade(lead: Lead, grade: list[str] | None) -> str | None:
    """The grade the default rubric gives the lead's grading row (salesflow/workflow/
    rubric.toml), so the log can be planned around its follow-up cadence."""
    if grade is None:
        return None
    _ref, budget, need_fit, likelihood, decision_maker, _value, _personality = grade
    total = (
        band_points("company_size", lead.company.employees)
        + band_points("years_in_business", ANCHOR.year - lead.company.founded)
        + band_points("budget", int(budget))
        + RATING_POINTS[int(need_fit) - 1]
        + RATING_POINTS[int(likelihood) - 1]
        + (10 if decision_maker == "yes" else 0)
    )
    return "A" if total >= 75 else "B" if total >= 50 else "C"


def honorific(lead: Lead) -> str:
    """The contact as a rep writes about them: 王总, 李经理; English names in full."""
    name, title = lead.contact, lead.title
    if lead.company.foreign:
        return name or "the customer"
    if not name:
        return "客户"
    surname = name[:2] if any(name.startswith(s) and len(s) == 2 for s, _p in SURNAMES) else name[0]
    for ending, word in (
        ("董事长助理", "助理"),
        ("董事长", "总"),
        ("总经理", "总"),
        ("总监", "总"),
        ("厂长", "厂长"),
        ("店长", "店长"),
        ("主管", "主管"),
        ("经理", "经理"),
    ):
        if title.endswith(ending):
            return surname + word
    return name


@dataclass
class Entry:
    """One activity as written to activities.csv."""

    ref: str
    user: str
    kind: str
    at: datetime
    summary: str
    outcome: str
    next_date: date | None = None
    next_action: str = ""


@dataclass
class Plan:
    """Where an open lead's log ends: the day of its last activity and its next step."""

    status: str  # overdue, due, upcoming, breach, stale, none
    last: date | None = None
    next_date: date | None = None


class ActivityLog:
    """The activities of every lead, planned so that the agenda of each rep on the anchor
    day shows every case: overdue follow-ups, some due that day, upcoming ones, leads with
    no next step, contacts older than the grade's cadence, and deals gone stale."""

    def __init__(self, leads: list[Lead], grades: list[list[str]]) -> None:
        # Its own random stream: the leads and grades above stay exactly as they were.
        self.rng = random.Random(f"{SEED}-activities")
        self.leads = leads
        by_ref = {row[0]: row for row in grades}
        self.grade = {lead.ref: rubric_grade(lead, by_ref.get(lead.ref)) for lead in leads}

    def cadence(self, lead: Lead) -> int:
        return CADENCE[self.grade[lead.ref] or UNGRADED]

    # -- planning the end of each open lead's log
    def plans(self) -> dict[str, Plan]:
        rng = self.rng
        plans: dict[str, Plan] = {}
        owners = sorted({lead.owner for lead in self.leads if lead.owner})
        for owner in owners:
            mine = [
                lead
                for lead in self.leads
                if lead.owner == owner and lead.stage not in {"won", "lost"}
            ]
            pool: list[Lead] = []
            for lead in mine:
                age = (ANCHOR - lead.created).days
                if lead.stage != "new":
                    pool.append(lead)
                elif 4 <= age <= 35 and rng.random() < 0.6:
                    pool.append(lead)  # a first call that did not get through yet
                else:
                    plans[lead.ref] = Plan("none")
            rng.shuffle(pool)
            size = len(pool)
            quotas = (
                ("stale", 3 if size >= 20 else 1),
                ("breach", 3 if size >= 20 else 1),
                ("due", 2 if size >= 20 else 1),
                ("overdue", max(2, round(size * 0.2))),
            )
            for status, count in quotas:
                for lead in [lead for lead in pool if self.fits(lead, status)][:count]:
                    plans[lead.ref] = self.plan(lead, status)
                    pool.remove(lead)
            for lead in pool:
                plans[lead.ref] = self.plan(lead, "upcoming")
        return plans

    def fits(self, lead: Lead, status: str) -> bool:
        age = (ANCHOR - lead.created).days
        cadence = self.cadence(lead)
        if status == "stale":
            return lead.stage != "new" and age >= STALE_DAYS + 12
        if status == "breach":
            return lead.stage != "new" and cadence < STALE_DAYS and age >= cadence + 4
        if status == "overdue":
            return age >= 3 and cadence >= 4
        return age >= 1

    def plan(self, lead: Lead, status: str) -> Plan:
        rng = self.rng
        age = (ANCHOR - lead.created).days
        cadence = self.cadence(lead)
        if status == "stale":
            ago = rng.randrange(STALE_DAYS + 2, min(50, age - 8) + 1)
            last = ANCHOR - timedelta(days=ago)
            if rng.random() < 0.5:
                return Plan(status, last, last + timedelta(days=rng.randrange(7, 22)))
            return Plan(status, last, ANCHOR + timedelta(days=rng.randrange(3, 26)))
        if status == "breach":
            ago = rng.randrange(cadence + 1, min(STALE_DAYS - 1, age) + 1)
            last = ANCHOR - timedelta(days=ago)
            if rng.random() < 0.6:
                return Plan(status, last, last + timedelta(days=rng.randrange(3, cadence + 1)))
            return Plan(status, last, ANCHOR + timedelta(days=rng.randrange(2, 15)))
        if status == "overdue":
            late = min(rng.choice((1, 1, 2, 2, 3, 4, 5, 6, 8, 11, 15, 19)), cadence - 2, age - 1)
            ago = rng.randrange(late + 1, min(cadence - 1, age) + 1)
            last = ANCHOR - timedelta(days=ago)
            return Plan(status, last, ANCHOR - timedelta(days=late))
        ago = rng.randrange(1, min(cadence - 1, age, 10) + 1)
        last = ANCHOR - timedelta(days=ago)
        if status == "due":
            return Plan(status, last, ANCHOR)
        ahead = rng.randrange(1, max(1, min(21, cadence - ago)) + 1)
        return Plan(status, last, ANCHOR + timedelta(days=ahead))

    # -- the activities
    def entries(self) -> list[Entry]:
        plans = self.plans()
        entries: list[Entry] = []
        for lead in self.leads:
            if not lead.owner:
                entries.extend(self.service_note(lead))
            elif lead.stage in {"won", "lost"}:
                assert lead.closed is not None
                # Not on the anchor day itself: loaded in the morning, it would be the future.
                last = max(lead.created, min(lead.closed, ANCHOR - timedelta(days=1)))
                entries.extend(self.log(lead, self.phases(lead), last, None, ""))
            else:
                plan = plans[lead.ref]
                if plan.status == "none":
                    continue
                assert plan.last is not None
                phases = self.phases(lead)
                if plan.status == "stale" and plan.next_date and plan.next_date > ANCHOR:
                    phases.append("paused")
                following = (
                    "attempt"
                    if lead.stage == "new"
                    else "paused"
                    if phases[-1] == "paused"
                    else self.rng.choice([p for p in STAGE_NEXT[lead.stage] if p != phases[-1]])
                )
                entries.extend(self.log(lead, phases, plan.last, plan.next_date, following))
        entries.sort(key=lambda entry: (entry.at, entry.ref))
        return entries

    def phases(self, lead: Lead) -> list[str]:
        """The phases the lead's log goes through, in order."""
        rng = self.rng
        if lead.stage == "new":
            return ["attempt"]
        if lead.stage == "lost":
            reached = weighted(rng, LOST_AT)
            always, some = REACH[reached]
            low, high = len(always), len(always) + 2
            final = ["lost"]
        else:
            always, some = REACH[lead.stage]
            low, high = LOG_LENGTH[lead.stage]
            final = []
        count = max(len(always), rng.randrange(low, high + 1))
        chosen = set(always) | set(rng.sample(some, min(len(some), count - len(always))))
        phases = [p for p in TRACK if p in chosen]
        # Now and then a WeChat check-in or an internal note in between.
        for extra in ("checkin", "note"):
            if len(phases) >= 3 and rng.random() < 0.35:
                phases.insert(rng.randrange(1, len(phases)), extra)
        return phases + final

    def days(self, lead: Lead, count: int, last: date) -> list[date]:
        """``count`` days from the lead's creation up to ``last`` (the last of them)."""
        rng = self.rng
        span = (last - lead.created).days
        if count == 1:
            return [last]
        first = lead.created + timedelta(days=rng.randrange(0, min(2, span) + 1))
        between = max(0, (last - first).days - 1)
        pool = [first + timedelta(days=n) for n in range(1, between + 1)]
        weekdays = [d for d in pool if d.weekday() < 5]
        source = weekdays if len(weekdays) >= count - 2 else pool
        if len(source) >= count - 2:
            middle = sorted(rng.sample(source, count - 2))
        else:  # a short window: several contacts on the same day
            middle = sorted(rng.choice(source or [first]) for _ in range(count - 2))
        return [first, *middle, last]

    def moment(self, day: date, kind: str, after: datetime | None) -> datetime:
        rng = self.rng
        low, high = WORK_HOURS[kind]
        start = datetime.combine(day, time(low))
        if after is not None and after.date() == day:
            start = max(start, after + timedelta(minutes=20))
        latest = datetime.combine(day, time(high, 45))
        if start >= latest:
            latest = min(start + timedelta(minutes=90), datetime.combine(day, time(23, 55)))
        minutes = rng.randrange(0, int((latest - start).total_seconds() // 60) + 1)
        moment = start + timedelta(minutes=minutes)
        return moment.replace(minute=moment.minute // 5 * 5) if moment > start else start

    def fields(self, lead: Lead) -> dict[str, str]:
        rng = self.rng
        english = lead.company.foreign
        amount = lead.amount
        if english:
            money = f"RMB {amount:,}" if amount else "the agreed budget"
            need = lead.need or "the project"
            if need[1:2].islower():  # "ERP upgrade" keeps its capitals mid-sentence
                need = need[0].lower() + need[1:]
            competitor = lead.competitor if lead.competitor.isascii() else ""
            competitor = competitor or rng.choice(EN_COMPETITORS)
        else:
            money = (
                (f"{amount / 10_000:g}万元" if amount >= 10_000 else f"{amount}元")
                if amount
                else "待定"
            )
            need = lead.need or "项目需求"
            competitor = lead.competitor or rng.choice(CN_COMPETITORS)
        return {
            "who": honorific(lead),
            "need": need,
            "amount": money,
            "pct": str(rng.choice((8, 10, 12, 15))),
            "competitor": competitor,
        }

    def text(self, lead: Lead, phase: str, values: dict[str, str]) -> Written:
        """(kind, summary, outcome) of one activity."""
        english = lead.company.foreign
        if phase == "lost":
            code = lead.lost_reason
            code = next((c for c, label in LOST_REASON_LABELS.items() if label == code), code)
            chosen = LOST_FINAL[code][1 if english else 0]
        else:
            spec = PHASES[phase]
            chosen = self.rng.choice(spec.en if english else spec.cn)
        kind, summary, outcome = chosen
        return kind, summary.format(**values), outcome.format(**values)

    def next_text(self, lead: Lead, phase: str, values: dict[str, str]) -> str:
        spec = PHASES[phase]
        return self.rng.choice(spec.en_plans if lead.company.foreign else spec.cn_plans).format(
            **values
        )

    def log(
        self, lead: Lead, phases: list[str], last: date, next_date: date | None, following: str
    ) -> list[Entry]:
        """The lead's activities: ``phases`` ending on ``last``; the last one sets
        ``next_date`` and the step ``following`` (none on a closed lead)."""
        rng = self.rng
        values = self.fields(lead)
        days = self.days(lead, len(phases), last)
        cadence = self.cadence(lead)
        entries: list[Entry] = []
        previous: datetime | None = None
        for phase, day in zip(phases, days, strict=True):
            kind, summary, outcome = self.text(lead, phase, values)
            previous = self.moment(day, kind, previous)
            entries.append(Entry(lead.ref, lead.owner, kind, previous, summary, outcome))
        # Each activity planned the next one: what it would be and its day (the day it
        # happened, or a day or two before).
        for entry, after, phase in zip(entries, entries[1:], phases[1:], strict=False):
            slip = rng.choice((0, 0, 0, 1, 2))
            planned = max(entry.at.date(), after.at.date() - timedelta(days=slip))
            # Nobody plans a month ahead: a long gap is a follow-up that came late.
            soon = entry.at.date() + timedelta(days=rng.randrange(2, min(cadence, 14) + 1))
            planned = min(planned, soon)
            step = "checkin" if phase in {"lost", "note"} else phase
            entry.next_date = planned
            entry.next_action = self.next_text(lead, step, values)
        if next_date is not None:
            entries[-1].next_date = next_date
            entries[-1].next_action = self.next_text(lead, following, values)
        return entries

    def service_note(self, lead: Lead) -> list[Entry]:
        """An inquiry the service desk logged on a lead still waiting for a rep."""
        rng = self.rng
        fresh = lead.created >= ANCHOR - timedelta(days=1)
        if lead.created >= ANCHOR or (fresh and rng.random() > 0.3):
            return []  # waiting a day or more: the service desk noted the inquiry
        values = self.fields(lead)
        summary, outcome = EN_SERVICE_NOTE if lead.company.foreign else rng.choice(SERVICE_NOTES)
        at = self.moment(lead.created, "note", None)
        return [Entry(lead.ref, SERVICE_USER, "note", at, summary.format(**values), outcome)]


def activity_row(entry: Entry) -> list[str]:
    return [
        entry.ref,
        entry.user,
        entry.kind,
        entry.at.strftime("%Y-%m-%d %H:%M"),
        entry.summary,
        entry.outcome,
        entry.next_date.isoformat() if entry.next_date else "",
        entry.next_action,
    ]


MANIFEST = f"""\
# The sample data set that `salesflow init --sample` loads: users.csv (the sample team),
# leads.csv (through the lead importer), grades.csv (grading inputs by external_ref),
# activities.csv (the activity log by lead external_ref; times are local time) and
# products.csv (the price list, through the product importer; prices in yuan).
# Generated by scripts/make_sample_data.py; edit the generator, not the CSV files.
#
# Every date in the files lies in the 180 days up to the anchor date, apart from planned
# next steps (activities.csv next_date), which may lie up to a month after it. The loader
# shifts every date so that the anchor becomes today, so the sample always looks current.
anchor_date = "{ANCHOR.isoformat()}"
"""


# The price list: what the sample leads ask for (ERP, CRM, e-mail migration, backup and
# disaster recovery, MLPS level 2, servers, networks, IT support), 13% VAT on goods and
# software, 6% on services; one discontinued item (inactive).
PRODUCT_COLUMNS = ("sku", "name", "unit", "price", "tax_rate", "category", "active")
PRODUCTS = (
    ("ERP-STD", "企业ERP标准版", "套", "128000", "13%", "software", "yes"),
    ("ERP-UPG", "ERP系统升级包", "套", "45000", "13%", "software", "yes"),
    ("ERP-USER", "ERP用户许可", "user/year", "1800", "13%", "software", "yes"),
    ("CRM-CLOUD", "CRM Cloud (China sales team)", "user/year", "1200", "13%", "software", "yes"),
    ("MAIL-ENT", "企业邮箱", "账号/年", "150", "6%", "cloud", "yes"),
    ("MAIL-MIG", "企业邮箱迁移服务", "次", "8000", "6%", "service", "yes"),
    ("BAK-APPL", "数据备份一体机 (20TB)", "台", "68000", "13%", "hardware", "yes"),
    ("DR-PLAN", "数据备份与容灾方案设计", "项", "30000", "6%", "service", "yes"),
    ("SEC-MLPS2", "网络安全等保二级整改咨询", "项", "58000", "6%", "service", "yes"),
    (
        "SEC-ASSESS",
        "Cybersecurity assessment (MLPS level 2)",
        "项",
        "35000",
        "6%",
        "service",
        "yes",
    ),
    ("FW-NGFW", "下一代防火墙", "台", "26800", "13%", "hardware", "yes"),
    ("SRV-R740", "机架式服务器 2U", "台", "42000", "13%", "hardware", "yes"),
    ("CLOUD-ECS", "云服务器 8核32G", "台/年", "9600", "6%", "cloud", "yes"),
    ("NET-AP", "Wi-Fi 6 wireless access point", "个", "1650", "13%", "hardware", "yes"),
    ("NET-SW48", "48口千兆交换机", "台", "5200", "13%", "hardware", "yes"),
    ("PC-OFFICE", "办公台式电脑", "台", "4999", "13%", "hardware", "yes"),
    ("VC-ROOM", "视频会议终端", "套", "18500", "13%", "hardware", "yes"),
    ("IMPL-DAY", "Implementation service", "人天", "2400", "6%", "service", "yes"),
    ("MAINT-YEAR", "年度运维服务", "年", "36000", "6%", "service", "yes"),
    ("TRAIN-DAY", "On-site training", "天", "3000", "6%", "service", "yes"),
    ("OA-V5", "OA审批系统 V5 (停售)", "套", "38000", "13%", "software", "no"),
)


def write_csv(path: Path, header: tuple[str, ...], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    default = Path(__file__).resolve().parent.parent / "sample_data"
    parser.add_argument("--out", type=Path, default=default, help="folder to write into")
    args = parser.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    generator = Generator()
    leads = generator.leads()
    grades = generator.grades(leads)
    write_csv(out / "leads.csv", LEAD_COLUMNS, [lead_row(lead) for lead in leads])
    write_csv(out / "grades.csv", GRADE_COLUMNS, grades)
    entries = ActivityLog(leads, grades).entries()
    write_csv(out / "activities.csv", ACTIVITY_COLUMNS, [activity_row(e) for e in entries])
    write_csv(out / "products.csv", PRODUCT_COLUMNS, [list(p) for p in PRODUCTS])
    (out / "manifest.toml").write_text(MANIFEST, encoding="utf-8", newline="\n")
    print(
        f"Wrote {len(leads)} leads, {len(grades)} gradings and {len(entries)} activities to {out}."
    )


if __name__ == "__main__":
    main()
