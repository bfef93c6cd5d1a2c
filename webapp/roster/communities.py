"""GET /roster/communities: the street's communities (社区) for its organizer: the map where a boundary is drawn or
edited (static/js/community-draw.js, Leaflet-Geoman), the GeoJSON upload, and each community's workers with
their invitations. Every form comes back to the page with what happened, or why nothing changed."""
import json

from flask import current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from webapp.errors import BadRequest, DomainError, Forbidden
from webapp.policies import can_manage_communities
from webapp.qr import qr_svg
from webapp.roster.blueprint import bp
from webapp.roster.routes import _done
from webapp.roster.scope import managed_street
from webapp.services.organizing import communities as workers
from webapp.services.places import communities

UPLOAD_CRS = ("wgs84", "gcj02", "bd09")


def _street():
    street = managed_street(current_user)
    if not can_manage_communities(current_user, street.id):
        raise Forbidden()
    return street


def _back(street, anchor: str = "") -> str:
    return url_for("roster.communities_page", street=street.id) + anchor


def _int(raw, field: str) -> int | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise BadRequest(_("Please choose from the list."), field=field)
    return int(raw)


@bp.get("/communities")
@login_required
def communities_page():
    street = _street()
    config = current_app.config
    shown = communities.communities_of(street.id)
    map_config = {"tileUrl": config["TILE_URL"], "tileAttribution": config["TILE_ATTRIBUTION"],
                  "tileCrs": config["TILE_CRS"], "street": communities.street_outline(street.id),
                  "communities": [{"id": c["id"], "name": c["name"], "geometry": c["geometry"]} for c in shown]}
    code = request.args.get("code")
    link = url_for("auth.invite", code=code, _external=True) if code else None
    return render_template("roster/communities.html", street=street, communities=shown, map_config=map_config,
                           crs_choices=UPLOAD_CRS, code=code, link=link, qr=qr_svg(link) if link else None)


@bp.post("/communities")
@login_required
def save_community():
    street = _street()
    try:
        try:
            geometry = json.loads(request.form.get("geometry") or "null")
        except ValueError:
            raise BadRequest(_("Please draw the boundary on the map."), field="geometry") from None
        if geometry is None:
            raise BadRequest(_("Please draw the boundary on the map."), field="geometry")
        community = communities.save_community(current_user, street.id, request.form.get("name", ""), geometry,
                                               _int(request.form.get("community_id"), "community_id"))
    except DomainError as err:
        return _done(_back(street, "#draw"), err.message, "error")
    return _done(_back(street, f"#community-{community.id}"), _("Saved: %(name)s", name=community.name))


@bp.post("/communities/import")
@login_required
def import_communities():
    street = _street()
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise BadRequest(_("Please choose a GeoJSON file."), field="file")
        records = communities.read_feature_collection(upload.read(communities.MAX_UPLOAD_BYTES + 1),
                                                      request.form.get("crs", "wgs84"),
                                                      (request.form.get("name_field") or "name").strip())
        created, updated = communities.import_communities(current_user, street.id, records)
    except DomainError as err:
        return _done(_back(street, "#import"), err.message, "error")
    return _done(_back(street), _("Imported: %(created)s new communities, %(updated)s boundaries updated.",
                                  created=created, updated=updated))


@bp.post("/communities/<int:community_id>/invite")
@login_required
def invite_community_worker(community_id: int):
    street = _street()
    try:
        invitation = workers.invite_community_worker(current_user, street.id, community_id)
    except DomainError as err:
        return _done(_back(street), err.message, "error")
    return redirect(url_for("roster.communities_page", street=street.id, code=invitation.code) + "#new-invitation")


@bp.post("/communities/<int:community_id>/workers/<int:user_id>/remove")
@login_required
def remove_community_worker(community_id: int, user_id: int):
    street = _street()
    try:
        user = workers.remove_community_worker(current_user, street.id, community_id, user_id)
    except DomainError as err:
        return _done(_back(street), err.message, "error")
    return _done(_back(street, f"#community-{community_id}"),
                 _("%(name)s no longer works for the community.", name=user.display_name))
