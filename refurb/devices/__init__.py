"""Devices: identity, asset tags, the lifecycle service and the event history."""
