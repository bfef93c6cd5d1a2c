"""Every uploaded photo is checked and re-encoded before it is stored, and stored safely."""
import io
import os
import re
from pathlib import Path

import pytest
from flask_babel import force_locale
from PIL import Image, ImageFile

from webapp import create_app
from webapp.errors import BadRequest
from webapp.photos import (LONG_SIDE, MAX_BYTES, THUMB_SIDE, CleanPhoto, PhotoTooLarge, PhotoTooManyPixels,
                           PhotoTypeNotSupported, PhotoUnreadable, clean_photo, has_gps_exif)
from webapp.storage import LocalPhotoStorage, storage_for

RED = (220, 20, 20)
GREY = (128, 128, 128)


@pytest.fixture(autouse=True)
def english():
    """Error messages are lazy translations: they need an app and a locale to become text."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x", "TESTING": True})
    with app.app_context(), force_locale("en"):
        yield app


def encoded(image: Image.Image, fmt: str, **params) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **params)
    return out.getvalue()


def phone_photo(size=(4000, 3000), orientation=6) -> bytes:
    """A JPEG as a phone writes it: sideways pixels, an Orientation tag and the GPS position."""
    image = Image.new("RGB", size, GREY)
    image.paste(RED, (0, 0, size[0] // 4, size[1] // 4))  # marks the stored top-left corner
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 27.0), 3: "E", 4: (116.0, 23.0, 5.0)}
    return encoded(image, "JPEG", exif=exif, quality=90)


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def long_side(data: bytes) -> int:
    return max(opened(data).size)


# --- what comes out ----------------------------------------------------------------------------

def test_a_phone_photo_loses_its_location_and_all_other_metadata():
    original = phone_photo()
    assert has_gps_exif(original)

    clean = clean_photo(original)

    assert isinstance(clean, CleanPhoto)
    for data in (clean.image, clean.thumbnail):
        image = opened(data)
        assert image.format == "JPEG"
        assert not has_gps_exif(data)
        assert len(image.getexif()) == 0
        assert not {"exif", "xmp", "icc_profile", "comment"} & set(image.info)
        assert b"Exif\x00\x00" not in data


def test_a_phone_photo_is_turned_upright_and_capped_at_the_long_side():
    clean = clean_photo(phone_photo(size=(4000, 3000), orientation=6))

    # Orientation 6 means "turn 90 degrees clockwise to view": landscape pixels, portrait photo.
    assert (clean.width, clean.height) == (1200, 1600)
    assert opened(clean.image).size == (clean.width, clean.height)
    assert long_side(clean.image) == LONG_SIDE
    # The stored top-left corner is now the top-right one.
    upright = opened(clean.image)
    assert _close(upright.getpixel((upright.width - 20, 20)), RED)
    assert _close(upright.getpixel((20, 20)), GREY)


def test_the_thumbnail_is_small_and_upright():
    clean = clean_photo(phone_photo())
    thumb = opened(clean.thumbnail)
    assert max(thumb.size) == THUMB_SIDE
    assert thumb.height > thumb.width


def test_a_small_photo_is_not_enlarged():
    clean = clean_photo(encoded(Image.new("RGB", (640, 480), GREY), "JPEG"))
    assert (clean.width, clean.height) == (640, 480)
    assert max(opened(clean.thumbnail).size) == THUMB_SIDE


def test_a_png_with_transparency_becomes_a_jpeg_on_white():
    image = Image.new("RGBA", (800, 600), (0, 0, 0, 0))
    image.paste((10, 120, 10, 255), (0, 0, 400, 600))
    clean = clean_photo(encoded(image, "PNG"))

    result = opened(clean.image)
    assert result.format == "JPEG" and result.mode == "RGB"
    assert _close(result.getpixel((700, 300)), (255, 255, 255))
    assert _close(result.getpixel((100, 300)), (10, 120, 10))


def test_a_palette_png_with_a_transparent_colour_is_accepted():
    image = Image.new("P", (300, 200), 0)
    image.putpalette([0, 0, 0, 200, 0, 0] + [0] * 762)
    image.paste(1, (0, 0, 150, 200))
    clean = clean_photo(encoded(image, "PNG", transparency=0))
    result = opened(clean.image)
    assert _close(result.getpixel((250, 100)), (255, 255, 255))
    assert _close(result.getpixel((50, 100)), (200, 0, 0))


def test_a_webp_becomes_a_jpeg():
    clean = clean_photo(encoded(Image.new("RGBA", (2000, 1000), (30, 60, 90, 255)), "WEBP", quality=80))
    assert opened(clean.image).format == "JPEG"
    assert (clean.width, clean.height) == (1600, 800)


# --- what is refused ---------------------------------------------------------------------------

def test_a_text_file_is_not_a_photo():
    with pytest.raises(PhotoTypeNotSupported) as err:
        clean_photo(b"hello")
    assert "JPEG, PNG or WebP" in str(err.value.message)
    assert isinstance(err.value, BadRequest) and err.value.http_status == 400


def test_an_empty_upload_is_not_a_photo():
    with pytest.raises(PhotoTypeNotSupported):
        clean_photo(b"")


def test_heic_from_an_iphone_is_refused_with_the_formats_we_take():
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(100)
    with pytest.raises(PhotoTypeNotSupported) as err:
        clean_photo(heic)
    assert str(err.value.message) == "Please send JPEG, PNG or WebP photos."


def test_a_photo_over_10_mb_is_refused_before_it_is_decoded(monkeypatch):
    def must_not_decode(*args, **kwargs):
        raise AssertionError("a too-large upload was handed to Pillow")

    monkeypatch.setattr(Image, "open", must_not_decode)
    with pytest.raises(PhotoTooLarge) as err:
        clean_photo(b"\xff\xd8\xff" + bytes(11 * 1024 * 1024))
    assert str(err.value.message) == "A photo may be at most 10 MB."
    assert err.value.code == "photo_too_large"


def test_exactly_10_mb_is_still_looked_at():
    with pytest.raises(PhotoUnreadable):  # passes the size check, then fails as the junk it is
        clean_photo(b"\xff\xd8\xff" + bytes(MAX_BYTES - 3))


def test_a_photo_over_40_megapixels_is_refused_before_its_pixels_are_decoded(monkeypatch):
    huge = encoded(Image.new("L", (10000, 5000)), "PNG")  # 50 MP, yet only a few kilobytes
    assert len(huge) < MAX_BYTES

    def must_not_load(self, *args, **kwargs):
        raise AssertionError("the pixels of a too-large image were decoded")

    monkeypatch.setattr(Image.Image, "load", must_not_load)
    monkeypatch.setattr(ImageFile.ImageFile, "load", must_not_load)
    with pytest.raises(PhotoTooManyPixels) as err:
        clean_photo(huge)
    assert "40 megapixels" in str(err.value.message)


def test_a_truncated_jpeg_is_unreadable():
    whole = phone_photo(size=(1200, 900))
    with pytest.raises(PhotoUnreadable) as err:
        clean_photo(whole[: len(whole) // 2])
    assert str(err.value.message) == "This file is not a photo we can read."


def test_a_file_that_only_starts_like_a_png_is_unreadable():
    with pytest.raises(PhotoUnreadable):
        clean_photo(b"\x89PNG\r\n\x1a\n" + b"not really a png" * 10)


def test_a_gif_renamed_to_jpg_is_refused():
    with pytest.raises(PhotoTypeNotSupported):
        clean_photo(encoded(Image.new("P", (10, 10)), "GIF"))


# --- where it is kept --------------------------------------------------------------------------

KEY = re.compile(r"[0-9a-f]{2}/[0-9a-f]{32}\.jpg")


def test_storage_round_trip(tmp_path):
    storage = LocalPhotoStorage(tmp_path / "uploads")  # created on first save
    key = storage.save(b"photo bytes", ".jpg")

    assert KEY.fullmatch(key) and key[:2] == key[3:5]
    assert storage.exists(key)
    assert storage.open(key) == b"photo bytes"
    storage.delete(key)
    assert not storage.exists(key)
    storage.delete(key)  # deleting twice is harmless
    with pytest.raises(FileNotFoundError):
        storage.open(key)


def test_storage_keys_are_random(tmp_path):
    storage = LocalPhotoStorage(tmp_path)
    keys = {storage.save(b"same bytes", ".jpg") for _ in range(50)}
    assert len(keys) == 50
    assert all(KEY.fullmatch(key) for key in keys)
    assert storage.save(b"x", ".webp").endswith(".webp")


@pytest.mark.parametrize("key", [
    "../../etc/passwd", "/etc/passwd", "ab/../../../etc/passwd.jpg", "ab/" + "0" * 32 + ".jpg\n",
    "ab/" + "0" * 32 + ".png", "AB/" + "0" * 32 + ".jpg", "", "ab\\" + "0" * 32 + ".jpg",
])
def test_storage_refuses_keys_it_did_not_make(tmp_path, key):
    storage = LocalPhotoStorage(tmp_path)
    for call in (storage.open, storage.delete, storage.exists):
        with pytest.raises(ValueError):
            call(key)


def test_storage_refuses_other_suffixes(tmp_path):
    with pytest.raises(ValueError):
        LocalPhotoStorage(tmp_path).save(b"<?php", ".php")


def test_storage_writes_leave_no_temporary_files(tmp_path):
    storage = LocalPhotoStorage(tmp_path)
    keys = [storage.save(os.urandom(1000), ".jpg") for _ in range(5)]
    files = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert files == sorted(keys)


def test_a_failed_write_leaves_nothing_behind(tmp_path, monkeypatch):
    storage = LocalPhotoStorage(tmp_path)

    def power_cut(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", power_cut)
    with pytest.raises(OSError):
        storage.save(b"half a photo", ".jpg")
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_the_app_stores_photos_in_its_instance_folder_unless_another_store_is_plugged_in(english):
    default = storage_for(english)
    assert isinstance(default, LocalPhotoStorage)
    assert default.root == Path(english.instance_path) / "uploads"

    plugged = LocalPhotoStorage("/somewhere/else")
    english.extensions["photo_storage"] = plugged
    assert storage_for(english) is plugged


def _close(pixel, expected, tolerance=24) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, expected))
