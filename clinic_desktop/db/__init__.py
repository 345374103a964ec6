"""Database: typed models, engine and sessions, migrations and backups."""
