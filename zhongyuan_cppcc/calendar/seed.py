"""Seed the calendar table from the chinese-calendar package for every year it knows."""

from datetime import date, timedelta

from django.db import transaction


def seed_from_chinese_calendar(special_day_model, calendar_year_model) -> int:
    import chinese_calendar

    first = min(chinese_calendar.holidays)
    last = max(max(chinese_calendar.holidays), max(chinese_calendar.workdays))
    years = range(first.year, last.year + 1)
    rows = []
    day = date(first.year, 1, 1)
    end = date(last.year, 12, 31)
    while day <= end:
        weekday = day.weekday() < 5
        if weekday and day in chinese_calendar.holidays:
            name = chinese_calendar.holidays[day]
            rows.append(special_day_model(date=day, kind="holiday", name=_holiday_label(name)))
        elif not weekday and day in chinese_calendar.workdays:
            name = chinese_calendar.workdays[day]
            rows.append(special_day_model(date=day, kind="workday", name=_holiday_label(name)))
        day += timedelta(days=1)
    with transaction.atomic():
        existing = set(special_day_model.objects.values_list("date", flat=True))
        special_day_model.objects.bulk_create([r for r in rows if r.date not in existing])
        for year in years:
            calendar_year_model.objects.get_or_create(year=year, defaults={"source": "chinese-calendar"})
    return len(rows)


_LABELS = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def _holiday_label(name) -> str:
    if name is None:
        return ""
    text = getattr(name, "value", None) or str(name)
    if isinstance(text, tuple):
        text = text[0]
    return _LABELS.get(text, str(text))[:50]
