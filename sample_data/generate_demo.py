"""Write the demo organisation's exports to sample_data/demo/ (seeded: the same bytes every run).

About 120 developers, six months before and six after rolling out GitHub Copilot on
2025-03-03, in the formats real teams export:

- ``github_pulls_*.json.gz``   GitHub REST pull requests (single-PR detail shape, the fields the
  tool reads; the API's ~100 URL and repository fields are left out to keep the files small),
  several pages per file, newest first as the API sorts them
- ``github_reviews_*.json.gz`` GitHub REST reviews (``GET /pulls/{n}/reviews``)
- ``copilot_metrics.json``     ``GET /orgs/{org}/copilot/metrics`` days after the rollout
- ``copilot_seats.json``       ``GET /orgs/{org}/copilot/billing/seats``
- ``jira_export_*.csv``        Jira Cloud CSV exports of 1,000 issues each (BOM, CRLF,
  ``dd/MMM/yy h:mm AM/PM`` dates written in UTC, repeated Sprint columns)
- ``fourkeys_deployments.csv``, ``fourkeys_incidents.csv``  Four Keys tables

Effects follow Faros's "AI Productivity Paradox" (2025) for adopters — tasks +21%, merged PRs
+98%, PR size +154%, review time +91%, bugs +9% — with per-developer noise; one team of 24
never adopts (12 hold a seat they never use); 36 senior engineers do the reviewing.  Also present: dependabot PRs, Copilot coding-agent
PRs, Copilot code-review bot reviews, drafts, abandoned PRs, PENDING reviews, self-replies.

Run: ``python sample_data/generate_demo.py`` (about ten seconds).
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

SEED = 20250303
ADOPTION = datetime(2025, 3, 3, tzinfo=timezone.utc)
START = ADOPTION - timedelta(weeks=26)
END = ADOPTION + timedelta(weeks=26)
OUT = Path(__file__).resolve().parent / "demo"
ORG, REPOS = "northwind", ("checkout", "catalog", "payments", "search", "mobile-api", "platform")

DEVELOPERS = 120
NON_ADOPTERS = 24
"""The platform team: never adopts (half of them hold an unused seat)."""

REVIEW_POOL = tuple(i for i in range(DEVELOPERS) if i % 10 in (0, 3, 6))
"""The 36 senior engineers who review and approve (a common rule: a senior approval per PR)."""

EFFECTS = {"tasks": 1.21, "prs": 1.98, "size": 2.54, "review": 1.91, "bugs": 1.09}
"""Faros 2025 ratios applied to adopters after the rollout."""

TREND = 1.03
"""Organisation-wide drift everyone gets after the rollout date (what difference-in-differences removes)."""

FIRST = ("ana", "ben", "chen", "dana", "eli", "fatima", "gus", "hana", "ivan", "jade", "kofi", "lena", "mo",
         "nina", "omar", "priya", "quinn", "rosa", "sam", "tariq", "uma", "vic", "wen", "yusuf")
LAST = ("ito", "ng", "kaur", "silva", "okafor", "novak", "berg", "reyes", "haddad", "lund")


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def sha(*parts) -> str:
    return hashlib.sha1("/".join(map(str, parts)).encode()).hexdigest()


def working_time(rng: np.random.Generator, day: datetime) -> datetime:
    """A moment in working hours (08:00-18:00 UTC) on ``day`` or the next weekday."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day.replace(hour=8, minute=0, second=0) + timedelta(seconds=int(rng.uniform(0, 10 * 3600)))


def build(rng: np.random.Generator) -> dict:
    logins = []
    for i in range(DEVELOPERS):
        login = f"{FIRST[i % len(FIRST)]}-{LAST[(i // len(FIRST) + i) % len(LAST)]}"
        logins.append(login if login not in logins else f"{login}{i}")
    adopter = np.array([i >= NON_ADOPTERS for i in range(DEVELOPERS)])
    rate = rng.gamma(6.0, 1.25 / 6.0, DEVELOPERS)  # merged PRs per week, mean 1.25
    lift = np.exp(rng.normal(0.0, 0.25, DEVELOPERS))  # how much each adopter gains
    start_lag = rng.integers(0, 15, DEVELOPERS)  # days until an adopter starts using the tool
    size_median = np.exp(rng.normal(np.log(110), 0.3, DEVELOPERS))
    weeks = (END - START).days // 7
    pulls, reviews = [], []
    number = 1000
    for week in range(weeks):
        monday = START + timedelta(weeks=week)
        after = monday >= ADOPTION
        for d in range(DEVELOPERS):
            using = after and adopter[d] and monday >= ADOPTION + timedelta(days=int(start_lag[d]))
            mult = (EFFECTS["prs"] * lift[d] if using else 1.0) * (TREND if after else 1.0)
            for _ in range(rng.poisson(rate[d] * mult * 1.1)):  # ~9% are abandoned or still open
                number += 1
                pulls.append(pr(rng, number, logins, d, monday, using, size_median[d]))
                reviews.extend(review_trail(rng, pulls[-1], logins, d, using))
        for _ in range(rng.poisson(2.0)):  # dependabot
            number += 1
            pulls.append(bot_pr(rng, number, monday))
            reviews.extend(review_trail(rng, pulls[-1], logins, None, False))
        if after and rng.random() < 0.6:  # Copilot coding agent, assigned to an adopter
            number += 1
            human = int(rng.integers(NON_ADOPTERS, DEVELOPERS))
            pulls.append(agent_pr(rng, number, monday, logins[human]))
            reviews.extend(review_trail(rng, pulls[-1], logins, human, True))
    return {"logins": logins, "adopter": adopter, "start_lag": start_lag, "pulls": pulls, "reviews": reviews}


def _pr_object(number: int, login: str, user_type: str, created: datetime, title: str, body: str, ref: str,
               additions: int, deletions: int, labels: list[str]) -> dict:
    repo = REPOS[number % len(REPOS)]
    return {
        "url": f"https://api.github.com/repos/{ORG}/{repo}/pulls/{number}",
        "html_url": f"https://github.com/{ORG}/{repo}/pull/{number}",
        "number": number, "state": "open", "title": title,
        "user": {"login": login, "id": int(sha(login)[:7], 16), "type": user_type},
        "body": body, "labels": [{"name": name} for name in labels],
        "created_at": iso(created), "updated_at": iso(created), "closed_at": None, "merged_at": None,
        "merge_commit_sha": sha("merge", number), "assignees": [], "requested_reviewers": [], "draft": False,
        "head": {"ref": ref, "sha": sha("head", number)},
        "base": {"ref": "main", "repo": {"full_name": f"{ORG}/{repo}"}},
        "merged": False, "additions": additions, "deletions": deletions,
        "changed_files": max(1, (additions + deletions) // 40), "commits": max(1, (additions + deletions) // 60),
    }


def _close(rng: np.random.Generator, pull: dict, created: datetime, cycle_hours: float) -> None:
    """Merge (most), abandon (5%) or leave open the PR; drafts stay open."""
    done = created + timedelta(hours=cycle_hours)
    if done > END - timedelta(hours=1) or rng.random() < 0.03:
        pull["draft"] = bool(rng.random() < 0.5)
        return
    pull["state"], pull["closed_at"], pull["updated_at"] = "closed", iso(done), iso(done)
    if rng.random() < 0.05:
        return
    pull["merged_at"], pull["merged"] = iso(done), True


def pr(rng, number, logins, d, monday, using, size_median) -> dict:
    created = working_time(rng, monday + timedelta(days=int(rng.integers(0, 5))))
    size = max(2, int(np.exp(rng.normal(np.log(size_median * (EFFECTS["size"] if using else 1.0)), 0.8))))
    additions = int(size * rng.uniform(0.55, 0.9))
    labels = [str(rng.choice(["bug", "enhancement", "tech-debt", "docs"]))] if rng.random() < 0.6 else []
    body = "## What\nSee ticket.\n"
    if using and rng.random() < 0.15:
        labels.append("ai-assisted")
    if using and rng.random() < 0.1:
        body += "\nCo-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>\n"
    pull = _pr_object(number, logins[d], "User", created, f"NW-{number}: change {number}", body,
                      f"nw-{number}-work", additions, size - additions, labels)
    pickup = float(np.exp(rng.normal(np.log(5.0), 0.9))) * (EFFECTS["review"] if using else 1.0)
    review = float(np.exp(rng.normal(np.log(14.0), 0.8))) * (EFFECTS["review"] if using else 1.0)
    pull["_pickup"], pull["_review"] = pickup, review
    _close(rng, pull, created, pickup + review + float(rng.uniform(0.05, 1.0)))
    return pull


def bot_pr(rng, number, monday) -> dict:
    created = monday + timedelta(hours=int(rng.integers(0, 120)), minutes=int(rng.integers(0, 60)))
    pull = _pr_object(number, "dependabot[bot]", "Bot", created, f"Bump lib{number % 17} from 1.{number % 9}.0",
                      "Bumps a dependency.", f"dependabot/npm_and_yarn/lib{number % 17}", 12, 12,
                      ["dependencies"])
    pull["_pickup"], pull["_review"] = float(rng.uniform(2, 30)), float(rng.uniform(0.2, 4))
    _close(rng, pull, created, pull["_pickup"] + pull["_review"] + 0.1)
    return pull


def agent_pr(rng, number, monday, human) -> dict:
    created = working_time(rng, monday + timedelta(days=int(rng.integers(0, 5))))
    pull = _pr_object(number, "Copilot", "Bot", created, f"[WIP] Fix flaky test {number}",
                      "Copilot coding agent session.", f"copilot/fix-flaky-test-{number}", 140, 30, [])
    pull["assignees"] = [{"login": human}]
    pull["_pickup"], pull["_review"] = float(rng.uniform(1, 20)), float(rng.uniform(1, 30))
    _close(rng, pull, created, pull["_pickup"] + pull["_review"] + 0.2)
    return pull


def review_trail(rng, pull, logins, author_index, using) -> list[dict]:
    """A first review after the pickup time, an approval before the merge, some noise."""
    created = datetime.strptime(pull["created_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    others = [i for i in REVIEW_POOL if i != author_index]
    first_reviewer, second = (logins[i] for i in rng.choice(others, 2, replace=False))
    first_at = created + timedelta(hours=pull.pop("_pickup"))
    approve_at = first_at + timedelta(hours=pull.pop("_review"))
    out = []
    if using and created > ADOPTION:
        out.append(_review(pull, "copilot-pull-request-reviewer[bot]", "Bot", "COMMENTED",
                           created + timedelta(minutes=4), "## Pull Request Overview\nCopilot reviewed the changes."))
    if first_at < END:
        state = "CHANGES_REQUESTED" if rng.random() < 0.25 else "COMMENTED"
        out.append(_review(pull, first_reviewer, "User", state, first_at, "A few comments."))
        if state == "CHANGES_REQUESTED" and author_index is not None and rng.random() < 0.5:
            out.append(_review(pull, logins[author_index], "User", "COMMENTED",
                               first_at + timedelta(minutes=30), "Fixed, thanks."))
    if pull["merged_at"]:
        out.append(_review(pull, first_reviewer if rng.random() < 0.6 else second, "User", "APPROVED",
                           min(approve_at, created + timedelta(hours=(approve_at - created).total_seconds() / 3600)),
                           ""))
    elif pull["state"] == "open" and rng.random() < 0.3:
        out.append(_review(pull, second, "User", "PENDING", None, ""))
    return out


def _review(pull, login, user_type, state, when, body) -> dict:
    review = {"id": int(sha(pull["number"], login, state, when)[:9], 16), "user": {"login": login, "type": user_type},
              "body": body, "state": state, "html_url": f"{pull['html_url']}#pullrequestreview",
              "pull_request_url": pull["url"], "commit_id": pull["head"]["sha"]}
    if when is not None:
        review["submitted_at"] = iso(when)
    return review


def jira_rows(rng, org) -> list[list[str]]:
    """Completed tasks (adopters +21%) and bugs (+9%), one row per issue, newest first."""
    rows, key = [], 1
    logins, adopter, lag = org["logins"], org["adopter"], org["start_lag"]
    task_rate = rng.gamma(8.0, 1.0 / 8.0, DEVELOPERS) * 0.95
    for week in range((END - START).days // 7):
        monday = START + timedelta(weeks=week)
        for d in range(DEVELOPERS):
            using = monday >= ADOPTION + timedelta(days=int(lag[d])) and adopter[d]
            trend = TREND if monday >= ADOPTION else 1.0
            for kind, rate, effect in (("Story", task_rate[d] * 0.6, "tasks"), ("Task", task_rate[d] * 0.4, "tasks"),
                                       ("Bug", 0.22, "bugs")):
                for _ in range(rng.poisson(rate * trend * (EFFECTS[effect] if using else 1.0))):
                    key += 1
                    created = working_time(rng, monday + timedelta(days=int(rng.integers(0, 5))))
                    resolved = created + timedelta(hours=float(rng.gamma(2.0, 20.0)))
                    if kind == "Bug":  # bugs are counted when created: move creation, keep resolution after
                        resolved = created + timedelta(hours=float(rng.gamma(2.0, 30.0)))
                    else:  # tasks are counted when resolved: resolve within this week
                        resolved = min(resolved, monday + timedelta(days=6, hours=20))
                        created = min(created, resolved - timedelta(hours=1))
                    open_ = resolved > END or (kind == "Bug" and rng.random() < 0.1)
                    name = logins[d].replace("-", " ").title()
                    rows.append([f"NW-{key}", str(10000 + key), kind, "Done" if not open_ else "In Progress",
                                 "Done" if not open_ else "", name, "Medium", jira_date(created),
                                 jira_date(max(created, min(resolved, END))), "" if open_ else jira_date(resolved),
                                 f"NW Sprint {week // 2 + 1}", f"NW Sprint {week // 2}" if week % 2 else "",
                                 str(float(rng.choice([1, 2, 3, 5]))), "Done" if not open_ else "In Progress"])
    return rows[::-1]


def jira_date(moment: datetime) -> str:
    """Jira's ``dd/MMM/yy h:mm AM/PM``."""
    hour = moment.hour % 12 or 12
    return f"{moment:%d/%b/%y} {hour}:{moment:%M} {'AM' if moment.hour < 12 else 'PM'}"


JIRA_HEADER = ["Issue key", "Issue id", "Issue Type", "Status", "Resolution", "Assignee", "Priority", "Created",
               "Updated", "Resolved", "Sprint", "Sprint", "Custom field (Story Points)", "Status Category"]


def copilot_days(rng, org) -> list[dict]:
    """``/copilot/metrics`` days from the rollout on; weekends collapse to no completions."""
    days, day = [], ADOPTION
    adopters = np.flatnonzero(org["adopter"])
    while day < END:
        started = sum(1 for d in adopters if day >= ADOPTION + timedelta(days=int(org["start_lag"][d])))
        weekend = day.weekday() >= 5
        active = int(rng.binomial(started, 0.04 if weekend else 0.82))
        engaged = int(active * 0.9)
        record = {"date": day.strftime("%Y-%m-%d"), "total_active_users": active, "total_engaged_users": engaged}
        if engaged == 0:
            record.update({k: {"total_engaged_users": 0} for k in (
                "copilot_ide_code_completions", "copilot_ide_chat", "copilot_dotcom_chat",
                "copilot_dotcom_pull_requests")})
        else:
            editors = []
            for editor, share in (("vscode", 0.7), ("JetBrains", 0.3)):
                users = max(1, int(engaged * share))
                languages = []
                for language, lshare in (("typescript", 0.5), ("python", 0.3), ("go", 0.2)):
                    suggestions = int(rng.poisson(users * lshare * 140))
                    accepted = int(rng.binomial(suggestions, 0.29))
                    languages.append({"name": language, "total_engaged_users": max(1, int(users * lshare)),
                                      "total_code_suggestions": suggestions, "total_code_acceptances": accepted,
                                      "total_code_lines_suggested": suggestions * 2,
                                      "total_code_lines_accepted": accepted * 2})
                editors.append({"name": editor, "total_engaged_users": users, "models": [
                    {"name": "default", "is_custom_model": False, "custom_model_training_date": None,
                     "total_engaged_users": users, "languages": languages}]})
            record["copilot_ide_code_completions"] = {
                "total_engaged_users": engaged,
                "languages": [{"name": n, "total_engaged_users": max(1, int(engaged * s))}
                              for n, s in (("typescript", 0.5), ("python", 0.3), ("go", 0.2))],
                "editors": editors}
            record["copilot_ide_chat"] = {"total_engaged_users": int(engaged * 0.4), "editors": []}
            record["copilot_dotcom_chat"] = {"total_engaged_users": int(engaged * 0.1), "models": []}
            record["copilot_dotcom_pull_requests"] = {"total_engaged_users": int(engaged * 0.05), "repositories": []}
        days.append(record)
        day += timedelta(days=1)
    return days


def copilot_seats(rng, org) -> dict:
    seats = []
    for d, login in enumerate(org["logins"]):
        holds = org["adopter"][d] or d % 2 == 0
        if not holds:
            continue
        assigned = ADOPTION + timedelta(hours=9, minutes=d)
        offset = timezone(timedelta(hours=-6)) if d % 5 == 0 else timezone.utc
        last = None
        if org["adopter"][d]:
            last = END - timedelta(hours=float(rng.uniform(2, 90)))
        seats.append({
            "created_at": assigned.astimezone(offset).isoformat(), "updated_at": assigned.astimezone(offset).isoformat(),
            "pending_cancellation_date": None,
            "last_activity_at": None if last is None else last.astimezone(offset).isoformat(),
            "last_activity_editor": None if last is None else "vscode/1.98.0/copilot/1.290.0",
            "last_authenticated_at": None if last is None else last.astimezone(offset).isoformat(),
            "plan_type": "enterprise", "assignee": {"login": login, "id": int(sha(login)[:7], 16), "type": "User"},
            "assigning_team": None})
    return {"total_seats": len(seats), "seats": seats}


def deployments_and_incidents(rng, pulls) -> tuple[list[list[str]], list[list[str]]]:
    merged = sorted((p["merged_at"], p["merge_commit_sha"]) for p in pulls if p["merged_at"])
    deploys, incidents = [], []
    day, cursor, deploy_id = START + timedelta(days=1), 0, 5000
    shipped_recent: list[tuple[datetime, list[str]]] = []
    while day < END:
        if day.weekday() < 5:
            for hour in (11, 16):
                moment = day.replace(hour=hour, minute=int(rng.integers(0, 50)))
                changes = []
                while cursor < len(merged) and merged[cursor][0] <= iso(moment):
                    changes.append(merged[cursor][1])
                    cursor += 1
                if not changes:
                    continue
                deploy_id += 1
                deploys.append(["github", str(deploy_id), moment.strftime("%Y-%m-%d %H:%M:%S UTC"), changes[-1],
                                json.dumps(changes, separators=(",", ":"))])
                shipped_recent.append((moment, changes))
                failure_rate = 0.06 if moment < ADOPTION else 0.075
                if rng.random() < failure_rate:
                    opened = moment + timedelta(minutes=float(rng.uniform(10, 300)))
                    resolved = opened + timedelta(hours=float(np.exp(rng.normal(np.log(3.0), 0.8))))
                    incidents.append(["github", str(900 + len(incidents)), opened.strftime("%Y-%m-%d %H:%M:%S UTC"),
                                      resolved.strftime("%Y-%m-%d %H:%M:%S UTC"),
                                      json.dumps([str(rng.choice(changes))])])
        day += timedelta(days=1)
    return deploys[::-1], incidents[::-1]


def _gzip_json(path: Path, value) -> None:
    raw = json.dumps(value, separators=(",", ":")).encode()
    with open(path, "wb") as handle, gzip.GzipFile(fileobj=handle, mode="wb", mtime=0, filename="") as packed:
        packed.write(raw)


def _csv(path: Path, header: list[str], rows: list[list[str]], bom: bool = False, crlf: bool = False) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n" if crlf else "\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(("\ufeff" if bom else "").encode() + buffer.getvalue().encode("utf-8"))


def main() -> None:
    rng = np.random.default_rng(SEED)
    org = build(rng)
    OUT.mkdir(exist_ok=True)
    for old in OUT.iterdir():
        if old.is_file() and old.name != "README.md":
            old.unlink()
    pulls = sorted(org["pulls"], key=lambda p: p["created_at"], reverse=True)
    for part, chunk in enumerate(np.array_split(np.arange(len(pulls)), 4), start=1):
        _gzip_json(OUT / f"github_pulls_{part}.json.gz", [pulls[i] for i in chunk])
    reviews = org["reviews"]
    for part, chunk in enumerate(np.array_split(np.arange(len(reviews)), 4), start=1):
        _gzip_json(OUT / f"github_reviews_{part}.json.gz", [reviews[i] for i in chunk])
    (OUT / "copilot_metrics.json").write_text(json.dumps(copilot_days(rng, org), indent=1) + "\n")
    (OUT / "copilot_seats.json").write_text(json.dumps(copilot_seats(rng, org), indent=1) + "\n")
    rows = jira_rows(rng, org)
    for part, start in enumerate(range(0, len(rows), 1000), start=1):
        _csv(OUT / f"jira_export_{part:02d}.csv", JIRA_HEADER, rows[start:start + 1000], bom=True, crlf=True)
    deploys, incidents = deployments_and_incidents(rng, pulls)
    _csv(OUT / "fourkeys_deployments.csv", ["source", "deploy_id", "time_created", "main_commit", "changes"], deploys)
    _csv(OUT / "fourkeys_incidents.csv", ["source", "incident_id", "time_created", "time_resolved", "changes"],
         incidents)
    print(f"{len(pulls)} PRs, {len(reviews)} reviews, {len(rows)} issues, {len(deploys)} deployments, "
          f"{len(incidents)} incidents -> {OUT}")


if __name__ == "__main__":
    main()
