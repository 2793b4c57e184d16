"""Staff roles and what each may do (the matrix documented in docs/roles.md).

A permission is checked together with pilot membership: a user who is not a member of a
pilot is told it does not exist (404), a member whose role lacks the permission is
refused (403). Admins are members of every pilot.
"""

from __future__ import annotations

ROLES: tuple[str, ...] = ("admin", "manager", "facilitator", "analyst", "executive")

_ALL = frozenset(ROLES)

PERMISSIONS: dict[str, frozenset[str]] = {
    # See a pilot and its response figures (numbers only).
    "pilot.view": _ALL,
    "pilot.create": frozenset({"admin", "manager"}),
    # Open/close waves, issue and reissue links, see who has not answered.
    "pilot.manage": frozenset({"admin", "manager"}),
    "sessions.view": frozenset({"admin", "manager", "facilitator", "analyst"}),
    "sessions.edit": frozenset({"admin", "manager", "facilitator"}),
    "export": frozenset({"admin", "analyst"}),
    # Read the readiness reports of a pilot; start a new report run.
    "reports.view": frozenset({"admin", "manager", "analyst", "executive"}),
    "reports.run": frozenset({"admin", "manager", "analyst"}),
    "tokens": frozenset({"admin", "analyst"}),
    # Add existing accounts to a pilot, or remove them.
    "members.manage": frozenset({"admin", "manager"}),
    "users.manage": frozenset({"admin"}),
    "audit.view": frozenset({"admin"}),
    # Edit the pilot's questionnaire, preview it, make and clear test links.
    "questionnaire.edit": frozenset({"admin", "manager"}),
    # Live counts per question (small groups suppressed); responses and codebook files.
    "results.view": frozenset({"admin", "manager", "analyst"}),
    "results.download": frozenset({"admin", "manager", "analyst"}),
    # Contacts (personal data), e-mail wording, sending invitations and reminders, the
    # outreach figures and the messages sent. Never analysts or executives.
    "outreach": frozenset({"admin", "manager"}),
    # The concern register: everyone on the pilot reads it; managers and analysts add to
    # it; managers plan and record mitigations; someone other than the owner verifies;
    # only executives accept a risk or record a rollout decision.
    "concerns.view": _ALL,
    "concerns.add": frozenset({"admin", "manager", "analyst"}),
    "concerns.plan": frozenset({"admin", "manager"}),
    "concerns.verify": frozenset({"admin", "manager", "facilitator"}),
    "concerns.accept": frozenset({"executive"}),
    "decisions.record": frozenset({"executive"}),
    # Decisions, their one-page memos, and the portfolio of pilots.
    "decisions.view": frozenset({"admin", "manager", "executive"}),
}


def allowed(role: str, permission: str) -> bool:
    return role in PERMISSIONS[permission]
