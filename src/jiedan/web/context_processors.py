from jiedan.ledger.fees import fee_schedule


def site(request):
    """Values every page template needs, such as the commission rate shown in the footer."""
    return {"commission_percent": fee_schedule().commission_percent}
