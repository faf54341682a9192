"""The canonical tables every reader normalises to, and the :class:`Dataset` that holds them.

All timestamps are ``datetime64[ns, UTC]``.  Column meanings:

pull_requests  one row per pull/merge request: ``repo``, ``number``, ``author`` (login),
               ``author_is_bot``, ``ai_agent`` (an AI coding agent opened it), ``assignee`` (the
               human an agent PR is credited to), ``is_draft``, ``created_at``, ``merged_at``
               (NaT = not merged), ``closed_at``, ``additions``/``deletions`` [lines] (NaN when the
               export has no sizes), ``labels`` (comma-joined), ``ai_evidence`` (why the PR counts as
               AI-assisted: a label or a ``Co-authored-by`` trailer; '' if none),
               ``merge_commit_sha``.
reviews        ``repo``, ``number``, ``reviewer``, ``reviewer_is_bot``, ``state``, ``submitted_at``
               (``repo`` is categorical when it comes from DevLake's PR ids; ``reviewer`` is
               :data:`UNNAMED_REVIEWER` for a first review known only by its time).
deployments    successful production deployments: ``deploy_id``, ``deployed_at``, ``repo`` (the project
               deployed, where the export names only it and not the commits shipped: GitLab; else null).
deployment_changes  ``deploy_id``, ``sha``: the commits each deployment shipped.
incidents      ``incident_id``, ``created_at``, ``resolved_at`` (NaT = still open).
incident_changes    ``incident_id``, ``sha``: root-cause commits, where the source records them.
changes        ``sha``, ``committed_at``: commit times for change lead time.
work_items     ``key``, ``kind`` (bug, task, story, incident, epic, subtask, other), ``done``,
               ``created_at``, ``resolved_at``, ``story_points``, ``assignee``.
ai_daily       organisation-level AI assistant use per UTC day: ``date``, ``active_users``,
               ``engaged_users``, ``suggestions``, ``acceptances`` (code completions, by count),
               ``lines_suggested``, ``lines_accepted``.
ai_user_days   per user and day: ``date``, ``user``, ``active``, ``suggestions``, ``acceptances``,
               ``cost`` [``currency``] (usage billed on top of a seat: Claude Code on API billing;
               NaN = not reported).
seats          AI assistant seats: ``user``, ``assigned_at``, ``last_activity_at`` (NaT = never
               used), ``pending_cancellation``, ``plan`` (Copilot's ``plan_type``: business, enterprise).
estimates      the estimates template: ``metric``, ``baseline``, ``post``, ``low``, ``high``.
people         the people directory: ``login`` (as the PR exports name people), ``email`` (as Cursor and
               Claude Code name them), both lower-cased and trimmed; one row per pair, so a person with two
               emails has two rows.  An email paired with two different logins in one file is left out.
Every table but the link tables has a ``source`` column (categorical): the file the row came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals

from roi.ingest._common import SourceReport, conform, empty_frame

TS = "datetime64[ns, UTC]"

SCHEMAS: dict[str, dict[str, str]] = {
    "pull_requests": {
        "source": "category", "repo": "object", "number": "int64", "author": "object", "author_is_bot": "bool",
        "ai_agent": "bool", "assignee": "object", "is_draft": "bool", "created_at": TS, "merged_at": TS,
        "closed_at": TS, "additions": "float64", "deletions": "float64", "labels": "object",
        "ai_evidence": "object", "merge_commit_sha": "object",
    },
    "reviews": {
        "source": "category", "repo": "object", "number": "int64", "reviewer": "object", "reviewer_is_bot": "bool",
        "state": "object", "submitted_at": TS,
    },
    "deployments": {"source": "category", "deploy_id": "object", "deployed_at": TS, "repo": "object"},
    "deployment_changes": {"deploy_id": "object", "sha": "object"},
    "incidents": {"source": "category", "incident_id": "object", "created_at": TS, "resolved_at": TS},
    "incident_changes": {"incident_id": "object", "sha": "object"},
    "changes": {"source": "category", "sha": "object", "committed_at": TS},
    "work_items": {
        "source": "category", "key": "object", "kind": "object", "done": "bool", "created_at": TS,
        "resolved_at": TS, "story_points": "float64", "assignee": "object",
    },
    "ai_daily": {
        "source": "category", "date": TS, "active_users": "float64", "engaged_users": "float64",
        "suggestions": "float64", "acceptances": "float64", "lines_suggested": "float64",
        "lines_accepted": "float64",
    },
    "ai_user_days": {
        "source": "category", "date": TS, "user": "object", "active": "bool", "suggestions": "float64",
        "acceptances": "float64", "cost": "float64", "currency": "object",
    },
    "seats": {
        "source": "category", "user": "object", "assigned_at": TS, "last_activity_at": TS,
        "pending_cancellation": TS, "plan": "object",
    },
    "estimates": {
        "source": "category", "metric": "object", "baseline": "float64", "post": "float64", "low": "float64",
        "high": "float64",
    },
    "people": {"source": "category", "login": "object", "email": "object"},
}

TABLES = tuple(SCHEMAS)

UNNAMED_REVIEWER = "(first reviewer)"
"""The reviewer of a review row made from a mapped export's first-review time: it dates the PR's first
review, but is no person (the review pool is not counted from it)."""


def empty(table: str) -> pd.DataFrame:
    return empty_frame(SCHEMAS[table])


EMPTY_FORMAT = "empty (no records)"
"""The format of a file skipped for holding no records beside files that do (an empty page of a download)."""


@dataclass(frozen=True)
class Dataset:
    """Canonical tables read from a set of exports, and what each file contributed."""

    pull_requests: pd.DataFrame = field(default_factory=lambda: empty("pull_requests"))
    reviews: pd.DataFrame = field(default_factory=lambda: empty("reviews"))
    deployments: pd.DataFrame = field(default_factory=lambda: empty("deployments"))
    deployment_changes: pd.DataFrame = field(default_factory=lambda: empty("deployment_changes"))
    incidents: pd.DataFrame = field(default_factory=lambda: empty("incidents"))
    incident_changes: pd.DataFrame = field(default_factory=lambda: empty("incident_changes"))
    changes: pd.DataFrame = field(default_factory=lambda: empty("changes"))
    work_items: pd.DataFrame = field(default_factory=lambda: empty("work_items"))
    ai_daily: pd.DataFrame = field(default_factory=lambda: empty("ai_daily"))
    ai_user_days: pd.DataFrame = field(default_factory=lambda: empty("ai_user_days"))
    seats: pd.DataFrame = field(default_factory=lambda: empty("seats"))
    estimates: pd.DataFrame = field(default_factory=lambda: empty("estimates"))
    people: pd.DataFrame = field(default_factory=lambda: empty("people"))
    sources: tuple[SourceReport, ...] = ()
    timezone: str = "UTC"
    review_pr_rows: ReviewRows | None = field(default=None, repr=False, compare=False)
    """Each review's row in ``pull_requests`` as the reader matched it (DevLake's comments), so that the
    metrics need not match 3M reviews to their PRs a second time; see :meth:`review_rows`."""

    def has(self, table: str) -> bool:
        """True when some file provided this table (even if it has no rows in a period)."""
        return any(table in s.tables for s in self.sources) or len(getattr(self, table)) > 0

    def formats(self) -> set[str]:
        return {s.format for s in self.sources}

    def used_files(self) -> list[str]:
        """The files read, in order, less those skipped for holding no records: what the data was measured from
        (the skipped ones are still reported, under ``sources``)."""
        return [s.file for s in self.sources if s.format != EMPTY_FORMAT]

    def review_rows(self) -> np.ndarray | None:
        """Each review's row in ``pull_requests`` (the only row with its repo and number), or None when
        unknown: some review was not matched by its reader, or either table was replaced since."""
        known = self.review_pr_rows
        if known is None or known.pull_requests is not self.pull_requests or known.reviews is not self.reviews:
            return None
        return known.rows


@dataclass(frozen=True)
class ReviewRows:
    """``rows[i]``: the row of ``pull_requests`` that review ``i`` of ``reviews`` belongs to.

    Valid for these very frames only (:meth:`Dataset.review_rows` checks their identity), and only
    while each (repo, number) is on one row of ``pull_requests``, as read_exports' de-duplication
    leaves it.
    """

    pull_requests: pd.DataFrame
    reviews: pd.DataFrame
    rows: np.ndarray


def build_dataset(parts: dict[str, list[pd.DataFrame]], sources: list[SourceReport], timezone: str) -> Dataset:
    """Concatenate the readers' partial tables into a :class:`Dataset` with canonical columns."""
    tables = {}
    for name in TABLES:
        frames = [conform(f, SCHEMAS[name]) for f in parts.get(name, []) if len(f)]
        if not frames:
            tables[name] = empty(name)
        elif "source" in SCHEMAS[name]:
            tables[name] = _with_source(frames)
        else:
            tables[name] = pd.concat(frames, ignore_index=True)
    # The keys are TABLES, each a DataFrame field; mypy cannot match a dict's keys to the fields.
    return Dataset(**tables, sources=tuple(sources), timezone=timezone)  # type: ignore[arg-type]


def _with_source(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Frames concatenated with ``source`` categorical: a file name per row would be millions of copies
    of a few strings, copied again by every filter."""
    # Categories as plain objects: readers make them from str or object columns, and
    # union_categoricals refuses to join categories of different dtypes.
    names = [pd.Categorical.from_codes(f["source"].cat.codes, pd.Index(f["source"].cat.categories, dtype="object"))
             if isinstance(f["source"].dtype, pd.CategoricalDtype)
             else pd.Categorical(f["source"].astype("object")) for f in frames]
    table = pd.concat([f.drop(columns="source") for f in frames], ignore_index=True)
    # pandas-stubs leave an ExtensionArray such as Categorical out of insert's values (pandas takes it).
    table.insert(0, "source", pd.Categorical(union_categoricals(names, ignore_order=True)))  # type: ignore[arg-type]
    return table


def shipping_deployments(deployments: pd.DataFrame, pulls: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(row of ``deployments``, row of ``pulls``), by position, for each merged PR and the first deployment of its
    repository at or after its merge: the commits a deployment shipped, where the export names only the repository
    deployed (GitLab's project, DevLake's ``repo_id``).  A PR merged after its repository's last deployment is not
    shipped yet and has no pair; a deployment without a repository ships nothing.  Pairs come repository by
    repository (in the order the deployments first name them), each repository's PRs in their order."""
    repos, merged_at = pulls["repo"].to_numpy(), pulls["merged_at"].to_numpy(dtype="datetime64[ns]")
    merged = ~np.isnat(merged_at)
    found_deployments, found_pulls = [], []
    frame = pd.DataFrame({"repo": deployments["repo"].to_numpy(), "row": np.arange(len(deployments)),
                          "at": deployments["deployed_at"].to_numpy(dtype="datetime64[ns]")})
    for repo, shipped in frame.groupby("repo", sort=False):
        mine = np.flatnonzero(merged & (repos == repo))
        if not len(mine):
            continue
        shipped = shipped.sort_values("at", kind="stable")
        after = np.searchsorted(shipped["at"].to_numpy(), merged_at[mine], side="left")
        found = after < len(shipped)
        found_deployments.append(shipped["row"].to_numpy()[after[found]])
        found_pulls.append(mine[found])
    if not found_deployments:
        return np.zeros(0, np.intp), np.zeros(0, np.intp)
    return np.concatenate(found_deployments), np.concatenate(found_pulls)


def with_tables(dataset: Dataset, **tables: pd.DataFrame) -> Dataset:
    return replace(dataset, **tables)  # type: ignore[arg-type]  # tables by name: mypy cannot match the keys


__all__ = ["Dataset", "ReviewRows", "SCHEMAS", "TABLES", "build_dataset", "empty", "shipping_deployments",
           "with_tables"]
