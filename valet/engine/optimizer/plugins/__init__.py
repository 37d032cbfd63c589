"""Built-in optimizer plugins (filters and scorers), loaded by stevedore."""
