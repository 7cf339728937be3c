"""Every write of the live session, by sub-domain; keyword-only, typed, each one atomic.

- `planning`: meetings and the cases on their agenda;
- `live`: the flow of a case discussion (steps, presentation, domains, spotlight, rating);
- `tips`: tips on the placemat, their moderation (hold, show, hide) and the choices made about them;
- `follow_up`: what came of a chosen tip;
- `guests`: people present (joining with the code, attendance) and tips from their phones;
- `versions`: the meeting's version, raised by every change a beamer or report shows.
"""
