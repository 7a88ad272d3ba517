"""Forms for piece-rate pages. They only shape input; the rules live in ``services.py``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from jiedan.core.money import Currency
from jiedan.taxonomy.models import Category

from .models import (
    MAX_PIECE_TEXT_LENGTH,
    MAX_PIECES_WANTED,
    REJECTION_REASON_MAX_LENGTH,
    PieceStatus,
    PieceTask,
)
from .selectors import TaskFilters
from .services import TaskDetails

TASK_FIELDS = (
    "title",
    "instructions",
    "acceptance_criteria",
    "category",
    "unit_price",
    "currency",
    "pieces_wanted",
    "max_per_freelancer",
    "deadline",
)


MAX_ID = 2**63  # larger ids cannot exist in any database we run on


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    instructions = forms.CharField(
        label=_("Instructions"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What is one piece, and how should it be done?"),
    )
    acceptance_criteria = forms.CharField(
        label=_("Acceptance criteria"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("How you will decide to accept or reject a piece."),
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.order_by("slug"), required=False
    )
    unit_price = forms.DecimalField(label=_("Price per piece"), required=False, decimal_places=2)
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    pieces_wanted = forms.IntegerField(
        label=_("Pieces wanted"), required=False, min_value=1, max_value=MAX_PIECES_WANTED
    )
    max_per_freelancer = forms.IntegerField(
        label=_("Most pieces per freelancer"),
        required=False,
        min_value=1,
        max_value=MAX_PIECES_WANTED,
        help_text=_("Leave empty to allow up to all wanted pieces."),
    )
    deadline = forms.DateTimeField(
        label=_("Deadline"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    @classmethod
    def for_task(cls, data=None, *, task: PieceTask | None = None):
        if task is None or data is not None:
            return cls(data)
        return cls(initial={name: getattr(task, name) for name in TASK_FIELDS})

    def add_error_message(self, message) -> None:
        self.add_error(None, message)

    def details(self) -> TaskDetails:
        data = self.cleaned_data
        return TaskDetails(
            title=data["title"],
            instructions=data["instructions"],
            acceptance_criteria=data["acceptance_criteria"],
            category_id=data["category"].pk if data["category"] else None,
            unit_price=data["unit_price"],
            currency=data["currency"],
            pieces_wanted=data["pieces_wanted"],
            max_per_freelancer=data["max_per_freelancer"],
            deadline=data["deadline"],
        )


class TaskFilterForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        categories = Category.objects.order_by("slug")
        self.fields["category"].choices = [("", _("All categories"))] + [
            (category.slug, category.name) for category in categories
        ]

    def filters(self) -> TaskFilters:
        if not self.is_valid():
            return TaskFilters()
        return TaskFilters(category=self.cleaned_data["category"] or None)


class PieceForm(forms.Form):
    text = forms.CharField(
        label=_("Your piece"),
        required=False,
        max_length=MAX_PIECE_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    file = forms.FileField(
        label=_("File (optional)"),
        required=False,
        help_text=_("An image, a PDF or a ZIP file. Only you and the client can open it."),
    )


class ReviewFilterForm(forms.Form):
    ALL = "all"

    status = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[*PieceStatus.choices, (ALL, _("All pieces"))],
    )

    def chosen_status(self) -> str | None:
        """Pending pieces unless another status (or all) is asked for."""
        chosen = (self.cleaned_data["status"] if self.is_valid() else "") or PieceStatus.PENDING
        return None if chosen == self.ALL else chosen


class PieceIdsField(forms.Field):
    """The ids of the ticked pieces; whose they are is the service's business."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": _("Select at least one piece."),
        "invalid": _("Select pieces from the list."),
    }

    def to_python(self, value) -> list[int]:
        try:
            ids = [int(item) for item in value or ()]
        except (TypeError, ValueError) as error:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from error
        if any(not 0 < pk < MAX_ID for pk in ids):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return ids


class BulkReviewForm(forms.Form):
    ACCEPT, REJECT = "accept", "reject"

    pieces = PieceIdsField(label=_("Pieces"))
    action = forms.ChoiceField(
        label=_("Action"), choices=[(ACCEPT, _("Accept and pay")), (REJECT, _("Reject"))]
    )
    reason = forms.CharField(
        label=_("Reason for rejecting"),
        required=False,
        max_length=REJECTION_REASON_MAX_LENGTH,
        help_text=_("The freelancer sees it."),
    )
