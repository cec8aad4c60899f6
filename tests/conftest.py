"""Shared fixtures: built sites, a loopback HTTP server, and headless Chromium that records requests."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these Chromium phones home at start; the kit must make no request outside.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# Markers are checked, not trusted: `make check` (-m "not slow and not browser") must stay quick, so a
# test that builds a site or renders a PDF without `slow`, or drives Chromium without `browser`, fails.
BROWSER_FIXTURES = {"browser", "page"}


@pytest.fixture(autouse=True)
def _marker_guard(request, monkeypatch):
    """Fail a test that builds a site or renders a PDF in this process without carrying `slow`."""
    if request.node.get_closest_marker("slow"):
        yield
        return
    import mkdocs.commands.build
    import weasyprint

    import macros.site

    def refuse(what):
        def call(*args, **kwargs):
            pytest.fail(f"{what} in a test without @pytest.mark.slow")

        return call

    monkeypatch.setattr(macros.site, "build", refuse("a site build"))
    monkeypatch.setattr(mkdocs.commands.build, "build", refuse("a site build"))
    monkeypatch.setattr(weasyprint.HTML, "render", refuse("a WeasyPrint rendering"))
    yield


# With pytest-xdist (`make test` runs two workers), a test stays on the worker of its module, so module
# fixtures are made once; the tests that read built sites share one worker, so each site is built once.
SITE_FIXTURES = {"site_cache"}


def pytest_collection_modifyitems(config, items):
    """Every test that uses the browser carries the `browser` marker; each test gets its xdist group."""
    site_modules = {item.module.__name__ for item in items
                    if SITE_FIXTURES & set(getattr(item, "fixturenames", ()))}
    for item in items:
        name = item.module.__name__
        item.add_marker(pytest.mark.xdist_group("built-sites" if name in site_modules else name))
    wrong = [
        item.nodeid
        for item in items
        if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ()))
        and not item.get_closest_marker("browser")
    ]
    if wrong:
        raise pytest.UsageError("browser tests without @pytest.mark.browser: " + ", ".join(wrong))


@pytest.fixture(scope="session")
def site_cache(tmp_path_factory):
    """Build each requested edition once per test session; returns a function year -> site folder."""
    from handbook.model.editions import latest_year
    from macros.site import build_edition

    base = tmp_path_factory.mktemp("sites")
    built: dict[int, Path] = {}

    def get(year: int) -> Path:
        if year not in built:
            with pytest.MonkeyPatch.context() as mp:
                # Only the newest edition's PDFs are tested (links, the offline zip); rendering every
                # year's on a fresh clone's empty .cache/pdf would take minutes.
                if year != latest_year():
                    mp.setenv("HANDBOOK_PDF", "0")
                built[year] = build_edition(year, base / str(year))
        return built[year]

    return get


@pytest.fixture
def editions_copy(tmp_path, monkeypatch):
    """A copy of editions/ in tmp_path that the kit reads instead of the real one, and an empty local/."""
    d = tmp_path / "editions"
    shutil.copytree(ROOT / "editions", d)
    (tmp_path / "local").mkdir()
    monkeypatch.setenv("HANDBOOK_EDITIONS_DIR", str(d))
    monkeypatch.setenv("HANDBOOK_LOCAL_DIR", str(tmp_path / "local"))
    return d


@pytest.fixture(scope="session")
def latest_year() -> int:
    """The newest edition's year."""
    from handbook.model.editions import latest_year as ly

    return ly()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def serve():
    """Serve a folder on 127.0.0.1; returns a function folder -> base URL."""
    servers = []

    def start(folder: Path) -> str:
        handler = functools.partial(_QuietHandler, directory=str(folder))
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        servers.append(httpd)
        return f"http://127.0.0.1:{httpd.server_address[1]}"

    yield start
    for s in servers:
        s.shutdown()


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright (never a downloaded browser)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/ensure_system.sh test")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


class RequestLog:
    """Every URL a page asked for; `outside()` lists those that left the machine."""

    def __init__(self):
        self.urls: list[str] = []

    def outside(self) -> list[str]:
        ok = ("http://127.0.0.1", "file://", "data:", "blob:", "about:")
        return [u for u in self.urls if not u.startswith(ok)]


@pytest.fixture
def page(browser, tmp_path):
    """A fresh browser context (empty storage) and page; page.requests records every request."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    pg = ctx.new_page()
    log = RequestLog()
    pg.on("request", lambda r: log.urls.append(r.url))
    pg.requests = log
    yield pg
    ctx.close()


@pytest.fixture
def shots(tmp_path):
    """Folder for screenshots; kept under .cache/shots when KEEP_SHOTS=1 so a person can look."""
    if os.environ.get("KEEP_SHOTS"):
        d = ROOT / ".cache" / "shots"
        d.mkdir(parents=True, exist_ok=True)
        return d
    return tmp_path


SCENARIO_CONFIG = """\
site_name: 场景
docs_dir: docs
use_directory_urls: false
strict: true
theme:
  name: material
  language: zh
  font: false
  custom_dir: {root}/overrides
plugins:
  - search
  - macros:
      modules: [macros.mkdocs_env]
      on_undefined: strict
      on_error_fail: true
hooks:
  - {root}/macros/hooks.py
markdown_extensions: [admonition, attr_list, md_in_html, tables]
nav:
  - 首页: index.md
  - 表格:
      - 表格总览: forms/index.md
"""


class Scenario:
    """A tiny mkdocs project (two pages) that uses the handbook's hooks, macros and overrides."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.docs = folder / "docs"
        self.forms = folder / "forms"

    def page(self, rel: str, text: str) -> None:
        """Write docs/<rel>."""
        path = self.docs / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def add_form(self, form_id: str, copy_of: str = "talk-record", title: str | None = None) -> None:
        """A forms/<id>/form.yml copied from one of the project's forms, with a new id (and title)."""
        text = (ROOT / "forms" / copy_of / "form.yml").read_text(encoding="utf-8")
        text = text.replace(f"id: {copy_of}", f"id: {form_id}", 1)
        if title:
            text = "\n".join(f"title: {title}" if ln.startswith("title:") else ln for ln in text.split("\n"))
        (self.forms / form_id).mkdir(parents=True)
        (self.forms / form_id / "form.yml").write_text(text, encoding="utf-8")

    def build(self, year: int | None = None) -> Path:
        """Build the scenario site (no PDFs) for an edition; returns the site folder."""
        from handbook.model.editions import latest_year
        from macros.site import build_edition

        return build_edition(year or latest_year(), self.folder / "site", self.folder / "mkdocs.yml")


@pytest.fixture
def scenario(tmp_path, monkeypatch):
    """A two-page mkdocs project in tmp_path with its own forms folder (two of the project's forms)."""
    sc = Scenario(tmp_path / "project")
    sc.docs.mkdir(parents=True)
    (sc.folder / "mkdocs.yml").write_text(SCENARIO_CONFIG.format(root=ROOT), encoding="utf-8")
    sc.page("index.md", "# 首页\n\n{{ edition.label }}\n")
    sc.page("forms/index.md", "# 表格总览\n\n{{ forms_index() }}\n")
    for fid in ("talk-record", "member-ballot"):
        shutil.copytree(ROOT / "forms" / fid, sc.forms / fid)
    monkeypatch.setenv("HANDBOOK_FORMS_DIR", str(sc.forms))
    monkeypatch.setenv("HANDBOOK_LOCAL_DIR", str(tmp_path / "no-local"))
    monkeypatch.setenv("HANDBOOK_PDF", "0")
    return sc
