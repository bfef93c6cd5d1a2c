"""Conversions between WGS-84, GCJ-02 (Chinese providers' offset datum) and BD-09 (Baidu)."""
import math

import numpy as np
import shapely

CRS_NAMES = ("wgs84", "gcj02", "bd09")

# Krasovsky 1940 ellipsoid: the published GCJ-02 algorithm scales its offsets with it.
_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = math.pi * 3000.0 / 180.0
_MIN_LON, _MAX_LON = 72.004, 137.8347
_MIN_LAT, _MAX_LAT = 0.8293, 55.8271
_TOL_DEG = 1e-9
_MAX_ITER = 30


def in_china_mask(lon, lat):
    """Vectorised in_china over numpy arrays of lon and lat."""
    return (lon >= _MIN_LON) & (lon <= _MAX_LON) & (lat >= _MIN_LAT) & (lat <= _MAX_LAT)


def in_china(lon, lat):
    """True when (lon, lat) is inside the coarse bbox that providers use for 'mainland China'."""
    return bool(in_china_mask(lon, lat))


def _gcj_offset(lon, lat):
    x = lon - 105.0
    y = lat - 35.0
    sx = np.sqrt(np.abs(x))
    common = (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    dlat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sx + common
            + (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
            + (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0)
    dlon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sx + common
            + (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
            + (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0)
    rad = lat / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(rad) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = dlat * 180.0 / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * np.pi)
    dlon = dlon * 180.0 / (_A / sqrt_magic * np.cos(rad) * np.pi)
    inside = in_china_mask(lon, lat)
    return np.where(inside, dlon, 0.0), np.where(inside, dlat, 0.0)


def _as_xy(coords):
    arr = np.asarray(coords, dtype=float)
    return arr[..., 0], arr[..., 1]


def wgs84_to_gcj02_array(coords):
    """(N, 2) lon/lat array from WGS-84 to GCJ-02."""
    lon, lat = _as_xy(coords)
    dlon, dlat = _gcj_offset(lon, lat)
    return np.stack([lon + dlon, lat + dlat], axis=-1)


def _invert(forward, target, start):
    """Solve forward(x) == target by fixed-point iteration from `start`."""
    guess = start.copy()
    # The shifts' Jacobians are within ~1e-4 of identity, so each step gains about four
    # digits; the cap only guards against pathological input.
    for _ in range(_MAX_ITER):
        residual = forward(guess) - target
        guess -= residual
        if guess.size == 0 or not np.max(np.abs(residual)) >= _TOL_DEG:
            break
    return guess


def gcj02_to_wgs84_array(coords):
    """(N, 2) lon/lat array from GCJ-02 to WGS-84 by iterating the forward shift (not one-step)."""
    target = np.asarray(coords, dtype=float)
    return _invert(wgs84_to_gcj02_array, target, target)


def gcj02_to_bd09_array(coords):
    """(N, 2) lon/lat array from GCJ-02 to BD-09."""
    x, y = _as_xy(coords)
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    return np.stack([z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006], axis=-1)


def _bd09_to_gcj02_closed(coords):
    bx, by = _as_xy(coords)
    x = bx - 0.0065
    y = by - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    return np.stack([z * np.cos(theta), z * np.sin(theta)], axis=-1)


def bd09_to_gcj02_array(coords):
    """(N, 2) lon/lat array from BD-09 to GCJ-02: the standard closed form, then refined."""
    # The closed form alone is off by up to ~0.2 m; a couple of iterations remove that.
    target = np.asarray(coords, dtype=float)
    return _invert(gcj02_to_bd09_array, target, _bd09_to_gcj02_closed(target))


def wgs84_to_bd09_array(coords):
    """(N, 2) lon/lat array from WGS-84 to BD-09."""
    return gcj02_to_bd09_array(wgs84_to_gcj02_array(coords))


def bd09_to_wgs84_array(coords):
    """(N, 2) lon/lat array from BD-09 to WGS-84."""
    return gcj02_to_wgs84_array(bd09_to_gcj02_array(coords))


def _identity(coords):
    return np.asarray(coords, dtype=float)


_TO_WGS84 = {"wgs84": _identity, "gcj02": gcj02_to_wgs84_array, "bd09": bd09_to_wgs84_array}
_FROM_WGS84 = {"wgs84": _identity, "gcj02": wgs84_to_gcj02_array, "bd09": wgs84_to_bd09_array}


def array_to_wgs84(coords, crs):
    """Convert an (N, 2) array in `crs` to WGS-84."""
    return _lookup(_TO_WGS84, crs)(coords)


def array_from_wgs84(coords, crs):
    """Convert an (N, 2) WGS-84 array to `crs`."""
    return _lookup(_FROM_WGS84, crs)(coords)


def _lookup(table, crs):
    try:
        return table[crs]
    except KeyError:
        raise ValueError(f"unknown CRS {crs!r}; expected one of {', '.join(CRS_NAMES)}") from None


def to_wgs84(geom, crs):
    """Shapely geometry in `crs` converted to WGS-84."""
    func = _lookup(_TO_WGS84, crs)
    return geom if crs == "wgs84" else shapely.transform(geom, func)


def wgs84_to(geom, crs):
    """Shapely WGS-84 geometry converted to `crs`."""
    func = _lookup(_FROM_WGS84, crs)
    return geom if crs == "wgs84" else shapely.transform(geom, func)


def _scalar(func):
    def convert(lon, lat):
        out = func(np.array([[lon, lat]], dtype=float))[0]
        return float(out[0]), float(out[1])
    convert.__name__ = func.__name__.removesuffix("_array")
    convert.__doc__ = f"Scalar form of {func.__name__}: (lon, lat) -> (lon, lat)."
    return convert


wgs84_to_gcj02 = _scalar(wgs84_to_gcj02_array)
gcj02_to_wgs84 = _scalar(gcj02_to_wgs84_array)
gcj02_to_bd09 = _scalar(gcj02_to_bd09_array)
bd09_to_gcj02 = _scalar(bd09_to_gcj02_array)
wgs84_to_bd09 = _scalar(wgs84_to_bd09_array)
bd09_to_wgs84 = _scalar(bd09_to_wgs84_array)
