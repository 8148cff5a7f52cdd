"""The REST API (F-20) and the cookie sign-in endpoints, mounted into Reflex."""
