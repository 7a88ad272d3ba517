from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("", views.browse, name="browse"),
    path("mine/", views.mine, name="mine"),
    path("new/", views.edit, name="create"),
    path("<int:project_id>/", views.detail, name="detail"),
    path("<int:project_id>/edit/", views.edit, name="edit"),
    path("<int:project_id>/review/", views.review, name="review"),
    path("<int:project_id>/cancel/", views.cancel, name="cancel"),
    path("<int:project_id>/close/", views.close, name="close"),
    path("<int:project_id>/files/", views.attachments_add, name="attachments_add"),
    path("files/<int:attachment_id>/", views.attachment, name="attachment"),
    path("files/<int:attachment_id>/remove/", views.attachment_remove, name="attachment_remove"),
]
