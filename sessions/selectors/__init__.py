"""Every read of the live session, by sub-domain, each in a fixed number of queries.

- `objects`: one meeting, case or tip for a viewer (access decided in `networks.access`);
- `placemat`: a case's placemat and its domain list;
- `follow_up`: the terugblik's lists;
- `meetings`: the meeting list and a meeting's agenda;
- `overview`: the overview after logging in;
- `attendance`: who is in the room, by organisation and column, and who is missing;
- `phone`: what a guest's phone shows of their own (their tips).
"""
