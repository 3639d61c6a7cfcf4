"""Closed vocabularies of the UK cross-government metadata exchange model.

Themes and licences are open-ended lists kept in tables (seeded by data migrations, extended
through the admin); the enumerations below are fixed by the standard, so business rules can
name their members.
"""

from django.db import models

OGL_V3 = "http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
DATA_SHARE_AGREEMENT = "DATA_SHARE_AGREEMENT"


class DatasetType(models.TextChoices):
    DATASET = "Dataset", "Dataset"
    DATA_SERVICE = "DataService", "Data service"


class AccessRights(models.TextChoices):
    OPEN = "OPEN", "Open"
    INTERNAL = "INTERNAL", "Internal"
    COMMERCIAL = "COMMERCIAL", "Commercial"
    RESTRICTED = "RESTRICTED", "Restricted"


class SecurityClassification(models.TextChoices):
    OFFICIAL = "OFFICIAL", "Official"
    SECRET = "SECRET", "Secret"
    TOP_SECRET = "TOP_SECRET", "Top secret"
    NOT_APPLICABLE = "NOT_APPLICABLE", "Not applicable"


class HandlingCaveat(models.TextChoices):
    NONE = "", "None"
    OFFICIAL_SENSITIVE = "OFFICIAL-SENSITIVE", "OFFICIAL-SENSITIVE"
    PERSONAL = "PERSONAL", "OFFICIAL-SENSITIVE PERSONAL"
    COMMERCIAL = "COMMERCIAL", "OFFICIAL-SENSITIVE COMMERCIAL"
    LOCSEN = "LOCSEN", "OFFICIAL-SENSITIVE LOCSEN"


class PersonalData(models.TextChoices):
    NONE = "NONE", "No personal data"
    PERSONAL = "PERSONAL", "Personal data"
    SPECIAL_CATEGORY = "SPECIAL_CATEGORY", "Special category personal data"


class UpdateFrequency(models.TextChoices):
    """Dublin Core collection frequency terms (http://purl.org/cld/freq/)."""

    NONE = "", "Not stated"
    TRIENNIAL = "triennial", "Every three years"
    BIENNIAL = "biennial", "Every two years"
    ANNUAL = "annual", "Annually"
    SEMIANNUAL = "semiannual", "Twice a year"
    THREE_TIMES_A_YEAR = "threeTimesAYear", "Three times a year"
    QUARTERLY = "quarterly", "Quarterly"
    BIMONTHLY = "bimonthly", "Every two months"
    MONTHLY = "monthly", "Monthly"
    SEMIMONTHLY = "semimonthly", "Twice a month"
    BIWEEKLY = "biweekly", "Every two weeks"
    THREE_TIMES_A_MONTH = "threeTimesAMonth", "Three times a month"
    WEEKLY = "weekly", "Weekly"
    SEMIWEEKLY = "semiweekly", "Twice a week"
    THREE_TIMES_A_WEEK = "threeTimesAWeek", "Three times a week"
    DAILY = "daily", "Daily"
    CONTINUOUS = "continuous", "Continuously updated"
    IRREGULAR = "irregular", "Irregularly"


class MetadataVisibility(models.TextChoices):
    PUBLIC = "PUBLIC", "Anyone"
    GOVERNMENT = "GOVERNMENT", "Signed-in government users"
    ORGANISATION = "ORGANISATION", "The organisation and people granted access"


class DatasetStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ServiceStatus(models.TextChoices):
    NONE = "", "Not stated"
    DISCOVERY = "DISCOVERY", "Discovery"
    ALPHA = "ALPHA", "Alpha"
    BETA = "BETA", "Beta"
    PRIVATE_BETA = "PRIVATE_BETA", "Private beta"
    PUBLIC_BETA = "PUBLIC_BETA", "Public beta"
    LIVE = "LIVE", "Live"
    DEPRECATED = "DEPRECATED", "Deprecated"
    WITHDRAWN = "WITHDRAWN", "Withdrawn"


class ServiceType(models.TextChoices):
    NONE = "", "Not stated"
    REST = "REST", "REST"
    SOAP = "SOAP", "SOAP"
    EVENT = "EVENT", "Event"
    RPC = "RPC", "RPC"
    GRAPHQL = "GRAPHQL", "GraphQL"


class OrganisationType(models.TextChoices):
    MINISTERIAL_DEPARTMENT = "ministerial_department", "Ministerial department"
    NON_MINISTERIAL_DEPARTMENT = "non_ministerial_department", "Non-ministerial department"
    EXECUTIVE_AGENCY = "executive_agency", "Executive agency"
    PUBLIC_BODY = "public_body", "Non-departmental public body"
    PUBLIC_CORPORATION = "public_corporation", "Public corporation"
    DEVOLVED_ADMINISTRATION = "devolved_administration", "Devolved administration"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    OTHER = "other", "Other"


class Role(models.TextChoices):
    MEMBER = "member", "Member"
    PUBLISHER = "publisher", "Publisher"
    GOVERNANCE_OFFICER = "governance_officer", "Governance officer"
    ADMIN = "admin", "Organisation admin"
