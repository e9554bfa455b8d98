"""Internal helpers shared by every layer: sequence checks, the time index, parameter validation."""
