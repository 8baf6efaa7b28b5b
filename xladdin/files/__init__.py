"""Workbook files: writing, patching in place, importing customs downloads."""
