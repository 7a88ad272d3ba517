from datetime import datetime

from ninja import Schema
from pydantic import Field

from jiedan.core.api_types import choice_input

from .models import User


class MeOut(Schema):
    id: int
    email: str
    display_name: str
    mode: str
    language: str
    is_staff: bool
    roles: list[str]
    mfa_enabled: bool


ModeChoice = choice_input(User.Mode)


class ModeIn(Schema):
    mode: ModeChoice = Field(description="client or freelancer")


class TokenCreateIn(Schema):
    name: str = Field(min_length=1, max_length=100)
    scopes: list[str] = Field(default=["read"], description="read and/or write")
    expires_in_days: int | None = Field(default=90, ge=1, le=366)


class SignInIn(TokenCreateIn):
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=4096)
    otp: str | None = Field(default=None, max_length=32, description="TOTP or recovery code")


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None


class TokenIssuedOut(TokenOut):
    token: str = Field(description="The secret. Shown once: store it now.")
