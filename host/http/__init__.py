"""HTTP: the api steps' routes, the host's own JSON API under /_stephost/, OpenAPI."""
