"""Turn composed documents into PDF bytes: typography, page templates, metadata, safe writing."""
