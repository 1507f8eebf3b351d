"""Draws resources/icons/confirm_desk.png and .ico (a stamp with 确 on a blue tile) with Pillow.

Run `python scripts/make_icon.py` after changing the drawing; the files are committed.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"
FONT = ROOT / "resources" / "fonts" / "wqy-microhei.ttc"
SIZE = 256
BLUE = (27, 94, 170, 255)
WHITE = (255, 255, 255, 255)
RED = (200, 40, 40, 255)


def draw(size: int = SIZE) -> Image.Image:
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    unit = size / 16
    edge = unit * 0.5
    pen.rounded_rectangle((edge, edge, size - edge, size - edge), radius=unit * 3, fill=BLUE)
    font = ImageFont.truetype(str(FONT), int(size * 0.62), index=0)
    pen.text((size / 2, size * 0.47), "确", font=font, fill=WHITE, anchor="mm")
    # A small red tick in the corner: "confirmed".
    pen.line([(unit * 10.2, unit * 12.2), (unit * 11.8, unit * 13.8), (unit * 14.6, unit * 10.2)],
             fill=RED, width=int(unit * 1.3), joint="curve")
    return image


def main() -> None:
    ICONS.mkdir(parents=True, exist_ok=True)
    image = draw()
    image.save(ICONS / "confirm_desk.png")
    sizes = [(n, n) for n in (16, 24, 32, 48, 64, 128, 256)]
    image.save(ICONS / "confirm_desk.ico", sizes=sizes)
    print(f"wrote {ICONS / 'confirm_desk.png'} and .ico")


if __name__ == "__main__":
    main()
