"""Turn the charts a dataset declares into vector drawings in the document's fonts."""
