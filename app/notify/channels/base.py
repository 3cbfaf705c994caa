"""What every channel shares: the message as rendered, the error, a JSON POST."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass

TIMEOUT = 10  # seconds: a robot that does not answer is retried later, not waited for


class ChannelError(Exception):
    """Not delivered; the text says why without naming anyone (it is stored and logged)."""


@dataclass(frozen=True)
class Outgoing:
    """A notice rendered for one person: a title, a line of text, a link to the record."""

    title: str
    text: str
    link: str
    name: str
    email: str | None = None
    open_label: str = "Open"

    def markdown(self) -> str:
        """The robots' markdown: the title in bold, whom it is for, the text, the link."""
        return f"**{self.title}**\n\n{self.name}：{self.text}\n\n[{self.open_label}]({self.link})"


def post_json(url: str, body: dict, key: str, ok) -> dict:
    """POST ``body`` as JSON with ``Idempotency-Key: key``; ``ok(answer)`` judges the reply.

    :raises ChannelError: no answer, an HTTP error, or an answer ``ok`` refuses
    """
    if not url or not url.startswith(("https://", "http://")):
        raise ChannelError("no webhook address")
    request = urllib.request.Request(  # nosec B310: the scheme is checked above
        url, data=json.dumps(body, ensure_ascii=False).encode("utf-8"), method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", "Idempotency-Key": key})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # nosec B310
            raw = response.read(65536)
    except urllib.error.HTTPError as err:
        raise ChannelError(f"HTTP {err.code}") from None
    except (urllib.error.URLError, OSError) as err:
        raise ChannelError(type(err).__name__) from None
    try:
        answer = json.loads(raw.decode("utf-8") or "{}")
    except ValueError:
        raise ChannelError("answer is not JSON") from None
    if not ok(answer):
        code = answer.get("errcode", answer.get("code", answer.get("StatusCode")))
        raise ChannelError(f"refused: code {code}")
    return answer
