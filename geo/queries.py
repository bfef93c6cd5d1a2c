"""The only place with spatial SQL: bbox, nearest and containment queries on PostGIS and SpatiaLite.

Both engines go through their spatial index: PostGIS with GiST (`&&`, `<->`), SpatiaLite
through its SpatialIndex virtual table (GeoAlchemy2 does not rewrite queries to use it).
Distances are ranked in metres in Python (geo.metric), so both engines agree exactly.
"""
import math
from dataclasses import dataclass
from datetime import timezone

from shapely import wkb
from sqlalchemy import text

from geo import metric
from geo.snapping import nearest_line

Bbox = tuple[float, float, float, float]  # min_lon, min_lat, max_lon, max_lat (WGS-84)

# Candidates pre-ranked by the database before the exact metric ranking in Python; planar
# degree distance and metres disagree by at most cos(lat) (~0.77 in Beijing), so a handful suffices.
KNN_CANDIDATES = 16


@dataclass(frozen=True)
class NearestAlley:
    alley_id: int
    distance_m: float
    lon: float  # the nearest point on the alley
    lat: float


def dialect_of(conn) -> str:
    bind = conn.get_bind() if hasattr(conn, "get_bind") else conn
    return bind.dialect.name


def _spatialite_index(table: str, frame: str) -> str:
    return (f"SELECT rowid FROM SpatialIndex WHERE f_table_name = '{table}' "
            f"AND f_geometry_column = 'geom' AND search_frame = {frame}")


def alleys_in_bbox(conn, bbox: Bbox, street_id: int | None = None, decimals: int = 6):
    """Rows (id, name, street_id, length_m, steward_count, geojson) of alleys whose extent meets the bbox."""
    params = dict(zip(("minx", "miny", "maxx", "maxy"), bbox), decimals=decimals, street_id=street_id)
    street_filter = "AND street_id = :street_id" if street_id is not None else ""
    if dialect_of(conn) == "postgresql":
        sql = f"""SELECT id, name, street_id, length_m, steward_count, ST_AsGeoJSON(geom, :decimals)
                  FROM alleys
                  WHERE geom && ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4326) {street_filter}
                  ORDER BY id"""
    else:
        frame = _spatialite_index("alleys", "BuildMbr(:minx, :miny, :maxx, :maxy, 4326)")
        sql = f"""SELECT id, name, street_id, length_m, steward_count, AsGeoJSON(geom, :decimals)
                  FROM alleys
                  WHERE id IN ({frame}) {street_filter} ORDER BY id"""
    return conn.execute(text(sql), params).all()


def alley_ids_in_bbox_by_scan(conn, bbox: Bbox) -> list[int]:
    """The same bbox filter as alleys_in_bbox but scanning every row: the baseline for benchmarks."""
    params = dict(zip("abcd", bbox))
    if dialect_of(conn) == "postgresql":
        conn.execute(text("SET LOCAL enable_indexscan = off"))
        conn.execute(text("SET LOCAL enable_bitmapscan = off"))
        sql = "SELECT id FROM alleys WHERE ST_Intersects(ST_Envelope(geom), ST_MakeEnvelope(:a, :b, :c, :d, 4326))"
    else:
        sql = "SELECT id FROM alleys WHERE MbrIntersects(geom, BuildMbr(:a, :b, :c, :d, 4326))"
    return [row[0] for row in conn.execute(text(sql), params)]


def _candidates(conn, lon: float, lat: float, bbox: Bbox | None, street_id: int | None):
    params = dict(lon=lon, lat=lat, street_id=street_id, k=KNN_CANDIDATES)
    street_filter = "AND street_id = :street_id" if street_id is not None else ""
    if dialect_of(conn) == "postgresql":
        box_filter = ""
        if bbox:
            box_filter = "AND geom && ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4326)"
            params.update(zip(("minx", "miny", "maxx", "maxy"), bbox))
        sql = f"""SELECT id, ST_AsBinary(geom) FROM alleys WHERE TRUE {box_filter} {street_filter}
                  ORDER BY geom <-> ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) LIMIT :k"""
    else:
        params.update(zip(("minx", "miny", "maxx", "maxy"), bbox), kx=math.cos(math.radians(lat)))
        frame = _spatialite_index("alleys", "BuildMbr(:minx, :miny, :maxx, :maxy, 4326)")
        # Pre-rank in C on a plane with longitude scaled by cos(lat), close to metres (< 1 %).
        sql = f"""SELECT id, AsBinary(geom) FROM alleys WHERE id IN ({frame}) {street_filter}
                  ORDER BY ST_Distance(ScaleCoords(geom, :kx, 1), ScaleCoords(MakePoint(:lon, :lat, 4326), :kx, 1))
                  LIMIT :k"""
    return conn.execute(text(sql), params).all()


def _closest(lon: float, lat: float, rows) -> NearestAlley | None:
    snap = nearest_line(lon, lat, ((alley_id, wkb.loads(bytes(blob))) for alley_id, blob in rows), math.inf)
    return NearestAlley(snap.key, snap.distance_m, snap.lon, snap.lat) if snap else None


def nearest_alley(conn, lon: float, lat: float, max_m: float | None = None,
                  street_id: int | None = None) -> NearestAlley | None:
    """The alley nearest to a point, in metres, optionally only within max_m."""
    if max_m is not None:
        best = _closest(lon, lat, _candidates(conn, lon, lat, metric.bbox_around(lon, lat, max_m), street_id))
        return best if best and best.distance_m <= max_m else None
    if dialect_of(conn) == "postgresql":
        return _closest(lon, lat, _candidates(conn, lon, lat, None, street_id))
    # SpatiaLite has no KNN operator in 5.0: search growing frames through the index. A hit at
    # distance d inside a frame of radius >= d is exact, since anything nearer lies in the frame.
    radius = 100.0
    while radius < 2_000_000:
        best = _closest(lon, lat, _candidates(conn, lon, lat, metric.bbox_around(lon, lat, radius), street_id))
        if best and best.distance_m <= radius:
            return best
        radius = max(radius * 3, best.distance_m if best else 0)
    return None


def street_containing(conn, lon: float, lat: float) -> int | None:
    """The id of the street whose polygon contains the point, if any."""
    params = dict(lon=lon, lat=lat)
    if dialect_of(conn) == "postgresql":
        sql = """SELECT id FROM streets
                 WHERE ST_Intersects(geom, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)) LIMIT 1"""
    else:
        frame = _spatialite_index("streets", "MakePoint(:lon, :lat, 4326)")
        sql = f"""SELECT id FROM streets WHERE id IN ({frame})
                  AND ST_Intersects(geom, MakePoint(:lon, :lat, 4326)) LIMIT 1"""
    row = conn.execute(text(sql), params).first()
    return row[0] if row else None


def locate(conn, lon: float, lat: float, max_m: float) -> tuple[int | None, NearestAlley | None]:
    """The street containing a point and its alley nearest to the point within max_m, if any.
    PostGIS answers both in one round trip; SpatiaLite runs in-process, so two queries cost nothing."""
    if dialect_of(conn) != "postgresql":
        street_id = street_containing(conn, lon, lat)
        if street_id is None:
            return None, None
        return street_id, nearest_alley(conn, lon, lat, max_m=max_m, street_id=street_id)
    minx, miny, maxx, maxy = metric.bbox_around(lon, lat, max_m)
    sql = """WITH point AS (SELECT ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) AS geom),
                  street AS (SELECT streets.id FROM streets, point WHERE ST_Intersects(streets.geom, point.geom) LIMIT 1)
             SELECT street.id, near.id, near.wkb FROM street LEFT JOIN LATERAL (
                 SELECT alleys.id, ST_AsBinary(alleys.geom) AS wkb FROM alleys, point
                 WHERE alleys.street_id = street.id
                   AND alleys.geom && ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4326)
                 ORDER BY alleys.geom <-> point.geom LIMIT :k) AS near ON TRUE"""
    rows = conn.execute(text(sql), dict(lon=lon, lat=lat, minx=minx, miny=miny, maxx=maxx, maxy=maxy,
                                        k=KNN_CANDIDATES)).all()
    if not rows:
        return None, None
    best = _closest(lon, lat, [(alley_id, blob) for _, alley_id, blob in rows if alley_id is not None])
    return rows[0][0], best if best and best.distance_m <= max_m else None


def street_extents(conn) -> dict[int, Bbox]:
    """Each street's bounding box, for fitting the map to a street."""
    if dialect_of(conn) == "postgresql":
        sql = """SELECT id, ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom)
                 FROM streets WHERE geom IS NOT NULL"""
    else:
        sql = """SELECT id, MbrMinX(geom), MbrMinY(geom), MbrMaxX(geom), MbrMaxY(geom)
                 FROM streets WHERE geom IS NOT NULL"""
    return {row[0]: tuple(row[1:]) for row in conn.execute(text(sql))}


def explain_nearest(conn, lon: float, lat: float, max_m: float) -> str:
    """The query plan of the nearest-alley candidate query, to prove the spatial index is used."""
    minx, miny, maxx, maxy = metric.bbox_around(lon, lat, max_m)
    params = dict(lon=lon, lat=lat, minx=minx, miny=miny, maxx=maxx, maxy=maxy)
    if dialect_of(conn) == "postgresql":
        sql = """EXPLAIN SELECT id FROM alleys
                 WHERE geom && ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4326)
                 ORDER BY geom <-> ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) LIMIT 16"""
    else:
        frame = _spatialite_index("alleys", "BuildMbr(:minx, :miny, :maxx, :maxy, 4326)")
        sql = f"EXPLAIN QUERY PLAN SELECT id FROM alleys WHERE id IN ({frame})"
    return "\n".join(" ".join(str(c) for c in row) for row in conn.execute(text(sql), params))


def geometry_geojson(conn, table: str, row_id: int, decimals: int = 6) -> str | None:
    """One row's geometry as GeoJSON text."""
    if table not in ("alleys", "streets", "communities"):
        raise ValueError(f"not a spatial table: {table}")
    as_geojson = "ST_AsGeoJSON" if dialect_of(conn) == "postgresql" else "AsGeoJSON"
    sql = f"SELECT {as_geojson}(geom, :decimals) FROM {table} WHERE id = :id"
    return conn.execute(text(sql), {"id": row_id, "decimals": decimals}).scalar()


def alley_extents(conn, alley_ids: list[int]) -> dict[int, list[float]]:
    """Bounding boxes [minLon, minLat, maxLon, maxLat] of the given alleys."""
    if not alley_ids:
        return {}
    if dialect_of(conn) == "postgresql":
        sql = "SELECT id, ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom) FROM alleys"
    else:
        sql = "SELECT id, MbrMinX(geom), MbrMinY(geom), MbrMaxX(geom), MbrMaxY(geom) FROM alleys"
    ids = ",".join(str(int(i)) for i in alley_ids)
    return {row[0]: [round(v, 6) for v in row[1:]] for row in conn.execute(text(f"{sql} WHERE id IN ({ids})"))}


def reports_near(conn, lon: float, lat: float, radius_m: float, category_id: int, since, statuses: list[str]):
    """(report id, distance m) of reports of one category within radius_m of a point, nearest first."""
    minx, miny, maxx, maxy = metric.bbox_around(lon, lat, radius_m)
    params = dict(minx=minx, miny=miny, maxx=maxx, maxy=maxy, category_id=category_id, since=since)
    status_list = ",".join(f"'{s}'" for s in statuses if s.isidentifier())
    where = f"category_id = :category_id AND created_at >= :since AND status IN ({status_list})"
    if dialect_of(conn) == "postgresql":
        sql = f"""SELECT id, ST_X(location), ST_Y(location) FROM reports
                  WHERE location && ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4326) AND {where}"""
    else:
        frame = _spatialite_index("reports", "BuildMbr(:minx, :miny, :maxx, :maxy, 4326)").replace(
            "f_geometry_column = 'geom'", "f_geometry_column = 'location'")
        sql = f"SELECT id, X(location), Y(location) FROM reports WHERE id IN ({frame}) AND {where}"
        # SQLAlchemy keeps SQLite datetimes as UTC text in this shape; compare like with like.
        params["since"] = since.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")
    found = [(row[0], metric.distance_m(lon, lat, row[1], row[2])) for row in conn.execute(text(sql), params)]
    return sorted([hit for hit in found if hit[1] <= radius_m], key=lambda hit: hit[1])


def shops_near(conn, lon: float, lat: float, radius_m: float, street_id: int) -> list[tuple[int, float]]:
    """(shop id, distance m) of a street's shops within radius_m of a point, nearest first."""
    minx, miny, maxx, maxy = metric.bbox_around(lon, lat, radius_m)
    params = dict(minx=minx, miny=miny, maxx=maxx, maxy=maxy, street_id=street_id)
    if dialect_of(conn) == "postgresql":
        sql = """SELECT id, ST_X(location), ST_Y(location) FROM shops
                 WHERE location && ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4326) AND street_id = :street_id"""
    else:
        frame = _spatialite_index("shops", "BuildMbr(:minx, :miny, :maxx, :maxy, 4326)").replace(
            "f_geometry_column = 'geom'", "f_geometry_column = 'location'")
        sql = f"SELECT id, X(location), Y(location) FROM shops WHERE id IN ({frame}) AND street_id = :street_id"
    found = [(row[0], metric.distance_m(lon, lat, row[1], row[2])) for row in conn.execute(text(sql), params)]
    return sorted([hit for hit in found if hit[1] <= radius_m], key=lambda hit: (hit[1], hit[0]))


def community_containing(conn, street_id: int, lon: float, lat: float) -> int | None:
    """The id of the street's community whose boundary contains the point, if any (the lowest id where two
    boundaries share an edge)."""
    params = dict(lon=lon, lat=lat, street_id=street_id)
    if dialect_of(conn) == "postgresql":
        sql = """SELECT id FROM communities WHERE street_id = :street_id
                 AND ST_Intersects(geom, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)) ORDER BY id LIMIT 1"""
    else:
        frame = _spatialite_index("communities", "MakePoint(:lon, :lat, 4326)")
        sql = f"""SELECT id FROM communities WHERE id IN ({frame}) AND street_id = :street_id
                  AND ST_Intersects(geom, MakePoint(:lon, :lat, 4326)) ORDER BY id LIMIT 1"""
    row = conn.execute(text(sql), params).first()
    return row[0] if row else None


def lies_within_street(conn, street_id: int, geom_wkb: bytes, tolerance_m: float) -> bool:
    """Whether a polygon (WKB, WGS-84) lies inside the street's boundary grown by tolerance_m (digitising error).
    Both shapes are scaled east-west by cos(lat) first, so that a degree is about as long either way and the
    buffer is the same number of metres in every direction (< 1 % off within a street)."""
    row = conn.execute(text("SELECT 1 FROM streets WHERE id = :id AND geom IS NOT NULL"), {"id": street_id}).first()
    if row is None:
        return False
    lat = wkb.loads(geom_wkb).centroid.y
    params = dict(street_id=street_id, wkb=geom_wkb, kx=math.cos(math.radians(lat)),
                  tol=tolerance_m / metric.metres_per_degree_lat(lat))
    if dialect_of(conn) == "postgresql":
        sql = """SELECT ST_Within(ST_Scale(ST_GeomFromWKB(:wkb, 4326), :kx, 1), ST_Buffer(ST_Scale(geom, :kx, 1), :tol))
                 FROM streets WHERE id = :street_id"""
    else:
        sql = """SELECT ST_Within(ScaleCoords(GeomFromWKB(:wkb, 4326), :kx, 1), ST_Buffer(ScaleCoords(geom, :kx, 1), :tol))
                 FROM streets WHERE id = :street_id"""
    return bool(conn.execute(text(sql), params).scalar())


# The base map (basemap_features): stored in WGS-84, drawn as vector tiles in Web Mercator.
def replace_basemap_features(conn, source: str, rows) -> int:
    """Replace the base-map rows of one source with (layer, kind, name, minzoom, wkb) rows; returns the count."""
    conn.execute(text("DELETE FROM basemap_features WHERE source = :source"), {"source": source})
    from_wkb = "ST_GeomFromWKB" if dialect_of(conn) == "postgresql" else "GeomFromWKB"
    sql = text(f"""INSERT INTO basemap_features (layer, kind, name, minzoom, source, geom)
                   VALUES (:layer, :kind, :name, :minzoom, :source, {from_wkb}(:wkb, 4326))""")
    params = [dict(layer=layer, kind=kind, name=name, minzoom=minzoom, source=source, wkb=blob)
              for layer, kind, name, minzoom, blob in rows]
    for start in range(0, len(params), 5000):
        conn.execute(sql, params[start:start + 5000])
    return len(params)


def basemap_tile_mvt(conn, z: int, x: int, y: int, layers, extent: int = 4096, buffer: int = 64) -> bytes:
    """One z/x/y Mapbox Vector Tile of the base map, made by PostGIS (ST_AsMVT), one MVT layer per name in `layers`."""
    parts = []
    for layer in layers:
        if not layer.isidentifier():
            raise ValueError(f"not a layer name: {layer}")
        parts.append(f"""COALESCE((SELECT ST_AsMVT(t, '{layer}', :extent, 'geom') FROM (
            SELECT f.kind, f.name, ST_AsMVTGeom(ST_Transform(f.geom, 3857), env.box, :extent, :buffer, true) AS geom
            FROM basemap_features f, env
            WHERE f.layer = '{layer}' AND f.minzoom <= :z AND f.geom && env.search
            ORDER BY f.id) AS t WHERE t.geom IS NOT NULL), ''::bytea)""")
    sql = f"""WITH env AS (SELECT ST_TileEnvelope(:z, :x, :y) AS box,
                                  ST_Transform(ST_TileEnvelope(:z, :x, :y, margin => :margin), 4326) AS search)
              SELECT {' || '.join(parts)} FROM env"""
    row = conn.execute(text(sql), dict(z=z, x=x, y=y, extent=extent, buffer=buffer, margin=buffer / extent)).scalar()
    return bytes(row or b"")


def basemap_features_in_bbox(conn, bbox: Bbox, z: int):
    """Rows (layer, kind, name, wkb) of the base map whose extent meets the bbox and that show at zoom z."""
    params = dict(zip(("minx", "miny", "maxx", "maxy"), bbox), z=z)
    if dialect_of(conn) == "postgresql":
        sql = """SELECT layer, kind, name, ST_AsBinary(geom) FROM basemap_features
                 WHERE geom && ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4326) AND minzoom <= :z ORDER BY id"""
    else:
        frame = _spatialite_index("basemap_features", "BuildMbr(:minx, :miny, :maxx, :maxy, 4326)")
        sql = f"""SELECT layer, kind, name, AsBinary(geom) FROM basemap_features
                  WHERE id IN ({frame}) AND minzoom <= :z ORDER BY id"""
    return conn.execute(text(sql), params).all()


def basemap_extents(conn) -> list[Bbox]:
    """The bounding box of each source of the base map (a street's file, the demo), for pre-building its tiles:
    two sources far apart leave the land between them untiled."""
    if dialect_of(conn) == "postgresql":
        sql = """SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)
                 FROM (SELECT ST_Extent(geom) AS e FROM basemap_features GROUP BY source) s"""
    else:
        sql = """SELECT MbrMinX(e), MbrMinY(e), MbrMaxX(e), MbrMaxY(e)
                 FROM (SELECT Extent(geom) AS e FROM basemap_features GROUP BY source)"""
    return [tuple(row) for row in conn.execute(text(sql)) if row[0] is not None]
