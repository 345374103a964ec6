"""Patient and doctor notifications: the outbox, rendering and delivery."""
