config = {
    "name": "progress",
    "schema": {
        "type": "object",
        "properties": {"percent": {"type": "integer"}},
        "required": ["percent"],
    },
    "baseConfig": {"storageType": "default"},
}
