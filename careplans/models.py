"""careplans: models arrive with the careplans issue."""
