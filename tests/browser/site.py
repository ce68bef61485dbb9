"""What the live site holds for the browser tests: the demo content plus journey campaigns.

Each donor journey gets its own open campaign, so that the totals one journey reads never
move because of another. The campaigns are created as an admin would leave them: published,
in English and Arabic, with tiers of $10, $20, $30, $50 and $100 and a cover photo uploaded
through the site's own image pipeline.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from io import BytesIO

from flask import Flask
from PIL import Image, ImageDraw

from campaigns.extensions import db
from campaigns.models import (
    Campaign,
    CampaignState,
    Chapter,
    DatePrecision,
    DonationTier,
    ImpactFigure,
    Organization,
    Sector,
)

TIERS = (10_00, 20_00, 30_00, 50_00, 100_00)
#: One campaign per journey that moves money.
JOURNEYS = (
    "donor-en",
    "donor-nojs",
    "donor-ar",
    "keyboard",
    "declined",
    "a11y",
    "bad-input",
    "admin-money",
    "weight",
    "cached",
    "monthly-ar",
)


@dataclass
class JourneyCampaign:
    id: int
    slug: str
    title_en: str
    #: Tier amount (minor units) -> tier id.
    tier_ids: dict[int, int] = field(default_factory=dict)


@dataclass
class SiteData:
    organization_slug: str
    campaigns: dict[str, JourneyCampaign]
    #: Whether ``campaigns.demo.load_demo_data`` was there to load the demo content.
    demo_loaded: bool
    #: A published demo campaign with a cover image (the page a visitor would land on).
    showcase_slug: str | None
    demo_organization_slug: str | None


def load(app: Flask) -> None:
    """Fill the live site's database; the result is kept in ``app.extensions``."""
    demo_loaded = _load_demo()
    organization = _organization()
    cover = _cover()
    campaigns = {name: _campaign(organization, name, cover) for name in JOURNEYS}
    db.session.commit()
    data = SiteData(
        organization_slug=organization.slug,
        campaigns={
            name: JourneyCampaign(
                id=c.id,
                slug=c.slug,
                title_en=c.title_en,
                tier_ids={t.amount_minor: t.id for t in c.tiers},
            )
            for name, c in campaigns.items()
        },
        demo_loaded=demo_loaded,
        showcase_slug=_showcase_slug() if demo_loaded else None,
        demo_organization_slug=_demo_organization_slug() if demo_loaded else None,
    )
    app.extensions["browser_site_data"] = data


def _load_demo() -> bool:
    try:
        from campaigns.demo import load_demo_data
    except ImportError:
        return False
    load_demo_data()
    db.session.commit()
    return True


def _showcase_slug() -> str | None:
    """The demo campaign a visitor is most likely to land on: open, featured, with a cover."""
    today = date.today()
    candidates = db.session.scalars(
        db.select(Campaign)
        .where(Campaign.state == CampaignState.PUBLISHED, Campaign.slug.not_like("journey-%"))
        .order_by(Campaign.featured.desc(), Campaign.id)
    ).all()

    def rank(c: Campaign):
        is_open = c.starts_on <= today and (c.ends_on is None or c.ends_on >= today)
        return (c.cover_image is None, not is_open, not c.tiers, not c.featured)

    return min(candidates, key=rank).slug if candidates else None


def _demo_organization_slug() -> str | None:
    return db.session.scalar(
        db.select(Organization.slug)
        .where(Organization.slug != "journey-relief")
        .order_by(Organization.id)
        .limit(1)
    )


def _organization() -> Organization:
    organization = Organization(
        slug="journey-relief",
        name_en="Euphrates Neighbours",
        name_ar="جيران الفرات",
        founded_on=date(2019, 3, 1),
        place_en="Deir ez-Zor",
        place_ar="دير الزور",
        vision_en="Neighbourhoods along the river where every family has water and work.",
        vision_ar="أحياء على ضفاف النهر لكل أسرة فيها ماء وعمل.",
        mission_en="We repair what families need first: wells, classrooms and clinics.",
        mission_ar="نصلح ما تحتاجه الأسر أولاً: الآبار والصفوف والعيادات.",
        values_en="Honesty, local hands, open accounts.",
        values_ar="الصدق، والأيدي المحلية، والحسابات المفتوحة.",
        legal_name_en="Euphrates Neighbours Association",
        legal_name_ar="جمعية جيران الفرات",
        registration_country="SY",
        registration_authority_en="Ministry of Social Affairs and Labour",
        registration_authority_ar="وزارة الشؤون الاجتماعية والعمل",
        registration_number="2019/417",
        address_en="Al-Tamim Street\nDeir ez-Zor",
        address_ar="شارع التميم\nدير الزور",
        contact_email="contact@euphrates.example.org",
        phone="+963 51 000 0000",
        website="https://euphrates.example.org",
        facebook_url="https://www.facebook.com/euphrates.example",
    )
    db.session.add(organization)
    db.session.flush()
    return organization


def _cover() -> str:
    """One cover photo, uploaded through the site's image pipeline, shared by the campaigns."""
    from campaigns.media import save_image

    return save_image(BytesIO(_cover_photo(seed=7)))


def _campaign(organization: Organization, name: str, cover: str) -> Campaign:
    today = date.today()
    campaign = Campaign(
        slug=f"journey-{name}",
        organization=organization,
        state=CampaignState.PUBLISHED,
        sector=Sector.HEALTH,
        currency="USD",
        goal_minor=20_000_00,
        starts_on=today - timedelta(days=12),
        ends_on=today + timedelta(days=40),
        cover_image=cover,
        title_en=f"Medicines for the Hajin clinic ({name})",
        title_ar=f"أدوية لعيادة هجين ({name})",
        summary_en="Keep the only clinic in town stocked with medicines for a year.",
        summary_ar="ليبقى في العيادة الوحيدة في البلدة دواء يكفي عاماً كاملاً.",
        story_en=(
            "The clinic in **Hajin** sees about 60 patients a day.\n\n"
            "- antibiotics for children\n- insulin for the elderly\n- dressings"
        ),
        story_ar=(
            "تستقبل العيادة في **هجين** نحو ستين مريضاً كل يوم.\n\n"
            "- مضادات حيوية للأطفال\n- إنسولين لكبار السن\n- ضمادات"
        ),
        places_en="Hajin",
        places_ar="هجين",
        beneficiaries_en="families of Hajin and nearby villages",
        beneficiaries_ar="أسر هجين والقرى المجاورة",
    )
    for position, amount in enumerate(TIERS):
        campaign.tiers.append(
            DonationTier(
                amount_minor=amount,
                position=position,
                description_en=f"Medicines for {amount // 1000 or 1} families for a week",
                description_ar=f"أدوية لـ{amount // 1000 or 1} أسر لمدة أسبوع",
            )
        )
    campaign.chapters.append(
        Chapter(
            happened_on=date(2019, 1, 1),
            precision=DatePrecision.YEAR,
            title_en="The clinic reopens",
            title_ar="إعادة فتح العيادة",
            body_en="Volunteers repaired the roof and the pharmacy.",
            body_ar="أصلح المتطوعون السقف والصيدلية.",
            position=0,
        )
    )
    campaign.impact_figures.append(
        ImpactFigure(value=60, label_en="patients a day", label_ar="مريضاً يومياً", position=0)
    )
    db.session.add(campaign)
    db.session.flush()
    return campaign


def _cover_photo(seed: int) -> bytes:
    """A photo-like JPEG (sky, hills, texture) of a camera's size, as an admin would upload."""
    rng = random.Random(seed)
    width, height = 2400, 1350
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / height
        draw.line(
            [(0, y), (width, y)],
            fill=(int(120 + 100 * t), int(170 + 40 * t), int(230 - 90 * t)),
        )
    for layer in range(4):
        base = height * (0.45 + 0.12 * layer)
        colour = (90 + 30 * layer, 110 + 20 * layer, 60 + 10 * layer)
        phase = rng.random() * math.tau
        points = [(0, height)]
        for x in range(0, width + 40, 40):
            y = base + 60 * math.sin(x / (200 + 90 * layer) + phase) + rng.randint(-8, 8)
            points.append((x, y))
        points.append((width, height))
        draw.polygon(points, fill=colour)
    # Texture at every scale, as foliage, stones and walls give a real photograph: without
    # it the encoder shrinks the picture to a size no real cover would have.
    for size, weight in ((40, 0.10), (160, 0.10), (600, 0.12), (2400, 0.18)):
        noise = Image.effect_noise((size, round(size * height / width)), 64)
        noise = noise.resize((width, height), Image.Resampling.BICUBIC).convert("RGB")
        image = Image.blend(image, noise, weight)
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=88)
    return buffer.getvalue()
