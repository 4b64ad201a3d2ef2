"""The debt aging screen (גיול חובות): table, drill-down, chart, export, PDF."""
