"""Board feature: open cases as one column per workflow state."""
