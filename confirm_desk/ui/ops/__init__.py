"""Small factories the dialogs call to reach the services; sessions live here, never in widgets."""
