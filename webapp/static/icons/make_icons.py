"""Draws the app icons (a red rounded square with a white 巷) into this folder: `python make_icons.py`."""
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
RED = (166, 27, 27)  # the header red, --red in app.css
FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")
SC_INDEX = 2  # the Simplified Chinese face inside the collection


def _glyph(draw: ImageDraw.ImageDraw, size: int, box: float) -> None:
    """The 巷 glyph centred in a square of `box` pixels; a simple alley mark without the font."""
    centre = size / 2
    if FONT.exists():
        font = ImageFont.truetype(str(FONT), int(box * 0.72), index=SC_INDEX)
        draw.text((centre, centre), "巷", font=font, fill="white", anchor="mm")
        return
    # Fallback: two walls and a lane between them.
    w = box * 0.12
    for x in (centre - box * 0.28, centre + box * 0.28 - w):
        draw.rectangle([x, centre - box * 0.32, x + w, centre + box * 0.32], fill="white")
    draw.rectangle([centre - w / 4, centre - box * 0.32, centre + w / 4, centre + box * 0.32], fill="white")


def icon(size: int, maskable: bool = False, glyph: float = 0.62) -> Image.Image:
    # Supersample, then shrink: smooth corners without an antialiasing library.
    big = size * 4
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        # Launchers crop maskable icons to any shape inside the central 80% circle: full bleed, small glyph.
        draw.rectangle([0, 0, big, big], fill=RED)
        _glyph(draw, big, big * glyph)
    else:
        draw.rounded_rectangle([0, 0, big - 1, big - 1], radius=big * 0.2, fill=RED)
        _glyph(draw, big, big * 0.92)
    return image.resize((size, size), Image.LANCZOS)


def main() -> None:
    icon(192).save(HERE / "icon-192.png", optimize=True)
    icon(512).save(HERE / "icon-512.png", optimize=True)
    icon(512, maskable=True).save(HERE / "icon-maskable-512.png", optimize=True)
    # iOS rounds the corners itself and shows transparency as black: full bleed.
    icon(180, maskable=True, glyph=0.85).convert("RGB").save(HERE / "apple-touch-icon.png", optimize=True)


if __name__ == "__main__":
    main()
