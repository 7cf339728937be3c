from django.urls import path

from .views import beamer, clients, console, home, meetings, review, tips

app_name = "casework"

urlpatterns = [
    path("", home.home, name="home"),
    # Coordinator: meetings and their cases
    path("meetings/", meetings.meeting_list, name="meeting_list"),
    path("meetings/new/", meetings.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/cases/new/", meetings.case_create, name="case_create"),
    path("clients/<int:pk>/erase/", clients.erase, name="client_erase"),
    # Facilitator console (one page, HTMX fragments for every change)
    path("cases/<int:pk>/", console.console, name="console"),
    path("cases/<int:pk>/step/", console.change_step, name="change_step"),
    path("cases/<int:pk>/presentation/", console.save_presentation, name="save_presentation"),
    path("cases/<int:pk>/domains/", console.save_domains, name="save_domains"),
    path("cases/<int:pk>/tips/", tips.add_tip, name="add_tip"),
    path("cases/<int:pk>/spotlight/", console.set_spotlight, name="set_spotlight"),
    path("cases/<int:pk>/evaluation/", console.save_evaluation, name="save_evaluation"),
    path(
        "cases/<int:pk>/follow-up/<int:tip_pk>/", console.record_follow_up, name="record_follow_up"
    ),
    path(
        "cases/<int:pk>/follow-up/reported/<int:outcome_pk>/",
        console.correct_follow_up,
        name="correct_follow_up",
    ),
    path("tips/<int:pk>/edit/", tips.edit_tip, name="edit_tip"),
    path("tips/<int:pk>/delete/", tips.delete_tip, name="delete_tip"),
    path("tips/<int:pk>/choose/", tips.choose_tip, name="choose_tip"),
    # Beamer: full-screen, read-only, follows the console by polling
    path("meetings/<int:pk>/beamer/", beamer.beamer, name="beamer"),
    path("meetings/<int:pk>/beamer/poll/", beamer.poll, name="beamer_poll"),
    # Case-bringer: review after the session
    path("cases/<int:pk>/review/", review.review, name="review"),
    path("review/tips/<int:pk>/", review.update_tip, name="review_tip"),
    path("review/tips/<int:pk>/outcome/", review.add_outcome, name="review_outcome"),
]
