"""What every screenshot script needs: an app with the CJK font, a store holding the samples, a timed grab."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
SAMPLES = ROOT.parent / "shared" / "domain" / "samples"


def sample_app_and_store():
    """A QApplication with the bundled font and a fresh store with the sample export and photos."""
    from PySide6.QtWidgets import QApplication

    from confirm_desk.services.importing.applicants import import_applicants
    from confirm_desk.store.db import open_store
    from confirm_desk.ui.widgets.app_policy import apply_policies
    from confirm_desk.ui.widgets.fonts import install_cjk_font

    app = QApplication([])
    install_cjk_font(app)
    apply_policies(app)
    store = open_store(f"sqlite:///{tempfile.mkdtemp()}/shot.sqlite3")
    import_applicants(store, SAMPLES / "applicants_export.xlsx", SAMPLES / "photos")
    return app, store


def grab_later(app, widget, name: str, delay_ms: int = 800, before=None) -> None:
    """Show `widget`, grab it to docs/screenshots/<name> once painted, then quit the app."""
    from PySide6.QtCore import QTimer

    out = ROOT / "docs" / "screenshots" / name

    def shoot() -> None:
        widget.grab().save(str(out))
        print(f"wrote {out}")
        if before is not None:
            before()
        app.quit()

    widget.show()
    QTimer.singleShot(delay_ms, shoot)
    app.exec()
