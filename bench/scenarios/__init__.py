"""Scenario modules, measured in this order. Each has seed(ctx) and measure(ctx)."""

SCENARIOS = [
    "foundation",
    "members",
    "proposals",
    "reminders",
    "opinions",
    "consultations",
    "search",
    "dashboard",
]
