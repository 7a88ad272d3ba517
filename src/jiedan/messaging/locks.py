"""Locking querysets for messaging, always ordered by primary key."""

from .models import Conversation


def conversations():
    return Conversation.objects.select_for_update().order_by("pk")
