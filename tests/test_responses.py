"""Text responses are gzipped for clients that accept it; images and small bodies are not."""

import gzip


def test_stylesheet_is_gzipped_when_accepted(client):
    plain = client.get("/static/css/site.css")
    plain_body = plain.get_data()
    plain.close()
    response = client.get("/static/css/site.css", headers={"Accept-Encoding": "gzip, br"})
    body = response.get_data()
    response.close()
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert gzip.decompress(body) == plain_body
    assert len(body) < len(plain_body) / 2


def test_not_gzipped_without_accept_encoding(client):
    response = client.get("/static/css/site.css")
    response.close()
    assert "Content-Encoding" not in response.headers


def test_conditional_request_still_answers_not_modified(client):
    first = client.get("/static/css/site.css", headers={"Accept-Encoding": "gzip"})
    first.close()
    etag = first.headers["ETag"]
    again = client.get(
        "/static/css/site.css", headers={"Accept-Encoding": "gzip", "If-None-Match": etag}
    )
    again.close()
    assert again.status_code == 304


def test_security_headers_on_every_page(client):
    response = client.get("/static/css/site.css")
    response.close()
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
