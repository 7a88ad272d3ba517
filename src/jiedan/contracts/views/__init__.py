"""Contract web pages: ``pages`` (offers, the contract page, milestones, endings, files),
``changes`` (change requests) and ``hourly`` (time entries and weekly statements)."""
