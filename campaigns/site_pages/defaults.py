"""The texts the privacy notice and the terms of use have until a platform admin writes
their own. They describe what this software does: change them where an installation
differs (another payment provider, a longer retention)."""

from __future__ import annotations

PRIVACY_EN = """\
This site lets non-profit organizations raise money for their campaigns. This notice says
plainly what it stores about you, why, for how long, who sees it and what you may ask for.

## What is stored

When you give, the site stores:

- your name, and whether you asked not to be named in public;
- your email address;
- the message you wrote with your gift, if any;
- the amount, the currency, the date, whether the gift is monthly, and what happened to
  it (paid, refunded, disputed).

**Your card details never reach this site.** You pay on the secure payment page of Stripe,
which handles your card and tells the site only whether the payment went through. Stripe's
own privacy policy covers what you give Stripe.

For the people who run campaigns, the site also stores their account (name, email, and a
password kept in a form that cannot be read back) and a log of what they changed.

## Why

- to record your gift and count it in the campaign's total;
- to send you a receipt, and for a monthly gift the link to change or cancel it;
- to show your name, amount and message on the campaign page, unless you chose to give
  anonymously;
- so that the organization can keep the accounts the law requires and answer your
  questions.

Nothing is sold, shared with advertisers or used for anything else.

## For how long

- Donation records (name, email, amount, date) are kept as long as accounting and tax law
  requires of the organization, typically 10 years, and are then erased or made anonymous.
- Your message and your name stay on the campaign page while the campaign is shown. The
  organization hides them at once if you ask.
- Staff accounts are kept while the person works for an organization on the site.

## Who sees it

- Everyone: your name (unless you gave anonymously), the amount, the date and your message,
  on the campaign page. Your email address is never shown in public.
- The staff of the organization you gave to, who see the records of the gifts to their
  campaigns, and the site's administrators, who run the platform.
- Stripe, which processes the payment.

## Your rights

You may ask to see what is held about you, to have it corrected, or to have it erased.
Erasure removes your name, email and message; the amount and the date stay in the accounts,
anonymous, because the law requires them. Write to the organization you gave to: its
email address is on its page and beside every donate form. Where the GDPR applies to you,
you may also complain to your data protection authority.

## Cookies

The site uses only the cookies it needs to work:

- **session**: keeps staff signed in to the console, and holds the token that protects
  every form against forgery (CSRF);
- **lang**: remembers the language you chose.

There are no analytics, advertising or tracking cookies, and no third-party scripts.
"""

PRIVACY_AR = """\
يتيح هذا الموقع للمنظمات غير الربحية جمع التبرعات لحملاتها. يبيّن هذا الإشعار بوضوح ما
يحفظه الموقع عنك، ولماذا، وإلى متى، ومن يطّلع عليه، وما يحق لك أن تطلبه.

## ما الذي يُحفظ

عندما تتبرع يحفظ الموقع:

- اسمك، وهل طلبت ألا يُذكر اسمك علنًا؛
- عنوان بريدك الإلكتروني؛
- الرسالة التي كتبتها مع تبرعك، إن وُجدت؛
- المبلغ والعملة والتاريخ، وهل التبرع شهري، وما آل إليه (مدفوع، مُسترد، متنازع عليه).

**بيانات بطاقتك لا تصل إلى هذا الموقع أبدًا.** تدفع في صفحة الدفع الآمنة لدى Stripe، التي
تتولى بطاقتك ولا تخبر الموقع إلا بنجاح الدفع أو فشله. وتخضع البيانات التي تعطيها لـ Stripe
لسياسة الخصوصية الخاصة بها.

ويحفظ الموقع أيضًا حسابات من يديرون الحملات (الاسم والبريد الإلكتروني وكلمة مرور محفوظة
بصيغة لا يمكن قراءتها) وسجلًا بما غيّروه.

## لماذا

- لتسجيل تبرعك واحتسابه في مجموع الحملة؛
- لإرسال إيصال إليك، ورابط لتعديل التبرع الشهري أو إلغائه؛
- لعرض اسمك والمبلغ ورسالتك في صفحة الحملة، إلا إذا اخترت التبرع دون ذكر اسمك؛
- لتتمكن المنظمة من مسك الحسابات التي يفرضها القانون والإجابة عن أسئلتك.

لا يُباع شيء من ذلك، ولا يُشارك مع المعلنين، ولا يُستعمل لأي غرض آخر.

## إلى متى

- تُحفظ سجلات التبرعات (الاسم والبريد الإلكتروني والمبلغ والتاريخ) طوال المدة التي يفرضها
  قانون المحاسبة والضرائب على المنظمة، وهي عادةً 10 سنوات، ثم تُمحى أو تُجعل مجهولة الهوية.
- تبقى رسالتك واسمك في صفحة الحملة ما دامت الحملة معروضة، وتخفيهما المنظمة فورًا إن طلبت ذلك.
- تُحفظ حسابات العاملين ما داموا يعملون لدى منظمة على الموقع.

## من يطّلع عليه

- الجميع: اسمك (إلا إذا تبرعت دون ذكر اسمك) والمبلغ والتاريخ ورسالتك، في صفحة الحملة. أما
  عنوان بريدك الإلكتروني فلا يُعرض علنًا أبدًا.
- العاملون في المنظمة التي تبرعت لها، ويرون سجلات التبرعات لحملاتهم، ومديرو الموقع الذين
  يشغّلون المنصة.
- Stripe، التي تعالج الدفع.

## حقوقك

يحق لك أن تطلب الاطلاع على ما يُحفظ عنك، أو تصحيحه، أو محوه. يزيل المحو اسمك وبريدك الإلكتروني
ورسالتك، ويبقى المبلغ والتاريخ في الحسابات دون ما يدل عليك، لأن القانون يفرضهما. راسل المنظمة
التي تبرعت لها: عنوان بريدها الإلكتروني في صفحتها وبجانب كل نموذج تبرع. وإن كانت اللائحة
الأوروبية العامة لحماية البيانات تسري عليك، فلك أيضًا أن تشتكي إلى هيئة حماية البيانات في بلدك.

## ملفات تعريف الارتباط

لا يستعمل الموقع إلا ملفات تعريف الارتباط التي يحتاجها ليعمل:

- **الجلسة**: تُبقي العاملين مسجّلين في لوحة الإدارة، وتحمل الرمز الذي يحمي كل نموذج من
  التزوير؛
- **اللغة**: تتذكر اللغة التي اخترتها.

لا توجد ملفات تعريف ارتباط للتحليلات أو الإعلانات أو التتبع، ولا نصوص برمجية من أطراف أخرى.
"""

TERMS_EN = """\
## What this site is

A platform on which non-profit organizations publish campaigns and receive gifts for them.
Each campaign is run by the organization named on its page, which is responsible for what
the page says and for using the gifts as it describes. Who the organization is, where it is
registered and how to reach it is shown beside every donate form.

## Giving

- A gift goes to the organization that runs the campaign, in the campaign's currency.
- A monthly gift is taken on the same day each month until you cancel it, with the link in
  your receipt.
- To ask for a refund, write to the organization; refunds go back to the card you paid with.
- A gift is a donation: you receive nothing in return. Whether you can deduct it from your
  taxes depends on your country and on the organization's registration.

## What you write

Your name and message may be shown on the campaign page. Keep them respectful: the
organization may hide a message or a name.

## Organizations

Organizations tell the truth about themselves and their campaigns, keep their registration
and contact details current, and spend gifts on the purpose they state.

## Your data

The privacy notice says what the site stores about you and what you may ask for.
"""

TERMS_AR = """\
## ما هذا الموقع

منصة تنشر عليها المنظمات غير الربحية حملاتها وتتلقى التبرعات لها. تدير كل حملة المنظمة
المذكورة في صفحتها، وهي المسؤولة عمّا تقوله الصفحة وعن إنفاق التبرعات كما تصف. ويظهر بجانب
كل نموذج تبرع من هي المنظمة وأين هي مسجلة وكيف يمكن التواصل معها.

## التبرع

- يذهب التبرع إلى المنظمة التي تدير الحملة، بعملة الحملة.
- يُقتطع التبرع الشهري في اليوم نفسه من كل شهر حتى تلغيه، بالرابط الموجود في إيصالك.
- لطلب استرداد مبلغ راسل المنظمة؛ ويعود المبلغ المسترد إلى البطاقة التي دفعت بها.
- التبرع هبة لا تتلقى مقابلها شيئًا. أما خصمه من ضرائبك فيتوقف على بلدك وعلى تسجيل المنظمة.

## ما تكتبه

قد يظهر اسمك ورسالتك في صفحة الحملة. اجعلهما لائقين: يحق للمنظمة إخفاء رسالة أو اسم.

## المنظمات

تقول المنظمات الحقيقة عن نفسها وعن حملاتها، وتُبقي بيانات تسجيلها والتواصل معها محدّثة،
وتنفق التبرعات على الغرض الذي تعلنه.

## بياناتك

يبيّن إشعار الخصوصية ما يحفظه الموقع عنك وما يحق لك أن تطلبه.
"""

DEFAULTS = {
    "privacy": {
        "title_en": "Privacy notice",
        "title_ar": "إشعار الخصوصية",
        "body_en": PRIVACY_EN,
        "body_ar": PRIVACY_AR,
    },
    "terms": {
        "title_en": "Terms of use",
        "title_ar": "شروط الاستخدام",
        "body_en": TERMS_EN,
        "body_ar": TERMS_AR,
    },
}
