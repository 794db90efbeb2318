"""Read side of the workshop, one module per topic. Use cases import these, never the reverse:
queries import only models, refurb.core and other queries."""
