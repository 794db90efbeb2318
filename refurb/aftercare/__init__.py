"""After the handover: support requests, warranty, exchanges and the follow-up call."""
