from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PieceworkConfig(AppConfig):
    name = "jiedan.piecework"
    verbose_name = _("Piece-rate tasks")
