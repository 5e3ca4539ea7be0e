"""The site's languages: locale selection, the per-request catalog, spoken languages and formats."""
