"""GET /notifications (the inbox), /notifications/<id> (open one), /notifications/settings (what is pushed)."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from webapp.channels import webpush
from webapp.extensions import db
from webapp.labels import NOTIFICATION_KIND_LABELS
from webapp.models import URGENT_PUSH_KINDS, Notification
from webapp.notifications.blueprint import bp
from webapp.services.notifications import outbox, subscriptions
from webapp.services.notifications.messages import message_for


@bp.get("/notifications")
@login_required
def index():
    before = request.args.get("before", type=int)
    items = outbox.inbox(current_user, before_id=before)
    return render_template("notifications/index.html", items=[(n, message_for(n)) for n in items],
                           unread=outbox.unread_count(current_user),
                           next_before=items[-1].id if len(items) == outbox.INBOX_PAGE else None)


@bp.get("/notifications/<int:notification_id>")
@login_required
def open_one(notification_id: int):
    """Marks it read and goes where it points (the case). Someone else's (a phone shared in the family,
    tapped after another person signed in) leads to this person's inbox instead."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != current_user.id:
        return redirect(url_for("notifications.index"))
    target = message_for(notification).url
    outbox.mark_read(current_user, [notification.id])
    return redirect(target)


@bp.post("/notifications/read")
@login_required
def read_all():
    outbox.mark_read(current_user)
    return redirect(url_for("notifications.index"))


@bp.route("/notifications/settings", methods=["GET", "POST"])
@login_required
def settings():
    prefs = subscriptions.preferences(current_user)
    if request.method == "POST":
        wanted = {kind.value: kind.value in request.form.getlist("push") or kind in URGENT_PUSH_KINDS
                  for kind in prefs}
        subscriptions.set_preferences(current_user, wanted)
        flash(_("Saved."), "success")
        return redirect(url_for("notifications.settings"))
    return render_template("notifications/settings.html", prefs=prefs, labels=NOTIFICATION_KIND_LABELS,
                           always=URGENT_PUSH_KINDS, devices=subscriptions.devices_of(current_user),
                           push_enabled=webpush.public_key() is not None)


@bp.post("/notifications/devices/<int:subscription_id>/remove")
@login_required
def remove_device(subscription_id: int):
    subscriptions.unsubscribe(current_user, subscription_id=subscription_id)
    flash(_("This device will no longer receive push notifications."), "success")
    return redirect(url_for("notifications.settings"))
