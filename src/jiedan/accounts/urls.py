from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("settings/", views.account_settings, name="settings"),
    path("mode/", views.mode_switch, name="mode_switch"),
    path("tokens/", views.access_tokens, name="access_tokens"),
    path("tokens/<int:token_id>/revoke/", views.access_token_revoke, name="access_token_revoke"),
]
