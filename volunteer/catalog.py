"""Fixed lists the forms offer, with translatable labels."""
from flask_babel import lazy_gettext as _l

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

