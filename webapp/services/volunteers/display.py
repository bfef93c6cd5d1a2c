"""Display settings of an account (text size, high contrast): read for the page shell, checked and saved."""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import update

from webapp.errors import BadRequest
from webapp.extensions import db
from webapp.models import User

# Percent of the normal text size. Older volunteers asked for more than the old 112.5%: the steps are big.
TEXT_SCALES = (100, 130, 160)


class UnknownTextSize(BadRequest):
    code = "unknown_text_size"
    message = _l("Please choose one of the text sizes shown.")


@dataclass(frozen=True)
class DisplaySettings:
    text_scale: int = 100
    high_contrast: bool = False

    @property
    def html_classes(self) -> str:
        """The classes on <html> that app.css styles; large-text stays for the pages that only know that one."""
        classes = [] if self.text_scale == 100 else ["large-text", f"text-{self.text_scale}"]
        return " ".join(classes + (["high-contrast"] if self.high_contrast else []))


def parse_display_settings(text_scale, high_contrast) -> DisplaySettings:
    """From a form or JSON body: the scale as one of TEXT_SCALES (number or text), contrast as a yes/no."""
    try:
        scale = int(text_scale)
    except (TypeError, ValueError):
        raise UnknownTextSize(field="text_scale") from None
    if scale not in TEXT_SCALES:
        raise UnknownTextSize(field="text_scale")
    contrast = high_contrast in (True, 1, "1", "true", "on", "yes")
    return DisplaySettings(text_scale=scale, high_contrast=contrast)


def display_settings_of(user) -> DisplaySettings | None:
    """The account's settings, or None when nobody is signed in (the device's own then apply)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return DisplaySettings(text_scale=user.text_scale, high_contrast=user.high_contrast)


def save_display_settings(user, settings: DisplaySettings) -> DisplaySettings:
    db.session.execute(update(User).where(User.id == user.id).values(
        text_scale=settings.text_scale, high_contrast=settings.high_contrast))
    db.session.commit()
    return settings
