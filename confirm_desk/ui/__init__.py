"""The PySide6 front end: widgets, Qt models, dialogs, the main window. Qt lives only here and in app.py."""
