"""Handlers of the REST API, one module per resource.

Each handler is shaped: request context → policy → schema → db or engine;
the exceptions it raises are rendered by valet.api.handler.
"""
