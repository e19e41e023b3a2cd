"""Consultation points, requests, scheduling, sessions and their reports."""
