"""Served images can be revalidated, so a browser or CDN that holds one fetches nothing again."""

from io import BytesIO

from PIL import Image

from campaigns.media import save_image


def _stored_image(app) -> str:
    buffer = BytesIO()
    Image.new("RGB", (800, 450), (200, 90, 40)).save(buffer, "PNG")
    buffer.seek(0)
    with app.test_request_context():
        return save_image(buffer)


def test_an_image_answers_304_to_its_own_etag(app, client):
    url = f"/media/{_stored_image(app)}-480.webp"
    first = client.get(url)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""


def test_a_stale_etag_gets_the_whole_image(app, client):
    url = f"/media/{_stored_image(app)}-480.webp"
    response = client.get(url, headers={"If-None-Match": '"not-this-one"'})
    assert response.status_code == 200
    with Image.open(BytesIO(response.get_data())) as image:
        assert image.width == 480


def test_backslashes_and_other_folders_are_not_served(client):
    assert client.get("/media/..\\instance.webp").status_code == 404
    assert client.get("/media/%2e%2e%2fsecret.webp").status_code == 404
