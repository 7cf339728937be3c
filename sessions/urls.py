from django.urls import path

from .views import (
    attendance,
    beamer,
    clients,
    console,
    home,
    join,
    meetings,
    moderation,
    phone,
    review,
    tips,
)

app_name = "casework"

urlpatterns = [
    path("", home.home, name="home"),
    # Coordinator: meetings and their cases
    path("meetings/", meetings.meeting_list, name="meeting_list"),
    path("meetings/new/", meetings.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/cases/new/", meetings.case_create, name="case_create"),
    path("clients/<int:pk>/erase/", clients.erase, name="client_erase"),
    path("clients/<int:pk>/export.csv", clients.export, name="client_export"),
    # Facilitator console (one page, HTMX fragments for every change)
    path("cases/<int:pk>/", console.console, name="console"),
    path("cases/<int:pk>/step/", console.change_step, name="change_step"),
    path("cases/<int:pk>/follow/", console.follow_tips, name="follow_tips"),
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
    path("tips/<int:pk>/merge/", tips.merge_tip, name="merge_tip"),
    path("tips/<int:pk>/delete/", tips.delete_tip, name="delete_tip"),
    path("tips/<int:pk>/choose/", tips.choose_tip, name="choose_tip"),
    # Beamer: full-screen, read-only, follows the console by polling
    path("meetings/<int:pk>/beamer/", beamer.beamer, name="beamer"),
    path("meetings/<int:pk>/beamer/poll/", beamer.poll, name="beamer_poll"),
    # Moderation of tips on the console
    path("tips/<int:pk>/hide/", moderation.hide_tip, name="hide_tip"),
    path("cases/<int:pk>/hold/", moderation.hold_tips, name="hold_tips"),
    path("cases/<int:pk>/show-held/", moderation.show_held_tips, name="show_held_tips"),
    # Who is in the room (the console's attendance section)
    path("meetings/<int:pk>/attendance/", attendance.attendance_section, name="attendance"),
    path("meetings/<int:pk>/attendance/poll/", attendance.attendance_poll, name="attendance_poll"),
    path("meetings/<int:pk>/present/", attendance.add_present, name="add_present"),
    path("meetings/<int:pk>/joining/", attendance.set_joining, name="set_joining"),
    path("meetings/<int:pk>/close/", attendance.close_meeting, name="close_meeting"),
    path("guests/<int:pk>/remove/", attendance.remove_guest, name="remove_guest"),
    # People in the room: join with the code (no account), then tips from their phone. The
    # short address /j/ is what the beamer shows; a QR code opens /j/<code> (no slash: short).
    path("j/", join.join, name="join"),
    path("j/<str:code>", join.join_code, name="join_code"),
    path("meetings/<int:pk>/phone/", phone.phone, name="phone"),
    path("meetings/<int:pk>/phone/poll/", phone.phone_poll, name="phone_poll"),
    path("meetings/<int:pk>/phone/tips/", phone.phone_add_tip, name="phone_add_tip"),
    path("phone/tips/<int:pk>/", phone.phone_tip, name="phone_tip"),
    path("phone/tips/<int:pk>/withdraw/", phone.phone_withdraw_tip, name="phone_withdraw_tip"),
    # Case-bringer: review after the session
    path("cases/<int:pk>/review/", review.review, name="review"),
    path("review/tips/<int:pk>/", review.update_tip, name="review_tip"),
    path("review/tips/<int:pk>/outcome/", review.add_outcome, name="review_outcome"),
]
