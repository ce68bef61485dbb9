"""``flask --app wsgi demo-data``: the seeds' facts, in both languages, loaded once."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import func, inspect, select

from campaigns.models import (
    Campaign,
    CampaignState,
    Chapter,
    DatePrecision,
    Donation,
    DonationSource,
    DonationStatus,
    DonationTier,
    ImpactFigure,
    Organization,
    Sector,
    Update,
    UpdateCategory,
)
from campaigns.payments.ledger import reconcile

MEDICAL = "medical-support-damascus-countryside"
DEIR_EZ_ZOR = "deir-ez-zor-demo"
TABLES = (Organization, Campaign, DonationTier, Chapter, ImpactFigure, Update, Donation)


def snapshot(db) -> dict:
    """Row counts per table and every campaign's totals."""
    counts = {
        m.__tablename__: db.session.scalar(select(func.count()).select_from(m)) for m in TABLES
    }
    totals = db.session.execute(
        select(Campaign.slug, Campaign.raised_minor, Campaign.donor_count).order_by(Campaign.slug)
    ).all()
    return {"counts": counts, "totals": [tuple(t) for t in totals]}


def load(runner) -> str:
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    return result.output


def test_second_run_changes_nothing(runner, db):
    first = load(runner)
    assert "Added 2 organizations" in first
    before = snapshot(db)
    assert before["counts"]["organizations"] >= 2
    assert before["counts"]["campaigns"] >= 5

    second = load(runner)
    assert "nothing changed" in second
    db.session.expire_all()
    assert snapshot(db) == before
    # Totals are backed by the ledger, so reconciliation finds nothing to repair.
    assert reconcile() == []


def check_medical_campaign(db):
    campaign = db.session.scalar(select(Campaign).where(Campaign.slug == MEDICAL))
    assert campaign.state == CampaignState.CLOSED
    assert campaign.sector == Sector.HEALTH
    # The one campaign of the seeds is real; every other demo campaign is an example.
    assert not campaign.is_example
    others = db.session.scalars(
        select(Campaign).where(Campaign.slug != MEDICAL, Campaign.goal_minor.is_not(None))
    ).all()
    assert others and all(c.is_example for c in others)
    assert (campaign.currency, campaign.goal_minor) == ("USD", 1_000_000_00)
    assert campaign.raised_minor == 350_000_00
    (opening,) = campaign.donations
    assert opening.source == DonationSource.OPENING_BALANCE
    assert (opening.status, opening.amount_minor) == (DonationStatus.SUCCEEDED, 350_000_00)
    assert [t.amount_minor for t in campaign.tiers] == [1000, 2000, 3000, 5000, 10000]
    assert all(t.description_en and t.description_ar for t in campaign.tiers)
    chapters = [(c.happened_on, c.precision) for c in campaign.chapters]
    assert chapters == [
        (date(2012, 11, 1), DatePrecision.MONTH),
        (date(2013, 1, 1), DatePrecision.YEAR),
        (date(2014, 1, 1), DatePrecision.YEAR),
        (date(2015, 1, 1), DatePrecision.YEAR),
    ]
    figures = {f.value: f for f in campaign.impact_figures}
    assert "13 hospitals, 9 primary care centres, 4 nursing homes and 19 medical points" in (
        figures[44].detail_en
    )
    assert "170 doctors" in figures[740].detail_en
    # The report's breakdown of the 44 adds up to 45: kept as given, with a note saying so.
    assert sum(map(int, re.findall(r"\d+", figures[44].detail_en))) == 45
    assert "45" in figures[44].note_en and "45" in figures[44].note_ar
    assert all(f.note_en is None for f in campaign.impact_figures if f.value != 44)


def check_deir_ez_zor_organization_and_its_projects(db):
    org = db.session.scalar(select(Organization).where(Organization.slug == DEIR_EZ_ZOR))
    assert org.founded_on == date(2018, 6, 1)
    # The report names no organization: the demo's name says it is a demo, in both languages.
    assert "(demo)" in org.name_en and "للعرض التوضيحي" in org.name_ar
    assert "Astefir Al-Zour" in org.about_en and "Astefir Al-Zour" in org.about_ar
    # Its values are the report's three, and no other.
    values = [re.sub(r"\*\*([^*]+)\*\*.*", r"\1", line[2:]) for line in org.values_en.splitlines()]
    assert values == ["Independence", "Neutrality", "Not for profit"]
    assert len(org.values_ar.splitlines()) == 3
    assert org.vision_en and org.vision_ar and org.mission_en and org.mission_ar
    assert org.values_en and org.values_ar
    projects = [c for c in org.campaigns if c.is_completed_project]
    assert len(projects) == 14
    assert {p.sector for p in projects} == {
        Sector.EDUCATION,
        Sector.AGRICULTURE,
        Sector.INFRASTRUCTURE,
        Sector.LIVELIHOODS,
        Sector.PEACE,
    }
    facts = {(p.implemented_from, p.implemented_to, p.beneficiaries_reached) for p in projects}
    for expected in [
        (date(2021, 7, 1), date(2021, 11, 20), 42_045),
        (date(2022, 6, 20), date(2022, 8, 31), 50_000),
        (date(2022, 1, 1), date(2022, 2, 20), 40),
        (date(2023, 1, 1), date(2023, 2, 15), 4_500),
        (date(2018, 8, 1), date(2018, 10, 20), 1_700),
        (date(2021, 1, 10), date(2021, 4, 10), 30),
        (date(2020, 7, 13), date(2020, 10, 31), 200),
        (None, None, 200),
        (None, None, None),  # the teacher training: no period, no count
        (date(2021, 1, 1), date(2021, 12, 31), None),  # "2021/00/19 to 10/12/2021"
        (date(2023, 1, 1), date(2024, 12, 31), None),  # "27/03/2024 to 15/12/2023"
    ]:
        assert expected in facts
    unclear = {p.slug for p in projects if p.implemented_precision is DatePrecision.UNCLEAR}
    assert unclear == {"eight-villages-eastern-deir-ez-zor-2021", "civil-society-dialogue-sessions"}
    teachers = next(p for p in projects if "teacher" in p.title_en.lower())
    assert "three phases" in teachers.summary_en and teachers.sector == Sector.EDUCATION
    villages = next(p for p in projects if p.slug.startswith("eight-villages"))
    seed_villages = "الطيانة الشنان جمة درنج سويدان الجردي_الشرقي الجرذي_الغربي أبو_حردوب"
    for village in seed_villages.split():
        assert village.replace("_", " ") in villages.places_ar
    dialogue = next(p for p in projects if p.slug == "civil-society-dialogue-sessions")
    assert "12 civil-society organizations" in dialogue.summary_en
    drainage = next(p for p in projects if p.beneficiaries_reached == 50_000)
    assert "10,000 dunams" in drainage.summary_en and drainage.places_en == "Hajin"
    demolition = next(p for p in projects if p.beneficiaries_reached == 1_700)
    for place in ("Al-Shuhail", "Al-Hawaij", "Darnaj", "Al-Zer", "Al-Attal", "Thiban"):
        assert place in demolition.places_en
    # No period is invented or reversed: every recorded period is in order.
    for project in projects:
        if project.implemented_to:
            assert project.implemented_to >= project.implemented_from
        assert project.implemented_from is None or project.implemented_from.year >= 2018


def check_open_campaigns_with_tiers_gifts_and_an_anonymous_donor(db):
    today = date.today()
    open_now = db.session.scalars(
        select(Campaign).where(
            Campaign.state == CampaignState.PUBLISHED,
            Campaign.starts_on <= today,
            Campaign.ends_on > today,
        )
    ).all()
    assert open_now
    assert any(c.featured for c in open_now)
    assert all(c.tiers for c in open_now)
    gifts = [d for c in open_now for d in c.donations]
    assert any(d.anonymous for d in gifts)
    assert all(d.status == DonationStatus.SUCCEEDED for d in gifts)
    for campaign in open_now:
        assert campaign.raised_minor == sum(d.amount_minor for d in campaign.donations)
        assert campaign.donor_count == len(campaign.donations)


def check_kasra_update_is_aid_and_development(db, client):
    update = db.session.scalar(select(Update).where(Update.slug.contains("kasra")))
    assert update.category == UpdateCategory.AID_DEVELOPMENT
    assert update.title_en == "Campaign launched to beautify the streets of Kasra, Deir ez Zour"
    assert update.external_report and update.campaign is None
    assert "Kasra" in update.body_en and "الكسرة" in update.body_ar
    html = client.get(f"/en/updates/{update.slug}").get_data(as_text=True)
    assert "Aid &amp; Development" in html


def check_every_visitor_facing_text_is_in_english_and_arabic(db):
    missing = []
    for model in (Organization, Campaign, DonationTier, Chapter, ImpactFigure, Update):
        columns = [c.key for c in inspect(model).columns if c.key.endswith("_en")]
        for row in db.session.scalars(select(model)):
            for column in columns:
                english = getattr(row, column)
                arabic = getattr(row, column[:-3] + "_ar")
                if english and not arabic:
                    missing.append(f"{model.__name__}.{column[:-3]} of {row.id}")
                if arabic:
                    assert re.search(r"[\u0600-\u06FF]", arabic), (model, column)
    assert missing == []


def check_demo_pages_render_in_both_languages(db, client):
    anonymous = db.session.scalar(
        select(Donation).where(Donation.anonymous.is_(True), Donation.donor_name.is_not(None))
    )
    for prefix in ("/en", "/ar"):
        for url in (
            "/",
            "/campaigns/",
            f"/campaigns/{MEDICAL}",
            f"/campaigns/{anonymous.campaign.slug}",
            f"/organizations/{DEIR_EZ_ZOR}",
            "/organizations/al-seraj",
        ):
            response = client.get(prefix + url)
            assert response.status_code == 200, prefix + url
            assert anonymous.donor_name not in response.get_data(as_text=True)
    medical = client.get(f"/en/campaigns/{MEDICAL}").get_data(as_text=True)
    assert "$350,000.00" in medical and "$1,000,000.00" in medical and "35%" in medical
    assert "Ended" in medical


def test_demo_content_holds_the_seed_facts_in_both_languages(runner, db, client):
    """One load (covers are real images, so loading takes a moment), every check on it."""
    load(runner)
    check_medical_campaign(db)
    check_deir_ez_zor_organization_and_its_projects(db)
    check_open_campaigns_with_tiers_gifts_and_an_anonymous_donor(db)
    check_kasra_update_is_aid_and_development(db, client)
    check_every_visitor_facing_text_is_in_english_and_arabic(db)
    check_demo_pages_render_in_both_languages(db, client)
