"""What rsync and ssh said when they failed, as one Chinese line with the fix."""

from __future__ import annotations

from ...read.publish_settings import RsyncTarget
from .remote import PublishError

UNREACHABLE = ("Connection refused", "Connection timed out", "No route to host", "Network is unreachable",
               "Operation timed out", "Connection reset", "Connection closed by", "port 22: Broken pipe",
               "kex_exchange_identification")
TIMEOUT_CODES = (30, 35)  # rsync: timeout in data send/receive, timeout waiting for daemon connection


def explain(code: int, said: str, target: RsyncTarget, step: str) -> PublishError:
    """rsync's exit `code` and stderr `said` for one `step` (connect, compare, upload, delete)."""
    host = target.host + (f":{target.port}" if target.port else "")
    login = (f"-p {target.port} " if target.port else "") + (f"{target.user}@" if target.user else "") + target.host
    kept = "远端的网站保持原样。" if step in ("connect", "compare") else \
        "已传完的文件都已完整放好，远端每个文件都是旧版或新版；问题解决后再运行一次 publish 即可完成。"
    if "Permission denied (publickey" in said or "Too many authentication failures" in said:
        return PublishError(f"服务器 {host} 拒绝了用户 {target.user or '（本机用户名）'} 的登录（SSH 密钥不对）：请确认本机的 SSH 密钥（ssh-agent、~/.ssh/config "
                            f"或 RSYNC_RSH 中指定的）已加入服务器上该用户的 authorized_keys，可先运行 ssh {login} 试试。{kept}")
    if "Host key verification failed" in said or "REMOTE HOST IDENTIFICATION HAS CHANGED" in said:
        return PublishError(f"无法确认服务器 {host} 的身份（主机密钥未知或已改变）：请先手动运行一次 ssh {login}，"
                            f"核对并接受主机密钥；密钥改变时请先向服务器管理员确认。{kept}")
    if "Could not resolve hostname" in said or "Name or service not known" in said:
        return PublishError(f"找不到服务器 {target.host}（域名解析失败）：请检查 site.yaml 中的 host 和本机网络。{kept}")
    if any(text in said for text in UNREACHABLE) or code in TIMEOUT_CODES:
        return PublishError(f"无法连接服务器 {host}（网络不通、端口不对或服务器没有开机）：请检查 site.yaml 中的 host、port "
                            f"和本机网络，然后重试。{kept}")
    if "command not found" in said or "rsync: not found" in said or code == 127:
        return PublishError(f"服务器 {host} 上没有 rsync：请服务器管理员安装 rsync。{kept}")
    if "No such file or directory" in said and ("mkdir" in said or "change_dir" in said or step == "compare"):
        return PublishError(f"服务器上的文件夹 {target.path} 或它的上级文件夹不存在：请先在服务器上建好它，"
                            f"或改正 site.yaml 中的 path。{kept}")
    if "Permission denied" in said:
        return PublishError(f"没有权限写入服务器上的文件夹 {target.path}：请让服务器管理员把它交给用户 "
                            f"{target.user or '（你登录用的用户）'} 写入。{kept}")
    if "No space left on device" in said or "Disk quota exceeded" in said:
        return PublishError(f"服务器 {host} 的磁盘空间不足。{kept}")
    last = [line.strip() for line in said.splitlines() if line.strip() and not line.startswith("rsync error:")]
    detail = last[-1] if last else f"rsync 退出码 {code}"
    return PublishError(f"rsync 传输到 {target.where} 失败（{detail}）。{kept}")
