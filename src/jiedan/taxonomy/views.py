"""The public skills directory: every category and skill in the active language, with a
free-text finder on top."""

from django.shortcuts import render

from jiedan.core.errors import InvalidInput

from . import selectors


def skill_directory(request):
    query = request.GET.get("q")
    matches, error = None, None
    if query is not None:
        try:
            matches = selectors.skills_for_text(text=selectors.lookup_query_clean(query), limit=6)
        except InvalidInput as exc:
            error = exc.message
    return render(
        request,
        "taxonomy/skill_directory.html",
        {
            "categories": selectors.category_list(),
            "query": (query or "").strip(),
            "matches": matches,
            "error": error,
        },
    )
