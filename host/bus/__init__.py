"""The durable event bus: topics to subscribed steps, at-least-once, retries, DLQ."""
