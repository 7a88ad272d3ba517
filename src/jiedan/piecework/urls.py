from django.urls import path

from . import views

app_name = "piecework"

urlpatterns = [
    path("", views.browse, name="browse"),
    path("mine/", views.mine, name="mine"),
    path("pieces/", views.my_pieces, name="my_pieces"),
    path("pieces/<int:piece_id>/file/", views.piece_file, name="piece_file"),
    path("new/", views.edit, name="create"),
    path("<int:task_id>/", views.detail, name="detail"),
    path("<int:task_id>/edit/", views.edit, name="edit"),
    path("<int:task_id>/publish/", views.publish, name="publish"),
    path("<int:task_id>/review/", views.review, name="review"),
    path("<int:task_id>/close/", views.close, name="close"),
    path("<int:task_id>/cancel/", views.cancel, name="cancel"),
]
