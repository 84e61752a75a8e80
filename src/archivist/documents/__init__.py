"""Documents: record sources, folder rules, folders and the "Prepare folders" engine."""
