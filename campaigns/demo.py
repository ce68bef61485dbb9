"""Demo content: two organizations, their campaigns and completed projects, and news.

``flask --app wsgi demo-data`` calls :func:`load_demo_data`. Everything is matched on its
slug, so a second run finds it all in place and changes nothing. Money goes through the
ledger like any other gift (the medical campaign's earlier total as an opening balance, the
demo gifts as offline gifts), so ``reconcile`` finds no drift on a fresh demo database.

The facts (dates, places, counts, amounts) come from the organizations' own reports; the
prose is written for this platform. Where a report has a date that cannot be right (a
month 00, or an end before the start), the project is left out rather than guessed at.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from io import BytesIO
from typing import NamedTuple

from sqlalchemy import select

from campaigns.catalog import parse_date, validate_campaign
from campaigns.extensions import db
from campaigns.models import (
    Campaign,
    CampaignState,
    Chapter,
    DatePrecision,
    DonationTier,
    ImpactFigure,
    OfflineMethod,
    Organization,
    Sector,
    Update,
    UpdateCategory,
)


class T(NamedTuple):
    """One visitor-facing text in English and Arabic."""

    en: str
    ar: str


def _dollars(amount: int) -> int:
    """Whole US dollars to cents."""
    return amount * 100


def _period(start: str, end: str) -> tuple[date, date]:
    """A project's period as the report writes it (day first)."""
    return parse_date(start), parse_date(end)


# --------------------------------------------------------------------------------------------
# Organizations

AL_SERAJ = "al-seraj"
ZOUR = "zour-civil-initiative"

ORGANIZATIONS = [
    {
        "slug": AL_SERAJ,
        "name": T("Al-Seraj Medical and Relief Group", "مجموعة السراج للدعم الطبي والإغاثي"),
        "place": T("Damascus and its countryside", "دمشق وريفها"),
        "mission": T(
            "Keep doctors, nurses and field hospitals in besieged and hard-to-reach areas "
            "supplied, so that they can go on treating people where no one else can reach.",
            "أن تبقى المشافي الميدانية والأطباء والممرضون في المناطق المحاصرة وصعبة الوصول "
            "مزوَّدين بما يحتاجونه، ليواصلوا علاج الناس حيث لا يصل أحد غيرهم.",
        ),
        "about": T(
            "Al-Seraj began in late 2012 as a group of volunteers supplying field hospitals "
            "around Damascus with equipment, medicines and fuel. Over the following years it "
            "also brought food and clothing into besieged towns, made medicines in its own "
            "workshop, and from 2014 carried out its projects with international partners, "
            "with stricter financial reporting.",
            "بدأت مجموعة السراج في أواخر عام 2012 بمتطوعين يزوّدون المشافي الميدانية حول دمشق "
            "بالمعدات والأدوية والوقود. وفي السنوات التالية أدخلت الغذاء والكساء إلى البلدات "
            "المحاصرة، وصنعت أدوية في ورشتها الخاصة، ومنذ عام 2014 صارت تنفّذ مشاريعها مع "
            "شركاء دوليين وبتقارير مالية أكثر دقة.",
        ),
    },
    {
        "slug": ZOUR,
        "name": T("Zour Civil Initiative", "مبادرة الزور المدنية"),
        "founded_on": date(2018, 6, 1),
        "place": T("Deir ez-Zor, Syria", "دير الزور، سوريا"),
        "about": T(
            "An independent non-profit organization, tied to no political or religious "
            "group, founded in Deir ez-Zor in June 2018 so that local civil society could "
            "take its part in answering the emergency in Syria and in building a better "
            "future. Its work spans five sectors: education and child protection, "
            "agriculture, infrastructure and rubble removal, livelihoods, and community "
            "security and peace.",
            "منظمة مستقلة غير ربحية، لا تتبع أي جهة سياسية أو دينية، تأسست في دير الزور في "
            "حزيران/يونيو 2018 ليأخذ المجتمع المدني المحلي دوره في الاستجابة لحالة الطوارئ في "
            "سوريا وفي بناء مستقبل أفضل. ويمتد عملها على خمسة قطاعات: التعليم وحماية الطفل، "
            "والزراعة، والبنية التحتية وإزالة الأنقاض، وسبل العيش، والأمن المجتمعي والسلام.",
        ),
        "vision": T(
            "- A world that respects every child and secures their rights.\n"
            "- A balanced society where development and mutual support can grow.\n"
            "- Peoples who understand one another and live in harmony.",
            "- عالم يحترم كل طفل ويكفل له حقوقه.\n"
            "- مجتمع متوازن تتوفر فيه شروط التنمية والتكافل الاجتماعي.\n"
            "- شعوب يسود بينها التفاهم والوئام.",
        ),
        "mission": T(
            "We care for and protect children and work to make the places they grow up in "
            "safe, so that they can get past what the war put in their way. Alongside this "
            "we run services that bring stability and development to our communities, and "
            "projects that build understanding and cultural exchange between peoples.",
            "نرعى الأطفال ونحميهم ونعمل على أن تكون البيئات التي يكبرون فيها آمنة، ليتجاوزوا "
            "ما وضعته الحرب في طريقهم. وإلى جانب ذلك ننفّذ مشاريع خدمية تعزّز الاستقرار "
            "والتنمية في مجتمعاتنا، ومشاريع تشجّع التفاهم والتبادل الثقافي بين الشعوب.",
        ),
        "values": T(
            "- **Independence**: no political or religious affiliation.\n"
            "- **Neutrality**: help goes to people according to their need alone.\n"
            "- **Not for profit**: every contribution serves the work.\n"
            "- **Children first**: their safety and rights come before anything else.",
            "- **الاستقلالية**: لا انتماء سياسياً أو دينياً.\n"
            "- **الحياد**: تصل المساعدة إلى الناس بحسب حاجتهم وحدها.\n"
            "- **عدم الربحية**: كل مساهمة تُوجَّه إلى العمل.\n"
            "- **الطفل أولاً**: سلامته وحقوقه قبل أي اعتبار آخر.",
        ),
    },
]


# --------------------------------------------------------------------------------------------
# Campaigns


def _medical_campaign() -> dict:
    """The Damascus-countryside medical campaign, ended, moved here with its total."""
    return {
        "slug": "medical-support-damascus-countryside",
        "organization": AL_SERAJ,
        "state": CampaignState.CLOSED,
        "sector": Sector.HEALTH,
        "goal_minor": _dollars(1_000_000),
        "starts_on": date(2012, 11, 1),
        "ends_on": None,
        "opening_balance": (
            _dollars(350_000),
            "Raised before the campaign moved to this platform.",
        ),
        "cover": ("#0b6e4f", "#6fb59b"),
        "title": T(
            "Medical support for the besieged Damascus countryside",
            "الدعم الطبي لريف دمشق المحاصر",
        ),
        "summary": T(
            "From November 2012 to 2015 this campaign kept field hospitals, medical points "
            "and 740 health workers running in besieged towns around Damascus.",
            "من تشرين الثاني/نوفمبر 2012 حتى عام 2015 أبقت هذه الحملة المشافي الميدانية "
            "والنقاط الطبية و740 عاملاً صحياً في الخدمة في البلدات المحاصرة حول دمشق.",
        ),
        "places": T(
            "Damascus, Eastern and Western Ghouta, the Barada valley, Qalamoun and the south "
            "of the Damascus countryside",
            "دمشق، والغوطتان الشرقية والغربية، ووادي بردى، والقلمون، وجنوب ريف دمشق",
        ),
        "story": T(
            "When the siege closed around the towns outside Damascus, the doctors and nurses "
            "who stayed had almost nothing to work with. Reaching them was hard and "
            "dangerous, and every delivery counted.\n\n"
            "This campaign supplied field hospitals from the city through the eastern and "
            "western areas down to the south and to Qalamoun with:\n\n"
            "- medical equipment, emergency supplies and medicines, including anaesthetics;\n"
            "- laboratory kits;\n"
            "- satellite internet and radio equipment, so that teams could coordinate;\n"
            "- fuel for generators when the power was cut;\n"
            "- a monthly contribution to the pay of the medical staff, so that they could "
            "stay at their posts.\n\n"
            "Alongside the medical work, the group brought food, baby milk and clothing "
            "into the besieged areas, supported bakeries and relief offices, and with "
            "international organizations handed out more than 4,000 food baskets.\n\n"
            "The campaign has ended. Its history below tells the story year by year.",
            "حين أُطبق الحصار على البلدات المحيطة بدمشق، لم يبقَ بين أيدي الأطباء والممرضين "
            "الذين بقوا فيها ما يعملون به تقريباً. كان الوصول إليهم صعباً وخطراً، وكانت كل "
            "شحنة تصل تُحدث فرقاً.\n\n"
            "زوّدت هذه الحملة المشافي الميدانية، من المدينة مروراً بالمناطق الشرقية والغربية "
            "وصولاً إلى الجنوب والقلمون، بما يلي:\n\n"
            "- معدات طبية ومستلزمات إسعافية وأدوية، ومنها أدوية التخدير؛\n"
            "- عُدَد مخبرية؛\n"
            "- أجهزة إنترنت فضائي وأجهزة لاسلكية لتنسيق عمل الفرق؛\n"
            "- وقود للمولّدات عند انقطاع الكهرباء؛\n"
            "- مساهمة شهرية في أجور الكوادر الطبية لتبقى في مواقعها.\n\n"
            "وإلى جانب العمل الطبي، أدخلت المجموعة الغذاء وحليب الأطفال والملابس إلى المناطق "
            "المحاصرة، ودعمت الأفران ومكاتب الإغاثة، ووزّعت مع منظمات دولية أكثر من 4,000 "
            "سلة غذائية.\n\n"
            "انتهت الحملة، ويروي تاريخها أدناه قصتها عاماً بعد عام.",
        ),
        "tiers": [
            (
                10,
                T(
                    "Dressings and emergency supplies for one wounded patient",
                    "ضمادات ومستلزمات إسعافية لجريح واحد",
                ),
            ),
            (
                20,
                T(
                    "A laboratory test kit for a field clinic",
                    "عُدّة فحوص مخبرية لعيادة ميدانية",
                ),
            ),
            (
                30,
                T(
                    "A month of medicine for one patient with a chronic illness",
                    "دواء شهر كامل لمريض بمرض مزمن",
                ),
            ),
            (
                50,
                T(
                    "Fuel to keep a field hospital's generator running through a power cut",
                    "وقود يُبقي مولّد مشفى ميداني عاملاً خلال انقطاع الكهرباء",
                ),
            ),
            (
                100,
                T(
                    "A share of a month's pay for a nurse working under siege",
                    "مساهمة في أجر شهر لممرض يعمل تحت الحصار",
                ),
            ),
        ],
        "chapters": [
            (
                date(2012, 11, 1),
                DatePrecision.MONTH,
                T("Support for the field hospitals begins", "بداية دعم المشافي الميدانية"),
                T(
                    "The project started from one idea: the medical workers in besieged, "
                    "hard-to-reach areas needed someone to stand behind them. A programme "
                    "to support medical staff was launched with a budget of more than "
                    "$50,000 a month, and among the places it reached were the Cave "
                    "Hospital, the civil defence in Eastern Ghouta, Darayya, the towns "
                    "south of the city and the Barada valley.\n\n"
                    "By the end of 2012 unified medical offices were being set up in both "
                    "Ghoutas, and Al-Seraj helped them start. On the relief side, the group "
                    "brought food, baby milk and clothing from outside Syria and distributed "
                    "them in the besieged areas, and funded bakeries and relief offices so "
                    "that families had bread.",
                    "انطلق المشروع من فكرة واحدة: أن العاملين في المجال الطبي في المناطق "
                    "المحاصرة وصعبة الوصول يحتاجون إلى من يقف خلفهم. فأُطلق برنامج لدعم "
                    "الكوادر الطبية بميزانية تزيد على 50 ألف دولار شهرياً، ووصل إلى أماكن "
                    "منها مشفى الكهف، والدفاع المدني في الغوطة الشرقية، وداريا، والبلدات "
                    "جنوب المدينة، ووادي بردى.\n\n"
                    "ومع نهاية عام 2012 بدأ تأسيس مكاتب طبية موحّدة في الغوطتين، وكان للسراج "
                    "دور في انطلاقها. وفي الجانب الإغاثي، أدخلت المجموعة الغذاء وحليب "
                    "الأطفال والملابس من خارج سوريا ووزّعتها في المناطق المحاصرة، وموّلت "
                    "الأفران ومكاتب الإغاثة ليبقى الخبز في متناول الأسر.",
                ),
            ),
            (
                date(2013, 1, 1),
                DatePrecision.YEAR,
                T("Working under a tightening siege", "العمل تحت حصار يشتدّ"),
                T(
                    "As the siege closed in on the areas where the group worked, every "
                    "project was reviewed: which ones were still needed, and which had to "
                    "stop. A new phase began, with small development projects and "
                    "interest-free loans that put local skills and labour to use, so that "
                    "communities could rely more on themselves.\n\n"
                    "Supporting medical staff remained the priority. With the power cut "
                    "entirely, the group paid for the fuel that kept hospitals running, and "
                    "as attacks on homes grew it sent more medical supplies and medicines. "
                    "Support for satellite communications, which kept the health facilities "
                    "connected, also began this year.",
                    "مع اشتداد الحصار على المناطق التي تعمل فيها المجموعة، أُعيدت دراسة كل "
                    "مشروع: ما الذي ما زالت الحاجة إليه قائمة، وما الذي يجب أن يتوقف. وبدأت "
                    "مرحلة جديدة بمشاريع تنموية صغيرة وقروض حسنة تستثمر المهارات والأيدي "
                    "العاملة المحلية، ليعتمد المجتمع على نفسه أكثر.\n\n"
                    "وبقي دعم الكوادر الطبية في المقدمة. فمع الانقطاع التام للكهرباء موّلت "
                    "المجموعة الوقود الذي أبقى المشافي تعمل، ومع تزايد استهداف الأحياء "
                    "السكنية كثّفت إرسال المستلزمات الطبية والأدوية. وفي هذا العام أيضاً بدأ "
                    "دعم الاتصالات الفضائية التي أبقت المنشآت الصحية على تواصل.",
                ),
            ),
            (
                date(2014, 1, 1),
                DatePrecision.YEAR,
                T("Partnerships and transparency", "شراكات وشفافية"),
                T(
                    "2014 changed how the group worked. It began to carry out all of its "
                    "projects through partners, tightened its financial reporting and "
                    "strengthened its administration.\n\n"
                    "The support for medical staff now reached more than 500 people in "
                    "medical, administrative and service roles in both Ghoutas, and one "
                    "medical centre was fully supplied with fuel, medicines and "
                    "consumables. From May, two pilot partnerships started: in Eastern "
                    "Ghouta, a central medicine warehouse and a workshop making medicines "
                    "that were given to health facilities free of charge; and with NORWAC, "
                    "support for medical staff in both Ghoutas and the Barada valley worth "
                    "more than $70,000 a month.",
                    "غيّر عام 2014 طريقة عمل المجموعة، إذ صارت تنفّذ جميع مشاريعها عبر شركاء، "
                    "وأحكمت تقاريرها المالية وطوّرت إدارتها.\n\n"
                    "وصل دعم الكوادر الطبية إلى أكثر من 500 عامل في التخصصات الطبية والإدارية "
                    "والخدمية في الغوطتين، وتكفّلت المجموعة بمركز طبي كامل من وقود وأدوية "
                    "ومستهلكات. ومنذ أيار/مايو بدأت شراكتان تجريبيتان: في الغوطة الشرقية، "
                    "مستودع مركزي للأدوية وورشة لتصنيعها تُوزَّع منتجاتها مجاناً على المنشآت "
                    "الصحية؛ ومع منظمة نورواك، دعم الكوادر الطبية في الغوطتين ووادي بردى "
                    "بأكثر من 70 ألف دولار شهرياً.",
                ),
            ),
            (
                date(2015, 1, 1),
                DatePrecision.YEAR,
                T("Keeping going through hard times", "الاستمرار رغم الصعاب"),
                T(
                    "Serious work meets obstacles, and 2015 brought its share. The pace did "
                    "not slow. Support for medical staff with NORWAC continued for four "
                    "months and was followed by a nine-month contract, and a partnership "
                    "with the IRC covered health facilities in every area of their work: "
                    "staff, fuel, consumables and new medical equipment.\n\n"
                    "The group also piloted health facilities and mobile clinics for camps "
                    "in Arsal, kept up the logistics and satellite communications support it "
                    "had started in 2013, produced ten kinds of medicine that it gave to "
                    "health facilities free of charge, and made external fixators and "
                    "surgical parts in its medical engineering workshop.",
                    "لا يخلو عمل جادّ من العقبات، وقد حمل عام 2015 نصيبه منها، لكن وتيرة العمل "
                    "لم تتراجع. استمر دعم الكوادر الطبية مع نورواك أربعة أشهر تلاه عقد لتسعة "
                    "أشهر، وغطّت شراكة مع لجنة الإنقاذ الدولية المنشآت الصحية في جميع جوانب "
                    "عملها: الكوادر والوقود والمستهلكات وتجهيزات طبية جديدة.\n\n"
                    "كما جرّبت المجموعة دعم مخيمات عرسال بمنشآت صحية وعيادات متنقلة، وواصلت "
                    "الدعم اللوجستي ودعم الاتصالات الفضائية الذي بدأته عام 2013، وأنتجت عشرة "
                    "أصناف من الأدوية وزّعتها مجاناً على المنشآت الصحية، وصنعت في ورشة "
                    "الهندسة الطبية مثبّتات خارجية وقطعاً جراحية.",
                ),
            ),
        ],
        "impact": [
            (
                44,
                T("health facilities supported", "منشأة صحية مدعومة"),
                T(
                    "13 hospitals, 9 primary care centres, 4 nursing homes and 19 medical points",
                    "13 مشفى، و9 مراكز رعاية أولية، و4 دور تمريض، و19 نقطة طبية",
                ),
            ),
            (
                740,
                T("medical staff supported", "من الكوادر الطبية المدعومة"),
                T("of whom 170 doctors", "منهم 170 طبيباً"),
            ),
            (
                10,
                T("medicines made and given free", "أصناف من الأدوية صُنعت ووُزّعت مجاناً"),
                T("in the group's own workshop", "في ورشة المجموعة نفسها"),
            ),
        ],
    }


def _open_campaigns(today: date) -> list[dict]:
    """Campaigns open for gifts (or about to open), dated from the day the demo is loaded."""
    return [
        {
            "slug": "safe-spaces-children-hajin",
            "organization": ZOUR,
            "state": CampaignState.PUBLISHED,
            "featured": True,
            "sector": Sector.EDUCATION,
            "goal_minor": _dollars(18_000),
            "starts_on": today - timedelta(days=21),
            "ends_on": today + timedelta(days=39),
            "cover": ("#c2185b", "#f6b26b"),
            "title": T(
                "Safe spaces for children in Hajin and Al-Shafah",
                "مساحات آمنة لأطفال هجين والشعفة",
            ),
            "summary": T(
                "A new round of psychosocial support and play for children who came back "
                "from Al-Hol camp and for the children around them.",
                "جولة جديدة من الدعم النفسي واللعب للأطفال العائدين من مخيم الهول ولأقرانهم "
                "من حولهم.",
            ),
            "places": T("Hajin and Al-Shafah, Deir ez-Zor", "هجين والشعفة، دير الزور"),
            "beneficiaries": T(
                "Children returning from Al-Hol camp, local children and displaced children",
                "أطفال عائدون من مخيم الهول، وأطفال من المنطقة، وأطفال نازحون",
            ),
            "story": T(
                "Our last round of sessions in Hajin and Al-Shafah reached 200 children, "
                "most of them back from Al-Hol camp, together with local and displaced "
                "children. Through group games, drawing and guided conversations, children "
                "who had been kept apart learned to play together again, and their families "
                "saw the difference.\n\n"
                "Many more children are waiting. This campaign pays for a new round: trained "
                "facilitators, a safe room in each town, materials, and follow-up for the "
                "children who need more help.",
                "وصلت جولتنا الأخيرة من الجلسات في هجين والشعفة إلى 200 طفل، معظمهم عائدون "
                "من مخيم الهول، إلى جانب أطفال من المنطقة وأطفال نازحين. ومن خلال الألعاب "
                "الجماعية والرسم والحوارات الموجَّهة، تعلّم أطفال عاشوا في عزلة أن يلعبوا معاً "
                "من جديد، ولمست أسرهم الفرق.\n\n"
                "وما زال أطفال كثيرون ينتظرون. تموّل هذه الحملة جولة جديدة: ميسّرون "
                "مدرَّبون، وغرفة آمنة في كل بلدة، ومواد، ومتابعة للأطفال الذين يحتاجون إلى "
                "دعم أكبر.",
            ),
            "tiers": [
                (
                    15,
                    T(
                        "Drawing and play materials for one child for a month",
                        "أدوات رسم ولعب لطفل واحد لمدة شهر",
                    ),
                ),
                (
                    40,
                    T(
                        "A week of sessions for a group of twelve children",
                        "أسبوع من الجلسات لمجموعة من اثني عشر طفلاً",
                    ),
                ),
                (
                    75,
                    T(
                        "Individual follow-up for a child who needs more support",
                        "متابعة فردية لطفل يحتاج إلى دعم أكبر",
                    ),
                ),
                (
                    150,
                    T(
                        "A month's pay for a trained facilitator",
                        "أجر شهر لميسّر مدرَّب",
                    ),
                ),
            ],
            "gifts": [
                (_dollars(150), "Rania Haddad", False, 19),
                (_dollars(40), "Yusuf Al-Ahmad", False, 15),
                (_dollars(500), "Khaled Mansour", True, 11),
                (_dollars(75), "Maya Schneider", False, 6),
                (_dollars(15), "سلمى العلي", False, 2),
            ],
        },
        {
            "slug": "greenhouse-tunnels-al-hawaij",
            "organization": ZOUR,
            "state": CampaignState.PUBLISHED,
            "sector": Sector.AGRICULTURE,
            "goal_minor": _dollars(24_000),
            "starts_on": today - timedelta(days=8),
            "ends_on": today + timedelta(days=74),
            "cover": ("#2e7d32", "#c5e1a5"),
            "title": T(
                "Greenhouse tunnels for more farmers in Al-Hawaij",
                "أنفاق زراعية لمزيد من المزارعين في الحوايج",
            ),
            "summary": T(
                "In 2022, 1,600 tunnels of cucumbers and courgettes gave 40 farmers an early "
                "harvest. This season we want to reach more.",
                "في عام 2022 أتاحت زراعة 1,600 نفق بالخيار والكوسا لأربعين مزارعاً موسماً "
                "مبكراً. نريد في هذا الموسم أن نصل إلى عدد أكبر.",
            ),
            "places": T("Al-Hawaij, eastern Deir ez-Zor", "الحوايج، ريف دير الزور الشرقي"),
            "beneficiaries": T("Vegetable-farming families", "أسر تعمل في زراعة الخضار"),
            "story": T(
                "Plastic tunnels let vegetables grow through the cold months, so a family "
                "can sell its first harvest when prices are still good. Early in 2022 we "
                "planted 1,600 tunnels with cucumbers and courgettes alongside 40 farmers "
                "in Al-Hawaij.\n\n"
                "This campaign pays for frames, plastic sheeting, seedlings and drip lines "
                "for a new group of families, and for an agronomist who visits each farm "
                "through the season.",
                "تسمح الأنفاق البلاستيكية بنمو الخضار خلال الأشهر الباردة، فتبيع الأسرة "
                "محصولها الأول والأسعار ما زالت جيدة. في مطلع عام 2022 زرعنا 1,600 نفق "
                "بالخيار والكوسا مع 40 مزارعاً في الحوايج.\n\n"
                "تموّل هذه الحملة الهياكل والأغطية البلاستيكية والشتول وخطوط الري بالتنقيط "
                "لمجموعة جديدة من الأسر، ومهندساً زراعياً يزور كل مزرعة طوال الموسم.",
            ),
            "tiers": [
                (25, T("Seedlings for one tunnel", "شتول لنفق واحد")),
                (60, T("Plastic sheeting for three tunnels", "أغطية بلاستيكية لثلاثة أنفاق")),
                (
                    120,
                    T("Drip irrigation for a family's plot", "ري بالتنقيط لأرض أسرة واحدة"),
                ),
                (
                    300,
                    T(
                        "A complete set of tunnels for one family",
                        "مجموعة أنفاق كاملة لأسرة واحدة",
                    ),
                ),
            ],
            "gifts": [
                (_dollars(300), "Omar Khatib", False, 7),
                (_dollars(60), "Hanan Y.", False, 3),
            ],
        },
        {
            "slug": "vocational-training-hajin",
            "organization": ZOUR,
            "state": CampaignState.PUBLISHED,
            "sector": Sector.LIVELIHOODS,
            "goal_minor": _dollars(12_000),
            "starts_on": today + timedelta(days=10),
            "ends_on": today + timedelta(days=100),
            "cover": ("#1565c0", "#90caf9"),
            "title": T(
                "Trades that pay: training for young people in Hajin",
                "مهنٌ تفتح باب الرزق: تدريب الشباب في هجين",
            ),
            "summary": T(
                "Three months of hands-on training in electrical work, appliance and "
                "air-conditioning repair, and mobile phone repair.",
                "ثلاثة أشهر من التدريب العملي على التمديدات الكهربائية، وإصلاح الأجهزة "
                "المنزلية والتكييف، وصيانة الهواتف المحمولة.",
            ),
            "places": T("Hajin and surrounding villages", "هجين والقرى المحيطة بها"),
            "story": T(
                "In 2021 twenty young men and ten women from Hajin learned a trade with us "
                "in three months. This campaign opens a new course with the same three "
                "tracks and gives every graduate a starter set of tools.\n\n"
                "Gifts open on the campaign's first day, when the course is announced.",
                "في عام 2021 تعلّم عشرون شاباً وعشر نساء من هجين مهنة معنا خلال ثلاثة أشهر. "
                "تفتح هذه الحملة دورة جديدة بالمسارات الثلاثة نفسها، وتمنح كل متخرّج عدّة "
                "عمل يبدأ بها.\n\n"
                "تُفتح التبرعات في أول أيام الحملة، يوم الإعلان عن الدورة.",
            ),
            "tiers": [
                (20, T("Safety gear for one trainee", "معدات سلامة لمتدرّب واحد")),
                (50, T("A week of training for one trainee", "أسبوع تدريب لمتدرّب واحد")),
                (100, T("A starter tool kit for a graduate", "عدّة عمل أولى لمتخرّج")),
                (250, T("A full course for one trainee", "دورة كاملة لمتدرّب واحد")),
            ],
        },
    ]


def _project(
    slug: str,
    sector: Sector,
    title: T,
    summary: T,
    *,
    period: tuple[date, date] | None = None,
    places: T | None = None,
    beneficiaries: T | None = None,
    reached: int | None = None,
) -> dict:
    """A completed project of the Deir ez-Zor organization, recorded without a goal.

    A campaign needs a start date; for a project whose period the report does not give,
    the organization's founding is used, and the public pages show no period for it.
    """
    return {
        "slug": slug,
        "organization": ZOUR,
        "state": CampaignState.CLOSED,
        "sector": sector,
        "goal_minor": None,
        "starts_on": period[0] if period else date(2018, 6, 1),
        "ends_on": period[1] if period else None,
        "implemented_from": period[0] if period else None,
        "implemented_to": period[1] if period else None,
        "title": title,
        "summary": summary,
        "places": places,
        "beneficiaries": beneficiaries,
        "reached": reached,
    }


DEIR_EZ_ZOR = T("Deir ez-Zor", "دير الزور")


def _completed_projects() -> list[dict]:
    """What the Deir ez-Zor organization has done, in its five sectors.

    Left out: a project whose report starts on "2021/00/19" (there is no month 00) and a
    dialogue project dated "27/03/2024 to 15/12/2023" (it would end before it started).
    """
    return [
        _project(
            "school-sanitation-and-desks-2021",
            Sector.EDUCATION,
            T("Toilets and desks for schools", "دورات مياه ومقاعد للمدارس"),
            T(
                "14 toilet blocks rebuilt in 10 schools and 12,596 school desks repaired.",
                "إعادة تأهيل 14 كتلة دورات مياه في 10 مدارس وصيانة 12,596 مقعداً دراسياً.",
            ),
            period=_period("01/07/2021", "20/11/2021"),
            places=T(
                "Western, eastern and northern countryside of Deir ez-Zor",
                "ريف دير الزور الغربي والشرقي والشمالي",
            ),
            beneficiaries=T("Pupils of the schools", "طلاب المدارس"),
            reached=42_045,
        ),
        _project(
            "psychosocial-support-hajin-al-shafah",
            Sector.EDUCATION,
            T("Psychosocial support for children", "الدعم النفسي للأطفال"),
            T(
                "Group and recreational sessions that helped children, most of them back "
                "from Al-Hol camp, find their place among other children and in the "
                "community.",
                "جلسات جماعية وترفيهية ساعدت الأطفال، ومعظمهم عائدون من مخيم الهول، على "
                "إيجاد مكانهم بين أقرانهم وفي المجتمع.",
            ),
            places=T("Hajin and Al-Shafah", "هجين والشعفة"),
            beneficiaries=T(
                "Children back from Al-Hol camp, local and displaced children",
                "أطفال عائدون من مخيم الهول، وأطفال من المنطقة ونازحون",
            ),
            reached=200,
        ),
        _project(
            "hajin-drainage-2022",
            Sector.AGRICULTURE,
            T("Draining waterlogged farmland in Hajin", "تصريف مياه الأراضي الزراعية في هجين"),
            T(
                "Five main drains cleaned over 27 kilometres and 15 culverts installed, "
                "lowering the water table on 10,000 dunams of farmland.",
                "تنظيف خمسة مصارف رئيسية بطول 27 كيلومتراً وتركيب 15 عبّارة، ما خفّض منسوب "
                "المياه في 10,000 دونم من الأراضي الزراعية.",
            ),
            period=_period("20/06/2022", "31/08/2022"),
            places=T("Hajin", "هجين"),
            beneficiaries=T(
                "Farmers and residents; 10,000 dunams of land",
                "المزارعون والسكان؛ 10,000 دونم من الأراضي",
            ),
            reached=50_000,
        ),
        _project(
            "al-hawaij-greenhouse-tunnels-2022",
            Sector.AGRICULTURE,
            T("Greenhouse tunnels for vegetable farmers", "أنفاق زراعية لمزارعي الخضار"),
            T(
                "1,600 tunnels planted with cucumbers and courgettes.",
                "زراعة 1,600 نفق بالخيار والكوسا.",
            ),
            period=_period("1/1/2022", "20/2/2022"),
            places=T("Al-Hawaij", "الحوايج"),
            beneficiaries=T("Vegetable farmers", "مزارعو الخضار"),
            reached=40,
        ),
        _project(
            "drinking-water-pipes-2023",
            Sector.INFRASTRUCTURE,
            T("New drinking-water pipes", "أنابيب جديدة لمياه الشرب"),
            T(
                "2,050 metres of six-inch polyethylene pipe, suitable for drinking water, "
                "laid to bring clean water to homes.",
                "تمديد 2,050 متراً من أنابيب البولي إيثيلين بقطر ست إنشات، صالحة لمياه "
                "الشرب، لإيصال المياه النظيفة إلى البيوت.",
            ),
            period=_period("01/01/2023", "15/02/2023"),
            beneficiaries=T("Residents", "السكان"),
            reached=4_500,
        ),
        _project(
            "school-rubble-removal-2019",
            Sector.INFRASTRUCTURE,
            T("Clearing rubble from 32 schools", "إزالة الأنقاض من 32 مدرسة"),
            T(
                "Rubble cleared from the walls and grounds of 32 schools and 5 destroyed "
                "water tanks removed; 4,500 cubic metres of debris went to fill potholes, "
                "and about 35,850 kilograms of iron were recovered.",
                "إزالة الأنقاض من جدران 32 مدرسة وباحاتها ورفع 5 خزانات مياه مدمّرة؛ "
                "واستُخدم 4,500 متر مكعب من الردم في ردم الحفر، واستُخرج نحو 35,850 "
                "كيلوغراماً من الحديد.",
            ),
            period=_period("15/08/2019", "13/12/2019"),
            places=DEIR_EZ_ZOR,
            beneficiaries=T("Pupils and staff of 32 schools", "طلاب 32 مدرسة والعاملون فيها"),
        ),
        _project(
            "unsafe-buildings-demolition-2018",
            Sector.INFRASTRUCTURE,
            T("Taking down buildings at risk of collapse", "هدم المباني الآيلة للسقوط"),
            T(
                "War-damaged buildings that threatened to fall were demolished and the "
                "debris carried away.",
                "هدم مبانٍ متضررة من الحرب كانت مهددة بالسقوط، وترحيل أنقاضها.",
            ),
            period=_period("01/08/2018", "20/10/2018"),
            places=T(
                "Al-Shuhail, Al-Hawaij, Darnaj, Al-Zer, Al-Attal, Thiban and Al-Takihi, "
                "eastern Deir ez-Zor",
                "الشحيل، والحوايج، ودرنج، والزر، والعطال، وذيبان، والطكيحي، في ريف دير "
                "الزور الشرقي",
            ),
            beneficiaries=T("Residents of the seven towns", "سكان البلدات السبع"),
            reached=1_700,
        ),
        _project(
            "vocational-training-hajin-2021",
            Sector.LIVELIHOODS,
            T("Vocational training in Hajin", "التدريب المهني في هجين"),
            T(
                "Three months of training in electrical maintenance, air-conditioning and "
                "home appliance repair, and mobile phone repair.",
                "ثلاثة أشهر من التدريب على الصيانة الكهربائية، وإصلاح أجهزة التكييف والأجهزة "
                "المنزلية، وصيانة الهواتف المحمولة.",
            ),
            period=_period("10/01/2021", "10/04/2021"),
            places=T("Hajin and surrounding areas", "هجين والمناطق المحيطة بها"),
            beneficiaries=T("20 young men and 10 women", "20 شاباً و10 نساء"),
            reached=30,
        ),
        _project(
            "youth-activities-2020",
            Sector.LIVELIHOODS,
            T("Youth activities for a stable community", "أنشطة شبابية لمجتمع مستقر"),
            T(
                "Three groups of young people took part in a series of linked activities "
                "chosen around what their community needed.",
                "شاركت ثلاث مجموعات من الشباب في سلسلة من الأنشطة المترابطة اختيرت بحسب "
                "احتياجات مجتمعهم.",
            ),
            period=_period("13/07/2020", "31/10/2020"),
            beneficiaries=T("Young people, in three groups", "شباب وشابات في ثلاث مجموعات"),
            reached=200,
        ),
        _project(
            "skills-for-work-2020",
            Sector.LIVELIHOODS,
            T("Skills for work", "مهارات لسوق العمل"),
            T(
                "25 training sessions prepared participants for the job market, and each "
                "received materials for their trade, such as sewing supplies.",
                "هيّأت 25 جلسة تدريبية المشاركين لدخول سوق العمل، وتسلّم كلٌّ منهم مواد "
                "لمهنته، مثل لوازم الخياطة.",
            ),
            period=_period("10/06/2020", "25/10/2020"),
        ),
        _project(
            "al-jazrat-community-dialogue-2022",
            Sector.PEACE,
            T("Community dialogue in Al-Jazrat", "الحوار المجتمعي في الجزرات"),
            T(
                "Seven discussion sessions brought members of the local committee together "
                "with people from across the community to talk about stability and "
                "security.",
                "جمعت سبع جلسات نقاش أعضاء اللجنة المحلية بأشخاص من مختلف فئات المجتمع "
                "للحديث عن الاستقرار والأمن.",
            ),
            period=_period("15/10/2022", "15/05/2023"),
            places=T("Al-Jazrat", "الجزرات"),
            beneficiaries=T(
                "The local committee and community members",
                "اللجنة المحلية وأفراد المجتمع",
            ),
        ),
    ]


def campaign_specs(today: date) -> list[dict]:
    return [_medical_campaign(), *_open_campaigns(today), *_completed_projects()]


# --------------------------------------------------------------------------------------------
# Updates


def update_specs(today: date) -> list[dict]:
    published = datetime.combine(today - timedelta(days=12), datetime.min.time(), UTC)
    return [
        {
            "slug": "kasra-streets-rehabilitation",
            "organization": ZOUR,
            "campaign": None,
            "category": UpdateCategory.AID_DEVELOPMENT,
            "published_at": published.replace(hour=9),
            "title": T(
                "Kasra's streets come back to life",
                "الحياة تعود إلى شوارع الكسرة",
            ),
            "body": T(
                "Roads wrecked during the years of ISIS rule are being repaired by the "
                "people of Kasra, a town on the eastern bank of the Euphrates just north "
                "of Deir ez-Zor city. The town, also written Kasrah or Jazra, lived under "
                "ISIS for several years, and both its economy and its streets paid the "
                "price.\n\n"
                "Ataullah Hameed, one of the people working on the project, explains that "
                "the roundabouts destroyed under ISIS have been restored, and that several "
                "streets and roundabouts have been asphalted and given lighting and simple "
                "decorations. A public park destroyed during the occupation is being "
                "rebuilt too.\n\n"
                "The work is part of a wider effort to bring Kasra back as a trading town "
                "after ISIS was driven out of the area in 2017. An education centre that "
                "opened in the town the year before now helps more than 100 schools across "
                "the province: it coordinates their repair and supplies, works with local "
                "committees on funding and the curriculum, and supports teachers and pupils "
                "who suffered under ISIS.\n\n"
                "For the people of Kasra, every repaired street is also a step away from "
                "the memory of those years.",
                "يعمل أهالي الكسرة على إصلاح الطرق التي تضررت ودُمّرت خلال سنوات سيطرة "
                "تنظيم داعش. وتقع البلدة، المعروفة أيضاً باسم الجزرة، على الضفة "
                "الشرقية لنهر الفرات شمال مدينة دير الزور مباشرة، وقد عاشت سنوات تحت حكم "
                "التنظيم دفع خلالها اقتصادها وشوارعها الثمن.\n\n"
                "ويوضح عطاء الله حميد، أحد العاملين في المشروع، أن الدوّارات التي دمّرها "
                "التنظيم أُعيد تأهيلها، وأن عدداً من الشوارع والدوّارات عُبّد وزُوّد بالإنارة "
                "وزينة بسيطة. ويجري كذلك إعمار حديقة عامة دُمّرت خلال فترة سيطرة "
                "التنظيم.\n\n"
                "ويأتي هذا العمل ضمن جهد أوسع لإعادة الكسرة مركزاً تجارياً بعد طرد التنظيم "
                "من المنطقة عام 2017. كما يدعم مركز تعليمي افتُتح في البلدة في العام السابق "
                "أكثر من 100 مدرسة في المحافظة: ينسّق ترميمها وتجهيزها، ويعمل مع اللجان "
                "المحلية على تمويلها ومناهجها، ويساند المعلمين والطلاب الذين عانوا في ظل "
                "التنظيم.\n\n"
                "وبالنسبة إلى أهالي الكسرة، فإن كل شارع يُصلَح خطوةٌ أخرى بعيداً عن ذاكرة تلك "
                "السنوات.",
            ),
        },
        {
            "slug": "safe-spaces-hajin-registration-open",
            "organization": ZOUR,
            "campaign": "safe-spaces-children-hajin",
            "category": UpdateCategory.EDUCATION,
            "published_at": published.replace(hour=14) + timedelta(days=5),
            "title": T(
                "Families can now register their children",
                "باب التسجيل مفتوح أمام الأسر",
            ),
            "body": T(
                "Our facilitators have started visiting families in Hajin and Al-Shafah to "
                "register children for the new round of sessions. The first groups will "
                "meet as soon as the rooms are ready. Thank you to everyone who has given "
                "so far.",
                "بدأ ميسّرونا زيارة الأسر في هجين والشعفة لتسجيل الأطفال في الجولة الجديدة "
                "من الجلسات، وستجتمع المجموعات الأولى حالما تجهز الغرف. شكراً لكل من تبرّع "
                "حتى الآن.",
            ),
        },
    ]


# --------------------------------------------------------------------------------------------
# Loading


@dataclass
class DemoReport:
    """What one run added; all zeros on a second run."""

    organizations: int = 0
    campaigns: int = 0
    updates: int = 0
    gifts: int = 0
    skipped: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        if not (self.organizations or self.campaigns or self.updates or self.gifts):
            return "The demo content is already loaded; nothing changed."
        return (
            f"Added {self.organizations} organizations, {self.campaigns} campaigns, "
            f"{self.updates} updates and {self.gifts} gifts."
        )


def _set_texts(obj, **texts: T | None) -> None:
    for name, text in texts.items():
        if text is not None:
            setattr(obj, f"{name}_en", text.en)
            setattr(obj, f"{name}_ar", text.ar)


def _find(model, slug: str):
    return db.session.scalar(select(model).where(model.slug == slug))


def _organization(spec: dict, report: DemoReport) -> Organization:
    existing = _find(Organization, spec["slug"])
    if existing is not None:
        return existing
    organization = Organization(slug=spec["slug"], founded_on=spec.get("founded_on"))
    _set_texts(
        organization,
        **{k: spec.get(k) for k in ("name", "place", "vision", "mission", "values", "about")},
    )
    db.session.add(organization)
    db.session.flush()
    report.organizations += 1
    return organization


def _campaign(
    spec: dict, organizations: dict[str, Organization], today: date, report: DemoReport
) -> None:
    if _find(Campaign, spec["slug"]) is not None:
        return
    campaign = Campaign(
        slug=spec["slug"],
        organization=organizations[spec["organization"]],
        state=spec["state"],
        featured=spec.get("featured", False),
        sector=spec["sector"],
        currency="USD",
        goal_minor=spec["goal_minor"],
        raised_minor=0,
        donor_count=0,
        starts_on=spec["starts_on"],
        ends_on=spec["ends_on"],
        implemented_from=spec.get("implemented_from"),
        implemented_to=spec.get("implemented_to"),
        beneficiaries_reached=spec.get("reached"),
    )
    _set_texts(
        campaign,
        **{k: spec.get(k) for k in ("title", "summary", "story", "places", "beneficiaries")},
    )
    for position, (dollars, text) in enumerate(spec.get("tiers", ())):
        tier = DonationTier(amount_minor=_dollars(dollars), position=position)
        _set_texts(tier, description=text)
        campaign.tiers.append(tier)
    for position, (when, precision, title, body) in enumerate(spec.get("chapters", ())):
        chapter = Chapter(happened_on=when, precision=precision, position=position)
        _set_texts(chapter, title=title, body=body)
        campaign.chapters.append(chapter)
    for position, (value, label, detail) in enumerate(spec.get("impact", ())):
        figure = ImpactFigure(value=value, position=position)
        _set_texts(figure, label=label, detail=detail)
        campaign.impact_figures.append(figure)
    validate_campaign(campaign)
    if spec.get("cover"):
        campaign.cover_image = _cover_image(spec["slug"], *spec["cover"])
    db.session.add(campaign)
    db.session.flush()
    report.campaigns += 1
    _record_money(campaign, spec, today, report)


def _record_money(campaign: Campaign, spec: dict, today: date, report: DemoReport) -> None:
    """Totals come from ledger entries only, never from writing ``raised_minor``."""
    from campaigns.payments.ledger import record_offline_gift, record_opening_balance

    if spec.get("opening_balance"):
        amount, note = spec["opening_balance"]
        record_opening_balance(campaign, amount, note=note)
        report.gifts += 1
    for number, (amount, name, anonymous, days_ago) in enumerate(spec.get("gifts", ()), 1):
        received = max(today - timedelta(days=days_ago), campaign.starts_on)
        record_offline_gift(
            campaign,
            amount,
            donor_name=name,
            anonymous=anonymous,
            method=OfflineMethod.BANK_TRANSFER,
            reference=f"DEMO-{campaign.id}-{number}",
            received_on=received,
        )
        report.gifts += 1


def _update(spec: dict, organizations: dict[str, Organization], report: DemoReport) -> None:
    if _find(Update, spec["slug"]) is not None:
        return
    campaign = _find(Campaign, spec["campaign"]) if spec["campaign"] else None
    update = Update(
        slug=spec["slug"],
        organization=organizations[spec["organization"]],
        campaign=campaign,
        category=spec["category"],
        published_at=spec["published_at"],
    )
    _set_texts(update, title=spec["title"], body=spec["body"])
    db.session.add(update)
    db.session.flush()
    report.updates += 1


def _cover_image(slug: str, dark: str, light: str) -> str | None:
    """A quiet generated cover: a diagonal wash and a few soft circles, stored like an
    upload. Drawn small and enlarged, which softens the edges for free. Returns None when
    the upload folder cannot be written (the page then shows its placeholder)."""
    from PIL import Image, ImageDraw

    from campaigns.media import save_image

    width, height = 720, 405
    seed = hashlib.sha256(slug.encode()).digest()
    start, end = _rgb(dark), _rgb(light)
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for x in range(width + height):
        t = x / (width + height)
        colour = tuple(round(a + (b - a) * t) for a, b in zip(start, end, strict=True))
        draw.line([(x, 0), (x - height, height)], fill=colour, width=2)
    overlay = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    shapes = ImageDraw.Draw(overlay)
    for i in range(5):
        cx, cy = seed[i] * width // 255, seed[i + 5] * height // 255
        radius = 60 + seed[i + 10] % 110
        alpha = 28 + seed[i + 15] % 30
        shapes.ellipse(
            [cx - radius, cy - radius, cx + radius, cy + radius], fill=(255,) * 3 + (alpha,)
        )
    image = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    image = image.resize((1440, 810), Image.Resampling.BICUBIC)
    buffer = BytesIO()
    image.save(buffer, "PNG", compress_level=1)
    buffer.seek(0)
    try:
        return save_image(buffer)
    except OSError:
        return None


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def load_demo_data(today: date | None = None) -> DemoReport:
    """Add whatever demo content is missing, matched on slugs; flushes, the caller commits."""
    today = today or date.today()
    report = DemoReport()
    organizations = {spec["slug"]: _organization(spec, report) for spec in ORGANIZATIONS}
    for spec in campaign_specs(today):
        _campaign(spec, organizations, today, report)
    for spec in update_specs(today):
        _update(spec, organizations, report)
    db.session.flush()
    return report
