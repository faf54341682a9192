"""Default assumptions and rule thresholds, each with its source.

One place for every number the engine assumes when the user says nothing.  The
methodology document (docs/methodology.md) cites the same sources.
"""

from __future__ import annotations

# --- Team -----------------------------------------------------------------------------
HOURS_PER_WEEK = 40.0
"""Working hours per week [h]; all hours in the engine are working hours."""

DELIVERY_HOURS_PER_WEEK = 30.0
"""Hours a developer spends on delivery work per week [h] (the rest: meetings, support)."""

WORKING_WEEKS_PER_YEAR = 46.0
"""Working weeks per year [weeks], after holidays, leave and training."""

LOADED_COST_PER_HOUR = 90.6
"""Fully loaded cost of a developer hour [currency/h].

BLS OES May 2023 median wage for software developers, $132,270 / 2080 h = $63.59/h,
divided by 0.702 (wages' share of total compensation, BLS ECEC 2025) = $90.6/h.
"""

HOURS_PER_YEAR_FTE = 2080.0
"""Paid hours in a full-time year [h] (52 × 40); used for the default FTE cost."""

# --- Review ---------------------------------------------------------------------------
REVIEW_SHARE = 0.25
"""Share of a reviewer's working time spent reviewing [fraction]."""

REVIEW_OVERHEAD_HOURS = 0.25
"""Fixed effort per review: context switch, reading the description, CI checks [h]."""

REVIEW_LOC_PER_HOUR = 400.0
"""Review speed [LOC/h]. SmartBear/Cisco study: defect detection drops above 300–500 LOC/h."""

ARRIVAL_CV2 = 1.0
"""Squared coefficient of variation of PR inter-arrival times (1 = Poisson)."""

SERVICE_CV2 = 1.5
"""Squared coefficient of variation of review effort (PR sizes are right-skewed)."""

# --- Quality --------------------------------------------------------------------------
FIX_HOURS_PER_BUG = 4.0
"""Hours to fix a bug [h]. NIST/RTI 2002 (Planning Report 02-3): ~5 h when found in
coding, ~15 h in production; 4 h is a conservative blend for bugs caught before release."""

RESPONDERS_PER_INCIDENT = 2.0
"""People pulled into a failed deployment until it is recovered [people]."""

REWORK_HOURS_PER_DEPLOY = 4.0
"""Effort of one unplanned (rework) deployment [h]."""

# --- Finance --------------------------------------------------------------------------
HORIZON_YEARS = 3
"""Evaluation horizon [years]; Forrester Total Economic Impact (TEI) convention."""

DISCOUNT_RATE = 0.10
"""Annual discount rate [fraction]; Forrester TEI convention."""

CAPTURE_FACTOR = 0.5
"""Share of freed developer time that turns into business value [fraction]
("productivity recapture", Forrester TEI convention)."""

BENEFIT_RISK = 0.2
"""Risk adjustment taken off benefits [fraction]; TEI convention for estimates."""

COST_RISK = 0.1
"""Risk adjustment added to costs [fraction]; TEI convention."""

ADOPTION_BY_YEAR = (0.7, 0.9, 0.9)
"""Share of developers actively using the tool in years 1..Y [fraction]."""

# --- Uncertainty ----------------------------------------------------------------------
MONTE_CARLO_DRAWS = 20_000
"""Monte Carlo draws; sampling error of P(NPV>0) is about ±0.7 points at 20,000."""

MONTE_CARLO_SEED = 20260101
"""Seed of numpy's default_rng, so a scenario always gives the same percentiles."""

# --- Checklist thresholds -------------------------------------------------------------
PR_SIZE_LIMIT_LOC = 400
"""PR size above which review quality drops [LOC]. SmartBear/Cisco: reviews of more than
200–400 LOC at a time find markedly fewer defects."""

PR_SIZE_GROWTH_LIMIT = 0.25
"""PR size growth that triggers a size limit [fraction]; Faros 2025 saw +154% with AI."""

UTILIZATION_LIMIT = 0.85
"""Reviewer utilisation above which waits grow steeply [fraction]; queueing rule of thumb
(Kingman with the default variabilities, (ca² + cs²)/2 = 1.25: at ρ=0.85 the wait is 7.1× the
effort, at 0.95 it is 23.75×; 5.7× and 19× with Poisson arrivals and exponential efforts)."""

REVIEW_SPEED_LIMIT = 500.0
"""Effective review speed above which reviews are skims [LOC/h]; SmartBear/Cisco."""

WORKLOAD_GROWTH_LIMIT = 0.15
"""Growth in tasks per developer that calls for a workload watch [fraction]."""

EXPECTATION_GAP_SHARE = 0.5
"""If QAPI − 1 is below this share of the gross gain g, expectations need resetting."""
