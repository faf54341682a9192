"""Who is a bot, which PRs an AI agent opened, and which carry evidence of AI assistance.

FORMATS.md §1: classify bots by account type (``user.type == "Bot"``, gh's ``is_bot``, GraphQL's
``__typename``), not only by the ``[bot]`` suffix: GraphQL drops the suffix and the Copilot
coding agent's login is plain ``Copilot``.  Some bots appear without any marker (gh lists
Copilot's reviewer as ``copilot-pull-request-reviewer``), hence the list of known logins.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

KNOWN_BOTS = frozenset({
    "dependabot", "dependabot-preview", "renovate", "renovate-bot", "github-actions", "snyk-bot", "mergify",
    "copilot-pull-request-reviewer", "copilot-swe-agent", "copilot", "pre-commit-ci", "codecov",
    "sonarcloud", "imgbot", "allcontributors", "gitlab-bot", "coderabbitai", "sourcery-ai", "renovatebot",
    "dependabot-gitlab", "greenkeeper", "pyup-bot", "whitesource-bolt-for-github", "mend-bolt-for-github",
})
"""Logins (normalised: lower case, no ``[bot]`` suffix, no ``app/`` prefix) that are always bots."""

BOT_LOGIN = re.compile(r"[-_.]bot$|^bot[-_.]|^(?:project|group)_\d+_bot")
"""Bots on ordinary user accounts, as teams name them (``semantic-release-bot``, ``ci_bot``,
``bot-deploy``) and GitLab's project and group access-token users (``project_42_bot_…``); a separator
is required, so that ``talbot`` or ``abbot`` stay people."""

AI_AGENTS = frozenset({
    "copilot", "copilot-swe-agent", "devin-ai-integration", "codex", "chatgpt-codex-connector",
    "claude", "cursor", "cursoragent", "google-labs-jules", "sweep-ai", "openhands-agent",
})
"""Logins of AI coding agents that open PRs themselves (credited to the human assignee)."""

AI_LABELS = frozenset({
    "ai", "ai-assisted", "ai assisted", "ai-generated", "ai generated", "ai-authored", "copilot",
    "copilot-assisted", "genai", "llm", "llm-assisted", "claude", "claude-code", "cursor", "codex",
})
"""PR labels that teams use to mark AI-assisted work (matched case-insensitively)."""

_AI_TRAILER = (
    r"(?im)^\s*co-authored-by:\s*[^\n]*(copilot|claude|cursor|aider|codex|devin|gemini|chatgpt|openai|"
    r"windsurf|codeium|tabnine|amazon q|jules|anthropic)"
)


def per_unique(
    values: pd.Series, function: Callable[[pd.Series], pd.Series], missing: bool | str
) -> pd.Series:
    """``function`` applied to each distinct value only (3M reviews have a few thousand logins).

    Text results stay Arrow strings (no Python object per row); ``missing`` fills null inputs.
    """
    codes, uniques = pd.factorize(values)
    mapped = function(pd.Series(uniques, dtype="object"))
    if mapped.dtype == bool:
        out = np.append(mapped.to_numpy(bool), [bool(missing)])[codes]
        return pd.Series(out, index=values.index)
    table = pa.array(list(mapped) + [missing], type=pa.string())
    return pd.Series(pc.take(table, pa.array(np.where(codes < 0, len(mapped), codes))).to_pandas(),
                     index=values.index)


def _normal(unique: pd.Series) -> pd.Series:
    """Lower-case logins without ``app/`` and ``[bot]``, so all exports name a bot alike."""
    return unique.astype(str).str.strip().str.lower().str.removeprefix("app/").str.removesuffix("[bot]")


def bot_mask(logins: pd.Series, account_types: pd.Series | None = None, flags: pd.Series | None = None) -> pd.Series:
    """True for bot accounts: type ``Bot``, a bot flag, a ``[bot]``/``app/`` login, a known bot or a login
    named as one (:data:`BOT_LOGIN`)."""
    def is_bot(unique: pd.Series) -> pd.Series:
        text = unique.astype(str).str.strip()
        bare = text.str.lower().str.removeprefix("app/").str.removesuffix("[bot]")
        return (text.str.endswith("[bot]") | text.str.startswith("app/") | bare.isin(KNOWN_BOTS)
                | bare.str.contains(BOT_LOGIN))

    mask = per_unique(logins, is_bot, False).astype(bool)
    if account_types is not None:
        mask |= per_unique(account_types, lambda u: u.astype(str).str.casefold().eq("bot"), False).astype(bool)
    if flags is not None:
        mask |= flags.fillna(False).astype(bool)
    return mask


def agent_mask(logins: pd.Series, head_refs: pd.Series | None = None) -> pd.Series:
    """True for PRs an AI coding agent opened (its login, or a ``copilot/`` branch by a bot)."""
    mask = per_unique(logins, lambda u: _normal(u).isin(AI_AGENTS), False).astype(bool)  # per distinct login
    if head_refs is not None:
        copilot_branch = head_refs.fillna("").str.startswith("copilot/").astype(bool)
        if copilot_branch.any():  # the bot check costs a pass over every login: only when it can matter
            mask |= copilot_branch & bot_mask(logins)
    return mask


def ai_evidence(labels: pd.Series, bodies: pd.Series | None = None) -> pd.Series:
    """Why a PR counts as AI-assisted: ``'label'``, ``'co-author trailer'`` or ``''``.

    ``labels`` are comma-joined label names; ``bodies`` the PR descriptions or commit messages.
    Matched with Arrow's RE2 kernels, so a million PRs take well under a second.
    """
    names = "|".join(sorted(re.escape(label) for label in AI_LABELS))
    has_label = _matches(labels, rf"(?i)(^|,)\s*({names})\s*(,|$)")
    out = pd.Series("", index=labels.index, dtype="object")
    if bodies is not None:
        out[_matches(bodies, _AI_TRAILER)] = "co-author trailer"
    out[has_label] = "label"
    return out


def _matches(text: pd.Series, pattern: str) -> np.ndarray:
    try:  # Arrow-backed text converts without a copy
        values = pa.array(text, type=pa.string(), from_pandas=True)
    except (pa.ArrowTypeError, pa.ArrowInvalid):  # mixed objects: whatever is not text matches nothing
        values = pa.array(text.astype("object").where(text.map(lambda v: isinstance(v, str)), None), type=pa.string(),
                          from_pandas=True)
    if values.null_count == len(values) or not pc.max(pc.utf8_length(values)).as_py():
        return np.zeros(len(values), bool)  # no text at all (DevLake has no labels): nothing to match
    found = pc.match_substring_regex(values, pattern)
    return pc.fill_null(found, False).to_numpy(zero_copy_only=False)
