"""botocore's exceptions as one Chinese line each: what went wrong and what to do.

Only the error's code and the store's own message are ever shown, never a request, a
signature or a key.
"""

from __future__ import annotations

from ...read.publish_settings import S3Target
from .remote import PublishError

BAD_KEYS = ("InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken", "ExpiredToken",
            "AuthorizationHeaderMalformed", "InvalidSecurity", "TokenRefreshRequired", "InvalidAccessKeyID")
KEY_FIX = "请检查环境变量 AWS_ACCESS_KEY_ID 和 AWS_SECRET_ACCESS_KEY（或 site.yaml 中 profile 指向的密钥）是否正确、是否过期。"


def explain(exc: Exception, target: S3Target) -> Exception:
    """A PublishError saying `exc` for an editor; exceptions not botocore's are returned as they are."""
    from botocore import exceptions as bex

    where = f"对象存储 {target.endpoint} 的存储桶 {target.bucket} "
    if isinstance(exc, PublishError):
        return exc
    if isinstance(exc, (bex.NoCredentialsError, bex.PartialCredentialsError)):
        return PublishError("没有找到完整的对象存储访问密钥：请设置环境变量 AWS_ACCESS_KEY_ID 和 AWS_SECRET_ACCESS_KEY，"
                            "或在 site.yaml 的目标中写 profile。")
    if isinstance(exc, bex.ProfileNotFound):
        return PublishError(f"找不到 profile “{target.profile}”：请在 ~/.aws/credentials 中加上 [{target.profile}] 一节，"
                            "或改正 site.yaml 中的 profile。")
    if isinstance(exc, bex.SSLError):
        return PublishError(f"无法与 {target.endpoint} 建立安全连接（HTTPS 证书验证失败）：请检查 endpoint 是否写对。")
    if isinstance(exc, (bex.EndpointConnectionError, bex.ConnectTimeoutError, bex.ReadTimeoutError,
                        bex.ConnectionClosedError)):
        return PublishError(f"无法连接 {target.endpoint}（地址写错、网络不通或服务没有运行）："
                            "请检查 site.yaml 中的 endpoint 和本机网络，然后重试；远端的网站保持原样。")
    if isinstance(exc, bex.ClientError):
        return _client_error(exc, target, where)
    if isinstance(exc, bex.BotoCoreError):
        return PublishError(f"访问{where}时出错：{exc}")
    return exc


def _client_error(exc, target: S3Target, where: str) -> PublishError:
    error = exc.response.get("Error", {}) if isinstance(getattr(exc, "response", None), dict) else {}
    code = str(error.get("Code", ""))
    said = str(error.get("Message", "")).strip()
    if code in BAD_KEYS:
        return PublishError(f"{where}拒绝了访问密钥（{code}）：{KEY_FIX}")
    if code in ("AccessDenied", "403", "Forbidden", "AllAccessDisabled"):
        return PublishError(f"{where}拒绝访问（{code}）：密钥没有这个存储桶的权限，"
                            "需要列出、上传（PutObject）和删除（DeleteObject）的权限；也请检查密钥是否正确。")
    if code in ("NoSuchBucket", "404", "NotFound"):
        return PublishError(f"{where}不存在：请先在控制台中建好存储桶，或改正 site.yaml 中的 bucket 和 endpoint。")
    if code in ("SecondLevelDomainForbidden", "InvalidBucketName", "PermanentRedirect"):
        return PublishError(f"{where}要求另一种访问方式（{code}）：在 site.yaml 的目标中写 addressing: virtual"
                            "（或 path），并检查 endpoint 是否是存储桶所在地域的地址。")
    if code in ("BadDigest", "InvalidDigest"):
        return PublishError(f"上传到{where}的文件在途中损坏（{code}），没有发布：请重试。")
    shown = f"（{code}：{said}）" if said else f"（{code}）"
    return PublishError(f"{where}返回错误{shown}。远端的网站保持原样；问题解决后重试即可。")
