"""Read and write MBTiles files (SQLite, TMS rows) holding the pre-built vector tiles of the SpatiaLite engine."""
import sqlite3
from pathlib import Path

SCHEMA = """CREATE TABLE metadata (name TEXT PRIMARY KEY, value TEXT);
CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB,
                    PRIMARY KEY (zoom_level, tile_column, tile_row));"""


def write(path, tiles, metadata: dict) -> tuple[int, int]:
    """Write (z, x, y, data) tiles, empty ones left out, to a new MBTiles file put in place at the end, so a
    server reading the old file never sees a half-written one. Returns (tiles written, bytes)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(path.suffix + ".partial")
    partial.unlink(missing_ok=True)
    count = size = 0
    with sqlite3.connect(partial) as conn:
        conn.executescript(SCHEMA)
        conn.executemany("INSERT INTO metadata VALUES (?, ?)", [(k, str(v)) for k, v in metadata.items()])
        for z, x, y, data in tiles:
            if data:
                conn.execute("INSERT INTO tiles VALUES (?, ?, ?, ?)", (z, x, 2 ** z - 1 - y, data))
                count, size = count + 1, size + len(data)
    conn.close()
    partial.replace(path)
    return count, size


def read_tile(path, z: int, x: int, y: int) -> bytes:
    """A tile's bytes, b"" when the file holds none there."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        row = conn.execute("SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
                           (z, x, 2 ** z - 1 - y)).fetchone()
    conn.close()
    return bytes(row[0]) if row else b""
