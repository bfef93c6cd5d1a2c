"""GET/POST /account/display: text size and high contrast, kept with the account (and on the device by prefs.js)."""
from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.auth.blueprint import bp
from webapp.errors import Unauthorized, wants_json
from webapp.policies import can_change_display_settings, can_view_display_settings
from webapp.services.volunteers.display import (TEXT_SCALES, display_settings_of, parse_display_settings,
                                                save_display_settings)


@bp.app_context_processor
def display_settings():
    # The shell renders the account's classes on <html>, so the first paint already has the right size.
    return {"account_display": display_settings_of(current_user)}


@bp.get("/account/display")
def display():
    if not can_view_display_settings(current_user):
        raise Unauthorized()
    return render_template("auth/display.html", scales=TEXT_SCALES,
                           settings=display_settings_of(current_user))


@bp.post("/account/display")
def save_display():
    body = request.get_json(silent=True) if request.is_json else request.form
    settings = parse_display_settings((body or {}).get("text_scale"), (body or {}).get("high_contrast"))
    if not can_change_display_settings(current_user):
        raise Unauthorized()
    saved = save_display_settings(current_user, settings)
    if wants_json() or request.is_json:
        return jsonify(text_scale=saved.text_scale, high_contrast=saved.high_contrast, classes=saved.html_classes)
    flash(_("Your display settings are saved."), "success")
    return redirect(url_for("auth.display"))
