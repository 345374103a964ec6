"""The states of an email in the outbox. Only notify/outbox.py changes them; this module
only names them, so that code which reads them (the health line, the sender lease) does not
load the renderer."""

STATUS_QUEUED = "queued"
STATUS_SENDING = "sending"
STATUS_SENT = "sent"
STATUS_FAILED = "failed"
STATUS_NEEDS_ATTENTION = "needs_attention"
STATUS_CANCELLED = "cancelled"
STATUS_BOUNCED = "bounced"  # sent, then a delivery report said it never arrived
STATUSES = (STATUS_QUEUED, STATUS_SENDING, STATUS_SENT, STATUS_FAILED, STATUS_NEEDS_ATTENTION,
            STATUS_CANCELLED, STATUS_BOUNCED)
