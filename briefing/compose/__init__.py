"""Turn a Dataset, its Findings and its charts into the pages of each document (one module per
document).
"""
