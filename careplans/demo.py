"""Care plans for the demo agency: one in force, one waiting for the client's signature, one draft."""

from datetime import timedelta

from django.utils import timezone

from careplans import services
from careplans.models import CarePlan
from careplans.signature_payload import CleanSignature

DEMO_SIGNATURE_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 320 110" width="320" height="110">'
    '<path d="M 18 72 C 40 20 62 20 70 70 S 100 96 118 48 C 130 20 150 80 168 60 S 210 30 240 62 '
    'C 258 80 280 58 302 40" fill="none" stroke="#111" stroke-width="2.4" stroke-linecap="round"/></svg>'
)

PLANS = [
    {
        "summary": "A flat of my own, and Emma staying with me every other weekend.",
        "strengths": "Loves his daughter\nGood with his hands: repairs bikes for neighbours\nSister Sofie is close by",
        "safety": {
            "warning_signs": "Not sleeping for two nights\nStopping my medication\nHearing the voices more at night",
            "coping_strategies": "Walk by the lakes\nListen to the radio\nCold shower and a cup of tea",
            "distractions": "The bike workshop on Nørrebrogade\nSofie's kitchen",
            "help_contacts": "Sofie (sister) 20 11 22 33\nMorten (friend) 31 44 55 66",
            "professional_contacts": "Crisis line 70 20 12 01 (day and night)\nEmergency: 112",
            "safe_environment": "Sofie keeps the medication and hands out a week at a time",
            "reasons_for_living": "Emma\nGetting back to work with bikes",
        },
        "goals": [
            ("housing", "I want a flat of my own before the summer",
             [("Apply to two housing associations", 30), ("Viewing of at least one flat", 90)],
             [("Fill in the housing applications together", "case_manager", "", 14),
              ("Bring payslips and ID to the housing office", "client", "", 21)]),
            ("relationships", "I want to see my daughter every other weekend",
             [("Contact arrangement agreed with Emma's mother", 45)],
             [("Call the family counselling service", "case_manager", "", 7),
              ("Drive him to the first visits", "family", "Sofie", 45)]),
            ("medication", "Keep seeing the psychiatrist so the voices stay quiet",
             [("Attend every monthly appointment", 90)],
             [("Book the next appointment at the outpatient clinic", "provider", "Psychiatric outpatient clinic", 10)]),
        ],
    },
]


def demo_signature() -> CleanSignature:
    return CleanSignature(svg=DEMO_SIGNATURE_SVG, png=b"", width=320, height=110)


def seed_care_plans(clients, case_manager) -> int:
    """Plans for up to three of `case_manager`'s clients that have none: active, awaiting signatures, draft."""
    made = 0
    stages = ["active", "awaiting", "draft"]
    for client in clients:
        if not stages:
            break
        if CarePlan.objects.filter(client=client).exists():
            continue
        _make(client, case_manager, stages.pop(0))
        made += 1
    return made


def _make(client, case_manager, stage: str) -> CarePlan:
    content = PLANS[0]
    today = timezone.localdate()
    plan = services.plan_start(client=client, by=case_manager, strengths=content["strengths"])
    plan = services.plan_save(
        plan=plan, by=case_manager, expected_version=plan.version,
        values={"title": "Settling in", "client_summary": content["summary"], **content["safety"]},
    )
    for area, words, objectives, actions in content["goals"]:
        plan.refresh_from_db()
        services.goal_save(
            plan=plan, by=case_manager, expected_version=plan.version, goal=None,
            values={"area": area, "client_words": words, "description": ""},
            objectives=[{"text": text, "target_date": today + timedelta(days=days)} for text, days in objectives],
            actions=[{"text": text, "who": who, "who_name": name, "due_on": today + timedelta(days=days)}
                     for text, who, name, days in actions],
        )
    plan.refresh_from_db()
    if stage == "draft":
        return plan
    plan = services.plan_send_for_signatures(plan=plan, by=case_manager, expected_version=plan.version)
    if stage == "awaiting":
        return plan
    for signer in plan.required_signers:
        if signer["role"] == "case_manager":
            services.signature_record(plan=plan, role="case_manager", witness=case_manager,
                                      signer_user=case_manager, device="demo data")
        elif signer["role"] != "supervisor":
            services.signature_record(plan=plan, role=signer["role"], witness=case_manager, device="demo data",
                                      image=demo_signature())
    return plan
