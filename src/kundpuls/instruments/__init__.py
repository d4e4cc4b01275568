"""The survey model (pure): definitions, their JSON Schema, validation, templates and codebooks."""
