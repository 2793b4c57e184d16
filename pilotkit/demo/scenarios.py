"""The demo pilots: a new CRM at a 311 contact center, and a youth civic program.

The numbers are invented but shaped like a real pilot: most areas improve, some stay
where they were, and one (ease of the job, while agents learn a second system) declines;
focus groups raise a blocker about duplicate data entry. Names never appear in notes.
"""

from __future__ import annotations

import pandas as pd

from pilotkit.demo.synthetic import Scenario

CRM_PILOT_SLUG = "crm-311"
CRM_PILOT_NAME = "311 contact center: new CRM pilot"
CRM_TECHNOLOGY = "A new customer relationship management (CRM) system for 311 call agents"
CRM_OBJECTIVES = (
    "Shorten call handling, give agents a single view of each resident's open requests, "
    "and hand cases to partner departments without re-keying them."
)

CRM_SCENARIO = Scenario(
    participants=60,
    effects={
        "productivity": 0.55,
        "processes": 0.45,
        "communication": 0.35,
        "organization": 0.0,
        "effortlessness": -0.5,
        "work_impact": 0.3,
    },
    baseline=0.45,
    attrition=0.12,
    skip_rate=0.015,
    texts={
        "what_worked": [
            "Seeing the caller's earlier requests on one screen saves a lot of questions.",
            "Case hand-offs to Sanitation now arrive with all the details.",
            "The templates for common requests are quick to fill in.",
            "Supervisors can see the queue without walking the floor.",
            "Search finds the resident's address on the first try.",
            "Fewer callbacks because the status is visible to everyone.",
        ],
        "rollout_worries": [
            "We still type the same case into the old system for some departments.",
            "Training time: the first two weeks were slow and stressful.",
            "The system froze twice during the Monday peak.",
            "Night shift had no one to ask when something went wrong.",
            "Partner departments are not all on it yet, so we keep two ways of working.",
            "Spanish-language templates are incomplete.",
        ],
    },
    seed=311,
)

YOUTH_SLUG = "youth-civic-2026"
YOUTH_NAME = "Youth civic engagement program, spring cohort"
YOUTH_SCENARIO = Scenario(
    participants=32,
    anonymous=True,
    attrition=0.2,
    boolean_rates={
        "knows_311": (0.31, 0.92),
        "used_311_app": (0.12, 0.46),
        "knows_report_issue": (0.28, 0.81),
        "knows_block_captain": (0.06, 0.88),
        "interested_block_captain": (0.19, 0.42),
        "knows_council_member": (0.16, 0.35),
        "shared_idea": (0.22, 0.31),
        "feels_heard": (0.25, 0.38),
    },
    texts={
        "post_comment": [
            "How to report a broken streetlight from my phone.",
            "That the city has to answer you when you report something.",
            "Meeting the people who fix the potholes.",
            "What a block captain does.",
        ]
    },
    seed=1117,
)

#: Focus-group sessions of the CRM pilot: (session key, date, kind, attendees).
CRM_SESSIONS = [
    ("fg-1", "2026-10-06", "focus_group", 8),
    ("fg-2", "2026-10-08", "focus_group", 7),
]

_NOTE_COLUMNS = [
    "session_id",
    "dimension",
    "sentiment",
    "severity",
    "text",
    "quote",
    "follow_up",
]

#: Notes as a facilitator would write them during the sessions.
CRM_NOTES = [
    (
        "fg-1",
        "productivity",
        "positive",
        "none",
        "Agents say the single view of a resident's open requests shortens calls.",
        "I don't have to put people on hold to look things up anymore.",
        "",
    ),
    (
        "fg-1",
        "effortlessness",
        "negative",
        "blocker",
        "Cases for three partner departments must still be re-entered in the old system.",
        "Every Parks case, I type twice.",
        "Build the hand-off interface to Parks, Transportation and Housing before rollout.",
    ),
    (
        "fg-1",
        "processes",
        "positive",
        "minor",
        "Request templates help, but two of the most common ones miss required fields.",
        "",
        "Review the ten most used templates with team leads.",
    ),
    (
        "fg-1",
        "communication",
        "mixed",
        "minor",
        "Status updates reach residents faster; internal notes between shifts are inconsistent.",
        "",
        "Agree on a shift hand-over note format.",
    ),
    (
        "fg-1",
        "work_impact",
        "negative",
        "major",
        "The first two weeks were stressful; call times went up before they went down.",
        "The first week I went home exhausted.",
        "Plan a lighter schedule during training.",
    ),
    (
        "fg-2",
        "effortlessness",
        "negative",
        "major",
        "Night shift had no one to ask when the system misbehaved.",
        "",
        "Set up an on-call contact for the night shift during rollout.",
    ),
    (
        "fg-2",
        "organization",
        "neutral",
        "none",
        "Roles did not change; supervisors now see the queue on a dashboard.",
        "",
        "",
    ),
    (
        "fg-2",
        "productivity",
        "positive",
        "none",
        "Fewer repeat calls because residents get a case number and status by text.",
        "People call back less because they already know where their request is.",
        "",
    ),
    (
        "fg-2",
        "work_impact",
        "mixed",
        "minor",
        "Agents like the tool but worry about partner departments that are not on it yet.",
        "",
        "Publish the partner onboarding schedule.",
    ),
    (
        "fg-2",
        "processes",
        "negative",
        "major",
        "Spanish-language templates are incomplete, so bilingual agents translate on the fly.",
        "",
        "Complete and review Spanish templates before rollout.",
    ),
    (
        "fg-2",
        "communication",
        "positive",
        "none",
        "Partner departments that are connected answer escalations within the day.",
        "",
        "",
    ),
]


def crm_notes() -> pd.DataFrame:
    """The CRM pilot's focus-group notes as a table (one row per note)."""
    return pd.DataFrame(CRM_NOTES, columns=_NOTE_COLUMNS)
