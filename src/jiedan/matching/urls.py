from django.urls import path

from . import views

app_name = "assist"

urlpatterns = [
    path("brief/", views.brief, name="brief"),
    path("brief/use/", views.brief_use, name="brief_use"),
    path("pricing/", views.pricing, name="pricing"),
    path("pricing/panel/", views.budget_panel, name="budget_panel"),
]
