"""Spec for geo.records: the import error message and the summary line."""
from geo.records import GeoImportError, ImportSummary


def test_import_error_lists_twenty_problems_then_how_many_more():
    err = GeoImportError([f"feature {i}: broken" for i in range(25)], "roads.geojson")
    text = str(err)
    assert len(err.problems) == 25
    assert "feature 19: broken" in text and "feature 20: broken" not in text
    assert "and 5 more" in text and "roads.geojson" in text


def test_import_summary_is_one_line():
    line = ImportSummary(segments_read=10, imported=7, skipped={"unnamed": 2, "outside every street": 1}).line()
    assert "\n" not in line
    assert "10" in line and "7" in line and "unnamed: 2" in line and "outside every street: 1" in line
