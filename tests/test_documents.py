"""Documents on a case: the type comes from the bytes, files are whole or absent, only the
team changes them and only full-record viewers download them."""

from __future__ import annotations

import hashlib
import io
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from casework.config import load_config
from casework.documents.services import add_document, clean_file_name
from casework.documents.sniffing import ContentSniffer, DocumentRefused
from casework.documents.storage import DocumentStore
from casework.extensions import db
from casework.models import Case, Document, DocumentType, Event, Role, User
from tests.conftest import login

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(32)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(32)
GIF = b"GIF89a\x01\x00\x01\x00" + bytes(16)
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + bytes(24)
TEXT = "Pay stub notes: 40 h × $18 — still owed $720.\n\tSigned, Maria\n".encode()


@pytest.fixture
def app_config(tmp_path: Path) -> dict[str, Any]:
    return {"CASEWORK_UPLOAD_DIR": str(tmp_path / "uploads")}


@pytest.fixture
def store(app: Flask) -> DocumentStore:
    return DocumentStore.from_config(app.config)


@pytest.fixture
def team_case(make_case: Callable[..., int], make_user: Callable[..., int]) -> tuple[int, int]:
    """A case and an organizer on its team."""
    organizer = make_user(Role.ORGANIZER)
    return make_case(team=[organizer]), organizer


def upload(client: FlaskClient, case_id: int, content: bytes, name: str = "lease.pdf") -> Any:
    response = client.post(f"/cases/{case_id}/documents", content_type="multipart/form-data",
                           data={"upload": (io.BytesIO(content), name)})
    # Werkzeug's test client spools large bodies to a temporary file it never closes.
    response.request.environ["wsgi.input"].close()
    return response


def documents(app: Flask) -> list[Document]:
    with app.app_context():
        rows = list(db.session.scalars(select(Document).order_by(Document.id)))
        db.session.expunge_all()
        return rows


def files_on_disk(store: DocumentStore) -> list[str]:
    return sorted(str(p.relative_to(store.root)) for p in store.root.rglob("*")
                  if p.is_file() and p.name != ".pin.lock")


@pytest.mark.sqlite_only
@pytest.mark.parametrize(("content", "expected"), [
    (PDF, DocumentType.PDF), (PNG, DocumentType.PNG), (JPEG, DocumentType.JPEG),
    (GIF, DocumentType.GIF), (b"GIF87a" + bytes(8), DocumentType.GIF), (WEBP, DocumentType.WEBP),
    (TEXT, DocumentType.TEXT), (b"MZ Property Group owes $300\n", DocumentType.TEXT),
    ("\ufeffBOM first, then text".encode(), DocumentType.TEXT),
], ids=["pdf", "png", "jpeg", "gif89", "gif87", "webp", "text", "text-like-exe", "bom"])
def test_accepted_types_are_recognised_from_their_bytes(content: bytes,
                                                        expected: DocumentType) -> None:
    sniffer = ContentSniffer()
    for start in range(0, len(content), 7):  # chunk edges inside multi-byte characters
        sniffer.feed(content[start:start + 7])
    assert sniffer.verdict() == expected


@pytest.mark.sqlite_only
@pytest.mark.parametrize(("content", "looks_like"), [
    (b"<!DOCTYPE html><html><body><script>alert(1)</script>", "a web page (HTML)"),
    (b"  \n<html lang=en><p>Pay me", "a web page (HTML)"),
    (b"Dear landlord,\n<script src=//evil></script>", "a web page (HTML)"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "an SVG image"),
    (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "an SVG image"),
    (b'<?xml version="1.0"?><lease/>', "an XML document"),
    (b"PK\x03\x04\x14\x00\x06\x00" + bytes(30), "a ZIP archive"),
    (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(50), "a Windows program"),
    (b"\x7fELF\x02\x01\x01" + bytes(50), "a Linux program"),
    (b"#!/bin/sh\nrm -rf ~\n", "a script"),
    (b"\x1f\x8b\x08\x00" + bytes(20), "a gzip archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(20), "an old Microsoft Office file"),
    (b"{\\rtf1\\ansi Pay me}", "an RTF document"),
    ("Lohnzettel März".encode("latin-1"), "a file of a kind we do not recognise"),
    (b"text with a NUL\x00 byte", "a file of a kind we do not recognise"),
    (b"\x00\x00\x00\x18ftypheic" + bytes(16), "a video or an HEIC photo"),
], ids=["html", "html-late", "script-in-text", "svg", "svg-xml", "xml", "zip", "exe", "elf",
        "script", "gzip", "ole", "rtf", "latin1", "nul", "heic"])
def test_other_types_are_refused_saying_what_they_look_like(content: bytes,
                                                            looks_like: str) -> None:
    sniffer = ContentSniffer()
    sniffer.feed(content)
    with pytest.raises(DocumentRefused, match=re.escape(f"This file looks like {looks_like}")):
        sniffer.verdict()


def test_the_team_uploads_and_downloads_a_document(
    app: Flask, team_case: tuple[int, int], login_as: Callable[[int], FlaskClient],
    store: DocumentStore,
) -> None:
    case_id, organizer = team_case
    client = login_as(organizer)
    response = upload(client, case_id, PDF, "Pay stubs (March).pdf")
    assert response.status_code == 302 and response.location.endswith(f"/cases/{case_id}#documents")
    [document] = documents(app)
    assert (document.case_id, document.file_name, document.content_type, document.size_bytes,
            document.sha256, document.uploaded_by_id) == (
        case_id, "Pay stubs (March).pdf", DocumentType.PDF, len(PDF),
        hashlib.sha256(PDF).hexdigest(), organizer)
    assert files_on_disk(store) == [f"files/{document.stored_name}"]
    assert store.path_of(document.stored_name).read_bytes() == PDF
    page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "Pay stubs (March).pdf" in page and 'enctype="multipart/form-data"' in page
    assert "Added document “Pay stubs (March).pdf”" in page  # the timeline
    download = client.get(f"/documents/{document.id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "Pay" in download.headers["Content-Disposition"]
    download.close()


@pytest.mark.parametrize(("content", "name", "kind", "download_name"), [
    (PNG, "evidence.pdf", DocumentType.PNG, "evidence.pdf.png"),
    (TEXT, "notes", DocumentType.TEXT, "notes.txt"),
    (JPEG, "../../etc/passwd", DocumentType.JPEG, "passwd.jpg"),
])
def test_the_stored_type_comes_from_the_content_not_the_name(
    app: Flask, team_case: tuple[int, int], login_as: Callable[[int], FlaskClient],
    content: bytes, name: str, kind: DocumentType, download_name: str,
) -> None:
    case_id, organizer = team_case
    client = login_as(organizer)
    assert upload(client, case_id, content, name).status_code == 302
    [document] = documents(app)
    assert document.content_type == kind
    response = client.get(f"/documents/{document.id}")
    assert response.headers["Content-Type"] == kind.value
    assert f'filename="{download_name}"' in response.headers["Content-Disposition"] or \
        f"filename={download_name}" in response.headers["Content-Disposition"]
    response.close()


@pytest.mark.parametrize(("content", "name", "message"), [
    (b"<html><body>Invoice</body></html>", "invoice.pdf", "looks like a web page (HTML)"),
    (b"PK\x03\x04" + bytes(40), "lease.docx", "looks like a ZIP archive"),
    (b"MZ\x90\x00" + bytes(40), "photo.jpg", "looks like a Windows program"),
    (b"", "empty.pdf", "The file is empty."),
])
def test_refused_uploads_say_why_next_to_the_field_and_leave_nothing_behind(
    app: Flask, team_case: tuple[int, int], login_as: Callable[[int], FlaskClient],
    store: DocumentStore, content: bytes, name: str, message: str,
) -> None:
    case_id, organizer = team_case
    response = upload(login_as(organizer), case_id, content, name)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert '<small id="upload-error" class="field-error">' in page and message in page
    assert documents(app) == [] and files_on_disk(store) == []


def test_a_missing_file_is_asked_for(team_case: tuple[int, int],
                                     login_as: Callable[[int], FlaskClient]) -> None:
    case_id, organizer = team_case
    response = login_as(organizer).post(f"/cases/{case_id}/documents", data={},
                                        content_type="multipart/form-data")
    assert response.status_code == 400 and "Choose a file to upload." in response.get_data(
        as_text=True)


@pytest.mark.sqlite_only
def test_files_over_the_configured_limit_are_refused_with_the_limit_named(
    app: Flask, team_case: tuple[int, int], login_as: Callable[[int], FlaskClient],
    store: DocumentStore,
) -> None:
    case_id, organizer = team_case
    client = login_as(organizer)
    limit = 10 * 1024 * 1024
    assert app.config["CASEWORK_MAX_UPLOAD_MB"] == 10  # the default
    response = upload(client, case_id, PDF + bytes(limit + 1 - len(PDF)))
    assert response.status_code == 400
    assert "The file is larger than 10 MB" in response.get_data(as_text=True)
    assert files_on_disk(store) == []
    assert upload(client, case_id, PDF + bytes(limit - len(PDF))).status_code == 302


@pytest.mark.sqlite_only
def test_requests_over_max_content_length_get_the_413_page(
    app: Flask, team_case: tuple[int, int], login_as: Callable[[int], FlaskClient],
) -> None:
    case_id, organizer = team_case
    client = login_as(organizer)
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    response = upload(client, case_id, PDF + bytes(128 * 1024))
    assert response.status_code == 413 and "Too large" in response.get_data(as_text=True)


@pytest.mark.parametrize(("who", "upload_status", "download_status"), [
    ("team organizer", 302, 200), ("coordinator", 302, 200), ("other organizer", 403, 403),
    ("intake who logged it", 403, 200), ("other intake", 403, 403), ("member", 403, 403),
    ("foreign coordinator", 404, 404),
])
def test_only_the_team_uploads_and_only_full_record_viewers_download(
    app: Flask, make_user: Callable[..., int], make_case: Callable[..., int],
    make_network: Callable[..., int], who: str, upload_status: int, download_status: int,
) -> None:
    organizer, intake = make_user(Role.ORGANIZER), make_user(Role.INTAKE)
    case_id = make_case(intake, team=[organizer])
    users = {"team organizer": organizer, "coordinator": make_user(Role.COORDINATOR),
             "other organizer": make_user(Role.ORGANIZER), "intake who logged it": intake,
             "other intake": make_user(Role.INTAKE), "member": make_user(Role.MEMBER),
             "foreign coordinator": make_user(Role.COORDINATOR, network=make_network())}
    owner = app.test_client()
    login(owner, app, organizer)
    assert upload(owner, case_id, PDF).status_code == 302
    [document] = documents(app)
    client = app.test_client()
    login(client, app, users[who])
    assert upload(client, case_id, TEXT).status_code == upload_status
    response = client.get(f"/documents/{document.id}")
    assert response.status_code == download_status
    response.close()
    delete_status = 302 if upload_status == 302 else upload_status
    assert client.post(f"/documents/{document.id}/delete").status_code == delete_status


def test_deleting_asks_first_then_removes_the_row_and_the_file(
    app: Flask, team_case: tuple[int, int], login_as: Callable[[int], FlaskClient],
    store: DocumentStore,
) -> None:
    case_id, organizer = team_case
    client = login_as(organizer)
    upload(client, case_id, PDF, "lease.pdf")
    [document] = documents(app)
    confirm = client.get(f"/documents/{document.id}/delete")
    assert confirm.status_code == 200 and "Remove “lease.pdf”?" in confirm.get_data(as_text=True)
    assert len(documents(app)) == 1 and len(files_on_disk(store)) == 1
    response = client.post(f"/documents/{document.id}/delete")
    assert response.status_code == 302
    assert documents(app) == [] and files_on_disk(store) == []
    with app.app_context():
        notes = db.session.scalars(select(Event.note).order_by(Event.id)).all()
    assert notes[-1] == "Removed document “lease.pdf”"
    assert client.get(f"/documents/{document.id}").status_code == 404


@pytest.mark.sqlite_only
def test_upload_and_delete_need_the_csrf_token(
    app: Flask, team_case: tuple[int, int], login_as: Callable[[int], FlaskClient],
) -> None:
    case_id, organizer = team_case
    client = login_as(organizer)
    assert upload(client, case_id, PDF).status_code == 302
    [document] = documents(app)
    app.config["WTF_CSRF_ENABLED"] = True
    for response in (upload(client, case_id, PDF),
                     client.post(f"/documents/{document.id}/delete")):
        assert response.status_code == 400 and "expired" in response.get_data(as_text=True)
    assert len(documents(app)) == 1


def test_a_failed_commit_removes_the_file_it_stored(
    app: Flask, team_case: tuple[int, int], login_as: Callable[[int], FlaskClient],
    store: DocumentStore, monkeypatch: pytest.MonkeyPatch,
) -> None:
    case_id, organizer = team_case
    client = login_as(organizer)

    def failing_commit() -> None:
        assert len(files_on_disk(store)) == 1  # the file was in place before the commit
        raise RuntimeError("database went away")

    monkeypatch.setattr(db.session, "commit", failing_commit)
    with pytest.raises(RuntimeError, match="database went away"):
        upload(client, case_id, PDF)
    monkeypatch.undo()
    assert documents(app) == [] and files_on_disk(store) == []


class WatchedUpload:
    """An upload stream that notes which finished files a reader could see while it was being
    received; with ``drop`` its client goes away before the end."""

    def __init__(self, store: DocumentStore, *, drop: bool) -> None:
        self.store, self.drop, self.chunks = store, drop, [PDF, bytes(300_000), bytes(300_000)]
        self.seen_while_receiving: set[str] = set()

    def read(self, size: int = -1) -> bytes:
        self.seen_while_receiving.update(self.store.stored_names())
        if self.chunks:
            return self.chunks.pop(0)
        if self.drop:
            raise OSError("client went away")
        return b""


@pytest.mark.sqlite_only
@pytest.mark.parametrize("drop", [False, True], ids=["complete", "dropped"])
def test_a_reader_never_sees_a_partial_file_and_an_interrupted_upload_leaves_nothing(
    app: Flask, team_case: tuple[int, int], store: DocumentStore, drop: bool,
) -> None:
    case_id, organizer = team_case
    stream = WatchedUpload(store, drop=drop)
    with app.app_context():
        case, user = db.session.get_one(Case, case_id), db.session.get_one(User, organizer)
        try:
            with add_document(store, case, user, stream, "x.pdf") as document:  # type: ignore[arg-type]
                db.session.commit()
                stored_name, sha256 = document.stored_name, document.sha256
        except OSError:
            assert drop
            db.session.rollback()
    assert stream.seen_while_receiving == set()  # no final name until the file was whole
    if drop:
        assert files_on_disk(store) == [] and documents(app) == []
    else:
        assert files_on_disk(store) == [f"files/{stored_name}"]
        assert hashlib.sha256(store.path_of(stored_name).read_bytes()).hexdigest() == sha256


@pytest.mark.sqlite_only
def test_the_file_is_fsynced_before_it_gets_its_final_name(
    app: Flask, team_case: tuple[int, int], login_as: Callable[[int], FlaskClient],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(descriptor: int) -> None:
        calls.append("fsync")
        real_fsync(descriptor)

    def replace(source: Any, target: Any) -> None:
        calls.append("replace")
        real_replace(source, target)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    case_id, organizer = team_case
    assert upload(login_as(organizer), case_id, PDF).status_code == 302
    assert calls[:3] == ["fsync", "replace", "fsync"]  # the file, the rename, the directory


@pytest.mark.sqlite_only
@pytest.mark.parametrize(("name", "shown"), [
    ("lease.pdf", "lease.pdf"),
    ("../../etc/passwd", "passwd"),
    ("C:\\Users\\maria\\Lohnzettel März.pdf", "Lohnzettel März.pdf"),
    ("invoice\u202efdp.exe", "invoicefdp.exe"),
    ("line\nbreak\ttab.txt", "line break tab.txt"),
    ("...hidden", "hidden"),
    ("", "document"),
    ("\x00\x01", "document"),
    ("a" * 300 + ".pdf", "a" * 115 + "….pdf"),
])
def test_file_names_are_cleaned_for_display(name: str, shown: str) -> None:
    assert clean_file_name(name) == shown


@pytest.mark.sqlite_only
@pytest.mark.parametrize(("environment", "flag", "csrf_enabled"), [
    ("production", "1", True), ("development", "1", False), ("test", "1", False),
    ("development", "", True),
])
def test_csrf_can_be_switched_off_only_outside_production(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, environment: str, flag: str,
    csrf_enabled: bool,
) -> None:
    monkeypatch.setenv("CASEWORK_SECRET_KEY", "k" * 32)
    monkeypatch.setenv("CASEWORK_TEST_DISABLE_CSRF", flag)
    config = load_config(str(tmp_path), environment=environment)
    assert config["WTF_CSRF_ENABLED"] is csrf_enabled
    assert config["CASEWORK_UPLOAD_DIR"] == str(tmp_path / "uploads")
    assert config["CASEWORK_MAX_UPLOAD_MB"] == 10
