"""Import and export from the File menu: the import wizard (CSV / XLSX, columns mapped and
remembered per source, a dry run, then the import) and the whole ledger to Excel."""
