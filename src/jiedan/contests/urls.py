from django.urls import path

from . import views

app_name = "contests"

urlpatterns = [
    path("", views.browse, name="browse"),
    path("mine/", views.mine, name="mine"),
    path("entries/", views.my_entries, name="my_entries"),
    path("new/", views.edit, name="create"),
    path("<int:contest_id>/", views.detail, name="detail"),
    path("<int:contest_id>/edit/", views.edit, name="edit"),
    path("<int:contest_id>/publish/", views.publish, name="publish"),
    path("<int:contest_id>/cancel/", views.cancel, name="cancel"),
    path("<int:contest_id>/enter/", views.submit_entry, name="submit_entry"),
    path("<int:contest_id>/judge/", views.judge, name="judge"),
    path("<int:contest_id>/award/", views.award, name="award"),
    path("entries/<int:entry_id>/rate/", views.rate, name="rate"),
    path("entries/<int:entry_id>/not-valid/", views.mark_not_valid, name="mark_not_valid"),
    path("entries/<int:entry_id>/valid/", views.mark_valid, name="mark_valid"),
    path("entries/<int:entry_id>/withdraw/", views.withdraw, name="withdraw"),
    path("files/<int:file_id>/preview/", views.file_preview, name="file_preview"),
    path("files/<int:file_id>/original/", views.file_original, name="file_original"),
]
