"""Expertise cases, rubrics, reviews and conclusions."""
