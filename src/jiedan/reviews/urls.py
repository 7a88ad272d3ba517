from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("contract/<int:contract_id>/write/", views.write, name="write"),
    path("<int:review_id>/reply/", views.reply, name="reply"),
    path("<int:review_id>/report/", views.report, name="report"),
    path("people/<int:user_id>/<str:role>/", views.person, name="person"),
]
