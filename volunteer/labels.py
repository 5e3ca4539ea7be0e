"""Fixed lists the forms offer, with translatable labels (the enums carry their own: `Status.APPROVED.label`)."""
from .i18n.catalog import lazy_gettext as _l

SKILLS = {
    "teaching": _l("Teaching or homework help"),
    "health_care": _l("Health care"),
    "child_care": _l("Child care or youth work"),
    "driving_licence": _l("Driving licence (B)"),
    "interpreting": _l("Interpreting or translation"),
    "sports_leisure": _l("Sports and leisure activities"),
    "cooking": _l("Cooking"),
    "crafts_music": _l("Crafts, art or music"),
    "it_support": _l("Computers and phones"),
    "legal_admin": _l("Help with authorities and paperwork"),
}

AVAILABILITY = {
    "weekdays": _l("Weekdays (daytime)"),
    "evenings": _l("Evenings"),
    "weekends": _l("Weekends"),
}

OTHER_LANGUAGE = "other"

ORGANISATION_KINDS = {
    "municipality": _l("Municipality"),
    "frg": _l("Volunteer resource group (FRG)"),
    "red_cross": _l("Red Cross"),
    "study_association": _l("Study association"),
    "civil_defence": _l("Civil defence association"),
    "other": _l("Other"),
}


def skill_label(code: str):
    return SKILLS.get(code, code)


def availability_labels(person) -> list:
    return [label for key, label in AVAILABILITY.items() if getattr(person, f"available_{key}")]
