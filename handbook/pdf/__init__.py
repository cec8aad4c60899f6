"""HTML to PDF, standing alone: fonts, WeasyPrint engine and cache, fix-ups, book, overlay."""
