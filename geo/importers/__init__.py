"""Readers that turn GeoJSON and OSM files into geo.records dataclasses."""
