"""Data -> PDF with reportlab: letters, statements, reports. Hebrew RTL shaping lives here. No Qt."""
