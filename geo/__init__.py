"""Pure-Python geometry for the alley app: CRS conversion, metric measures, importers, merging."""
