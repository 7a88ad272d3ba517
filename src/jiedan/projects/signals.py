"""What projects tell other apps, which react without the projects app knowing them."""

from django.dispatch import Signal

# Sent once a project's publication has committed (and its search entry is written), with
# ``project_id``. Saved-search alerts listen.
project_published = Signal()
