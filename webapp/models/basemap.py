"""The base map: streets, buildings, water, parks and landmarks people orient by, served as vector tiles."""
from geoalchemy2 import Geometry
from sqlalchemy.orm import Mapped, mapped_column

from webapp.extensions import db
from webapp.models.places import WGS84


class BasemapFeature(db.Model):
    """One drawn thing of the base map. `layer` is the vector-tile layer, `kind` what it is within the layer
    (a major road or an alley, a school or a bus stop); `minzoom` is the first zoom its tiles carry it."""

    __tablename__ = "basemap_features"

    id: Mapped[int] = mapped_column(primary_key=True)
    layer: Mapped[str] = mapped_column(db.String(16), index=True)
    kind: Mapped[str] = mapped_column(db.String(24))
    name: Mapped[str | None] = mapped_column(db.String(200))
    minzoom: Mapped[int] = mapped_column(db.SmallInteger)
    # Which import the row came from (a file's name, "demo"), so importing the same file again replaces it.
    source: Mapped[str] = mapped_column(db.String(120), index=True)
    geom = mapped_column(Geometry("GEOMETRY", srid=WGS84, spatial_index=True), nullable=False)
