"""Deleting an account: nothing personal left anywhere (the copies in other texts replaced
by a background job), the books still balance, contracts and
journals still exist, the audit chain is untouched; blocked while anything is open."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from jiedan.accounts.models import User
from jiedan.audit.models import AuditEntry
from jiedan.contracts.models import Contract, Delivery
from jiedan.core.errors import Conflict, PermissionDenied
from jiedan.ledger.models import Entry, Journal
from jiedan.messaging.models import Message, MessageAttachment
from jiedan.privacy.models import IdentifierScrub
from jiedan.privacy.selectors import deletion_blockers
from jiedan.privacy.services import account_delete
from jiedan.privacy.tasks import resume_identifier_scrubs, scrub_identifiers
from jiedan.profiles.models import FreelancerProfile, PortfolioFile
from jiedan.verification.models import IdentitySubmission
from tests.contracts.factories import active_contract
from tests.factories import PASSWORD, UserFactory
from tests.ledger.helpers import top_up

from .helpers import NAME, identifiers_found

pytestmark = pytest.mark.django_db


def stored_files(person) -> list:
    profile = FreelancerProfile.objects.get(user=person.user)
    files = [profile.avatar]
    for record in PortfolioFile.objects.filter(item__profile=profile):
        files += [record.original, record.preview]
    files += [s.document for s in IdentitySubmission.objects.filter(user=person.user)]
    files += [a.file for a in MessageAttachment.objects.filter(message__sender=person.user)]
    return [(f.storage, f.name) for f in files if f]


def test_after_deletion_nothing_personal_is_left_and_the_books_balance(
    person, django_capture_on_commit_callbacks
):
    # given
    assert identifiers_found(person.identifiers)  # the scan does see them before
    files = stored_files(person)
    assert files and all(storage.exists(name) for storage, name in files)
    journals, entries = Journal.objects.count(), Entry.objects.count()
    audit = list(AuditEntry.objects.order_by("pk").values_list("pk", "hash"))
    # when
    with django_capture_on_commit_callbacks(execute=True):
        account_delete(user=person.user, password=PASSWORD)
    # then
    assert identifiers_found(person.identifiers) == []
    assert not any(storage.exists(name) for storage, name in files)
    user = User.objects.get(pk=person.user.pk)
    assert user.display_name == f"Deleted user #{user.pk}"
    assert not user.is_active and not user.has_usable_password()
    assert Contract.objects.filter(pk=person.contract.pk, client=user).exists()
    assert Delivery.objects.filter(milestone__contract=person.contract).count() == 2
    assert (Journal.objects.count(), Entry.objects.count()) == (journals, entries)
    assert list(AuditEntry.objects.order_by("pk").values_list("pk", "hash")) == audit
    call_command("ledger_audit")  # exits non-zero when the books do not balance
    call_command("audit_verify")


def test_the_other_party_keeps_the_conversation_with_the_name_replaced(
    person, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        account_delete(user=person.user, password=PASSWORD)
    bodies = list(
        Message.objects.filter(conversation__memberships__user=person.counterpart)
        .order_by("pk")
        .values_list("sender_id", "body")
    )
    assert (person.user.pk, "Thanks! Call me on [erased].") in bodies
    assert (person.counterpart.pk, f"Thank you, Deleted user #{person.user.pk}!") in bodies


def test_the_copies_in_other_texts_are_replaced_by_a_job_that_keeps_them_encrypted(
    person, django_capture_on_commit_callbacks
):
    # given a deletion whose background job has not run yet
    with django_capture_on_commit_callbacks() as jobs:
        account_delete(user=person.user, password=PASSWORD)
    # then the person's own records are erased at once, their copies elsewhere wait
    scrub = IdentifierScrub.objects.get(user=person.user)
    assert not User.objects.get(pk=person.user.pk).is_active
    still = {model for model, _field, _pk, _text in identifiers_found(person.identifiers)}
    assert "messaging.Message" in still
    # and the identifiers waiting for the job are not readable in the database
    with connection.cursor() as cursor:
        table = IdentifierScrub._meta.db_table
        cursor.execute(f"SELECT identifiers FROM {table} WHERE id = %s", [scrub.pk])  # noqa: S608
        stored = cursor.fetchone()[0]
    assert not any(text.lower() in stored.lower() for text in person.identifiers)
    # when the job runs (twice: a repeat finds nothing left to do)
    for job in jobs:
        job()
    assert scrub_identifiers(scrub.pk) == 0
    # then nothing personal is left, the waiting row included
    assert identifiers_found(person.identifiers) == []
    assert not IdentifierScrub.objects.exists()


def test_a_replacement_the_queue_lost_is_sent_again(person, django_capture_on_commit_callbacks):
    # given a deletion whose job was lost
    with django_capture_on_commit_callbacks():
        account_delete(user=person.user, password=PASSWORD)
    scrub = IdentifierScrub.objects.get(user=person.user)
    # when the periodic job looks before and after half an hour
    with django_capture_on_commit_callbacks(execute=True):
        assert resume_identifier_scrubs() == 0
    IdentifierScrub.objects.filter(pk=scrub.pk).update(
        created_at=timezone.now() - timedelta(hours=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert resume_identifier_scrubs() == 1
    # then the replacement is done
    assert identifiers_found(person.identifiers) == []


def test_a_replacement_a_job_holds_or_that_keeps_failing_is_not_sent_again(
    person, django_capture_on_commit_callbacks, caplog
):
    # given a deletion whose replacement a job has taken, an hour ago
    with django_capture_on_commit_callbacks():
        account_delete(user=person.user, password=PASSWORD)
    an_hour_ago = timezone.now() - timedelta(hours=1)
    held_for_another_hour = timezone.now() + timedelta(hours=1)
    IdentifierScrub.objects.update(created_at=an_hour_ago, leased_until=held_for_another_hour)
    scrub = IdentifierScrub.objects.get()
    # then neither a second job nor the periodic one starts it again while it is held
    assert scrub_identifiers(scrub.pk) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert resume_identifier_scrubs() == 0
    # and once it has failed five times, it waits for an operator, loudly
    IdentifierScrub.objects.update(leased_until=an_hour_ago, attempts=5)
    with django_capture_on_commit_callbacks(execute=True):
        assert resume_identifier_scrubs() == 0
    assert "1 identifier replacements failed 5 times" in caplog.text
    assert IdentifierScrub.objects.exists()


def test_a_wrong_password_deletes_nothing(person):
    with pytest.raises(PermissionDenied):
        account_delete(user=person.user, password="not it")
    person.user.refresh_from_db()
    assert person.user.is_active and person.user.display_name == NAME
    assert FreelancerProfile.objects.get(user=person.user).phone


def test_open_contracts_and_money_block_deletion_and_say_why():
    # given: a running contract, and money in the freelancer's wallet
    contract = active_contract()
    freelancer = contract.freelancer
    top_up(freelancer, "50.00")
    # then
    codes = {blocker.code for blocker in deletion_blockers(user=freelancer)}
    assert codes == {"open_contracts", "balance"}
    with pytest.raises(Conflict) as error:
        account_delete(user=freelancer, password=PASSWORD)
    assert error.value.code == "deletion_blocked"
    freelancer.refresh_from_db()
    assert freelancer.is_active


def test_a_person_with_nothing_open_has_no_blockers():
    assert deletion_blockers(user=UserFactory()) == []
