from django.urls import path

from . import views

app_name = "reputation"

urlpatterns = [
    path("how-it-works/", views.how_it_works, name="how_it_works"),
]
