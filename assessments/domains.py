"""The domains of the comprehensive assessment, as data: each with its structured questions.

Every domain also gets a narrative and three lists of items (strengths, needs, and the client's own
goals in their own words); those are the same for all domains and live in the models, not here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

TEXT = "text"
YES_NO = "yes_no"
CHOICE = "choice"


@dataclass(frozen=True)
class Question:
    key: str
    label: str
    kind: str = TEXT
    choices: tuple[tuple[str, str], ...] = ()
    # A "yes" to a question with a risk kind raises a risk flag of that kind when the assessment is saved.
    risk_kind: str = ""


@dataclass(frozen=True)
class Domain:
    key: str
    title: str
    prompt: str
    questions: tuple[Question, ...] = field(default_factory=tuple)
    protected_substance_use: bool = False


FREQUENCY = (("never", _("Never")), ("past", _("In the past")), ("occasional", _("Occasionally")),
             ("regular", _("Regularly")), ("daily", _("Daily")))

DOMAINS: tuple[Domain, ...] = (
    Domain("mental_state", _("Mental state examination"), _("What you observed at this meeting."), (
        Question("appearance", _("Appearance")),
        Question("behaviour", _("Behaviour")),
        Question("speech", _("Speech")),
        Question("mood_affect", _("Mood and affect")),
        Question("thought_form", _("Thought form")),
        Question("thought_content", _("Thought content")),
        Question("perception", _("Perception")),
        Question("cognition", _("Cognition")),
        Question("insight_judgement", _("Insight and judgement")),
    )),
    Domain("physical_health", _("Physical health and medication"), _("Conditions, medication, GP, side effects."), (
        Question("gp", _("GP or primary care")),
        Question("medication", _("Current medication and doses")),
        Question("adherence", _("Taking medication as prescribed"), CHOICE,
                 (("yes", _("Yes")), ("partly", _("Partly")), ("no", _("No")), ("none", _("No medication")))),
        Question("conditions", _("Physical health conditions")),
    )),
    Domain("co_occurring", _("Co-occurring mental health conditions"), _("Diagnoses and other conditions.")),
    Domain("substance_use", _("Substance use"), _("Alcohol, drugs, tobacco; what the client wants to change."), (
        Question("alcohol", _("Alcohol"), CHOICE, FREQUENCY),
        Question("drugs", _("Drugs"), CHOICE, FREQUENCY),
        Question("substances", _("Which substances")),
    ), protected_substance_use=True),
    Domain("wellbeing", _("Emotional and mental well-being"), _("How the client feels day to day.")),
    Domain("coping", _("Coping with stress and illness"), _("What helps, what makes things worse.")),
    Domain("safety", _("Safety of the client and of others"), _("Any risk found here raises a risk flag at once."), (
        Question("harm_to_self", _("Current thoughts or plans of harming themself"), YES_NO, risk_kind="suicide"),
        Question("harm_to_others", _("Current thoughts or plans of harming others"), YES_NO, risk_kind="harm_to_others"),
        Question("safeguarding", _("A child or adult at risk in the household"), YES_NO, risk_kind="safeguarding"),
    )),
    Domain("relationships", _("Friendships, family and relationships"), _("Who matters to the client; contact with children.")),
    Domain("occupation", _("Work, leisure and education"), _("What fills the client's days; what they would like to do.")),
    Domain("daily_living", _("Daily living skills"), _("Cooking, shopping, self-care, managing a home.")),
    Domain("income_housing", _("Income, benefits and housing"), _("Where the client lives and how secure it is."), (
        Question("housing", _("Housing"), CHOICE, (
            ("stable", _("Stable")), ("temporary", _("Temporary or sofa-surfing")), ("homeless", _("No home")),
            ("supported", _("Supported housing")), ("hospital", _("In hospital")))),
        Question("income", _("Income and benefits")),
        Question("debt", _("Debts or money worries"), YES_NO),
    )),
    Domain("rights_advocacy", _("Rights and advocacy needs"), _("Legal status, advocacy, complaints.")),
    Domain("culture_language", _("Cultural and language needs"), _("Language, faith, culture, interpreters.")),
)

DOMAIN_BY_KEY = {domain.key: domain for domain in DOMAINS}
