"""Reference data every installation has: the ten parties, the sectors, the special committees and
the 14 streets of Zhongyuan District."""

from django.db import migrations

PARTIES = [
    ("中国共产党", "中共"), ("中国国民党革命委员会", "民革"), ("中国民主同盟", "民盟"),
    ("中国民主建国会", "民建"), ("中国民主促进会", "民进"), ("中国农工民主党", "农工党"),
    ("中国致公党", "致公党"), ("九三学社", "九三学社"), ("台湾民主自治同盟", "台盟"), ("无党派人士", "无党派"),
]
SECTORS = [
    "中国共产党", "民主党派", "无党派人士", "共青团", "工会", "妇联", "工商联", "科技界", "教育界",
    "文化艺术界", "医药卫生界", "体育界", "新闻出版界", "经济界", "农业界", "社会福利和社会保障界",
    "民族宗教界", "新的社会阶层人士", "特邀人士",
]
SPECIAL_COMMITTEES = [
    "提案委员会", "经济委员会", "社会和法制委员会", "科教文卫体委员会", "人口资源环境委员会",
    "文史和学习委员会", "民族宗教和港澳台侨委员会",
]
STREETS = [
    "林山寨街道", "建设路街道", "棉纺路街道", "秦岭路街道", "桐柏路街道", "三官庙街道", "绿东村街道",
    "汝河路街道", "中原西路街道", "须水街道", "西流湖街道", "航海西路街道", "莲湖街道", "月湖街道",
]


def load(apps, schema_editor):
    Party = apps.get_model("members", "Party")
    Sector = apps.get_model("members", "Sector")
    SpecialCommittee = apps.get_model("members", "SpecialCommittee")
    Street = apps.get_model("members", "Street")
    for order, (name, short) in enumerate(PARTIES, start=1):
        Party.objects.get_or_create(name=name, defaults={"short_name": short, "order": order})
    for order, name in enumerate(SECTORS, start=1):
        Sector.objects.get_or_create(name=name, defaults={"order": order})
    for order, name in enumerate(SPECIAL_COMMITTEES, start=1):
        SpecialCommittee.objects.get_or_create(name=name, defaults={"order": order})
    for order, name in enumerate(STREETS, start=1):
        Street.objects.get_or_create(name=name, defaults={"order": order})


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
