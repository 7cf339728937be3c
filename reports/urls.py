from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("meetings/<int:pk>/report.pdf", views.meeting_pdf, name="meeting_pdf"),
    path("cases/<int:pk>/report.pdf", views.case_pdf, name="case_pdf"),
]
