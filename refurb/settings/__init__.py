"""Workshop settings that admins change at run time (weights, fee, delays…), stored in the
database so every worker sees the same value. Domains declare theirs as
`refurb.extension_points.Definition` constants, added in their block of `refurb.wiring`."""
