"""Fixed lists the forms offer, with translatable labels."""
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

STATUS_LABELS = {
    "applied": _l("E-mail not confirmed yet"),
    "confirmed": _l("Waiting for an interview"),
    "approved": _l("Approved volunteer"),
    "rejected": _l("Not approved"),
    "inactive": _l("Inactive"),
}

OTHER_LANGUAGE = "other"


RECORD_KINDS = {
    "children_other": _l("Work with children outside school and childcare"),
    "school_childcare": _l("Work in school or childcare"),
    "hvb_home": _l("Work at a residential home for children (HVB)"),
    "lss": _l("Work with children with disabilities (LSS)"),
    "own_record": _l("Own record (full extract)"),
}

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


def status_label(status) -> str:
    return STATUS_LABELS[getattr(status, "value", status)]


def record_kind_label(kind) -> str:
    return RECORD_KINDS[getattr(kind, "value", kind)]
