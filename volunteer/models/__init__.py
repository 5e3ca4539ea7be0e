"""Typed SQLAlchemy 2 models, one module per part of the domain."""
from .base import UTCDateTime, enum_column, utcnow
from .callouts import CallOut, CallOutRecipient
from .certificates import Certificate, certificate_organisations
from .erasures import Erasure
from .handovers import Handover
from .leads import SiteLead, SiteNote
from .outbox import MessageStatus, OutboxMessage
from .people import (AuditEvent, DeviceSession, LoginToken, Organisation, Role, Status, TokenPurpose, User,
                     UserLanguage, UserSkill, coordinator_organisations, preferred_organisations)
from .shifts import (Booking, BookingStatus, Shift, ShiftLanguage, Site, TargetGroup, Task, shift_target_groups,
                     site_target_groups, task_target_groups)
from .trainings import (Enrolment, EnrolmentStatus, PersonQualification, Qualification, Training,
                        TrainingSession)
from .vetting import Interview, RecordCheck, RecordKind, StatusChange

__all__ = [
    "AuditEvent", "Booking", "BookingStatus", "CallOut", "CallOutRecipient", "Certificate", "certificate_organisations", "DeviceSession",
    "Enrolment", "EnrolmentStatus", "Erasure", "Handover", "Interview", "LoginToken", "MessageStatus", "Organisation",
    "OutboxMessage", "PersonQualification",
    "Qualification", "RecordCheck", "RecordKind", "Role", "Shift", "ShiftLanguage", "Site", "SiteLead", "SiteNote", "Status",
    "StatusChange", "TargetGroup", "Task", "TokenPurpose", "Training", "TrainingSession", "User", "UserLanguage", "UserSkill",
    "UTCDateTime", "coordinator_organisations", "enum_column", "preferred_organisations", "shift_target_groups",
    "site_target_groups", "task_target_groups", "utcnow",
]
