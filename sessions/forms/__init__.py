"""Forms by sub-domain, as the services: `planning`, `live`, `tips`, `follow_up`,
`guests` (joining, tips from a phone, someone present without one); `keyed` is the
base of every form that stores something exactly once. Messages are in the user's language."""
