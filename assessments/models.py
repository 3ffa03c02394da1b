"""assessments: models arrive with the assessments issue."""
