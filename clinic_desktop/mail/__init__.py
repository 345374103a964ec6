"""Reading the clinic's mailbox: patients' replies with photos, and bounces."""
