"""Forms for proposal pages. They only shape input; the rules live in ``services.py``.

The proposal form is built for one project: one answer field per screening question, and for
fixed-price projects three option rows (basic, standard, premium) and ``MILESTONE_ROWS``
milestone rows; rows left empty are ignored.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from jiedan.projects.models import BudgetType, Project

from .models import (
    ANSWER_MAX_LENGTH,
    COVER_LETTER_MAX_LENGTH,
    MAX_ATTACHMENTS,
    MAX_DELIVERY_DAYS,
    DeclineReason,
    Proposal,
    Tier,
)
from .selectors import INBOX_SORTS, InboxFilters, InboxView
from .services import MilestoneDetails, OptionDetails, ProposalDetails

MILESTONE_ROWS = 5


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by content in the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,.pdf,.zip"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in files if item]


def _days_field(label):
    return forms.IntegerField(label=label, min_value=1, max_value=MAX_DELIVERY_DAYS)


class ProposalForm(forms.Form):
    cover_letter = forms.CharField(
        label=_("Cover letter"),
        max_length=COVER_LETTER_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Why you, how you would do it, and what the client gets."),
    )
    amount = forms.DecimalField(label=_("Your price"), min_value=0, decimal_places=2)
    delivery_days = _days_field(_("Delivery time (days)"))

    def __init__(self, *args, project: Project, with_files: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        if project.budget_type == BudgetType.HOURLY:
            self.fields["amount"].label = _("Your hourly rate")
        for index, question in enumerate(project.screening_questions):
            self.fields[f"answer_{index}"] = forms.CharField(
                label=question, max_length=ANSWER_MAX_LENGTH, widget=forms.Textarea({"rows": 3})
            )
        if project.budget_type == BudgetType.FIXED:
            self._add_rows()
        if with_files:
            self.fields["attachments"] = MultipleFileField(
                label=_("Attachments"),
                required=False,
                help_text=_("Up to %(count)s images, PDF or ZIP files.")
                % {"count": MAX_ATTACHMENTS},
            )

    def _add_rows(self):
        for tier, label in Tier.choices:
            self.fields[f"option_{tier}_summary"] = forms.CharField(
                label=_("%(tier)s: what is included") % {"tier": label},
                max_length=300,
                required=False,
            )
            self.fields[f"option_{tier}_amount"] = forms.DecimalField(
                label=_("%(tier)s: price") % {"tier": label},
                min_value=0,
                decimal_places=2,
                required=False,
            )
            self.fields[f"option_{tier}_days"] = forms.IntegerField(
                label=_("%(tier)s: days") % {"tier": label},
                min_value=1,
                max_value=MAX_DELIVERY_DAYS,
                required=False,
            )
        for row in range(1, MILESTONE_ROWS + 1):
            self.fields[f"milestone_{row}_title"] = forms.CharField(
                label=_("Milestone %(n)s: deliverable") % {"n": row},
                max_length=200,
                required=False,
            )
            self.fields[f"milestone_{row}_amount"] = forms.DecimalField(
                label=_("Milestone %(n)s: amount") % {"n": row},
                min_value=0,
                decimal_places=2,
                required=False,
            )
            self.fields[f"milestone_{row}_days"] = forms.IntegerField(
                label=_("Milestone %(n)s: due after (days)") % {"n": row},
                min_value=1,
                max_value=MAX_DELIVERY_DAYS,
                required=False,
            )

    @classmethod
    def for_proposal(cls, data=None, files=None, *, project: Project, proposal=None):
        if proposal is None or data is not None:
            return cls(data, files, project=project, with_files=proposal is None)
        return cls(project=project, with_files=False, initial=_initial(proposal))

    def add_error_message(self, message) -> None:
        self.add_error(None, message)

    def field_groups(self) -> dict[str, list]:
        """Bound fields grouped for the template: main, answers, options, milestones."""
        groups = {"main": [], "answers": [], "options": [], "milestones": [], "files": []}
        for field in self:
            prefix = field.name.split("_", 1)[0]
            key = {"answer": "answers", "option": "options", "milestone": "milestones"}.get(
                prefix, "files" if field.name == "attachments" else "main"
            )
            groups[key].append(field)
        return groups

    def _rows(self, prefix: str, keys) -> list[dict]:
        data = self.cleaned_data
        rows = []
        for key in keys:
            row = {part: data.get(f"{prefix}_{key}_{part}") for part in self._parts(prefix)}
            if any(value not in (None, "") for value in row.values()):
                rows.append({"key": key, **row})
        return rows

    @staticmethod
    def _parts(prefix: str):
        return ("summary", "amount", "days") if prefix == "option" else ("title", "amount", "days")

    def details(self) -> ProposalDetails:
        data = self.cleaned_data
        options = [
            OptionDetails(row["key"], row["summary"] or "", row["amount"], row["days"])
            for row in self._rows("option", Tier.values)
        ]
        milestones = [
            MilestoneDetails(row["title"] or "", row["amount"], row["days"])
            for row in self._rows("milestone", range(1, MILESTONE_ROWS + 1))
        ]
        return ProposalDetails(
            cover_letter=data["cover_letter"],
            amount=data["amount"],
            delivery_days=data["delivery_days"],
            answers=[
                data.get(f"answer_{i}", "") for i in range(len(self.project.screening_questions))
            ],
            options=options,
            milestones=milestones,
        )

    def attachments(self) -> list:
        return self.cleaned_data.get("attachments") or []


def _initial(proposal: Proposal) -> dict:
    initial = {
        "cover_letter": proposal.cover_letter,
        "amount": proposal.amount,
        "delivery_days": proposal.delivery_days,
    }
    for index, pair in enumerate(proposal.answers):
        initial[f"answer_{index}"] = pair.get("answer", "")
    for option in proposal.options.all():
        initial[f"option_{option.tier}_summary"] = option.summary
        initial[f"option_{option.tier}_amount"] = option.amount
        initial[f"option_{option.tier}_days"] = option.delivery_days
    for step in proposal.milestones.all():
        initial[f"milestone_{step.position}_title"] = step.title
        initial[f"milestone_{step.position}_amount"] = step.amount
        initial[f"milestone_{step.position}_days"] = step.due_in_days
    return initial


class InboxFilterForm(forms.Form):
    view = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            (InboxView.ALL, _("All")),
            (InboxView.UNREAD, _("Unread")),
            (InboxView.SHORTLISTED, _("Shortlist")),
            (InboxView.DECLINED, _("Declined")),
            (InboxView.HIRED, _("Hired")),
        ],
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("newest", _("Newest first")),
            ("oldest", _("Oldest first")),
            ("price_low", _("Lowest price")),
            ("price_high", _("Highest price")),
            ("delivery", _("Fastest delivery")),
        ],
    )

    def filters(self) -> InboxFilters:
        if not self.is_valid():
            return InboxFilters()
        return InboxFilters(
            view=self.cleaned_data["view"] or InboxView.ALL,
            sort=self.cleaned_data["sort"]
            if self.cleaned_data["sort"] in INBOX_SORTS
            else "newest",
        )


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason (optional)"),
        required=False,
        choices=[("", "—"), *[c for c in DeclineReason.choices if c[0] != "other_hired"]],
    )
    note = forms.CharField(
        label=_("Note to the freelancer (optional)"), max_length=500, required=False
    )


class InvitationForm(forms.Form):
    project = forms.TypedChoiceField(label=_("Project"), coerce=int)
    message = forms.CharField(
        label=_("Message (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].choices = [(project.pk, project.title) for project in projects]


class InvitationDeclineForm(forms.Form):
    note = forms.CharField(label=_("Why not (optional)"), max_length=300, required=False)
