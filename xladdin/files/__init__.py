"""The report's files: the workbook's openpyxl writer, its schema, charts and upgrades, the
finished copy, the Word edition and its PDF, the raw cache and the one-writer lock."""
