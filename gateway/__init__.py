"""The API gateway: the only HTTP door. Authentication, validation, routing, shaping."""
