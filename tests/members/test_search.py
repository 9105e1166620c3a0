"""Pinyin: derived names, sorting, and the search box (Chinese, full pinyin, initials, employer, sector)."""

import pytest

from members.models import Member
from members.pinyin import name_pinyin, normalize_query
from members.selectors import MemberFilters, member_list, member_search
from members.services import member_update

from .factories import MemberFactory, staff_actor


@pytest.mark.parametrize(("name", "pinyin", "initials"), [
    ("张三", "zhang san", "zs"),
    ("曾国强", "zeng guo qiang", "zgq"),  # surname reading, not ceng
    ("单雪梅", "shan xue mei", "sxm"),
    ("欧阳娜娜", "ou yang na na", "oynn"),
    ("吕布", "lv bu", "lb"),
])
def test_name_pinyin(name, pinyin, initials):
    assert name_pinyin(name) == (pinyin, initials)


def test_query_normalisation():
    assert normalize_query(" Zhang San ") == "zhangsan"
    assert normalize_query("张 三") == "张 三"


@pytest.fixture
def people(db):
    return {
        "zs": MemberFactory(name="张三", employer="中原区实验中学"),
        "zsf": MemberFactory(name="张少峰", employer="郑州数创软件有限公司"),
        "ls": MemberFactory(name="李四", sector_name="医药卫生界", employer="中原区人民医院"),
        "lm": MemberFactory(name="李明", employer="河南绿城商贸有限公司"),
        "lv": MemberFactory(name="吕方", employer=""),
        "zg": MemberFactory(name="曾国强", employer=""),
    }


def names(qs) -> list[str]:
    return [m.name for m in qs]


@pytest.mark.django_db
@pytest.mark.parametrize(("query", "expected"), [
    ("zs", {"张三", "张少峰"}),  # initials (张少峰 is zsf: initials match as you type)
    ("ZS", {"张三", "张少峰"}),
    ("zsf", {"张少峰"}),
    ("zhangsan", {"张三"}),  # full pinyin
    ("zhang san", {"张三"}),
    ("zhang", {"张三", "张少峰"}),
    ("张", {"张三", "张少峰"}),  # Chinese
    ("张三", {"张三"}),
    ("zeng", {"曾国强"}),
    ("lufang", {"吕方"}),  # ü typed as u
    ("lvfang", {"吕方"}),
    ("实验中学", {"张三"}),  # employer
    ("医药卫生", {"李四"}),  # sector
    ("xyz", set()),
])
def test_search_box(people, query, expected):
    assert set(names(member_search(Member.objects.all(), query))) == expected


@pytest.mark.django_db
def test_list_sorted_by_pinyin(people, officer):
    listed = names(member_list(user=officer, filters=MemberFilters()))
    assert listed == ["李明", "李四", "吕方", "曾国强", "张三", "张少峰"]


@pytest.mark.django_db
def test_renaming_recomputes_pinyin(people):
    member = member_update(member=people["zs"], name="王五", actor=staff_actor())
    assert (member.name_pinyin, member.name_initials) == ("wang wu", "ww")
    assert names(member_search(Member.objects.all(), "ww")) == ["王五"]
    assert names(member_search(Member.objects.all(), "zs")) == ["张少峰"]


@pytest.mark.django_db
def test_employer_change_updates_search(people):
    member_update(member=people["lm"], employer="中原区融媒体中心", actor=staff_actor())
    assert names(member_search(Member.objects.all(), "融媒体")) == ["李明"]
