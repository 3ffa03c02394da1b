"""The demo agency's resource directory, and one referral that has gone round the loop."""

from datetime import timedelta

from django.utils import timezone

from careplans.demo import demo_signature
from clients.models import Consent
from referrals import hsds, services
from referrals.models import Referral, Service

ORGANIZATIONS = (
    "id,name,description,email,website\n"
    "demo-bolig,Bolig Nord,Supported housing for adults in the north of the city,visitation@bolig-nord.example,https://bolig-nord.example\n"
    "demo-job,Jobværkstedet,Individual placement and support (IPS) for people with mental illness,ips@jobvaerkstedet.example,\n"
    "demo-peer,Peer Café,Peer support groups run by people with lived experience,hej@peercafe.example,\n"
    "demo-psych,Psychiatric outpatient clinic North,Psychiatrists and nurses: medication and follow-up,clinic@psych-north.example,\n"
    "demo-crisis,Crisis line,Day and night phone support,,https://crisisline.example\n"
    "demo-legal,Social rights advice,Free advice on benefits and housing rights,advice@rights.example,\n"
)
LOCATIONS = (
    "id,organization_id,name,address_1,city,postal_code,country\n"
    "demo-bolig-1,demo-bolig,Office,Nørrebrogade 10,Copenhagen,2200,DK\n"
    "demo-job-1,demo-job,Workshop,Tagensvej 85,Copenhagen,2200,DK\n"
    "demo-psych-1,demo-psych,Clinic,Bispebjerg Bakke 23,Copenhagen,2400,DK\n"
)
SERVICES = (
    "id,organization_id,name,description,url,email,status,eligibility_description,category,languages,opening_hours,location_id\n"
    "demo-bolig-s1,demo-bolig,Bostøtte for voksne,Help to find and keep a home,,visitation@bolig-nord.example,active,Adults 18+ with a mental illness and no stable housing,housing,da;en,Mon-Fri 9-15,demo-bolig-1\n"
    "demo-bolig-s2,demo-bolig,Emergency shelter beds,Beds for tonight,,,active,Anyone without a place to sleep,housing,da;en;pl,Day and night,demo-bolig-1\n"
    "demo-job-s1,demo-job,IPS employment support,A job coach helps find and keep ordinary work,,,active,Anyone who wants to work,employment,da;en;ar,Mon-Thu 9-16,demo-job-1\n"
    "demo-peer-s1,demo-peer,Peer support group (Thursdays),Weekly group for people living with psychosis,,,active,,support_group,da,Thu 17-19,\n"
    "demo-psych-s1,demo-psych,Medication follow-up,Psychiatrist appointments and medication reviews,,,active,Referred adults,psychiatry,da;en,Mon-Fri 8-16,demo-psych-1\n"
    "demo-crisis-s1,demo-crisis,Crisis line,Someone to talk to right now,,,active,Anyone,crisis_line,da;en,Day and night,\n"
    "demo-legal-s1,demo-legal,Benefits advice,Help with applications and appeals,,,inactive,,benefits,da,Tue 10-14,\n"
)
PHONES = (
    "id,organization_id,service_id,location_id,number,type\n"
    "demo-ph-1,,demo-bolig-s1,,+45 70 10 20 30,voice\n"
    "demo-ph-2,,demo-crisis-s1,,+45 70 20 12 01,voice\n"
    "demo-ph-3,demo-job,,,+45 33 44 55 66,voice\n"
)


def seed_directory() -> int:
    hsds.import_directory({"organizations.csv": ORGANIZATIONS, "locations.csv": LOCATIONS,
                           "services.csv": SERVICES, "phones.csv": PHONES})
    return Service.objects.count()


def seed_referral(client, case_manager) -> Referral | None:
    """A signed consent for Bolig Nord, and a housing referral the partner accepted with an appointment."""
    if client is None or Referral.objects.filter(client=client).exists():
        return None
    housing = Service.objects.select_related("organization").get(hsds_id="demo-bolig-s1")
    today = timezone.localdate()
    consent = services.consent_create(client=client, by=case_manager, values={
        "organization": housing.organization, "items": [Consent.Item.CONTACT, Consent.Item.REASON, Consent.Item.GOAL],
        "covers_substance_use": False, "purpose": "Referral for supported housing",
        "valid_from": today, "valid_until": today + timedelta(days=365),
    })
    services.consent_sign(consent=consent, witness=case_manager, printed_name=client.full_name, image=demo_signature())
    referral = services.referral_create(
        client=client, service=housing, by=case_manager, urgency="soon",
        reason="Recently discharged from hospital, no stable housing. Wants a flat of his own.",
        shared_items=["contact", "reason", "goal"],
    )
    referral = services.referral_send(referral=referral, by=case_manager)
    return services.referral_set_status(
        referral=referral, to_status="accepted", partner="Lene (Bolig Nord)",
        note="We can offer a viewing next week.",
    )
