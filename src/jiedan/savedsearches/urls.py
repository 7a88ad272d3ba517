from django.urls import path

from . import views

app_name = "savedsearches"

urlpatterns = [
    path("", views.saved_search_list, name="list"),
    path("new/", views.saved_search_create, name="create"),
    path("<int:saved_search_id>/", views.saved_search_detail, name="detail"),
    path("<int:saved_search_id>/edit/", views.saved_search_update, name="update"),
    path("<int:saved_search_id>/delete/", views.saved_search_delete, name="delete"),
]
