"""Flask commands: `geo import-streets`, `geo import-alleys`, `geo import-communities`, `users create`, `users invite`, `demo`,
`cases close-unrated`, `basemap import-osm|import-roads|build-tiles`,
`notify worker`, `notify vapid-keys`, `roster remind`, `open311 keys create|list|revoke`."""
import sys
from pathlib import Path

import click
from flask import Flask

from geo.crs import CRS_NAMES
from geo.records import GeoImportError
from webapp.errors import DomainError
from webapp.models import Role

OSM_SUFFIXES = (".osm", ".pbf", ".osm.bz2", ".osm.gz", ".o5m")


def _fail(err: Exception) -> None:
    raise click.ClickException(str(getattr(err, "message", None) or err))


geo_cli = click.Group("geo", help="Import streets and alleys from map data.")
users_cli = click.Group("users", help="Manage user accounts.")


@geo_cli.command("import-streets")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--crs", type=click.Choice(CRS_NAMES), required=True, help="CRS of the file's coordinates.")
@click.option("--name-field", default="name", show_default=True)
@click.option("--code-field", default="adcode9", show_default=True)
def import_streets_command(path, crs, name_field, code_field):
    """Import street (街道) boundaries from a GeoJSON file."""
    from geo.importers.geojson import read_streets
    from webapp.services.places.alleys import import_streets

    try:
        records = read_streets(path, crs, name_field=name_field, code_field=code_field)
        created, updated = import_streets(records)
    except (GeoImportError, DomainError) as err:
        _fail(err)
    click.echo(f"{len(records)} streets imported ({created} new, {updated} updated) from {path.name}")


@geo_cli.command("import-alleys")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--crs", type=click.Choice(CRS_NAMES), default="wgs84", show_default=True,
              help="CRS of a GeoJSON file (OSM files are always WGS-84).")
@click.option("--include-unnamed", is_flag=True, help="Also import segments that have no name.")
@click.option("--name-field", default="name", show_default=True)
@click.option("--id-field", default="seg_id", show_default=True)
def import_alleys_command(path, crs, include_unnamed, name_field, id_field):
    """Import alleys from road centrelines (GeoJSON, or OSM XML/PBF); same-name segments merge."""
    from webapp.services.places.alleys import import_alleys

    try:
        if path.name.lower().endswith(OSM_SUFFIXES):
            from geo.importers.osm import read_osm_segments

            segments, skipped = read_osm_segments(path, include_unnamed=include_unnamed)
        else:
            from geo.importers.geojson import read_segments

            segments, skipped = read_segments(path, crs, name_field=name_field, id_field=id_field,
                                              include_unnamed=include_unnamed)

        def progress(items):
            with click.progressbar(items, label="Saving alleys", file=sys.stderr) as bar:
                yield from bar

        summary = import_alleys(segments, skipped, include_unnamed=include_unnamed, progress=progress)
    except (GeoImportError, DomainError) as err:
        _fail(err)
    click.echo(summary.line())


@geo_cli.command("import-communities")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--street", "street_name", required=True, help="The street the communities lie in.")
@click.option("--crs", type=click.Choice(CRS_NAMES), required=True, help="CRS of the file's coordinates.")
@click.option("--name-field", default="name", show_default=True)
def import_communities_command(path, street_name, crs, name_field):
    """Import a street's community (社区) boundaries from a GeoJSON FeatureCollection; all or nothing."""
    from webapp.services.places.communities import import_communities, read_feature_collection
    from webapp.services.volunteers.accounts import street_id_by_name

    try:
        records = read_feature_collection(path.read_bytes(), crs, name_field=name_field)
        created, updated = import_communities(None, street_id_by_name(street_name), records)
    except DomainError as err:
        _fail(err)
    click.echo(f"{len(records)} communities imported into {street_name} ({created} new, {updated} updated)")


@users_cli.command("create")
@click.option("--display-name", required=True)
@click.option("--username")
@click.option("--phone")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.RESIDENT.value, show_default=True)
@click.option("--street", "street_name", help="The street the role applies to (not for admin).")
@click.option("--department", "department_name", help="For a department officer: e.g. 城管执法.")
@click.option("--community", "community_name", help="For a community worker: the community of the street.")
@click.password_option(help="Asked for when not given.")
def create_user_command(display_name, username, phone, role, street_name, department_name, community_name, password):
    """Create a user with one role in a street."""
    from webapp.services.volunteers.people import create_user

    try:
        user = create_user(display_name=display_name, username=username, phone=phone, password=password,
                           role=Role(role), street_name=street_name, department_name=department_name,
                           community_name=community_name)
    except DomainError as err:
        _fail(err)
    click.echo(f"created user {user.id} ({user.username or user.phone}) as {role}"
               + (f" in {street_name}" if street_name else ""))


@users_cli.command("invite")
@click.option("--street", "street_name", required=True, help="The street the role applies to.")
@click.option("--role", type=click.Choice([r.value for r in Role if r is not Role.ADMIN]), required=True)
@click.option("--department", "department_name", help="For a department officer: e.g. 城管执法.")
@click.option("--days", type=int, help="Days the invitation stays valid (default: INVITATION_DAYS).")
@click.option("--max-uses", type=int, default=1, show_default=True, help="How many people may use it.")
def invite_command(street_name, role, department_name, days, max_uses):
    """Create an invitation code (to print or send) that grants a role in a street on registration."""
    from flask import current_app, url_for

    from webapp.services.volunteers import accounts

    try:
        department_id = accounts.department_id_by_name(department_name) if department_name else None
        invitation = accounts.create_invitation(None, accounts.street_id_by_name(street_name), Role(role),
                                                department_id, days, max_uses)
    except DomainError as err:
        _fail(err)
    # Without SERVER_NAME the command cannot know the site's address: print the path to append to it.
    if current_app.config.get("SERVER_NAME"):
        with current_app.test_request_context():
            link = url_for("auth.invite", code=invitation.code, _external=True)
    else:
        link = f"/invite/{invitation.code}"
    click.echo(f"code: {invitation.code}")
    click.echo(f"url: {link}")
    click.echo(f"valid until {invitation.expires_at:%Y-%m-%d %H:%M} UTC, {invitation.max_uses} use(s)")


@click.command("demo")
def demo_command():
    """Load the demo street, its alleys and one demo user per role (marked as demo data)."""
    from webapp.services.demo import DEMO_PASSWORD, DEMO_STREET, appoint_demo_chief, load_demo, load_demo_basemap

    users = load_demo()
    appoint_demo_chief(users)
    load_demo_basemap()
    click.echo(f"Demo data loaded: {DEMO_STREET} (made-up, not a real place).")
    click.echo(f"Demo users (password '{DEMO_PASSWORD}'; for trying the app only): "
               + ", ".join(u.username for u in users))


cases_cli = click.Group("cases", help="Case lifecycle chores.")


@cases_cli.command("close-unrated")
def close_unrated_command():
    """Close resolved cases whose reporter gave no verdict within VERDICT_DAYS ("not rated", never satisfied).
    Run it from cron (hourly is plenty)."""
    from webapp.services.cases.transitions import close_unrated_cases

    closed = close_unrated_cases()
    click.echo(f"{len(closed)} case(s) closed as not rated" + (f": {', '.join(map(str, closed))}" if closed else ""))


notify_cli = click.Group("notify", help="Notifications: the delivery worker and the Web Push key.")


@notify_cli.command("worker")
@click.option("--once", is_flag=True, help="Deliver what is waiting, then stop.")
@click.option("--interval", default=2.0, show_default=True, help="Seconds to wait when nothing is waiting.")
def notify_worker_command(once, interval):
    """Deliver notifications (Web Push, SMS), warn of silent whistles and write the reminders due (every few
    minutes). Run one or more beside the web app; on PostGIS several share the work. Stops cleanly on SIGTERM
    or Ctrl-C."""
    import signal
    import threading

    from flask import current_app

    from webapp.services.notifications.delivery import run_worker

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        run_worker(current_app._get_current_object(), interval=interval, stop=stop, once=once)
    except KeyboardInterrupt:
        pass


@notify_cli.command("vapid-keys")
def vapid_keys_command():
    """Make the VAPID key pair once (instance/vapid_private.pem) and print the public key browsers use.
    An existing key is kept: a new one would silently break every subscription."""
    from flask import current_app

    from webapp.channels import webpush

    if current_app.config.get("VAPID_PRIVATE_KEY"):
        click.echo("VAPID_PRIVATE_KEY is set in the environment; using it.")
    else:
        path = webpush.generate_key(current_app.instance_path)
        click.echo(f"VAPID private key: {path}")
    click.echo(f"Public key (applicationServerKey): {webpush.public_key()}")


roster_cli = click.Group("roster", help="Volunteer rosters: reminders.")


@roster_cli.command("remind")
@click.option("--any-hour", is_flag=True, help="Send even outside REMINDER_FROM_HOUR..REMINDER_UNTIL_HOUR.")
def remind_command(any_hour):
    """Write the reminders due now (activity tomorrow, alley not patrolled for PATROL_GAP_DAYS), each once; the
    notification worker delivers them. The worker does this by itself every few minutes: this is for cron."""
    from webapp import clock
    from webapp.services.notifications.reminders import send_reminders, within_hours

    now = clock.now()
    if not (any_hour or within_hours(now)):
        click.echo("outside the reminder hours (Beijing time): nothing sent; --any-hour sends anyway")
        return
    click.echo(f"{send_reminders(now, any_hour=any_hour)} reminder(s) written")


open311_cli = click.Group("open311", help="The Open311 GeoReport v2 interface for partner systems.")
keys_cli = click.Group("keys", help="API keys of partner systems (12345, district platforms, ...).")
open311_cli.add_command(keys_cli)


@keys_cli.command("create")
@click.argument("name")
def create_key_command(name):
    """Issue a key for the partner NAME. It is printed once: only its hash is kept."""
    from webapp.services.partners.api_keys import create_api_key

    try:
        key, plaintext = create_api_key(name)
    except DomainError as err:
        _fail(err)
    click.echo(f"API key for {key.name} (shown once; give it to the partner over a safe channel):")
    click.echo(plaintext)


@keys_cli.command("list")
def list_keys_command():
    """The partners' keys: name, first characters, issued, revoked."""
    from webapp.services.partners.api_keys import all_api_keys

    for key in all_api_keys():
        revoked = f"revoked {key.revoked_at:%Y-%m-%d %H:%M} UTC" if key.revoked_at else "live"
        click.echo(f"{key.name}\t{key.prefix}…\tissued {key.created_at:%Y-%m-%d %H:%M} UTC\t{revoked}")


@keys_cli.command("revoke")
@click.argument("name")
def revoke_key_command(name):
    """Revoke the key of the partner NAME: its requests are refused from now on (its cases stay)."""
    from webapp.services.partners.api_keys import revoke_api_key

    try:
        revoke_api_key(name)
    except DomainError as err:
        _fail(err)
    click.echo(f"revoked the key of {name}")


metrics_cli = click.Group("metrics", help="Street performance: the case facts the rates count.")


@metrics_cli.command("rebuild")
def rebuild_metrics_command():
    """Write every case's facts anew: after upgrading to revision 0008, or after changing ACKNOWLEDGE_HOURS or
    RESOLUTION_DAYS (each step of a case keeps its own facts current)."""
    from webapp.services.performance.rates import rebuild_all_facts

    click.echo(f"case facts written for {rebuild_all_facts()} cases")


basemap_cli = click.Group("basemap", help="The base map drawn with no tile server (vector tiles).")


def _import_basemap(records, skipped, source):
    from webapp.services.places.basemap import import_basemap

    count = import_basemap(records, source)
    skipped_text = ", ".join(f"{n} {reason}" for reason, n in sorted(skipped.items())) or "none"
    click.echo(f"{count} base-map features imported from {source}; skipped: {skipped_text}")


@basemap_cli.command("import-osm")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def basemap_import_osm_command(path):
    """Import streets, buildings, water, parks and landmarks from an OSM file (.osm, .pbf); again replaces."""
    from geo.importers.basemap_osm import read_osm_basemap

    try:
        _import_basemap(*read_osm_basemap(path), path.name)
    except (GeoImportError, DomainError) as err:
        _fail(err)


@basemap_cli.command("import-roads")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--crs", type=click.Choice(CRS_NAMES), required=True, help="CRS of the file's coordinates.")
@click.option("--name-field", default="name", show_default=True)
@click.option("--hutong-field", default="is_hutong", show_default=True, help="True for an alley (胡同).")
def basemap_import_roads_command(path, crs, name_field, hutong_field):
    """Import every road centreline of a GeoJSON file, named or not, as base-map streets and alleys."""
    from geo.importers.basemap_roads import read_basemap_roads

    try:
        _import_basemap(*read_basemap_roads(path, crs, name_field=name_field, hutong_field=hutong_field), path.name)
    except (GeoImportError, DomainError) as err:
        _fail(err)


@basemap_cli.command("build-tiles")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The MBTiles file (default: BASEMAP_TILES, else beside the SpatiaLite database).")
def basemap_build_tiles_command(output):
    """Pre-build the vector tiles into an MBTiles file (SpatiaLite; PostGIS makes them on request)."""
    from webapp.services.places.basemap import build_tiles, tiles_path

    count, size = build_tiles(output)
    click.echo(f"{count} tiles ({size / 1024:.0f} KB) written to {output or tiles_path()}")


def register_cli(app: Flask) -> None:
    app.cli.add_command(basemap_cli)
    app.cli.add_command(metrics_cli)
    app.cli.add_command(open311_cli)
    app.cli.add_command(notify_cli)
    app.cli.add_command(roster_cli)
    app.cli.add_command(cases_cli)
    app.cli.add_command(geo_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_command)
