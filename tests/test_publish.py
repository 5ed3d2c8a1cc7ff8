"""`publish` without a server: site.yaml's publish key, the refusals that come before anything is
sent, and the pure parts (headers, the plan and its guard, the record, rsync's filter rules).

The publishing itself, against real servers, is in tests/publish_cases.py.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PROJECT, TODAY, run_build
from preview_server import make_site, write

from generator.read.config import parse_config
from generator.commands.publish import headers
from generator.commands.publish.plan import make_plan, phase_of
from generator.commands.publish.record import Record, RecordBusy, target_lock
from generator.commands.publish.rsync import _deletion_rules, _unescape
from generator.commands.publish.s3 import addressing_style
from generator.read.publish_settings import RsyncTarget, S3Target

BASE = "title: 测试\nbase_url: https://example.gov.cn/\n"
GOOD = BASE + """\
publish:
  default: oss
  max_deletes: 10
  targets:
    oss:
      type: s3
      endpoint: https://oss-cn-hangzhou.aliyuncs.com
      bucket: qiantang-renda
      prefix: /renda/
      region: cn-hangzhou
      profile: renda
    server:
      type: rsync
      host: www.example.gov.cn
      path: /var/www/renda
      user: deploy
      port: 2222
"""


def errors(text: str) -> list[str]:
    config, problems = parse_config(text)
    return [p.format() for p in problems.errors]


def test_publish_key_as_the_contract_writes_it():
    config, problems = parse_config(GOOD)
    assert not problems.errors, problems.errors
    settings = config.publish
    assert settings.default == "oss" and settings.max_deletes == 10 and settings.names() == ["oss", "server"]
    assert settings.find("oss") == S3Target("oss", "https://oss-cn-hangzhou.aliyuncs.com", "qiantang-renda",
                                            "renda", "cn-hangzhou", "renda")
    assert settings.find("server") == RsyncTarget("server", "www.example.gov.cn", "/var/www/renda/", "deploy", 2222)
    assert settings.find("server").where == "deploy@www.example.gov.cn:/var/www/renda/"
    assert parse_config(BASE)[0].publish is None  # optional


def test_publish_settings_do_not_change_the_pages_fingerprint():
    assert repr(parse_config(GOOD)[0]) == repr(parse_config(BASE)[0])


@pytest.mark.parametrize("change, line, said", [
    ("      bucket: qiantang-renda", "      bukcet: qiantang-renda", "site.yaml:10: 错误: 字段 publish.targets.oss.bukcet"
     "：未知的键 publish.targets.oss.bukcet。 改法：是不是想写 publish.targets.oss.bucket？"),
    ("  max_deletes: 10", "  max_delete: 10", "site.yaml:5: 错误: 字段 publish.max_delete：未知的键 publish.max_delete。"
     " 改法：是不是想写 publish.max_deletes？"),
    ("  max_deletes: 10", "  max_deletes: -1", "site.yaml:5: 错误: 字段 publish.max_deletes"),
    ("      type: rsync", "      type: ftp", "site.yaml:15: 错误: 字段 publish.targets.server.type：publish.targets.server"
     ".type 是 “ftp”，不认识这种发布目标。"),
    ("      port: 2222", "      port: 70000", "site.yaml:19: 错误: 字段 publish.targets.server.port：port 应是 1 到 65535"),
    ("  default: oss", "  default: cos", "site.yaml:4: 错误: 字段 publish.default：publish.default 是 “cos”"),
    ("      endpoint: https://oss-cn-hangzhou.aliyuncs.com", "      endpoint: https://x.aliyuncs.com/qiantang-renda",
     "site.yaml:9: 错误: 字段 publish.targets.oss.endpoint"),
    ("      bucket: qiantang-renda", "      bucket: Qiantang/Renda", "site.yaml:10: 错误: 字段 publish.targets.oss.bucket"),
    ("      host: www.example.gov.cn", "      host: deploy@www.example.gov.cn:22", "site.yaml:16: 错误: 字段 "
     "publish.targets.server.host"),
    ("    oss:", "    my oss:", "字段 publish.targets.my oss：发布目标的名称 “my oss” 不合适"),
])
def test_publish_key_mistakes_name_line_field_and_fix(change, line, said):
    assert change in GOOD
    found = errors(GOOD.replace(change, line))
    assert any(said in e for e in found), found


def test_secrets_in_site_yaml_are_refused_and_never_repeated():
    text = GOOD.replace("      profile: renda\n", "      profile: renda\n      secret_access_key: S3cr3tVa1ue\n"
                                                  "      aws_access_key_id: AKIA123\n")
    found = errors(text)
    assert len(found) == 2 and all("看起来是密钥：密钥不能写在 site.yaml 中" in e for e in found), found
    assert not any("S3cr3tVa1ue" in e or "AKIA123" in e for e in found)
    assert "AWS_SECRET_ACCESS_KEY" in found[0]


def test_targets_missing_or_not_a_mapping():
    assert any("没有声明任何发布目标" in e for e in errors(BASE + "publish:\n  targets: {}\n"))
    assert any("publish.targets 应是" in e for e in errors(BASE + "publish:\n  targets: [a, b]\n"))
    assert any("缺少必填的键 publish.targets.x.bucket" in e
               for e in errors(BASE + "publish:\n  targets:\n    x: {type: s3, endpoint: 'http://h:9000'}\n"))


# -- refusals: nothing is sent (the targets below could not be reached anyway) ------------------------

DOWN = "publish:\n  targets:\n    server: {type: rsync, host: 127.0.0.1, port: 9, path: /nowhere/}\n"


def publish(site: Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, str(PROJECT / "build.py"), "publish", "--site", str(site), "--today", TODAY.isoformat()]
    return subprocess.run(cmd + list(args), capture_output=True, text=True, timeout=300, env={
        "PATH": "/usr/bin:/bin", "HOME": str(Path.home()), "CI": "1"})


@pytest.fixture
def site(tmp_path: Path) -> Path:
    site = make_site(tmp_path / "site")
    write(site / "site.yaml", (site / "site.yaml").read_text(encoding="utf-8") + DOWN)
    return site


def refused(result: subprocess.CompletedProcess, code: int, said: str) -> None:
    assert result.returncode == code, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert said in lines[-1], result.stderr
    assert "Traceback" not in result.stderr and "无法连接" not in result.stderr


def test_refuses_targets_site_yaml_does_not_declare(site: Path, tmp_path: Path):
    refused(publish(site, "--target", "nope"), 2, "site.yaml 中没有名为 “nope” 的发布目标；已声明的目标：server")
    bare = make_site(tmp_path / "bare")
    refused(publish(bare), 2, "site.yaml 中没有声明发布目标")
    two = DOWN + "    other: {type: rsync, host: 127.0.0.1, port: 9, path: /x/}\n"
    write(bare / "site.yaml", (bare / "site.yaml").read_text(encoding="utf-8") + two)
    refused(publish(bare), 2, "请用 --target 指定一个")
    write(bare / "site.yaml", (bare / "site.yaml").read_text(encoding="utf-8") + "  bogus: 1\n")
    result = publish(bare)
    assert result.returncode == 1 and "未知的键 publish.bogus" in result.stderr


def test_refuses_an_output_that_is_missing_empty_or_not_current(site: Path):
    refused(publish(site), 1, "没有可以发布的网站")
    assert run_build(site).returncode == 0
    voice = site / "content/voices/v2.md"
    write(voice, voice.read_text(encoding="utf-8") + "\n新写的一段。\n")
    refused(publish(site), 1, "在上次生成之后有改动，")
    assert run_build(site).returncode == 0
    (site / "public/index.html").write_text("changed by hand", encoding="utf-8")
    refused(publish(site), 1, "中的文件在上次生成之后被改动过")
    assert run_build(site, "--drafts").returncode == 0
    refused(publish(site), 1, "是用 --drafts 生成的预览版")
    assert run_build(site).returncode == 0
    for path in sorted((site / "public").rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    refused(publish(site), 1, "没有可以发布的网站")


def test_runs_the_strict_check_first_and_stops_on_its_errors(site: Path):
    # a site's own template with a broken link: the build publishes it; only the strict check walks
    # every finished page (the links an editor writes in bodies, the build refuses itself)
    theme = (PROJECT / "templates" / "news.html").read_text(encoding="utf-8")
    write(site / "templates" / "news.html", theme.replace("{% endblock %}", '<a href="../no-such-page/">坏链接</a>\n{% endblock %}', 1))
    assert run_build(site).returncode == 0
    result = publish(site)
    refused(result, 1, "没有发布")
    assert "no-such-page" in result.stderr


# -- the pure parts -----------------------------------------------------------------------------------

@pytest.mark.parametrize("path, kind, cache", [
    ("index.html", "text/html; charset=utf-8", headers.SHORT),
    ("voices/v1/index.html", "text/html; charset=utf-8", headers.SHORT),
    ("feeds/topics/jiao-yu.xml", "application/atom+xml; charset=utf-8", headers.SHORT),
    ("sitemap.xml", "application/xml; charset=utf-8", headers.SHORT),
    ("robots.txt", "text/plain; charset=utf-8", headers.SHORT),
    ("deputies/people.csv", "text/csv; charset=utf-8", headers.SHORT),
    ("deputies/people.json", "application/json; charset=utf-8", headers.SHORT),
    ("static/site.css", "text/css; charset=utf-8", headers.LONG),
    ("static/search.js", "text/javascript; charset=utf-8", headers.LONG),
    ("static/favicon.svg", "image/svg+xml", headers.MEDIUM),
    ("site.webmanifest", "application/manifest+json; charset=utf-8", headers.MEDIUM),
    ("search/index/manifest.json", "application/json; charset=utf-8", headers.REVALIDATE),
    ("search/index/t/17.3f9a1c2b.json", "application/json; charset=utf-8", headers.LONG),
    ("search/index/d/3k9x2a.json", "application/json; charset=utf-8", headers.SHORT),
    ("media/zhao-pian/hui-chang.jpg", "image/jpeg", headers.MEDIUM),
    ("media/bao-gao.pdf", "application/pdf", headers.MEDIUM),
    ("media/shu-ju.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", headers.MEDIUM),
    ("media/LOGO.PNG", "image/png", headers.MEDIUM),
])
def test_headers_of_each_kind_of_file(path, kind, cache):
    assert (headers.content_type(path), headers.cache_control(path)) == (kind, cache)


def test_plan_sends_assets_then_manifests_then_pages_then_feeds_and_deletes_last():
    files = {p: (p + "-v2", 10) for p in ("index.html", "static/site.css", "feeds/all.xml", "sitemap.xml",
                                         "media/a.jpg", "search/index/manifest.json", "voices/v1/index.html")}
    remote = {"index.html": ("index.html-v2", 10), "media/a.jpg": ("old", 9), "gone/index.html": ("x", 7)}
    plan = make_plan(files, remote, lambda path, digest: digest)
    assert plan.phases() == [("assets", ["media/a.jpg", "static/site.css"]),
                             ("manifests", ["search/index/manifest.json"]),
                             ("pages", ["voices/v1/index.html"]), ("feeds", ["feeds/all.xml", "sitemap.xml"])]
    assert plan.deletes == ["gone/index.html"] and plan.unchanged == 1
    assert plan.new == set(files) - {"index.html", "media/a.jpg"}
    assert (plan.upload_bytes, plan.delete_bytes, plan.unchanged_bytes) == (60, 7, 10)
    assert phase_of("robots.txt") == "feeds" and phase_of("sessions/1-1/voices.csv") == "assets"


def test_guard_counts_max_deletes_and_a_quarter_of_the_target():
    remote = {f"p{i}.html": ("x", 1) for i in range(100)}
    keep = {f"p{i}.html": ("x", 1) for i in range(100)}
    for gone, max_deletes, stops in ((20, 50, False), (20, 19, True), (26, 50, True), (25, 50, False)):
        files = dict(list(keep.items())[gone:])
        plan = make_plan(files, remote, lambda path, digest: digest)
        assert len(plan.deletes) == gone
        assert bool(plan.too_many_deletes(max_deletes)) == stops, (gone, max_deletes)


def test_record_keeps_what_landed_even_when_the_last_line_was_cut(tmp_path: Path):
    record = Record(tmp_path, "oss", "s3 here")
    assert record.load() is None
    record.begin({"a.html": ("1", 1), "old.html": ("", 5)})
    record.landed("b.html", "2", 2)
    record.gone("old.html")
    record.close()
    with open(record.path, "a", encoding="utf-8") as journal:
        journal.write('["c.html", "3", ')  # killed while writing
    assert Record(tmp_path, "oss", "s3 here").load() == {"a.html": ("1", 1), "b.html": ("2", 2)}
    assert Record(tmp_path, "oss", "s3 elsewhere").load() is None  # another place: compare again
    again = Record(tmp_path, "oss", "s3 here")
    again.load()
    again.begin(again.state)
    again.finish()
    assert len(record.path.read_text(encoding="utf-8").splitlines()) == 3  # rewritten compactly


def test_one_publish_at_a_time_per_target(tmp_path: Path):
    with target_lock(tmp_path, "oss"):
        with pytest.raises(RecordBusy):
            with target_lock(tmp_path, "oss"):
                pass
        with target_lock(tmp_path, "server"):
            pass


def test_rsync_deletion_rules_reach_exactly_the_planned_files():
    rules = _deletion_rules(["old/x/index.html", "old/y.css", "media/a[1].jpg"]).splitlines()
    assert rules == ["+ /media/", "+ /media/a\\[1].jpg", "+ /old/", "+ /old/x/", "+ /old/x/index.html",
                     "+ /old/y.css", "- *"]
    assert _unescape("media/a\\#011b.jpg") == "media/a\tb.jpg"


@pytest.mark.parametrize("endpoint, addressing, style", [
    ("https://oss-cn-hangzhou.aliyuncs.com", "auto", "virtual"),
    ("https://cos.ap-shanghai.myqcloud.com", "auto", "virtual"),
    ("https://obs.cn-east-3.myhuaweicloud.com", "auto", "virtual"),
    ("http://127.0.0.1:9000", "auto", "path"),
    ("https://minio.example.gov.cn", "auto", "path"),
    ("https://minio.example.gov.cn", "virtual", "virtual"),
    ("https://oss-cn-hangzhou.aliyuncs.com", "path", "path"),
])
def test_s3_addressing_style(endpoint, addressing, style):
    assert addressing_style(S3Target("t", endpoint, "b", addressing=addressing)) == style


def test_refuses_while_a_build_writes_the_output(site: Path):
    from generator.engine.writer import output_lock

    assert run_build(site).returncode == 0
    with output_lock(site / "public"):  # what a build holds while it writes
        refused(publish(site), 1, "另一个 build 正在写入输出文件夹")
