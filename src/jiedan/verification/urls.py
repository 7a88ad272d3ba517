from django.urls import path

from . import views

app_name = "verification"

urlpatterns = [
    path("", views.identity, name="identity"),
    path("skill-tests/", views.skill_tests, name="skill_tests"),
    path("skill-tests/<int:test_id>/start/", views.skill_test_start, name="skill_test_start"),
    path("attempts/<int:attempt_id>/", views.attempt, name="attempt"),
    path("attempts/<int:attempt_id>/result/", views.attempt_result, name="attempt_result"),
    path("staff/identity/<int:submission_id>/", views.staff_review, name="staff_review"),
    path(
        "staff/identity/<int:submission_id>/access/",
        views.staff_document_access,
        name="staff_document_access",
    ),
    path("staff/identity/<int:submission_id>/decide/", views.staff_decide, name="staff_decide"),
    path("staff/documents/<int:access_id>/", views.staff_document, name="staff_document"),
]
