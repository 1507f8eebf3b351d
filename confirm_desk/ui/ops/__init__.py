"""Small factories the dialogs call to reach the services (sessions and transactions live here, not in widgets)."""
