"""Handing an edited brief to the project post form: "Use this brief" keeps the form's
starting values in the session and opens ``projects:create?brief=1``, which starts from them.
The client still edits and posts; nothing is saved as a project here. The values are
JSON-ready (ids and strings), as the session stores JSON.
"""

from django.urls import reverse

SESSION_KEY = "matching.brief_prefill"
QUERY_FLAG = "brief"
FIELDS = (
    "title",
    "description",
    "category",
    "skills",
    "budget_type",
    "budget_min",
    "budget_max",
    "currency",
    "expected_duration",
)


def brief_handoff_store(request, initial: dict) -> str:
    """Keep ``initial`` for the post form; the URL that opens it."""
    request.session[SESSION_KEY] = {name: initial[name] for name in FIELDS if name in initial}
    return f"{reverse('projects:create')}?{QUERY_FLAG}=1"


def brief_handoff_initial(request) -> dict:
    """The post form's starting values when it was opened from a brief, else nothing."""
    if request.GET.get(QUERY_FLAG) != "1":
        return {}
    return dict(request.session.get(SESSION_KEY) or {})
