"""Local stand-ins and real services for tests (see each module)."""
