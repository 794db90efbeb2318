"""Workshop settings that admins change at run time (weights, fee, delays…), stored in the
database so every worker sees the same value. Domains declare theirs with `define()`."""
