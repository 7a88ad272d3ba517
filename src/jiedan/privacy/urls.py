from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("settings/", views.privacy_settings, name="settings"),
    path("export/", views.data_export, name="export"),
    path("export/<int:export_id>/download/", views.data_export_download, name="export_download"),
    path("delete/", views.account_delete, name="delete"),
    path("deleted/", views.account_deleted, name="deleted"),
    path("policy/", views.policy, name="policy"),
    path("terms/", views.terms, name="terms"),
]
