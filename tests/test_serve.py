"""`python build.py serve`: the real server in a subprocess, on a free loopback port, driven over HTTP.

One server for the module, on a small temporary site; each test edits, adds or
deletes files under it and puts things back. Everything is observed from
outside: pages over HTTP, and /__preview__/status.json (rebuild generation,
reloads sent, errors, files the last rebuild rewrote). No fixed sleeps: every
wait polls with a deadline. The browser side (a tab reloading by itself) is
tests/browser/test_livereload.py.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

import pytest


from preview_server import PreviewServer, make_site, write
from tests.conftest import tiny_png


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return make_site(tmp_path_factory.mktemp("serve") / "site", extra={
        "templates/page.html": (Path(__file__).resolve().parent.parent / "templates" / "page.html")
        .read_text(encoding="utf-8").replace("{% block main %}", "{% block main %}<p>本站模板一号</p>", 1),
    })


@pytest.fixture(scope="module")
def server(site: Path):
    srv = PreviewServer(site)
    yield srv
    output = srv.stop()
    assert "Traceback" not in output, output
    folder = Path(re.search(r"临时文件夹 (\S+)，", output).group(1))
    assert site not in folder.parents and not folder.exists()  # temporary, and gone after Ctrl-C / SIGTERM


@pytest.fixture
def restore(site: Path, server: PreviewServer):
    """Put every file a test touched back as it was, and wait for the server to settle."""
    saved: dict[Path, str | None] = {}

    def keep(path: Path) -> Path:
        if path not in saved:
            saved[path] = path.read_text(encoding="utf-8") if path.exists() else None
        return path

    yield keep
    for path, text in saved.items():
        if text is None:
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()
        else:
            write(path, text)
    server.wait_until(lambda: server.status()["errors"] == 0, what="the site to be good again")
    server.wait_settled()


def errors_section(html: str) -> str:
    found = re.search(r'<section class="preview-errors".*?</section>', html, re.S)
    return found.group(0) if found else ""


def test_serves_the_preview_with_the_reload_script(server: PreviewServer, site: Path):
    home = server.text("/")
    assert f'<script src="/livereload.js?port={server.port}"></script></body>' in home
    assert "<script>" not in home.split("</footer>")[-1], "the reload script is external (CSP), never inline"
    status, headers, js = server.request(f"/livereload.js?port={server.port}")
    assert status == 200 and b"LiveReload" in js and "javascript" in headers["content-type"]
    assert server.request("/livereload", "GET")[0] in (400, 426)  # the WebSocket endpoint, not a page
    # drafts and future-dated items are shown, and marked
    assert "还没写完的心声草稿" in server.text("/voices/")
    assert "草稿" in server.text("/voices/draft/")
    assert "尚未到发布日期" in server.text("/news/future/")
    # the preview goes to a temporary folder, never to the site's public/
    assert not (site / "public").exists()
    assert server.request("/about/", "HEAD")[0] == 200
    assert server.get("/voices")[0] == 302  # a folder without its slash: redirected


def test_refuses_paths_outside_the_preview(server: PreviewServer):
    for path in ("/../site.yaml", "/%2e%2e/site.yaml", "/voices/%2e%2e/%2e%2e/site.yaml",
                 "/..%2f..%2fetc/passwd", "/%00", "/a\\..\\site.yaml"):
        status, body = server.get(path)
        assert status in (400, 404), path
        assert "预览测试区" not in body or status == 404  # at most the site's own 404 page


def test_a_save_rebuilds_only_what_it_affects(server: PreviewServer, site: Path, restore):
    voice = restore(site / "content/voices/v1.md")
    before = server.status()
    write(voice, voice.read_text(encoding="utf-8") + "\n保存之后新加的一段。\n")
    server.wait_for_page("/voices/v1/", has="保存之后新加的一段")  # right away, with no browser connected
    after = server.wait_settled()
    assert after["generation"] == before["generation"] + 1
    changed = set(after["changed"])
    assert "voices/v1/index.html" in changed
    assert not changed & {"about/index.html", "news/n1/index.html", "voices/v2/index.html",
                          "sessions/index.html", "deputies/index.html"}, changed

    # a new title: the pages that list or link the voice follow
    write(voice, voice.read_text(encoding="utf-8").replace("title: 第一条心声关于社区医院", "title: 改过标题的心声"))
    server.wait_for_page("/voices/", has="改过标题的心声")
    for page in ("/voices/v1/", "/sessions/1-1/", "/deputies/zhou/", "/topics/yi-liao-wei-sheng/", "/"):
        assert "改过标题的心声" in server.text(page), page
    assert "第一条心声关于社区医院" not in server.text("/voices/")


def test_adding_renaming_and_deleting_files(server: PreviewServer, site: Path, restore):
    new = restore(site / "content/news/n2.md")
    renamed = restore(site / "content/news/n3.md")
    write(new, "---\ntitle: 刚刚新建的新闻\ndate: 2021-07-21\n---\n新建的新闻正文。\n")
    server.wait_for_page("/news/n2/", has="新建的新闻正文")
    assert 'href="n2/"' in server.text("/news/")

    os.rename(new, renamed)
    server.wait_for_page("/news/n3/", has="新建的新闻正文")
    assert server.get("/news/n2/")[0] == 404
    assert 'href="n2/"' not in server.text("/news/") and 'href="n3/"' in server.text("/news/")

    renamed.unlink()
    server.wait_for_page("/news/n3/", status=404)
    news = server.text("/news/")
    assert "刚刚新建的新闻" not in news and 'href="n3/"' not in news  # its links go too
    assert "刚刚新建的新闻" not in server.text("/")


def test_bad_content_shows_an_error_page_over_the_last_good_site(server: PreviewServer, site: Path, restore):
    voice = restore(site / "content/voices/v2.md")
    good = voice.read_text(encoding="utf-8")
    write(voice, good.replace("kind: 市民", "kind: 群众"))
    server.wait_until(lambda: server.status()["errors"] == 1, what="the error")
    for path in ("/", "/voices/v2/", "/about/", "/no-such-page/"):
        body = server.get(path)[1]
        section = errors_section(body)
        assert 'role="alert"' in section, path
        assert body.index("preview-errors") < body.index("<main"), "shown before the page's main content"
        assert "content/voices/v2.md" in section and "第 4 行" in section and "kind" in section
        assert "群众" in section and "改法" in section and "市民" in section
        assert f'src="/livereload.js?port={server.port}"' in body  # still reloads by itself
    assert "第二条心声关于公交" in server.text("/voices/v2/")  # the last good page stays
    assert server.request("/__preview__/errors.css")[0] == 200

    # broken YAML, then a file that is not text at all: still serving, still explaining
    write(voice, good.replace("kind: 市民", "kind: [市民"))
    server.wait_until(lambda: "YAML" in errors_section(server.get("/")[1]), what="the YAML error")
    voice.write_bytes(good.encode("gbk"))
    server.wait_until(lambda: "UTF-8" in errors_section(server.get("/")[1]), what="the encoding error")
    assert server.proc.poll() is None

    write(voice, good)  # the next good save clears it
    server.wait_until(lambda: server.status()["errors"] == 0, what="the errors to clear")
    assert errors_section(server.get("/voices/v2/")[1]) == ""
    assert "错误：" in server.output or " 错误: " in server.output  # the terminal said it too


def test_a_full_width_colon_is_quoted_on_its_own_line(server: PreviewServer, site: Path, restore):
    """The red box quotes the line where the mistake is (it quoted the innocent next line), with the fix."""
    voice = restore(site / "content/voices/v2.md")
    good = voice.read_text(encoding="utf-8")
    line = next(n for n, text in enumerate(good.split("\n"), 1) if text.startswith("kind: "))
    write(voice, good.replace("kind: 市民", "kind：市民"))
    server.wait_until(lambda: "全角" in errors_section(server.get("/")[1]), what="the full-width colon")
    section = errors_section(server.get("/")[1])
    assert f"第 {line} 行" in section and f"<code>{line}: kind：市民</code>" in section, section
    assert f"把第 {line} 行改为：kind: 市民" in section
    assert not re.search(r"\b(expected|found|while|scanning|mapping)\b", section)


def test_changes_arriving_together_make_one_rebuild_and_one_reload(server: PreviewServer, site: Path,
                                                                     tmp_path: Path, restore):
    folder = restore(site / "content/voices/batch")
    incoming = tmp_path / "batch"
    for n in range(8):
        write(incoming / f"b{n}.md", f"---\ntitle: 一起拷进来的第{n}条\nsession: 1-1\nkind: 市民\n"
                                     f"speaker: 市民{n}\n---\n第{n}条的正文。\n")
    before = server.wait_settled()
    started = time.monotonic()
    shutil.copytree(incoming, folder)  # like a folder copied in, or a git pull
    took = time.monotonic() - started
    for n in range(8):
        server.wait_for_page(f"/voices/b{n}/", has=f"第{n}条的正文")
    after = server.wait_settled()
    rebuilds = after["generation"] - before["generation"]
    # one rebuild; two only if the copy itself stalled longer than the server's quiet window
    assert rebuilds == 1 or (rebuilds == 2 and took > 0.15), (took, before, after)
    assert after["reloads"] - before["reloads"] == rebuilds, (before, after)


def test_template_and_site_yaml_changes(server: PreviewServer, site: Path, restore):
    template = restore(site / "templates/page.html")
    assert "本站模板一号" in server.text("/about/")
    write(template, template.read_text(encoding="utf-8").replace("本站模板一号", "本站模板二号"))
    server.wait_for_page("/about/", has="本站模板二号")
    assert "voices/v1/index.html" not in server.wait_settled()["changed"]  # only pages using the template

    # a theme folder the site did not have: its templates count at once
    own = restore(site / "templates/voice.html")
    shutil.rmtree(site / "templates")
    server.wait_until(lambda: "本站模板" not in server.text("/about/"), what="the override to go")
    write(own, (Path(__file__).resolve().parent.parent / "templates" / "voice.html").read_text(encoding="utf-8")
          .replace("{% block main %}", "{% block main %}<p>新建的模板文件夹</p>", 1))
    server.wait_for_page("/voices/v1/", has="新建的模板文件夹")

    config = restore(site / "site.yaml")
    write(config, config.read_text(encoding="utf-8").replace("title: 预览测试区", "title: 改名测试区"))
    for page in ("/", "/voices/v1/", "/about/"):
        server.wait_for_page(page, has="改名测试区人民代表大会常务委员会")


def test_media_files_and_generated_files(server: PreviewServer, site: Path, restore):
    png = tiny_png()  # a real image (images.py decodes it)
    image = restore(site / "media/dot.png")
    about = restore(site / "content/pages/about.md")
    image.parent.mkdir(exist_ok=True)
    image.write_bytes(png)
    write(about, about.read_text(encoding="utf-8") + "\n![一个点](/media/dot.png)\n")
    server.wait_for_page("/about/", has="dot.png")
    status, headers, body = server.request("/media/dot.png")
    assert status == 200 and body == png and headers["content-type"] == "image/png"
    # feeds and the sitemap are made when first asked for, and follow the content
    assert "第二条心声关于公交" in server.text("/feeds/all.xml")
    assert server.request("/sitemap.xml")[0] == 200
