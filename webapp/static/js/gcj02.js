// WGS-84 <-> GCJ-02 shift for Chinese basemaps; exposes the global `AlleyCRS` (plain ES2017, no build step).
(function (global) {
  'use strict';
  // Krasovsky 1940 ellipsoid, as in the published GCJ-02 algorithm.
  const A = 6378245.0;
  const EE = 0.00669342162296594323;
  const PI = Math.PI;
  const TOL_DEG = 1e-9;
  const MAX_ITER = 30;

  function inChina(lon, lat) {
    return lon >= 72.004 && lon <= 137.8347 && lat >= 0.8293 && lat <= 55.8271;
  }

  // The offset (degrees) that GCJ-02 adds to a WGS-84 point.
  function offset(lon, lat) {
    if (!inChina(lon, lat)) return [0, 0];
    const x = lon - 105.0;
    const y = lat - 35.0;
    const sx = Math.sqrt(Math.abs(x));
    const common = (20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0 / 3.0;
    let dLat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sx + common
      + (20.0 * Math.sin(y * PI) + 40.0 * Math.sin(y / 3.0 * PI)) * 2.0 / 3.0
      + (160.0 * Math.sin(y / 12.0 * PI) + 320.0 * Math.sin(y * PI / 30.0)) * 2.0 / 3.0;
    let dLon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sx + common
      + (20.0 * Math.sin(x * PI) + 40.0 * Math.sin(x / 3.0 * PI)) * 2.0 / 3.0
      + (150.0 * Math.sin(x / 12.0 * PI) + 300.0 * Math.sin(x / 30.0 * PI)) * 2.0 / 3.0;
    const rad = lat / 180.0 * PI;
    const magic = 1.0 - EE * Math.sin(rad) * Math.sin(rad);
    const sqrtMagic = Math.sqrt(magic);
    dLat = dLat * 180.0 / ((A * (1.0 - EE)) / (magic * sqrtMagic) * PI);
    dLon = dLon * 180.0 / (A / sqrtMagic * Math.cos(rad) * PI);
    return [dLon, dLat];
  }

  function wgs84ToGcj02(lon, lat) {
    const d = offset(lon, lat);
    return [lon + d[0], lat + d[1]];
  }

  // Inverse by fixed-point iteration (the shift is nearly a translation, so it converges fast).
  function gcj02ToWgs84(lon, lat) {
    let gLon = lon;
    let gLat = lat;
    for (let i = 0; i < MAX_ITER; i += 1) {
      const f = wgs84ToGcj02(gLon, gLat);
      const rLon = f[0] - lon;
      const rLat = f[1] - lat;
      gLon -= rLon;
      gLat -= rLat;
      if (Math.abs(rLon) < TOL_DEG && Math.abs(rLat) < TOL_DEG) break;
    }
    return [gLon, gLat];
  }

  global.AlleyCRS = { inChina, wgs84ToGcj02, gcj02ToWgs84 };
}(typeof window !== 'undefined' ? window : globalThis));
