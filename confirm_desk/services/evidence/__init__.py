"""Evidence for the registration conditions: imports, rule sets, conditions per applicant."""
