"""The report: its document (made once per report), the workbook plan laid out from it, table
layouts, the template, the refresh pipeline and text output."""
