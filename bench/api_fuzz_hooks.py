"""schemathesis hooks for ``bench/api_fuzz.py``, loaded through ``SCHEMATHESIS_HOOKS``.

One check replaces schemathesis' ``positive_data_acceptance``. That check fails whenever a
request the schema allows is refused with 400 or 422. Ours fails the same way on 400 and on a
422 ``validation_error`` (the request parser refused what the schema promised: a real gap
between the two), but lets a 422 with a domain code pass: those are business rules no schema
states, such as a skill id that does not exist, a budget range without its currency, publishing
an incomplete draft, or an ``Idempotency-Key`` sent again with another body. Each such code is
written to the file named by ``API_FUZZ_DOMAIN_CODES``, so the run's summary lists every rule
met and a rule that a schema could state is still seen.
"""

import os

import schemathesis
from schemathesis.openapi.checks import RejectedPositiveData
from schemathesis.specs.openapi.checks import positive_data_acceptance

DOMAIN_CODES_FILE = os.environ.get("API_FUZZ_DOMAIN_CODES", "")


def _error_code(response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body.get("code") if isinstance(body, dict) else None


@schemathesis.check
def positive_data_acceptance_or_domain_rule(ctx, response, case):
    """Schema-valid input is accepted, or refused by a named business rule (422, domain code)."""
    try:
        return positive_data_acceptance(ctx, response, case)
    except RejectedPositiveData:
        code = _error_code(response)
        if response.status_code != 422 or code in (None, "validation_error"):
            raise
        if DOMAIN_CODES_FILE:
            with open(DOMAIN_CODES_FILE, "a", encoding="utf-8") as out:
                out.write(f"{case.operation.label}\t{code}\n")
        return None
