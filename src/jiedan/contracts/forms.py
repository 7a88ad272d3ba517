"""Forms for contract pages. They only shape input; the rules live in ``services`` and
``terms``.

The offer form has the terms and ``MILESTONE_ROWS`` milestone rows (more when the terms being
revised have more); rows left empty are ignored. Its split picker fills the rows' amounts
from a total by one of the named templates (``terms.MILESTONE_TEMPLATES``), without JavaScript.
Hourly terms take a rate and a weekly limit instead; their milestone rows are left out.
"""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from jiedan.proposals.forms import MultipleFileField

from .models import (
    MAX_DELIVERY_FILES,
    MAX_MILESTONES,
    MAX_REVISIONS,
    MEMO_MAX_LENGTH,
    QUERY_MAX_LENGTH,
    DelayPolicy,
    IpTransfer,
    Kind,
    Status,
)
from .models.changes import REASON_MAX_LENGTH as CHANGE_REASON_MAX_LENGTH
from .services.endings import REASON_MAX_LENGTH
from .services.milestones import MESSAGE_MAX_LENGTH
from .terms import (
    MAX_WEEKLY_HOURS,
    MILESTONE_TEMPLATES,
    MilestoneDetails,
    TermsDetails,
    milestones_from_template,
)

MILESTONE_ROWS = 5
ROW_FIELD = re.compile(r"^milestone_(\d+)_(title|amount|due)$")
SPLIT_CHOICES = [("", "—")] + [
    (name, " / ".join(f"{share}%" for share in shares))
    for name, shares in MILESTONE_TEMPLATES.items()
]
ROW_PARTS = ("title", "amount", "due")


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OfferForm(forms.Form):
    scope = forms.CharField(
        label=_("Scope of the work"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the freelancer will do, and what is not included."),
    )
    deliverables = forms.CharField(
        label=_("Deliverables"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line: what you receive at the end."),
    )
    revisions = forms.IntegerField(
        label=_("Revisions per milestone"),
        min_value=0,
        max_value=MAX_REVISIONS,
        help_text=_("How many times the client may ask for changes to each milestone."),
    )
    deadline = forms.DateField(label=_("Deadline"), widget=_date_input())
    delay_policy = forms.ChoiceField(label=_("If the work is late"), choices=DelayPolicy.choices)
    ip_transfer = forms.ChoiceField(label=_("Intellectual property"), choices=IpTransfer.choices)
    kind = forms.ChoiceField(
        label=_("Payment"),
        choices=Kind.choices,
        initial=Kind.FIXED,
        required=False,
        help_text=_(
            "Hourly: the freelancer logs time, and each week is billed at the hourly rate; "
            "the milestones below are then left out."
        ),
    )
    hourly_rate = forms.DecimalField(
        label=_("Hourly rate"), required=False, min_value=0, decimal_places=2
    )
    weekly_limit = forms.IntegerField(
        label=_("Hours a week at most"),
        required=False,
        min_value=1,
        max_value=MAX_WEEKLY_HOURS,
        help_text=_("The client never pays for more hours than this in one week."),
    )
    split = forms.ChoiceField(label=_("Split"), choices=SPLIT_CHOICES, required=False)
    split_total = forms.DecimalField(
        label=_("Total to split"), required=False, min_value=0, decimal_places=2
    )

    def __init__(self, *args, rows: int = MILESTONE_ROWS, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in range(1, rows + 1):
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
            self.fields[f"milestone_{row}_due"] = forms.DateField(
                label=_("Milestone %(n)s: due (optional)") % {"n": row},
                required=False,
                widget=_date_input(),
            )
            # In a change request: the existing milestone the row keeps or changes.
            self.fields[f"milestone_{row}_id"] = forms.IntegerField(
                required=False, min_value=1, widget=forms.HiddenInput
            )

    @classmethod
    def for_terms(cls, details: TermsDetails) -> "OfferForm":
        """An unbound form showing ``details`` (a prefill or the terms being revised)."""
        initial = {
            "scope": details.scope,
            "deliverables": "\n".join(details.deliverables),
            "revisions": details.revisions,
            "deadline": details.deadline,
            "delay_policy": details.delay_policy,
            "ip_transfer": details.ip_transfer,
            "kind": details.kind,
            "hourly_rate": details.hourly_rate,
            "weekly_limit": details.weekly_limit,
        }
        for row, milestone in enumerate(details.milestones, start=1):
            initial[f"milestone_{row}_title"] = milestone.title
            initial[f"milestone_{row}_amount"] = milestone.amount
            initial[f"milestone_{row}_due"] = milestone.due_date
            initial[f"milestone_{row}_id"] = milestone.milestone_id
        return cls(initial=initial, rows=_row_count(len(details.milestones)))

    @classmethod
    def from_post(cls, data) -> "OfferForm":
        rows = max((int(m.group(1)) for m in map(ROW_FIELD.match, data) if m), default=0)
        return cls(data, rows=_row_count(rows))

    def add_error_message(self, message) -> None:
        self.add_error(None, message)

    def main_fields(self) -> list:
        return [self[name] for name in OFFER_FIELDS]

    def split_fields(self) -> list:
        return [self[name] for name in SPLIT_FIELDS]

    def milestone_rows(self) -> list[tuple[int, list]]:
        return [
            (row, [self[f"milestone_{row}_{part}"] for part in ROW_PARTS])
            for row in range(1, self.rows + 1)
        ]

    def details(self) -> TermsDetails:
        data = self.cleaned_data
        kind = data["kind"] or Kind.FIXED
        rows = [
            [data[f"milestone_{row}_{part}"] for part in (*ROW_PARTS, "id")]
            for row in range(1, self.rows + 1)
        ]
        milestones = [
            MilestoneDetails(
                title=title, amount="" if amount is None else amount, due_date=due, milestone_id=pk
            )
            for title, amount, due, pk in rows
            if title or amount is not None
        ]
        return TermsDetails(
            scope=data["scope"],
            deadline=data["deadline"],
            milestones=milestones if kind == Kind.FIXED else [],
            deliverables=data["deliverables"].splitlines(),
            revisions=data["revisions"],
            delay_policy=data["delay_policy"],
            ip_transfer=data["ip_transfer"],
            kind=kind,
            hourly_rate=data["hourly_rate"],
            weekly_limit=data["weekly_limit"],
        )

    def split_data(self, currency: str):
        """What was typed, with the rows' amounts now the chosen split of the total (titles and
        due dates kept, rows beyond the split emptied). Raises ``InvalidInput`` for a bad split
        or total."""
        typed = [
            {part: self.data.get(f"milestone_{row}_{part}", "").strip() for part in ROW_PARTS}
            for row in range(1, self.rows + 1)
        ]
        typed = [row for row in typed if row["title"] or row["amount"]]
        parts = milestones_from_template(
            self.data.get("split", ""),
            self.data.get("split_total", "").strip(),
            currency,
            titles=[row["title"] for row in typed if row["title"]],
        )
        data = self.data.copy()
        for row in range(1, self.rows + 1):
            part = parts[row - 1] if row <= len(parts) else None
            due = typed[row - 1]["due"] if part and row <= len(typed) else ""
            data[f"milestone_{row}_title"] = str(part.title) if part else ""
            data[f"milestone_{row}_amount"] = str(part.amount) if part else ""
            data[f"milestone_{row}_due"] = due
        return data


OFFER_FIELDS = (
    "kind",
    "hourly_rate",
    "weekly_limit",
    "scope",
    "deliverables",
    "revisions",
    "deadline",
    "delay_policy",
    "ip_transfer",
)
SPLIT_FIELDS = ("split", "split_total")


def _row_count(needed: int) -> int:
    return min(MAX_MILESTONES, max(MILESTONE_ROWS, needed))


class ContractFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Show"), required=False, choices=[("", _("All contracts")), *Status.choices]
    )

    def chosen_status(self) -> str | None:
        return (self.cleaned_data["status"] if self.is_valid() else "") or None


class DeliveryForm(forms.Form):
    message = forms.CharField(
        label=_("Message"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you are delivering and how to check it."),
    )
    files = MultipleFileField(
        label=_("Files"),
        required=False,
        help_text=_("Up to %(count)s images, PDF or ZIP files.") % {"count": MAX_DELIVERY_FILES},
    )


class ChangesForm(forms.Form):
    note = forms.CharField(
        label=_("What should change?"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CancellationForm(forms.Form):
    freelancer_share = forms.DecimalField(
        label=_("Paid to the freelancer"), min_value=0, decimal_places=2
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=REASON_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )


class EndForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=REASON_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )


class ChangeForm(OfferForm):
    """New terms for a running contract: the offer form with every kept milestone's id, empty
    rows for new milestones, and why the terms should change."""

    NEW_ROWS = 2

    reason = forms.CharField(
        label=_("Why should the terms change?"),
        max_length=CHANGE_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The other party reads this with the new terms before answering."),
    )

    @classmethod
    def for_terms(cls, details: TermsDetails) -> "ChangeForm":
        form = super().for_terms(details)
        rows = min(MAX_MILESTONES, max(len(details.milestones) + cls.NEW_ROWS, MILESTONE_ROWS))
        return cls(initial=form.initial, rows=rows)


class ChangeDeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why not? (optional)"),
        required=False,
        max_length=CHANGE_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


# --- hourly contracts ------------------------------------------------------------------------


class TimerStartForm(forms.Form):
    memo = forms.CharField(label=_("What are you working on?"), max_length=MEMO_MAX_LENGTH)


class TimerStopForm(forms.Form):
    memo = forms.CharField(
        label=_("What did you do? (optional)"), max_length=MEMO_MAX_LENGTH, required=False
    )


class DurationForm(forms.Form):
    """Time as hours and minutes; ``total_minutes`` is what the services take."""

    hours = forms.IntegerField(label=_("Hours"), min_value=0, max_value=24, initial=0)
    minutes = forms.IntegerField(label=_("Minutes"), min_value=0, max_value=59, initial=0)
    memo = forms.CharField(label=_("What did you work on?"), max_length=MEMO_MAX_LENGTH)

    def total_minutes(self) -> int:
        return self.cleaned_data["hours"] * 60 + self.cleaned_data["minutes"]


class TimeEntryForm(DurationForm):
    work_date = forms.DateField(label=_("Day"), widget=_date_input())
    field_order = ["work_date", "hours", "minutes", "memo"]


class StatementMessageForm(forms.Form):
    message = forms.CharField(
        label=_("Message"), max_length=QUERY_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )
