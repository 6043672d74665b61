"""graticule planner."""
