"""What each rating is called on pages, in forms and in error messages. (The model's verbose
names share words such as "payment" with other parts of the site, where they mean something
else in Chinese; these labels are the reviews' own.)"""

from django.utils.translation import gettext_lazy as _

RATING_LABELS = {
    "rating": _("Overall rating"),
    "quality": _("Quality of work"),
    "communication": _("Communication"),
    "timeliness": _("Timeliness"),
    "professionalism": _("Professionalism"),
    "clarity": _("Clarity of requirements"),
    "responsiveness": _("Responsiveness"),
    "payment": _("Prompt payment"),
}
