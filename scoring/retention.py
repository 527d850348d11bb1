"""What is kept of a person who withdrew consent and erased their data (/delete_me), why, and how long.

Everything else a person entered or was recorded under is erased. What a commission must keep are the
records of its official decisions: the protocol of each session (§18–§20; App 2 for teachers, App 12 for
heads and deputies), the extract issued to each candidate (§20; App 3, App 13) and the certificate with
its registration number (App 1). A category conferred by a decision rests on these records, and a
complaint about the decision is checked against them (§26).

The texts name the records but not how long they are kept: that is `retention.decision_records_years`
in rules.toml (*assumed*, 5 years by default: the longest validity of a category a decision assigns,
§3, §43). The period runs from the session's date; after it the bot deletes the records.

Of a complaint (§26) the department keeps how it handled it (number, dates, course, outcome, who acted), not
the grounds she typed or the files she attached, for the same period from its registration.

Kept records no longer point to the person's Telegram account: they name the person as the documents
print them, nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from enum import StrEnum

from scoring.calendar import add_years
from scoring.config import Rules, default_rules
from scoring.i18n import N_, Phrase
from scoring.reminders import QuietHours


class KeptRecord(StrEnum):
    DECISION = "decision"  # the person was a candidate and the commission decided on them
    COMMISSION_WORK = "commission_work"  # the person sat in a session as a member or its secretary
    COMPLAINT = "complaint"  # the person's complaint (§26) was decided


@dataclass(frozen=True)
class Retention:
    """One kind of kept record: what it holds of the person and why the commission keeps it (with its clause)."""

    record: KeptRecord
    what: str
    why: str
    until: str = ""  # how long, when not KEPT_UNTIL (counted from the session)


KEPT: dict[KeptRecord, Retention] = {
    KeptRecord.DECISION: Retention(
        KeptRecord.DECISION,
        N_("The commission's decision on your application: your row in the protocol of its session (full name, "
           "position, regular or early attestation, current, claimed and assigned category, the decision and "
           "the members' votes), the protocol itself, and the extract and the certificate issued to you, with "
           "the certificate's number and validity."),
        N_("They are the record of the commission's official decision: the protocol (§18–§20, App 2, App 12), "
           "the extract (§20, App 3, App 13) and the certificate with its registration number (App 1). The "
           "category it assigned rests on them, and a complaint is checked against them (§26)."),
    ),
    KeptRecord.COMMISSION_WORK: Retention(
        KeptRecord.COMMISSION_WORK,
        N_("The protocols of the sessions you took part in as a member or the secretary of a commission: they "
           "print your name and, as a member, your votes."),
        N_("A protocol is the commission's record of its decisions, signed by the chair, the members and the "
           "secretary (§17, §18, App 2, App 12); a member's recorded vote stands in for their signature (§23)."),
    ),
    KeptRecord.COMPLAINT: Retention(
        KeptRecord.COMPLAINT,
        N_("How your complaint was handled: its number, its dates, its course and its outcome, and who acted on "
           "it. The grounds you typed and the files you attached are erased."),
        N_("It is the department's record of a complaint it registered and decided (§26), kept like the records "
           "of the decision it was about."),
        N_("Kept until {date} (a {years}-year retention period from its registration), then deleted."),
    ),
}

KEPT_UNTIL = N_("Kept until {date} (a {years}-year retention period from the session), then deleted.")

# A session in progress counts on its members and secretary as they are (§17, §18): its protocol is not
# drawn up yet, and it must print them. The erasure waits until the session is closed.
WAIT_FOR_SESSION = N_("Session No. {number} of «{name}», on which you sit, is in progress: its protocol will "
                      "record you. Send /delete_me again once the session is closed.")


def rebuild_hours(rules: Rules | None = None) -> QuietHours:
    """When the database file may be rebuilt after an erasure (local time; rules.toml [retention])."""
    section = (rules or default_rules()).retention
    return QuietHours(time.fromisoformat(section.get("rebuild_start", "02:00")),
                      time.fromisoformat(section.get("rebuild_end", "05:00")))


def retention_years(rules: Rules | None = None) -> int:
    return int((rules or default_rules()).retention.get("decision_records_years", 5))


def kept_until(session_date: date, rules: Rules | None = None) -> date:
    """The last day a record of a session held on `session_date` is kept."""
    return add_years(session_date, retention_years(rules))


def purge_before(today: date, rules: Rules | None = None) -> date:
    """Records of sessions held before this date are past their retention and are deleted."""
    return add_years(today, -retention_years(rules))


@dataclass(frozen=True)
class KeptItem:
    """A kind of record kept of one person, with the date of the latest session it comes from."""

    record: KeptRecord
    latest_session: date


def explain(items: list[KeptItem], rules: Rules | None = None) -> list[tuple[Phrase, Phrase, Phrase]]:
    """(what, why, how long) for each kind of kept record, in the order of KEPT."""
    out = []
    for record in KEPT:
        dates = [i.latest_session for i in items if i.record is record]
        if not dates:
            continue
        until = kept_until(max(dates), rules)
        period = {"date": until.strftime("%d.%m.%Y"), "years": retention_years(rules)}
        kept = KEPT[record]
        out.append((Phrase(kept.what), Phrase(kept.why), Phrase(kept.until or KEPT_UNTIL, period)))
    return out
