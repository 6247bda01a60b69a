"""One webhook delivery attempt, as a shop makes it: a POST with a timeout and no redirects."""

from __future__ import annotations

import aiohttp


async def post_webhook(
    session: aiohttp.ClientSession, url: str, body: bytes, headers: dict[str, str], timeout_s: float
) -> int | str:
    """The receiver's HTTP status, or what went wrong ("timeout", a connection error)."""
    try:
        async with session.post(
            url, data=body, headers=headers, timeout=aiohttp.ClientTimeout(total=timeout_s), allow_redirects=False
        ) as response:
            await response.read()
            return response.status
    except TimeoutError:
        return "timeout"
    except aiohttp.ClientError as exc:
        return f"{type(exc).__name__}: {exc}"
