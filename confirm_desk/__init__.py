"""ConfirmDesk (确认台): offline confirmation-point desk for teacher-qualification registration."""

__version__ = "0.1.0"
APP_NAME = "ConfirmDesk"
APP_NAME_ZH = "确认台"
