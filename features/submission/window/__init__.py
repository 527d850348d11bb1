"""/window: the admins set the application window of an academic year."""
