-- PostGIS is the source of truth for geometry (districts, grids, components, sensor locations).
CREATE EXTENSION IF NOT EXISTS postgis;
