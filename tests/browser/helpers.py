"""What the browser tests do again and again: read figures, run axe, take screenshots."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
AXE_SCRIPT = HERE / "node_modules" / "axe-core" / "axe.min.js"
#: Kept by CI as an artifact; not committed.
SCREENSHOTS = ROOT / "artifacts" / "screenshots"

#: Arabic-Indic digits and separators, as Arabic pages may print them.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩٫٬", "0123456789.,")
#: axe impacts that fail a page.
BLOCKING_IMPACTS = ("serious", "critical")


def parse_money(text: str, minor_digits: int = 2) -> int:
    """``"$1,250.00"`` or ``"‏1,250.00 US$"`` (any digits) -> minor units."""
    plain = text.translate(_DIGITS)
    match = re.search(r"\d[\d,]*(?:\.\d+)?", plain)
    if not match:
        raise ValueError(f"no amount in {text!r}")
    amount = Decimal(match.group(0).replace(",", ""))
    return int(amount.scaleb(minor_digits))


def parse_count(text: str) -> int:
    """The count a reader gets from ``"3 donors"``, ``"٣ متبرعين"`` or Arabic's word forms.

    Arabic writes 0, 1 and 2 of a noun in words: "لا يوجد متبرعون بعد" (none yet),
    "متبرع واحد" (one), "متبرعان" (two, the dual ending).
    """
    plain = text.translate(_DIGITS)
    match = re.search(r"\d[\d,]*", plain)
    if match:
        return int(match.group(0).replace(",", ""))
    if re.search(r"واحدة?\b", plain):
        return 1
    if re.search(r"\w(ان|تان)\b", plain) and not plain.strip().startswith("لا"):
        return 2
    if plain.strip().startswith("لا") or re.match(r"\s*no\b", plain, re.I):
        return 0
    raise ValueError(f"no number in {text!r}")


@dataclass(frozen=True)
class Figures:
    raised_minor: int
    donors: int


def campaign_figures(page) -> Figures:
    """The raised amount and the donor count, read from the campaign page as shown."""
    raised = page.locator("[data-raised], .raised").first
    donors = page.locator("[data-donor-count], .donor-count, .stats li").first
    raised.wait_for(state="attached")
    donors.wait_for(state="attached")
    return Figures(
        raised_minor=parse_money(raised.inner_text()), donors=parse_count(donors.inner_text())
    )


def run_axe(page) -> list[dict]:
    """Serious and critical axe-core violations on the page as it is now."""
    if not AXE_SCRIPT.exists():
        raise AssertionError(f"{AXE_SCRIPT} is missing: run `npm ci --prefix tests/browser` first.")
    page.add_script_tag(path=str(AXE_SCRIPT))
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({
                    target: n.target.join(' '), summary: n.failureSummary,
                    html: n.html.slice(0, 200)})),
            }));
        }"""
    )
    return [v for v in result if v["impact"] in BLOCKING_IMPACTS]


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {node['target']}  {node['html']}")
            lines.append(f"      {node['summary']}".replace("\n", "\n      "))
    return "\n".join(lines)


def screenshot(page, name: str) -> Path:
    """A full-page PNG under artifacts/screenshots/ (kept by CI)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def field_error(page, name: str):
    """The error message a form shows for the field ``name``, found the way assistive
    technology finds it: through the field's ``aria-describedby``, else the error element
    in the same field wrapper."""
    field = page.locator(f'[name="{name}"]').first
    described = field.get_attribute("aria-describedby") or ""
    for ident in described.split():
        candidate = page.locator(f'[id="{ident}"]')
        if candidate.count() and re.search(
            r"error|invalid", ident + " " + (candidate.get_attribute("class") or ""), re.I
        ):
            return candidate
    return field.locator(
        "xpath=ancestor::*[contains(concat(' ', normalize-space(@class), ' '), ' field ')][1]"
        "//*[contains(@class, 'error')]"
    ).first


def vertical_gap(a, b) -> float:
    """Pixels between two elements' boxes, vertically (0 when they overlap)."""
    box_a, box_b = a.bounding_box(), b.bounding_box()
    assert box_a and box_b, "element not displayed"
    top = max(box_a["y"], box_b["y"])
    bottom = min(box_a["y"] + box_a["height"], box_b["y"] + box_b["height"])
    return max(0.0, top - bottom)


def sign_in(page, credentials: tuple[str, str], prefix: str = "") -> None:
    """Sign in through the admin's login form, as a person would."""
    email, password = credentials
    page.goto(f"{prefix}/admin/login")
    page.locator('[name="email"]').fill(email)
    page.locator('[name="password"]').fill(password)
    with page.expect_navigation():
        page.locator('form:has([name="password"]) [type="submit"]').click()
    assert "/admin/login" not in page.url, "signing in failed"


def give(
    page, slug: str, tier_id: int, dollars: int, prefix: str = "", name: str = "Lina Haddad"
) -> Figures:
    """Pick a tier and pay on the test gateway, from the campaign page to the thank-you page.

    Returns the figures the campaign page showed before the gift.
    """
    response = page.goto(f"{prefix}/campaigns/{slug}")
    assert response.status == 200
    before = campaign_figures(page)

    tier = page.locator(f'input[name="tier"][value="{tier_id}"]')
    label = label_of(page, tier).translate(_DIGITS)
    assert re.search(rf"\b{dollars}\b", label), f"the ${dollars} tier reads {label!r}"
    tier.check()
    page.locator('[name="name"]').fill(name)
    page.locator('[name="email"]').fill(name.split()[0].lower() + "@example.org")
    submit_donate_form(page)

    # The keyless test gateway's checkout page, which says plainly that it is a test.
    assert page.locator(".test-checkout").count() == 1, f"not the test checkout: {page.url}"
    pay_on_test_gateway(page)
    return before


def label_of(page, field) -> str:
    """The text of the label a screen reader would announce for ``field``."""
    ident = field.get_attribute("id")
    if ident:
        label = page.locator(f'label[for="{ident}"]')
        if label.count():
            return label.first.inner_text()
    return field.locator("xpath=ancestor::label[1]").inner_text()


def submit_donate_form(page) -> None:
    form = page.locator('form[action$="/donate"]')
    with page.expect_navigation():
        form.locator('button[type="submit"], input[type="submit"]').last.click()


def pay_on_test_gateway(page) -> None:
    with page.expect_navigation():
        page.locator('form:has(input[name="action"][value="pay"]) [type="submit"]').click()


def received_email(mail_server, to: str, subject: str, timeout: float = 15.0):
    """The first email to ``to`` whose subject contains ``subject``, once it has arrived."""
    deadline = time.monotonic() + timeout
    while True:
        for message in list(mail_server.messages):
            if message["To"] == to and subject in str(message["Subject"]):
                return message
        if time.monotonic() > deadline:
            seen = [(m["To"], m["Subject"]) for m in mail_server.messages]
            raise AssertionError(f"no email to {to} about {subject!r}; received {seen}")
        time.sleep(0.1)


def email_link(message, pattern: str) -> str:
    """The one link of the email's text part that matches ``pattern``, also in its HTML."""
    text = message.get_body(("plain",)).get_content()
    [link] = re.findall(pattern + r"\S*", text)
    assert link in message.get_body(("html",)).get_content()
    return link
