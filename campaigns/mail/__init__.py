"""Email, sent through an outbox.

``mail.queue(...)`` renders an email in the recipient's language and writes it to the outbox
in the current transaction; once that transaction commits, a job sends it (on the Celery
worker, or in the web process when no broker is set). A mail server that is down delays an
email and loses none: the job retries with backoff, and a periodic sweep sends whatever is
due. A dedupe key makes sure that one event never sends two emails.
"""

from campaigns.mail.outbox import deliver, queue, send_due

__all__ = ["deliver", "queue", "send_due"]
