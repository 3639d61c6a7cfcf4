"""The request journey's questions, one per page, grouped into the CDDO share-request sections.

Which questions apply and which are required come from the rules engine's effective policy;
this module only describes how each question is asked.
"""

from dataclasses import dataclass

from django import forms

from catalogue.vocabularies import PersonalData
from governance.models import AccessRequest
from governance.rules import REQUEST_FIELDS, EffectivePolicy
from governance.vocabularies import (
    ControllerRole,
    LawfulBasis,
    PublicBenefit,
    SpecialCategoryCondition,
)

YES_NO = [("yes", "Yes"), ("no", "No")]


@dataclass(frozen=True)
class Question:
    name: str
    section: str
    label: str
    hint: str = ""
    kind: str = "textarea"  # textarea | text | radios | yesno | date
    choices: tuple = ()
    max_length: int | None = None


SECTIONS = [
    ("purpose", "Purpose of the data share"),
    ("legal", "Legal power and gateway"),
    ("protection", "Data protection"),
    ("governance", "Data governance, security and technology"),
]

QUESTIONS = [
    Question("purpose", "purpose", "What is the purpose of the data share?",
             "Say what you will do with the data and why. Accepted requests list this purpose "
             "in the public transparency register."),
    Question("data_required", "purpose", "What data do you need?",
             "Name the tables, fields or time periods. Ask only for what the purpose needs."),
    Question("public_benefit", "purpose", "What is the public benefit?", kind="radios",
             choices=tuple(PublicBenefit.choices)),
    Question("end_date", "purpose", "Until when do you need access?",
             "For example, 31 3 2027. Access ends at the end of that day.", kind="date"),
    Question("legal_power", "legal", "What legal power lets your organisation use this data?",
             "For example, the statute or function that gives you the power."),
    Question("legal_gateway", "legal", "What is the legal gateway for the share?",
             "For example, Digital Economy Act 2017 Part 5, or a data sharing agreement."),
    Question("lawful_basis", "protection", "What is your lawful basis under UK GDPR Article 6?",
             kind="radios", choices=tuple(LawfulBasis.choices)),
    Question("special_category_condition", "protection",
             "Which UK GDPR Article 9 condition applies?", kind="radios",
             choices=tuple(SpecialCategoryCondition.choices)),
    Question("data_leaves_uk", "protection", "Will the data leave the UK?", kind="yesno"),
    Question("data_destination", "protection", "Which countries will the data go to?",
             kind="text", max_length=500),
    Question("controller_role", "protection",
             "What will your organisation's role be under UK GDPR?", kind="radios",
             choices=tuple(ControllerRole.choices)),
    Question("dpia_reference", "protection",
             "What is the reference of your data protection impact assessment?", kind="text",
             max_length=200),
    Question("delivery", "governance", "How should the data be delivered?",
             "For example, secure file transfer, an API, or a trusted research environment."),
    Question("format", "governance", "What format do you need?", "For example, CSV or Parquet.",
             kind="text", max_length=200),
    Question("retention", "governance", "How long will you keep the data?"),
    Question("disposal", "governance", "How will you dispose of the data?"),
    Question("data_sharing_agreement_reference", "governance",
             "What is the reference of the data sharing agreement?", kind="text", max_length=200),
]  # fmt: skip
BY_NAME = {q.name: q for q in QUESTIONS}
SHORT_NAMES = {
    **REQUEST_FIELDS,
    "data_destination": "the countries the data will go to",
    "dpia_reference": "the reference of your data protection impact assessment",
    "data_sharing_agreement_reference": "the reference of the data sharing agreement",
}


def applicable_questions(policy: EffectivePolicy, access_request: AccessRequest) -> list[Question]:
    """The questions this request asks, given its policy and the answers so far."""
    skip = set()
    if policy.personal_data != PersonalData.SPECIAL_CATEGORY:
        skip.add("special_category_condition")
    if not access_request.data_leaves_uk:
        skip.add("data_destination")
    if not policy.dpia_required:
        skip.add("dpia_reference")
    if not policy.data_sharing_agreement_required:
        skip.add("data_sharing_agreement_reference")
    return [q for q in QUESTIONS if q.name not in skip]


def is_required(policy: EffectivePolicy, question: Question) -> bool:
    conditional = {"data_destination", "dpia_reference", "data_sharing_agreement_reference"}
    return question.name in policy.required_fields or question.name in conditional


def answered(access_request: AccessRequest, question: Question) -> bool:
    value = getattr(access_request, question.name)
    return value is not None and value != ""


def display_value(access_request: AccessRequest, question: Question) -> str:
    value = getattr(access_request, question.name)
    if value is None or value == "":
        return ""
    if question.kind == "yesno":
        return "Yes" if value else "No"
    if question.kind == "date":
        return f"{value:%-d %B %Y}"
    if question.choices:
        return dict(question.choices).get(value, value)
    return str(value)


def question_form(question: Question, *, required: bool, data=None, initial=None) -> forms.Form:
    """A form with the one field this page asks."""
    verb = "Select" if question.choices or question.kind == "yesno" else "Enter"
    message = {"required": f"{verb} {SHORT_NAMES[question.name]}."}
    if question.kind == "date":
        return DateQuestionForm(data=data, initial=initial, required=required)
    if question.kind == "radios":
        field = forms.ChoiceField(
            choices=question.choices, required=required, error_messages=message
        )
    elif question.kind == "yesno":
        field = forms.ChoiceField(choices=YES_NO, required=required, error_messages=message)
    else:
        field = forms.CharField(
            required=required,
            max_length=question.max_length or 5000,
            strip=True,
            error_messages=message,
        )
    form = forms.Form(data=data, initial=initial)
    form.fields["answer"] = field
    return form


class DateQuestionForm(forms.Form):
    """The GOV.UK date input: day, month and year boxes, one error for the date."""

    day = forms.IntegerField(required=False, min_value=1, max_value=31)
    month = forms.IntegerField(required=False, min_value=1, max_value=12)
    year = forms.IntegerField(required=False, min_value=2000, max_value=2200)

    def __init__(self, *args, required: bool, **kwargs):
        self.required = required
        super().__init__(*args, **kwargs)

    def clean(self):
        import datetime as dt

        data = super().clean()
        parts = [data.get("day"), data.get("month"), data.get("year")]
        if self.errors:
            raise forms.ValidationError("Enter a real date, for example 31 3 2027.")
        if not any(parts):
            if self.required:
                raise forms.ValidationError("Enter the date you need access until.")
            data["answer"] = None
            return data
        if not all(parts):
            raise forms.ValidationError("The date must include a day, month and year.")
        try:
            data["answer"] = dt.date(parts[2], parts[1], parts[0])
        except ValueError:
            raise forms.ValidationError("Enter a real date, for example 31 3 2027.") from None
        return data


def to_model_value(question: Question, cleaned) -> object:
    if question.kind == "yesno":
        return {"yes": True, "no": False}.get(cleaned)
    if question.kind == "date":
        return cleaned
    return cleaned or ""


def initial_for(question: Question, access_request: AccessRequest) -> dict:
    value = getattr(access_request, question.name)
    if question.kind == "yesno":
        return {"answer": {True: "yes", False: "no"}.get(value)}
    if question.kind == "date":
        return {"day": value.day, "month": value.month, "year": value.year} if value else {}
    return {"answer": value}
