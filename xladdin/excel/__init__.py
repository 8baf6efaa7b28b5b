"""Excel front ends over xlwings: cell functions, the live-workbook back end, the add-in."""
