"""The workshop floor, from diagnosis to the ready stock (URL /workshop, blueprint `workshop`).

Use cases, one module per topic: locations, diagnosis, spare_parts, work_orders, software,
profiles, qa, batch (scan sessions) and batch_actions (what a scan can do). Reads in
queries/<topic>.py, pages in views/<topic>.py, pure rules in refurb.core.workshop, .qa and
.profiles. Everything the workshop plugs into other domains is listed in
refurb.wiring._register_workshop."""
