"""The home page at `/`: what waits for the reader, by role (points.home_queues)."""
