"""Evidence for the registration conditions: importing training hours, assessments and contracts."""
