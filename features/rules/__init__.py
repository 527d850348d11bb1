"""/rules: an admin loads a rule set file (check, diff, the academic year it starts, confirm)."""
