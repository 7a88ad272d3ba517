"""The conversation of a contract's two parties, as ``messaging.services`` leaves it: opened
by a party, its two seats, about ``Plan.messages_per_contract`` messages (the client first),
the last message's time on the conversation and how far each party has read."""

from datetime import datetime

from jiedan.contracts.models import Contract
from jiedan.messaging.models import Conversation, Membership, Message, SubjectKind

from . import texts
from .plan import minutes
from .writer import record


class ConversationStep:
    """Part of ``ContractStory``."""

    def _conversation(self, contract: Contract, started: datetime, ended: datetime | None):
        """About ``messages_per_contract`` messages between the two, the client first."""
        rng, run, lang = self.rng, self.run, self.hire.lang
        opened = started + minutes(rng, 1, 180)
        until = min(ended or run.now, run.now)
        if opened >= until:
            return
        wanted = run.plan.messages_per_contract
        count = max(2, min(3 * wanted, round(rng.gauss(wanted, wanted / 3))))
        moments = sorted(
            [opened] + [opened + (until - opened) * rng.random() for _ in range(count - 1)]
        )
        conversation = record(
            Conversation,
            id=run.ids.take(Conversation),
            subject_kind=SubjectKind.CONTRACT,
            subject_id=self.id,
            title=contract.title[:200],
            created_at=opened,
            last_message_at=moments[-1],
        )
        messages, sender, last_sent = [], self.client, {}
        for at in moments:
            pool = texts.CHAT_CLIENT if sender == self.client else texts.CHAT_FREELANCER
            message_id = run.ids.take(Message)
            messages.append(
                record(
                    Message,
                    id=message_id,
                    conversation_id=conversation.id,
                    sender_id=sender,
                    body=texts.pick(rng, pool, lang),
                    created_at=at,
                )
            )
            last_sent[sender] = message_id
            if rng.random() < 0.7:
                sender = self.freelancer if sender == self.client else self.client
        newest = messages[-1].id
        seats = [
            record(
                Membership,
                id=run.ids.take(Membership),
                conversation_id=conversation.id,
                user_id=party,
                last_read_id=newest if rng.random() < 0.8 else last_sent.get(party, 0),
                joined_at=opened,
            )
            for party in (self.client, self.freelancer)
        ]
        self.rows += [conversation, *seats, *messages]
