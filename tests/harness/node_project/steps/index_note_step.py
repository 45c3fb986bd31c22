from typing import Any

from stephost import Context

# note.created: index the note (a "poison" note always fails, so it ends in the DLQ).
config = {
    "type": "event",
    "name": "IndexNote",
    "subscribes": ["note.created"],
    "emits": ["note.indexed"],
    "maxAttempts": 2,
    "backoffMs": 10,
}


async def handler(data: dict[str, Any], ctx: Context) -> None:
    if data["text"] == "poison":
        raise ValueError(f"cannot index note {data['id']}")
    words = len(data["text"].split())
    await ctx.state.set("notes", data["id"], {**data, "words": words})
    await ctx.emit("note.indexed", {"id": data["id"], "words": words})
    ctx.logger.info("note indexed", note_id=data["id"])
