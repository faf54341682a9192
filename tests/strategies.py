"""Hypothesis strategies for scenarios: valid, realistic ranges of every input."""

from __future__ import annotations

from hypothesis import strategies as st

from roi.models import Scenario


@st.composite
def scenarios(draw, with_uncertainty: bool = False) -> Scenario:
    """A valid scenario with realistic team, period, review and cost inputs."""
    developers = draw(st.integers(1, 2000))
    tasks0 = draw(st.floats(0.5, 10))
    prs0 = draw(st.floats(0.2, 10))
    size0 = draw(st.floats(10, 1500))
    bugs0 = draw(st.just(0.0) | st.floats(1e-6, 2))  # a rate is 0 or at least 1e-9 (roi.models)
    adoption = draw(st.lists(st.floats(0.1, 1), min_size=3, max_size=3))  # the default 3-year horizon
    data = {
        "name": "generated",
        "team": {"developers": developers, "loaded_cost_per_hour": draw(st.floats(20, 250))},
        "baseline": {"tasks_per_dev_week": tasks0, "prs_per_dev_week": prs0, "pr_size_loc": size0,
                     "bugs_per_dev_week": bugs0},
        "post": {
            "tasks_per_dev_week": tasks0 * draw(st.floats(0.7, 1.8)),
            "prs_per_dev_week": prs0 * draw(st.floats(0.7, 2.5)),
            "pr_size_loc": size0 * draw(st.floats(0.5, 3.0)),
            "bugs_per_dev_week": bugs0 * draw(st.floats(0.5, 2.0)),
        },
        "review": {
            "reviewers": draw(st.integers(1, max(1, developers))),
            "review_share": draw(st.floats(0.05, 1.0)),
            "loc_per_hour": draw(st.floats(50, 1500)),
            "target_wait_hours": draw(st.floats(0.5, 40)),
        },
        "costs": {"tools": [{"name": "tool", "price_per_seat_month": draw(st.floats(0, 200)),
                             "usage_per_dev_month": draw(st.floats(0, 300)),
                             "seat_coverage": draw(st.floats(max(adoption), 1))}],  # every adopter has a seat
                  "training_hours_per_dev": draw(st.floats(0, 40)),
                  "one_off_cost": draw(st.floats(0, 1e6)),
                  "governance_fte": draw(st.floats(0, 3))},
        "finance": {"capture_factor": draw(st.floats(0, 1)), "discount_rate": draw(st.floats(0, 0.3)),
                    "adoption_by_year": adoption},
    }
    if with_uncertainty:
        g = data["post"]["tasks_per_dev_week"] / tasks0 - 1
        data["uncertainty"] = {
            "draws": 500,
            "ranges": {"productivity_uplift": [g - 0.2, g, g + 0.3], "review.loc_per_hour": [50, 400, 1500]},
        }
        data["review"]["loc_per_hour"] = 400
    return Scenario.model_validate(data)
