"""Review capacity as a queue (methodology §2): where the bottleneck moves and how long PRs wait.

PRs arrive at one shared reviewer pool at λ = n·P/H per working hour; each of the c
reviewers serves at μ = f / E(L).  Erlang C (computed by the Erlang-B recursion, which
never overflows) gives the M/M/c wait, Allen–Cunneen scales it to general arrival and
service variability.  Unstable queues (ρ ≥ 1) have no steady-state wait: their waits are
``None`` and the backlog growth is reported instead.  Times are working hours.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special

from roi.models import QueueStats, ReviewResult, Scenario

CALENDAR_HOURS_PER_WEEK = 168.0

# Searching for a staffing level stops here: beyond it the inputs are not a real team.
_MAX_SEARCH_FACTOR = 10.0
_MAX_SEARCH_EXTRA = 1000
_MAX_SEARCH_REVIEWERS = 1_000_000
"""Never search past the largest pool a scenario may hold (``Review.reviewers`` ≤ 1,000,000):
an absurd input (0.000001 LOC/h) would otherwise keep the search running for hours."""


RECURSION_SERVERS = 2000
"""Up to this many servers Erlang B comes from its recursion, one step per server; beyond, from the
same recursion solved in closed form with numpy (a million reviewers took 0.25 s per table, and the
calibration asks for 40 tables: 11 s)."""


def erlang_b_table(max_servers: int, offered_load: float) -> np.ndarray:
    """Erlang B blocking probability for 0..max_servers servers (index = servers).

    Recursion B_0 = 1, B_k = a·B_{k−1} / (k + a·B_{k−1}); stable for any c (the factorial
    form overflows above c ≈ 170).  Above :data:`RECURSION_SERVERS` servers, its closed form: with
    x_k = 1/B_k the recursion is x_k = 1 + (k/a)·x_{k−1}, so x_k = P_k · Σ_{j≤k} 1/P_j with
    P_k = k!/a^k, summed in logs (relative difference from the recursion below 1e-9).
    """
    if max_servers > RECURSION_SERVERS and offered_load > 0:
        log_p = np.concatenate([[0.0], np.cumsum(np.log(np.arange(1, max_servers + 1) / offered_load))])
        return np.exp(-(log_p + np.logaddexp.accumulate(-log_p)))
    table = np.empty(max_servers + 1)
    blocking = 1.0
    table[0] = blocking
    for k in range(1, max_servers + 1):
        blocking = offered_load * blocking / (k + offered_load * blocking)
        table[k] = blocking
    return table


def erlang_c_from_b(
    servers: int | np.ndarray, offered_load: float, blocking: float | np.ndarray
) -> float | np.ndarray:
    """C = c·B_c / (c − a·(1 − B_c)), the probability an arrival waits (only for a < c)."""
    return servers * blocking / (servers - offered_load * (1.0 - blocking))


def erlang_c(servers: int, offered_load: float) -> float:
    """Probability that an arrival waits in an M/M/c queue [fraction].

    Parameters: servers c (≥ 1), offered_load a = λ/μ [Erlangs], a < c.
    Examples (methodology §2): C(3, 2.5) = 0.702247; C(10, 6) = 0.101299.
    """
    if servers < 1:
        raise ValueError("servers must be at least 1")
    if offered_load >= servers:
        return 1.0
    if offered_load <= 0:
        return 0.0
    blocking = float(erlang_b_table(servers, offered_load)[servers])
    return float(erlang_c_from_b(servers, offered_load, blocking))


def allen_cunneen_factor(arrival_cv2: float, service_cv2: float) -> float:
    """(ca² + cs²) / 2: scales the M/M/c wait to a G/G/c queue (Allen–Cunneen approximation)."""
    return (arrival_cv2 + service_cv2) / 2.0


def arrival_rate_per_hour(developers: float, prs_per_dev_week: float, hours_per_week: float) -> float:
    """λ = n·P/H [PRs per working hour]."""
    return developers * prs_per_dev_week / hours_per_week


def queue_stats(
    arrival_per_hour: float,
    effort_hours: float,
    review_share: float,
    reviewers: int,
    arrival_cv2: float,
    service_cv2: float,
) -> QueueStats:
    """The review queue's steady state: utilisation, P(wait), wait, time in review, WIP.

    Parameters: λ [PRs/h], E(L) [h], f [fraction], c [reviewers], ca², cs².
    Wq = C/(cμ − λ)·(ca² + cs²)/2, computed as C/(μ(c − a)) to stay exact near a = c; T_review = Wq + E/f; WIP = λ·T_review (Little's law).
    """
    service_rate = review_share / effort_hours
    offered = arrival_per_hour / service_rate
    utilization = offered / reviewers
    if utilization >= 1.0:
        return QueueStats(
            arrival_per_hour=arrival_per_hour,
            effort_hours=effort_hours,
            offered_load=offered,
            utilization=utilization,
            stable=False,
            p_wait=None,
            wait_hours=None,
            time_in_review_hours=None,
            wip_prs=None,
            null_reasons={
                field: f"unstable queue: utilisation {utilization:.0%} ≥ 100%, reviews pile up without limit, "
                "so there is no steady-state value"
                for field in ("p_wait", "wait_hours", "time_in_review_hours", "wip_prs")
            },
        )
    p_wait = erlang_c(reviewers, offered)
    wait = p_wait / (service_rate * (reviewers - offered)) * allen_cunneen_factor(arrival_cv2, service_cv2)
    time_in_review = wait + effort_hours / review_share
    return QueueStats(
        arrival_per_hour=arrival_per_hour,
        effort_hours=effort_hours,
        offered_load=offered,
        utilization=utilization,
        stable=True,
        p_wait=p_wait,
        wait_hours=wait,
        time_in_review_hours=time_in_review,
        wip_prs=arrival_per_hour * time_in_review,
    )


def wait_curve(
    arrival_per_hour: float,
    effort_hours: float,
    review_share: float,
    max_reviewers: int,
    arrival_cv2: float,
    service_cv2: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Utilisation and wait for 1..max_reviewers reviewers in one Erlang-B pass.

    Returns (reviewers, utilisation, wait hours) arrays; the wait is NaN where the queue
    is unstable (callers turn that into "unstable", never a number shown to a user).
    """
    service_rate = review_share / effort_hours
    offered = arrival_per_hour / service_rate
    servers = np.arange(1, max_reviewers + 1)
    blocking = erlang_b_table(max_reviewers, offered)[1:]
    utilization = offered / servers
    stable = utilization < 1.0
    wait = np.full(max_reviewers, np.nan)
    p_wait = erlang_c_from_b(servers[stable], offered, blocking[stable])
    wait[stable] = (
        p_wait / (service_rate * (servers[stable] - offered)) * allen_cunneen_factor(arrival_cv2, service_cv2)
    )
    return servers, utilization, wait


def waits_at(
    servers: np.ndarray,
    arrival_per_hour: float,
    effort_hours: float,
    review_share: float,
    arrival_cv2: float,
    service_cv2: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Utilisation and wait [working h; NaN where unstable] of the pool sizes ``servers`` alone, as :func:`wait_curve`
    gives them, without the pools between (a spread of sizes up to millions of reviewers).

    Erlang B from the Poisson distribution, B_c = P(X = c) / P(X ≤ c) with X ~ Poisson(a), in logs: the same
    blocking the recursion gives (x_k = 1/B_k summed, :func:`erlang_b_table`), for any one c at once.
    """
    service_rate = review_share / effort_hours
    offered = arrival_per_hour / service_rate
    servers = np.asarray(servers, dtype=np.float64)
    utilization = offered / servers
    stable = utilization < 1.0
    wait = np.full(len(servers), np.nan)
    c = servers[stable]
    if offered <= 0:
        wait[stable] = 0.0
        return utilization, wait
    log_pmf = c * math.log(offered) - offered - special.gammaln(c + 1.0)
    blocking = np.exp(log_pmf - np.log(special.gammaincc(c + 1.0, offered)))  # Q(c + 1, a) = P(X ≤ c)
    p_wait = erlang_c_from_b(c, offered, blocking)
    wait[stable] = p_wait / (service_rate * (c - offered)) * allen_cunneen_factor(arrival_cv2, service_cv2)
    return utilization, wait


def largest_pool_searched(offered_load: float) -> int:
    """The largest pool :func:`reviewers_needed` tries: 10·a + 1000, at most 1,000,000 [reviewers]."""
    return min(int(offered_load * _MAX_SEARCH_FACTOR) + _MAX_SEARCH_EXTRA, _MAX_SEARCH_REVIEWERS)


def reviewers_needed(
    arrival_per_hour: float,
    effort_hours: float,
    review_share: float,
    arrival_cv2: float,
    service_cv2: float,
    target_wait_hours: float,
) -> int | None:
    """Smallest pool c ≥ ⌊a⌋ + 1 whose Allen–Cunneen wait is at most the target [reviewers].

    One pass of the Erlang-B recursion up to the answer.  ``None`` only when no pool up to
    10·a + 1000 reviewers (and at most 1,000,000) meets the target: a target of practically
    zero, or a load no real team carries.
    """
    service_rate = review_share / effort_hours
    offered = arrival_per_hour / service_rate
    if offered <= 0:
        return 1
    factor = allen_cunneen_factor(arrival_cv2, service_cv2)
    first = math.floor(offered) + 1
    limit = largest_pool_searched(offered)
    if first > limit:
        return None
    blocking = 1.0
    for servers in range(1, limit + 1):
        blocking = offered * blocking / (servers + offered * blocking)
        if servers < first or servers <= offered:
            continue
        p_wait = erlang_c_from_b(servers, offered, blocking)
        wait = p_wait / (service_rate * (servers - offered)) * factor
        if wait <= target_wait_hours:
            return servers
    return None


def backlog_growth_hours_per_week(
    developers: float, prs_per_dev_week: float, effort_hours: float, reviewers: int, review_share: float,
    hours_per_week: float,
) -> float:
    """max(0, n·P·E(L) − c·f·H) [review hours/week]: review work that piles up when demand exceeds capacity."""
    return max(0.0, developers * prs_per_dev_week * effort_hours - reviewers * review_share * hours_per_week)


def min_time_in_review_hours(effort_hours: float, review_share: float) -> float:
    """E(L)/f [working h]: the time in review no staffing can beat; only smaller PRs lower it."""
    return effort_hours / review_share


def calendar_to_working_hours(calendar_hours: float, hours_per_week: float) -> float:
    """Observed latencies are calendar hours; reviews happen in working hours (H per 168 h)."""
    return calendar_hours * hours_per_week / CALENDAR_HOURS_PER_WEEK


def calibrate_review_share(
    observed_time_in_review_hours: float,
    arrival_per_hour: float,
    effort_hours: float,
    reviewers: int,
    arrival_cv2: float,
    service_cv2: float,
) -> float | None:
    """The review share f in (0, 1] whose T_review = Wq + E/f equals the observation [fraction].

    T_review falls as f rises (more time for reviewing), so bisection finds the unique f.
    ``None`` when even full-time reviewers (f = 1) are slower than observed.
    """

    def time_in_review(share: float) -> float:
        stats = queue_stats(arrival_per_hour, effort_hours, share, reviewers, arrival_cv2, service_cv2)
        return math.inf if stats.time_in_review_hours is None else stats.time_in_review_hours

    if time_in_review(1.0) > observed_time_in_review_hours:
        return None
    # Below the stability bound f = λE/c the queue never drains.
    low = arrival_per_hour * effort_hours / reviewers
    high = 1.0
    for _ in range(200):
        mid = (low + high) / 2.0
        if time_in_review(mid) > observed_time_in_review_hours:
            low = mid
        else:
            high = mid
        if high - low < 1e-12:
            break
    return high


def calibrated_reviewers_needed(scenario: Scenario, review: ReviewResult) -> int | None:
    """The pool meeting the wait target after adoption at the review share the baseline's observed time in review
    implies (``review.calibration``) rather than the scenario's [reviewers]; None without a calibrated share or a
    target.  Beside "utilisation 154% at your data's share" the tile's 42 reviewers at the assumed 25% read as the
    answer, where the data's share needs 58."""
    calibration = review.calibration
    if (calibration is None or calibration.review_share is None or calibration.post is None
            or review.target_wait_hours is None or review.target_wait_hours <= 0):
        return None
    post = calibration.post
    return reviewers_needed(post.arrival_per_hour, post.effort_hours, calibration.review_share,
                            scenario.review.arrival_cv2, scenario.review.service_cv2, review.target_wait_hours)
