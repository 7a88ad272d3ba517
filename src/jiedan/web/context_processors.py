from django.conf import settings


def site(request):
    """Values every page template needs, such as the commission rate shown in the footer."""
    return {"commission_percent": f"{(settings.JIEDAN_COMMISSION_RATE * 100).normalize():f}"}
