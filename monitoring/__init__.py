"""Assessments, result imports, analytics and effectiveness reports."""
