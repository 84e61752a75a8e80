"""REST API: one thin module per resource (issue 3)."""
