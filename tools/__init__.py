"""Developer tools run from the repository (not part of the product, not collected by pytest)."""
