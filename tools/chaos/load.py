"""Simulated department heads (asyncio + httpx): each saves answers through the API with think time between."""

import asyncio
import random
import time
from dataclasses import dataclass

import httpx

# audits.models.QuestionKind's values; spelled out so that this module loads before Django is set up.
ANSWER_VALUES = {
    "scale": lambda rng: {"scale_value": rng.randint(1, 5)},
    "yes_no": lambda rng: {"bool_value": rng.random() < 0.5},
    "number": lambda rng: {"number_value": str(rng.randint(0, 500))},
}


@dataclass(frozen=True)
class Sample:
    at: float  # wall-clock start of the request (time.time(), comparable with the sink's arrival times)
    kind: str  # "save" or "read"
    status: int  # HTTP status, 0 when no response came (refused, reset, timed out)
    ms: float
    error: str = ""
    body: str = ""  # the start of a 5xx body, searched for "deadlock"


async def run_heads(*, base_url, slug, heads, profile, stop_at, samples):
    """Run every head until the monotonic clock reaches `stop_at`; samples are appended as requests finish."""
    limits = httpx.Limits(max_connections=len(heads) + 10, max_keepalive_connections=len(heads) + 10)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=httpx.Timeout(30.0)) as client:
        await asyncio.gather(*(head_loop(client, slug, head, profile, stop_at, samples, random.Random(n))
                               for n, head in enumerate(heads)))


async def baseline(*, base_url, slug, head, count):
    """`count` saves by one head alone, one after another: what a save costs before any queueing."""
    rng, url = random.Random(0), f"/api/v1/companies/{slug}/department-audits/{head.audit_id}/answers/"
    async with httpx.AsyncClient(base_url=base_url, timeout=httpx.Timeout(30.0)) as client:
        return [await timed(client, "baseline", "PUT", url, headers={"Authorization": f"Bearer {head.token}"},
                            json={"answers": [answer_for(rng.choice(head.questions), rng)]})
                for _ in range(count)]


async def head_loop(client, slug, head, profile, stop_at, samples, rng):
    audit_url = f"/api/v1/companies/{slug}/department-audits/{head.audit_id}/"
    headers = {"Authorization": f"Bearer {head.token}"}
    await asyncio.sleep(rng.uniform(0, profile.think[1]))  # heads do not all start typing at the same instant
    while time.monotonic() < stop_at:
        if rng.random() < profile.read_share:
            samples.append(await timed(client, "read", "GET", audit_url, headers=headers))
        else:
            chosen = rng.sample(head.questions, k=min(len(head.questions), rng.randint(1, 3)))
            body = {"answers": [answer_for(question, rng) for question in chosen]}
            samples.append(await timed(client, "save", "PUT", audit_url + "answers/", headers=headers, json=body))
        await asyncio.sleep(rng.uniform(*profile.think))


async def timed(client, kind, method, url, **kwargs):
    at, started = time.time(), time.perf_counter()
    try:
        response = await client.request(method, url, **kwargs)
    except httpx.HTTPError as exc:
        return Sample(at, kind, 0, (time.perf_counter() - started) * 1000, error=type(exc).__name__)
    ms = (time.perf_counter() - started) * 1000
    body = response.text[:2000] if response.status_code >= 500 else ""
    error = "" if response.status_code < 400 else response.text[:200]
    return Sample(at, kind, response.status_code, ms, error=error, body=body)


def answer_for(question, rng):
    """A valid answer to one (question id, kind) pair; free text for any other kind."""
    question_id, kind = question
    value = ANSWER_VALUES.get(kind, lambda rng: {"text_value": f"chaos note {rng.randint(1, 10**6)}"})(rng)
    return {"question": question_id, **value, "comment": "typed during the chaos run"}
