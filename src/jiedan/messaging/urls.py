from django.urls import path

from . import views

app_name = "messaging"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("open/<str:kind>/<int:subject_id>/", views.open_for_subject, name="open"),
    path("<int:conversation_id>/", views.conversation, name="conversation"),
    path("<int:conversation_id>/newer/", views.newer, name="newer"),
    path("<int:conversation_id>/export/", views.export, name="export"),
    path("people/<int:user_id>/block/", views.block, name="block"),
    path("people/<int:user_id>/unblock/", views.unblock, name="unblock"),
    path("report/<int:message_id>/", views.report_message, name="report"),
    path("files/<int:attachment_id>/", views.attachment, name="attachment"),
    path("files/<int:attachment_id>/preview/", views.attachment_preview, name="preview"),
]
