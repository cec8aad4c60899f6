"""Word and Excel files over the same data and structure as handbook.render (python-docx, openpyxl)."""
