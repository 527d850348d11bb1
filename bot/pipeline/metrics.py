"""The bot's metrics in the Prometheus format: updates handled and their time, and the queues' depths."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.metrics_repository import MetricsRepository

# One registry per process, not prometheus_client's global one, so tests and several applications in one
# process do not share counters by accident.
REGISTRY = CollectorRegistry()

UPDATES = Counter("attestation_updates", "Updates handled, by how their handling ended.", ["outcome"],
                  registry=REGISTRY)
UPDATE_SECONDS = Histogram("attestation_update_seconds", "Time from taking an update to finishing it.",
                           buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
                           registry=REGISTRY)
UPDATES_TAKEN_OVER = Counter("attestation_updates_taken_over", "Updates another worker stored and did not apply, "
                             "applied by this worker's sweep of the inbox.", registry=REGISTRY)
SCHEDULER_LEADING = Gauge("attestation_scheduler_leading", "1 while this worker holds the scheduler's lease.",
                          registry=REGISTRY)
REMINDERS = Counter("attestation_reminders", "Teachers' reminders this worker's scheduler sent, by outcome.",
                    ["outcome"], registry=REGISTRY)
REMINDER_RUN_FINISHED = Gauge("attestation_reminder_run_finished_timestamp_seconds",
                              "When this worker's last reminder run ended (Unix time).", registry=REGISTRY)
BROADCAST_MESSAGES = Counter("attestation_broadcast_messages", "Broadcast messages this worker delivered, by outcome.",
                             ["outcome"], registry=REGISTRY)
_QUEUES = Gauge("attestation_queue_depth", "Rows waiting in each queue, read from the database when scraped.",
                ["queue"], registry=REGISTRY)


async def render_metrics(sessions: async_sessionmaker[AsyncSession]) -> bytes:
    """The metrics text, with the queue depths read now (the database is the queues' only truth)."""
    async with sessions() as session:
        depths = await MetricsRepository(session).queue_depths()
    _QUEUES.labels("outbox").set(depths.outbox_waiting)
    _QUEUES.labels("outbox_failed").set(depths.outbox_failed)
    _QUEUES.labels("updates_unapplied").set(depths.updates_unapplied)
    _QUEUES.labels("broadcast_recipients").set(depths.broadcast_recipients_waiting)
    return generate_latest(REGISTRY)
