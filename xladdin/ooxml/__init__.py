"""The OOXML package below every layer: zip parts, sheets, cells and defined names of an xlsx,
and nothing of the report."""
