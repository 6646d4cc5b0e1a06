"""Files through the Action API: action=upload and prop=imageinfo, with mwclient 0.11 against
the wiki on a live server, and site info's namespaces and rights."""

from __future__ import annotations

import io
from collections.abc import Iterator

import mwclient
import mwclient.errors
import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from test_accounts import PASSWORD
from test_api_write import make_account
from wikitest import LiveServer, serve

from wiki.files import storage


def png(colour: int = 0, size: tuple[int, int] = (300, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (colour, 10, 20)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def live(app: Flask) -> Iterator[LiveServer]:
    """The wiki on a live server, with an account "Writer"."""
    make_account(app, "Writer")
    with serve(app) as server:
        yield server


def site_of(server: LiveServer) -> mwclient.Site:
    site = mwclient.Site(f"127.0.0.1:{server.port}", path="/w/", scheme="http",
                         max_retries=0, retry_timeout=0)
    site.login("Writer", PASSWORD)
    return site


def test_mwclient_uploads_and_reads_imageinfo(app: Flask, live: LiveServer) -> None:
    site = site_of(live)
    assert "upload" in site.rights
    data = png()
    answer = site.upload(io.BytesIO(data), "From mwclient.png", description="Made by a bot.",
                         comment="bot upload")
    assert answer["result"] == "Success" and answer["filename"] == "From mwclient.png"
    with app.app_context():
        info = storage.file_info("From mwclient.png")
        assert info is not None and (info.width, info.height) == (300, 200)
    image = site.images["From mwclient.png"]
    assert image.exists
    details = image.imageinfo
    assert details["sha1"] == info.sha1 and details["size"] == len(data)
    assert details["mime"] == "image/png" and details["user"] == "Writer"
    assert details["url"].endswith(f"/files/{info.sha1}/From_mwclient.png")
    assert site.pages["File:From mwclient.png"].text() == "Made by a bot."
    with pytest.raises(mwclient.errors.FileExists):
        site.upload(io.BytesIO(png(colour=7)), "From mwclient.png", description="again")
    newer = site.upload(io.BytesIO(png(colour=7)), "From mwclient.png", ignore=True,
                        comment="second")
    assert newer["result"] == "Success"


def test_api_upload_refuses_bad_files_and_anonymous_callers(client: FlaskClient) -> None:
    token = client.get("/w/api.php?action=query&meta=tokens&format=json").get_json()[
        "query"]["tokens"]["csrftoken"]
    answer = client.post("/w/api.php", content_type="multipart/form-data", data={
        "action": "upload", "format": "json", "filename": "Anon.png", "token": token,
        "file": (io.BytesIO(png()), "x.png")}).get_json()
    assert answer["error"]["code"] == "permissiondenied"
    rights = client.get("/w/api.php?action=query&meta=userinfo&uiprop=rights&format=json"
                        ).get_json()["query"]["userinfo"]["rights"]
    assert "upload" not in rights


def test_siteinfo_lists_the_file_namespaces(client: FlaskClient) -> None:
    namespaces = client.get("/w/api.php?action=query&meta=siteinfo&siprop=namespaces"
                            "&format=json").get_json()["query"]["namespaces"]
    assert namespaces["6"]["canonical"] == "File" and namespaces["7"]["canonical"] == "File talk"
    assert namespaces["-2"]["canonical"] == "Media"
