"""Protocol (App 2 / App 12), extract (App 3 / App 13) and certificate (App 1): their content, then DOCX and PDF.

The content of each document is one dictionary (its *context*): every fixed wording already translated into
the commission's language (so a document reads the same whoever asked for it), and every fact filled in. The
DOCX is a template filled with it (features/commission/documents/templates, replaceable by a department: see
features/commission/documents/render.py and the README); the PDF is the bot's own layout of the same dictionary.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from features.commission.documents.render import Pdf, QrCode, render_docx, strings
from scoring.commission import LEADER_GROUPS, TEACHER_GROUPS, ProtocolGroup, needs_reason
from scoring.dates import format_day, format_moment
from scoring.i18n import N_

Translate = Callable[[str], str]

SIGNATURE_NOTE = N_(
    "Members' votes were recorded in the Telegram bot, each with its time (listed below); this record "
    "stands in for the members' digital signatures (§23)."
)
SIGNATURE = N_("(signature)")

# Template names (features/commission/documents/templates/<name>.docx); a department replaces any of them.
PROTOCOL, PROTOCOL_LEADERS = "protocol_app2", "protocol_app12"
EXTRACT, EXTRACT_LEADERS = "extract_app3", "extract_app13"
CERTIFICATE = "certificate_app1"
TEMPLATES = (PROTOCOL, PROTOCOL_LEADERS, EXTRACT, EXTRACT_LEADERS, CERTIFICATE)


@dataclass(frozen=True)
class VoteLine:
    member: str
    choice: str  # already translated; an abstention recorded on closing says so
    at: datetime


@dataclass(frozen=True)
class Row:
    full_name: str
    position: str
    kind: str  # regular / early (teachers only)
    current: str
    claimed: str
    assigned: str
    decision: str
    group: ProtocolGroup
    reason: str = ""
    votes: tuple[VoteLine, ...] = ()
    points: str = ""  # the members' commission points against the threshold, one line; "" if nobody scored
    basis: str = ""  # what the decision rests on: the votes for it against the members present (§18)
    matches_claimed: bool = False
    keeps_current: bool = False  # "does not match": the current category stays until it expires (§47)


@dataclass(frozen=True)
class Attendance:
    members: int
    present: tuple[str, ...]
    absent: tuple[str, ...]
    quorum: int

    @property
    def reached(self) -> bool:
        return len(self.present) >= self.quorum


@dataclass(frozen=True)
class ProtocolData:
    commission: str
    number: int
    session_date: date
    chair: str
    chair_present: bool
    members: tuple[str, ...]  # the members present other than the chair, as they sign
    secretary: str
    leaders: bool  # App 12 (heads and deputies) instead of App 2
    attendance: Attendance
    rows: tuple[Row, ...] = field(default_factory=tuple)
    postponed: tuple[str, ...] = ()


@dataclass(frozen=True)
class CertificateData:
    full_name: str
    category: str
    position: str
    decided_on: date
    order_issuer: str
    order_number: str
    order_date: date
    signatory: str
    issued_on: date
    valid_until: date
    number: str


@dataclass(frozen=True)
class Stamp:
    """What makes a certificate or extract verifiable: its code to type and the text of its QR code (the signed
    facts, or a link to the verification page carrying them), made by features/verification."""

    code: str  # as printed: ABCD-EFGH-JK
    qr: str
    url: str | None = None  # the verification page, when the deployment has a public one (VERIFY_URL)


def verification_context(t: Translate, stamp: Stamp | None) -> dict[str, Any]:
    """The verification block of a document; empty (and left out by the templates) for a document without one."""
    if stamp is None:
        return {"verification_label": "", "verification_code": "", "verification_hint": "", "qr": ""}
    hint = (t(N_("Verify it at {url} or by sending /verify {code} to the attestation bot. The QR code holds these "
                 "facts signed by the education authority.")) if stamp.url else
            t(N_("Verify it by sending /verify {code} to the attestation bot. The QR code holds these facts signed "
                 "by the education authority.")))
    return {"verification_label": t(N_("Verification code:")), "verification_code": stamp.code,
            "verification_hint": hint.format(url=stamp.url, code=stamp.code), "qr": QrCode(stamp.qr)}


def _pdf_verification(out: Pdf, ctx: dict[str, Any]) -> None:
    if ctx["verification_code"]:
        out.verification(ctx["qr"], f"{ctx['verification_label']} {ctx['verification_code']}",
                         ctx["verification_hint"])


# --- protocol (App 2, App 12) ----------------------------------------------------------------------


def _columns(t: Translate) -> dict[str, str]:
    return {"no": t(N_("No.")), "full_name": t(N_("Full name")), "position": t(N_("Position")),
            "kind": t(N_("Regular / early")), "current": t(N_("Qualification category")),
            "current_leader": t(N_("Current category")), "claimed": t(N_("Claimed category")),
            "assigned": t(N_("Assigned category")), "reason": t(N_("Reason")),
            "decision": t(N_("Commission's decision"))}


def _row(n: int, r: Row) -> dict[str, str]:
    return {"no": str(n), "full_name": r.full_name, "position": r.position, "kind": r.kind, "current": r.current,
            "claimed": r.claimed, "assigned": r.assigned, "reason": r.reason, "decision": r.decision}


def _votes(t: Translate, rows: tuple[Row, ...]) -> dict[str, Any]:
    return {
        "votes_title": t(N_("Votes recorded in the bot")), "note": t(SIGNATURE_NOTE),
        "vote_columns": {"candidate": t(N_("Candidate")), "member": t(N_("Member")), "vote": t(N_("Vote")),
                         "time": t(N_("Time"))},
        "votes": [{"candidate": r.full_name, "member": v.member, "vote": v.choice, "time": format_moment(v.at)}
                  for r in rows for v in r.votes],
    }


def attendance_text(t: Translate, a: Attendance) -> str:
    verdict = t(N_("quorum reached")) if a.reached else t(N_("no quorum"))
    return t(N_("Members of the commission: {members}; present: {present}; absent: {absent}. The session is valid "
                "when at least two thirds of the members take part (§18), {quorum}: {verdict}.")).format(
        members=a.members, present=len(a.present), absent=len(a.absent), quorum=a.quorum, verdict=verdict)


def protocol_context(p: ProtocolData, t: Translate) -> dict[str, Any]:
    title = (N_("Minutes of the session of the commission for assigning (confirming) the qualification categories "
                "of heads and deputy heads of organisations") if p.leaders else
             N_("Minutes of the session of the commission for assigning (confirming) the qualification categories of "
                "teachers, heads of departments and methodists"))
    groups: list[dict[str, Any]] = []
    for group in LEADER_GROUPS if p.leaders else TEACHER_GROUPS:
        rows = [r for r in p.rows if r.group is group]
        groups.append({"key": group.value, "title": t(group.label), "has_reason": needs_reason(group),
                       "rows": [_row(n, r) for n, r in enumerate(rows, start=1)]})
    signatures = [{"role": t(N_("Chair of the commission")), "name": p.chair}] if p.chair_present else []
    signatures += [{"role": t(N_("Member of the commission")), "name": name} for name in p.members]
    signatures.append({"role": t(N_("Secretary of the commission")), "name": p.secretary})
    return {
        "form": t(N_("Appendix 12")) if p.leaders else t(N_("Appendix 2")),
        "title": t(title), "commission": p.commission, "number": str(p.number), "date": format_day(p.session_date),
        "heading": t(N_("Minutes No. {number} of {date}")).format(number=p.number, date=format_day(p.session_date)),
        "chair_label": t(N_("Chair of the commission:")),
        "chair": p.chair + ("" if p.chair_present else " — " + t(N_("absent"))),
        "members_label": t(N_("Members of the commission present:")),
        "members": [{"no": str(n), "name": name} for n, name in enumerate(p.members, start=1)],
        "attendance_title": t(N_("Attendance and quorum")),
        "attendance": attendance_text(t, p.attendance),
        "present_label": t(N_("Present:")), "present": ", ".join(p.attendance.present) or "—",
        "absent_label": t(N_("Absent:")), "absent": ", ".join(p.attendance.absent) or "—",
        "quorum_reached": p.attendance.reached,
        "decision_title": t(N_("Decision of the commission on the results of assigning (confirming) the "
                               "qualification category")),
        "columns": _columns(t), "groups": groups, **{g["key"]: g for g in groups},
        "basis_title": t(N_("How each decision was taken (§18)")),
        "bases": [{"name": r.full_name, "text": r.basis} for r in p.rows if r.basis],
        "points_title": t(N_("Commission points (scoring sheets filled in by the members)")),
        "points": [r.points for r in p.rows if r.points],
        "postponed_label": t(N_("Postponed to a later session:")),
        "postponed": ", ".join(p.postponed),
        **_votes(t, p.rows),
        "signatures": signatures, "signature": t(SIGNATURE),
    }


def protocol_docx(p: ProtocolData, t: Translate, locale: str, folder: Path | None = None) -> bytes:
    return render_docx(PROTOCOL_LEADERS if p.leaders else PROTOCOL, locale, protocol_context(p, t), folder)


def protocol_pdf(p: ProtocolData, t: Translate, folder: Path | None = None) -> bytes:
    ctx = protocol_context(p, t)
    out = Pdf(strings(ctx), folder, landscape=True)
    out.line(ctx["form"], size=8, align="R")
    out.line(ctx["title"], size=12, bold=True, align="C")
    out.line(ctx["commission"], align="C")
    out.line(ctx["heading"], align="C", after=4)
    out.line(f"{ctx['chair_label']} {ctx['chair']}")
    out.line(ctx["members_label"])
    for member in ctx["members"]:
        out.line(f"{member['no']}. {member['name']}", after=0.5)
    out.space(2)
    out.line(ctx["attendance_title"], size=11, bold=True)
    out.line(ctx["attendance"])
    out.line(f"{ctx['present_label']} {ctx['present']}")
    out.line(f"{ctx['absent_label']} {ctx['absent']}", after=3)
    out.line(ctx["decision_title"], size=11, bold=True)
    columns = ctx["columns"]
    for group in ctx["groups"]:
        out.line(group["title"], size=10, bold=True)
        keys = _protocol_keys(p.leaders, group["has_reason"])
        header = [columns["current_leader" if p.leaders and k == "current" else k] for k in keys]
        out.table([header] + [[r[k] for k in keys] for r in group["rows"]])
    if ctx["postponed"]:
        out.line(f"{ctx['postponed_label']} {ctx['postponed']}")
    if ctx["bases"]:
        out.line(ctx["basis_title"], size=11, bold=True)
        for basis in ctx["bases"]:
            out.line(f"{basis['name']}: {basis['text']}", after=0.5)
        out.space(2)
    if ctx["points"]:
        out.line(ctx["points_title"], size=11, bold=True)
        for line in ctx["points"]:
            out.line(line, after=0.5)
        out.space(2)
    _pdf_votes(out, ctx, with_candidate=True)
    for s in ctx["signatures"]:
        out.signature(s["role"], s["name"], ctx["signature"])
    return out.output()


def _protocol_keys(leaders: bool, has_reason: bool) -> list[str]:
    if leaders:
        return ["no", "full_name", "position", "current", "claimed", "assigned", "decision"]
    keys = ["no", "full_name", "position", "kind", "current", "claimed", "assigned"]
    return [*keys, "reason"] if has_reason else keys


def _pdf_votes(out: Pdf, ctx: dict[str, Any], with_candidate: bool) -> None:
    out.line(ctx["votes_title"], size=11, bold=True)
    out.line(ctx["note"])
    keys = ["candidate", "member", "vote", "time"] if with_candidate else ["member", "vote", "time"]
    out.table([[ctx["vote_columns"][k] for k in keys]] + [[v[k] for k in keys] for v in ctx["votes"]])


# --- extract (App 3, App 13) -----------------------------------------------------------------------


def extract_context(p: ProtocolData, row: Row, t: Translate, stamp: Stamp | None = None) -> dict[str, Any]:
    number_title = (N_("Extract from the minutes No. {number} of {date} of the session of the attestation commission")
                    if p.leaders else
                    N_("Extract from the minutes No. {number} of the session of the attestation commission"))
    if row.keeps_current:
        result = t(N_("The current qualification category is kept until it expires (§47): {category}.")).format(
            category=row.current)
    elif row.group is ProtocolGroup.NOT_MATCHING_CLAIMED:
        result = t(N_("The qualification category assigned on the results of the national qualification test "
                      "(§32): {category}.")).format(category=row.assigned)
    else:
        result = t(N_("Matches the qualification category: {category}.")).format(category=row.assigned)
    return {
        "form": t(N_("Appendix 13")) if p.leaders else t(N_("Appendix 3")),
        "date": format_day(p.session_date), "commission": p.commission,
        "commission_caption": t(N_("(full name of the commission)")),
        "title": t(number_title).format(number=p.number, date=format_day(p.session_date)), "number": str(p.number),
        "decision_title": t(N_("DECISION of the commission on the results of assigning (confirming) the "
                               "qualification category")),
        "full_name": row.full_name,
        "name_caption": t(N_("(surname, name and patronymic (if any) of the person attested)")),
        "position_label": t(N_("Position:")), "position": row.position,
        "claimed_label": t(N_("Claimed category:")), "claimed": row.claimed,
        "matched": t(N_("Matches the claimed qualification category")) if row.matches_claimed else t(
            N_("Does not match the claimed qualification category")),
        "decision_label": t(N_("Decision:")), "decision": row.decision,
        "category_label": t(N_("Qualification category:")),
        "category": row.current if row.keeps_current else row.assigned,
        "result": result,
        "reason_label": t(N_("Reason:")), "reason": row.reason,
        "basis": row.basis,
        **_votes(t, (row,)),
        "secretary_label": t(N_("Secretary of the commission")), "secretary": p.secretary,
        "signature": t(SIGNATURE),
        **verification_context(t, stamp),
    }


def extract_docx(p: ProtocolData, row: Row, t: Translate, locale: str, folder: Path | None = None,
                 stamp: Stamp | None = None) -> bytes:
    return render_docx(EXTRACT_LEADERS if p.leaders else EXTRACT, locale, extract_context(p, row, t, stamp), folder)


def extract_pdf(p: ProtocolData, row: Row, t: Translate, folder: Path | None = None,
                stamp: Stamp | None = None) -> bytes:
    ctx = extract_context(p, row, t, stamp)
    out = Pdf(strings(ctx), folder)
    out.line(ctx["form"], size=8, align="R")
    if not p.leaders:
        out.line(ctx["date"], align="R")
    out.line(ctx["commission"], align="C", after=0)
    out.caption(ctx["commission_caption"], align="C")
    out.line(ctx["title"], size=12, bold=True, align="C", after=3)
    out.line(ctx["decision_title"], bold=True, align="C")
    out.line(ctx["full_name"], size=12, bold=True, align="C", after=0)
    out.caption(ctx["name_caption"], align="C")
    out.line(f"{ctx['position_label']} {ctx['position']}")
    out.line(f"{ctx['claimed_label']} {ctx['claimed']}")
    out.line(ctx["matched"], bold=True)
    out.line(f"{ctx['decision_label']} {ctx['decision']}")
    out.line(f"{ctx['category_label']} {ctx['category']}")
    out.line(ctx["result"], bold=True)
    if ctx["reason"]:
        out.line(f"{ctx['reason_label']} {ctx['reason']}")
    if ctx["basis"]:
        out.line(ctx["basis"], after=3)
    _pdf_votes(out, ctx, with_candidate=False)
    out.signature(ctx["secretary_label"], ctx["secretary"], ctx["signature"])
    _pdf_verification(out, ctx)
    return out.output()


# --- certificate (App 1) ---------------------------------------------------------------------------


def certificate_context(c: CertificateData, t: Translate, stamp: Stamp | None = None) -> dict[str, Any]:
    body = t(N_("In accordance with the decision of the attestation commission for assigning (confirming) "
                "qualification categories of {decided}, by order No. {number} of {order_date} of the education "
                "organisation or education authority «{issuer}», the qualification category «{category}» is "
                "assigned (confirmed) for the position «{position}»."))
    return {
        "form": t(N_("Appendix 1")),
        "title": t(N_("CERTIFICATE of assignment (confirmation) of a qualification category")),
        "issued_to": t(N_("This certificate is issued to:")), "full_name": c.full_name,
        "name_caption": t(N_("(surname, name, patronymic (if any))")),
        "body": body.format(decided=format_day(c.decided_on), number=c.order_number,
                            order_date=format_day(c.order_date), issuer=c.order_issuer, category=c.category,
                            position=c.position),
        "decided": format_day(c.decided_on), "order_number": c.order_number, "order_date": format_day(c.order_date),
        "issuer": c.order_issuer, "category": c.category, "position": c.position,
        "valid": t(N_("This certificate is valid until {date}.")).format(date=format_day(c.valid_until)),
        "valid_until": format_day(c.valid_until),
        "head_label": t(N_("Head of the education organisation / education authority")),
        "signatory": c.signatory,
        "signatory_caption": t(N_("(surname, name, patronymic (if any), signature)")),
        "seal": t(N_("Place for the seal")),
        "number_label": t(N_("Registration number:")), "number": c.number,
        "issued_label": t(N_("Date of issue:")), "issued_on": format_day(c.issued_on),
        **verification_context(t, stamp),
    }


def certificate_docx(c: CertificateData, t: Translate, locale: str, folder: Path | None = None,
                     stamp: Stamp | None = None) -> bytes:
    return render_docx(CERTIFICATE, locale, certificate_context(c, t, stamp), folder)


def certificate_pdf(c: CertificateData, t: Translate, folder: Path | None = None, stamp: Stamp | None = None) -> bytes:
    ctx = certificate_context(c, t, stamp)
    out = Pdf(strings(ctx), folder)
    out.line(ctx["form"], size=8, align="R", after=6)
    out.line(ctx["title"], size=14, bold=True, align="C", after=8)
    out.line(ctx["issued_to"], size=11)
    out.line(ctx["full_name"], size=13, bold=True, align="C", after=0)
    out.caption(ctx["name_caption"], align="C")
    out.line(ctx["body"], size=11, after=4)
    out.line(ctx["valid"], size=11, after=10)
    out.signature(ctx["head_label"], ctx["signatory"], ctx["signatory_caption"])
    out.space(2)
    out.seal(ctx["seal"])
    out.line(f"{ctx['number_label']} {ctx['number']}", size=11)
    out.line(f"{ctx['issued_label']} {ctx['issued_on']}", size=11)
    _pdf_verification(out, ctx)
    return out.output()
