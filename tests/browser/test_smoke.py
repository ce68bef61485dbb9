import pytest

pytestmark = pytest.mark.browser


def test_home_page_opens(new_page, live_server):
    page = new_page("phone")
    response = page.goto("/")
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == "en"
