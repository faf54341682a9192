"""Scenarios side by side (roi.comparison), the comparison CSV and the workshop file (roi.workshop)."""

from __future__ import annotations

import csv
import io
import json
import math
import zipfile
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roi import charts, comparison
from roi import formatting as fmt
from roi.engine import compute
from roi.errors import ScenarioError
from roi.export import comparison_csv
from roi.models import MAX_SCENARIO_BYTES, load_scenario, scenario_to_json
from roi.safety import MAX_COMPRESSION_RATIO, MAX_UPLOAD_BYTES
from roi.whatif import with_value, with_values
from roi import workshop
from roi.workshop import (
    MANIFEST,
    MAX_EXPORT_FILES,
    MAX_SCENARIOS,
    Exports,
    Workshop,
    read_scenarios,
    read_workshop,
    workshop_zip,
)
from tests.conftest import SCENARIOS
from tests.strategies import scenarios


@pytest.fixture(scope="module")
def worked():
    return load_scenario(SCENARIOS / "worked_example.json")


@pytest.fixture(scope="module")
def pairs(worked):
    """The METHODS §5 worked example, and the same with 40 reviewers and no uncertainty ranges."""
    staffed = with_value(with_value(worked, "review.reviewers", 40), "uncertainty", None)
    staffed = staffed.model_copy(update={"name": "40 reviewers"})
    return [(s, compute(s)) for s in (worked, staffed)]


class TestValues:
    def test_worked_example_column_is_methods_section_5(self, pairs):
        column = comparison.values(pairs)[pairs[0][0].name]
        # METHODS §5 worked example, computed by hand there.
        assert column["developers"] == 50 and column["reviewers"] == 17 and column["currency"] == "USD"
        assert column["output_change"] == pytest.approx(0.21)
        assert column["quality_adjusted"] == pytest.approx(0.028405, rel=1e-4)  # 0.85215 / 30
        assert column["net_hours"] == pytest.approx(0.85215, rel=1e-4)
        assert column["npv"] == pytest.approx(-8499.02, rel=1e-4)
        assert column["roi"] == pytest.approx(-0.0550, rel=1e-3)
        assert column["payback_months"] is None
        assert column["utilisation_before"] == pytest.approx(0.5515, rel=1e-3)
        assert column["utilisation_after"] == pytest.approx(2.101, rel=1e-3)
        assert column["wait_after"] is None  # unstable: no wait
        assert column["reviewers_needed"] == 37
        assert column["backlog_growth"] == pytest.approx(187.1425, rel=1e-4)
        # A loss at the likely values, 55% of outcomes gain; 210% reviewer utilisation after adoption.
        assert column["verdict"] == "Uncertain; review is the bottleneck"
        # The Monte Carlo of the worked example (P10 −751k, P90 +884k, P(NPV > 0) 0.549).
        assert column["npv_p10"] == pytest.approx(-750_543.5, rel=1e-3)
        assert column["npv_p90"] == pytest.approx(884_455.6, rel=1e-3)
        assert column["loss_chance"] == pytest.approx(0.451, abs=1e-3)

    def test_more_reviewers_shorten_the_queue_and_nothing_else(self, pairs):
        frame = comparison.values(pairs)
        first, second = frame[pairs[0][0].name], frame["40 reviewers"]
        # 40 reviewers: ρ = 17 × 2.101 / 40 = 0.893 after adoption, so the queue is stable.
        assert second["utilisation_after"] == pytest.approx(2.1008 * 17 / 40, rel=1e-3)
        assert second["wait_after"] == pytest.approx(pairs[1][1].review.post.wait_hours)
        assert second["wait_after"] > 0 and second["backlog_growth"] == 0
        for unchanged in ("output_change", "quality_adjusted", "net_hours", "npv", "roi"):
            assert second[unchanged] == pytest.approx(first[unchanged])
        # No uncertainty ranges: no P10 / P90 and no chance of a loss, never a 0% or 100%.
        assert second["npv_p10"] is None and second["npv_p90"] is None and second["loss_chance"] is None

    def test_table_writes_what_the_pages_write(self, pairs):
        table = comparison.table(pairs)
        assert list(table.columns) == [pairs[0][0].name, "40 reviewers"]
        first = table[pairs[0][0].name]
        assert first["Net present value"] == "−$8.5k"
        # To 0.1 point, as the Executive summary and ROI & risk tiles write them (the demo read +40% and
        # +1,198% here but +39.9% and +1,197.7% there).
        assert first["Output per developer"] == "+21.0%"
        assert first["Return on investment"] == "−5.5%"
        # What the NPV is made of, and what it prices (a Claude Code client was priced for the base's Copilot
        # line, and nothing on this page said so): ROI = NPV / PV(costs) = −8,499 / 154.6k = −5.5%.
        finance = pairs[0][1].finance
        assert finance.npv / finance.pv_costs == pytest.approx(-0.055, abs=5e-4)
        assert first["Costs (present value)"] == fmt.money(finance.pv_costs, "USD", compact=True) == "$155k"
        assert first["Benefits (present value)"] == fmt.money(finance.pv_benefits, "USD", compact=True, signed=True)
        assert first["AI tools priced"] == "GitHub Copilot Enterprise"
        assert first["Quality-adjusted productivity"] == "+2.8%"
        assert first["Payback"] == "not within 3 years"
        assert first["Horizon"] == "3 years"
        assert first["Mean wait for a review after (working time)"] == "unstable"
        assert first["Chance of a loss"] == "45%"
        assert table["40 reviewers"]["Chance of a loss"] == "n/a"
        assert table["40 reviewers"]["Reviewer utilisation after"] == "89%"

    def test_money_that_reads_alike_but_differs_is_written_whole(self, worked):
        """Two NPVs $39k apart both read "+$1.6M" in a workshop: the row is written whole when that happens."""
        cheaper = with_value(worked, "costs.one_off_cost", worked.costs.one_off_cost - 20)
        table = comparison.table([(worked, compute(worked)), (cheaper.model_copy(update={"name": "B"}),
                                                              compute(cheaper))])
        # $20 less set-up × 1.1 for the cost risk: NPV −8,499.02 → −8,477.02 and PV(costs) 154,558.19 →
        # 154,536.19 (year 0, undiscounted), both "−$8.5k" and "$155k" compacted
        assert list(table.loc["Net present value"]) == ["−$8,499", "−$8,477"]
        assert list(table.loc["Costs (present value)"]) == ["$154,558", "$154,536"]
        assert list(table.loc["Benefits (present value)"]) == ["+$146k", "+$146k"]  # the same value: compact

    def test_the_inputs_that_differ_are_listed_with_the_workbooks_labels(self, worked):
        other = with_value(with_value(worked, "finance.capture_factor", 0.6), "team.loaded_cost_per_hour", 100.0)
        five = other.model_copy(update={"finance": other.finance.model_copy(
            update={"horizon_years": 4, "adoption_by_year": [0.7, 0.9, 0.9, 0.95]})})
        found = comparison.differences([(worked, compute(worked)), (five.model_copy(update={"name": "B"}),
                                                                     compute(five))])
        assert found.to_dict(orient="index") == {
            "Horizon (years)": {worked.name: "3", "B": "4"},
            "Loaded cost per developer hour (rate)": {worked.name: "$90.60", "B": "$100.00"},
            "Capture factor (φ): freed time that becomes value": {worked.name: "50%", "B": "60%"},
            "Adoption in year 4 (a_4)": {worked.name: "n/a", "B": "95%"},
        }
        assert comparison.differences([(worked, compute(worked))] * 2).empty

    def test_the_inputs_that_differ_include_prices_currency_and_ranges_and_tell_close_values_apart(self, worked):
        """A seat price, the currency or a range changed the NPV while the page said "None of the inputs differ";
        a capture factor of 0.5 against 0.5004 read "50%" twice."""
        tool = worked.costs.tools[0].name
        ranges = {**worked.uncertainty.ranges, "finance.capture_factor": (0.2, 0.5, 0.9)}
        other = worked.model_copy(update={
            "name": "B", "currency": "EUR",
            "costs": worked.costs.model_copy(update={"tools": [worked.costs.tools[0].model_copy(
                update={"price_per_seat_month": 19.0})]}),
            "finance": worked.finance.model_copy(update={"capture_factor": 0.5004}),
            "uncertainty": worked.uncertainty.model_copy(update={"ranges": ranges})})
        found = comparison.differences([(worked, compute(worked)), (other, compute(other))])
        assert found.to_dict(orient="index") == {
            "Currency": {worked.name: "USD", "B": "EUR"},
            "Capture factor (φ): freed time that becomes value": {worked.name: "50%", "B": "50.04%"},
            f"{tool}: list price per seat": {worked.name: "$39.00", "B": "€19.00"},
            # in the input's unit, not "0.3 / 0.5 / 0.8"
            "Range of capture factor (φ): freed time that becomes value (low / likely / high)": {
                worked.name: "30.0% / 50.0% / 80.0%", "B": "20.0% / 50.0% / 90.0%"},
        }

    def test_inputs_before_and_after_adoption_are_both_listed_with_their_units(self, worked):
        """Keyed by label, the after value replaced the before one ("Completed tasks per developer-week 4.84 | 4.5"
        for a change of both) and numbers had no unit (compare audit 2, 8)."""
        other = with_values(worked, {"name": "B", "baseline.tasks_per_dev_week": 3.5, "post.tasks_per_dev_week": 4.5,
                                     "baseline.recovery_hours": 2.0})
        found = comparison.differences([(worked, compute(worked)), (other, compute(other))])
        assert found.to_dict(orient="index") == {
            "Completed tasks per developer-week (before adoption, tasks/dev-week)": {worked.name: "4", "B": "3.5"},
            "Completed tasks per developer-week (after adoption, tasks/dev-week)": {worked.name: "4.84", "B": "4.5"},
            "Failed deployment recovery time (before adoption, calendar h)": {worked.name: "not measured", "B": "2"},
        }

    def test_a_horizon_of_one_year_reads_in_the_singular(self, worked):
        one = worked.model_copy(update={"finance": worked.finance.model_copy(
            update={"horizon_years": 1, "adoption_by_year": [0.7]})})
        assert comparison.table([(one, compute(one))])[one.name]["Horizon"] == "1 year"

    def test_repeated_names_get_their_own_column(self, pairs):
        doubled = [pairs[0], pairs[0], pairs[1]]
        assert list(comparison.values(doubled).columns) == [
            "unit", pairs[0][0].name, f"{pairs[0][0].name} (2)", "40 reviewers"
        ]


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["A", "B"], ["A", "B"]),
        (["A", "A", "A"], ["A", "A (2)", "A (3)"]),
        (["A (2)", "A", "A"], ["A (2)", "A", "A (3)"]),
        ([], []),
    ],
)
def test_unique_names(names, expected):
    assert comparison.unique_names(names) == expected


def test_comparison_csv_keeps_every_digit_and_defuses_formulas(pairs):
    hostile = pairs[1][0].model_copy(update={"name": "=HYPERLINK(\"http://x\")"})
    rows = list(csv.reader(io.StringIO(comparison_csv([pairs[0], (hostile, pairs[1][1])]).decode("utf-8"))))
    assert rows[0] == ["figure", "label", "unit", pairs[0][0].name, "'=HYPERLINK(\"http://x\")"]
    by_key = {row[0]: row for row in rows[1:]}
    assert [row[0] for row in rows[1:]] == [f.key for f in comparison.FIGURES]
    assert float(by_key["npv"][3]) == pairs[0][1].finance.npv  # every digit
    assert by_key["npv"][2] == "currency" and by_key["currency"][3:] == ["USD", "USD"]
    assert by_key["payback_months"][3] == "" and by_key["reviewers_needed"][3] == "37"
    assert by_key["npv_p10"][4] == ""  # not simulated


def test_npv_chart_draws_ranges_only_where_simulated(pairs):
    data = charts.npv_comparison_data(comparison.values(pairs))
    assert list(data["scenario"]) == [pairs[0][0].name, "40 reviewers"]
    assert list(data["outcome"]) == ["Loss", "Loss"]
    assert data["range_label"][0] == "−$751k to +$884k"
    assert math.isnan(data["p10"][1]) and data["range_label"][1] == "not simulated (no uncertainty ranges)"
    spec = charts.npv_comparison(comparison.values(pairs), "USD").to_dict()
    bars, span, ends = spec["layer"][:3]
    assert bars["encoding"]["x"]["field"] == "npv"
    assert (span["encoding"]["x"]["field"], span["encoding"]["x2"]["field"]) == ("p10", "p90")
    for layer in (span, ends):  # the range only where there was a Monte Carlo
        assert [row["scenario"] for row in spec["datasets"][layer["data"]["name"]]] == [pairs[0][0].name]


class TestWorkshopFile:
    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(scenarios(), min_size=1, max_size=4))
    def test_round_trip_is_exact(self, kept):
        assert read_scenarios("workshop.zip", workshop_zip(kept)) == kept

    def test_the_open_scenario_is_marked_and_read_back(self, worked):
        other = worked.model_copy(update={"name": "Other"})
        data = workshop_zip([worked, other], open_index=1)
        assert read_workshop("workshop.zip", data) == Workshop([worked, other], 1)
        assert read_workshop("workshop.zip", workshop_zip([worked, other])) == Workshop([worked, other], None)
        assert read_workshop("one.json", scenario_to_json(worked).encode()) == Workshop([worked], None)
        # The mark is a zip comment: the member is still an ordinary scenario file.
        member = zipfile.ZipFile(io.BytesIO(data)).read("other.json")
        assert read_scenarios("other.json", member) == [other]

    def test_same_names_are_separate_files(self, worked):
        archive = zipfile.ZipFile(io.BytesIO(workshop_zip([worked, worked])))
        stem = "faros-style-shock-50-developers"
        assert archive.namelist() == [f"{stem}.json", f"{stem}-2.json"]
        assert workshop_zip([worked]) == workshop_zip([worked])  # same scenarios, same bytes

    def test_a_plain_scenario_file(self, worked):
        assert read_scenarios("one.json", scenario_to_json(worked).encode()) == [worked]

    def test_a_folder_zipped_on_a_mac(self, worked):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("workshop/", "")
            archive.writestr("workshop/a.json", scenario_to_json(worked))
            archive.writestr("__MACOSX/workshop/._a.json", b"\x00\x05\x16\x07")
            archive.writestr("workshop/.DS_Store", b"\x00\x00")
        assert read_scenarios("w.zip", buffer.getvalue()) == [worked]

    def test_a_mac_resource_file_without_a_leading_dot_is_skipped(self, worked):
        # macOS keeps AppleDouble data under __MACOSX/, usually as ._name (left out for its dot), but a member
        # named like the scenario itself must be left out for its folder, not parsed as a scenario.
        data = self._zip({"s.json": scenario_to_json(worked), "__MACOSX/s.json": b"\x00\x05\x16\x07junk"})
        assert read_scenarios("w.zip", data) == [worked]

    def _zip(self, members: dict[str, bytes | str]) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, content in members.items():
                archive.writestr(name, content)
        return buffer.getvalue()

    def test_a_bad_member_is_named(self, worked):
        data = self._zip({"good.json": scenario_to_json(worked),
                          "bad.json": scenario_to_json(worked).replace('"reviewers": 17', '"reviewers": -3')})
        with pytest.raises(ScenarioError) as error:
            read_scenarios("w.zip", data)
        assert error.value.describe().startswith("w.zip: bad.json, field 'review.reviewers': ")

    def test_no_scenarios(self):
        message = r"^w\.zip: holds no scenario files \(\.json\); choose a workshop"
        with pytest.raises(ScenarioError, match=message):
            read_scenarios("w.zip", self._zip({"readme.txt": "hi"}))

    def test_cut_short(self, worked):
        data = workshop_zip([worked])
        with pytest.raises(ScenarioError, match=r"^w\.zip: is not a complete zip file; download"):
            read_scenarios("w.zip", data[: len(data) // 2])

    def test_a_zip_name_on_another_file(self):  # a PNG renamed: it said "is not UTF-8 text; save … as UTF-8 JSON"
        with pytest.raises(ScenarioError, match=r"^fake\.zip: is not a zip file, so not a workshop file"):
            read_scenarios("fake.zip", b"\x89PNG\r\n\x1a\n" + bytes(100))

    def test_too_many(self):
        data = self._zip({f"{i}.json": "{}" for i in range(MAX_SCENARIOS + 1)})
        with pytest.raises(ScenarioError, match=rf"holds {MAX_SCENARIOS + 1} scenario files, more than the"):
            read_scenarios("w.zip", data)

    def test_a_bomb_is_refused_from_its_directory(self):
        data = self._zip({"big.json": b" " * (MAX_SCENARIO_BYTES + 1)})  # deflates to a few kB
        assert len(data) < 50_000
        message = r"^w\.zip: big\.json: is 5,242,881 bytes, but a scenario file"
        with pytest.raises(ScenarioError, match=message):
            read_scenarios("w.zip", data)


class TestWorkshopExports:
    """The exports a workshop file carries: restored exactly as loaded, read within limits."""

    EXPORTS = Exports(
        (("acme_pulls.json", b'[{"number": 1}]'), ("swarmia.csv", b"PR,Author\n1,dev0\n"),
         ("acme_pulls.json", b"[]")),  # two folders' pulls.json, uploaded together
        date(2025, 3, 3), 2, "Europe/Berlin", {"swarmia.csv": {"table": "pull_requests", "author": "Author"}},
    )

    def _manifest_zip(self, worked, manifest: dict, members: dict[str, bytes]) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("a.json", scenario_to_json(worked))
            archive.writestr(MANIFEST, json.dumps(manifest))
            for name, content in members.items():
                archive.writestr(name, content)
        return buffer.getvalue()

    def _manifest(self, **changes) -> dict:
        return {"version": 1, "exports": [{"file": "a.json", "member": "exports/a.json"}], "adoption_date": None,
                "ramp_weeks": 0, "timezone": "UTC", "column_mappings": {}, **changes}

    def test_round_trip_is_exact(self, worked):
        other = worked.model_copy(update={"name": "Other"})
        data = workshop_zip([worked, other], open_index=1, exports=self.EXPORTS)
        assert read_workshop("w.zip", data) == Workshop([worked, other], 1, self.EXPORTS, has_exports=True)
        assert data == workshop_zip([worked, other], open_index=1, exports=self.EXPORTS)  # same bytes
        archive = zipfile.ZipFile(io.BytesIO(data))
        assert archive.namelist() == ["faros-style-shock-50-developers.json", "other.json", MANIFEST,
                                      "exports/acme_pulls.json", "exports/swarmia.csv", "exports/2/acme_pulls.json"]
        assert archive.read("exports/swarmia.csv") == b"PR,Author\n1,dev0\n"  # unzipped, the files as loaded
        # The scenarios stay ordinary scenario files, and comparing them leaves the exports unread.
        assert read_scenarios("other.json", archive.read("other.json")) == [other]
        assert read_scenarios("w.zip", data) == [worked, other]
        assert read_workshop("w.zip", workshop_zip([worked])).exports is None  # none saved: none read

    def test_three_exports_of_one_name_are_all_kept(self, worked):
        # Three repositories' pages all named pulls.json: exports/pulls.json, exports/2/… and exports/3/…, so the
        # reopened workshop still has every repository's PRs, in order.
        exports = Exports((("pulls.json", b"[1]"), ("pulls.json", b"[2]"), ("pulls.json", b"[3]")))
        data = workshop_zip([worked], 0, exports)
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        assert [n for n in names if n.startswith("exports/")] == [
            "exports/pulls.json", "exports/2/pulls.json", "exports/3/pulls.json"]
        assert read_workshop("w.zip", data).exports.files == exports.files

    def test_a_workshop_folder_zipped_again_on_a_mac(self, worked):
        saved = zipfile.ZipFile(io.BytesIO(workshop_zip([worked], 0, self.EXPORTS)))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for member in saved.infolist():
                archive.writestr(f"acme-workshop/{member.filename}", saved.read(member))
            archive.writestr("__MACOSX/acme-workshop/._a.json", b"\x00\x05\x16\x07")
        assert read_workshop("w.zip", buffer.getvalue()) == Workshop([worked], None, self.EXPORTS, has_exports=True)

    def test_an_export_over_the_limit_is_refused_from_the_directory(self, worked, monkeypatch):
        monkeypatch.setattr(workshop, "MAX_UPLOAD_BYTES", 10)
        data = self._manifest_zip(worked, self._manifest(), {"exports/a.json": b"[" + b"1," * 10 + b"1]"})
        with pytest.raises(ScenarioError, match=r"^w\.zip: exports/a\.json: is 23 bytes, over the limit of 10 bytes"):
            read_workshop("w.zip", data)

    def test_exports_over_the_total_are_refused_from_the_directory(self, worked, monkeypatch):
        monkeypatch.setattr(workshop, "MAX_EXPORT_BYTES", 30)
        listed = [{"file": f"{i}.json", "member": f"exports/{i}.json"} for i in range(3)]
        data = self._manifest_zip(worked, self._manifest(exports=listed),
                                  {f"exports/{i}.json": b"[" + b"1," * 5 + b"1]" for i in range(3)})
        with pytest.raises(ScenarioError, match=r"^w\.zip: holds exports of more than 0 GB together"):
            read_workshop("w.zip", data)

    def test_gz_exports_are_counted_gunzipped_against_the_total(self, worked, monkeypatch):
        """Each .gz export counted by its packed size: a workshop of small .gz files could unpack past 2 GB."""
        import gzip

        monkeypatch.setattr(workshop, "MAX_EXPORT_BYTES", 3000)
        packed = gzip.compress(b"[" + b"1," * 600 + b"1]")  # 1,203 bytes gunzipped, a few dozen packed
        listed = [{"file": f"{i}.json.gz", "member": f"exports/{i}.json.gz"} for i in range(3)]
        data = self._manifest_zip(worked, self._manifest(exports=listed),
                                  {f"exports/{i}.json.gz": packed for i in range(3)})
        with pytest.raises(ScenarioError) as error:
            read_workshop("w.zip", data)
        assert error.value.describe() == (
            "w.zip: exports/2.json.gz: is gzip-compressed, and gunzipped it takes the workshop's exports past 0 GB "
            "together, more than a workshop may hold; refused. Save the workshop without its exports")

    def test_too_many_exports(self, worked):
        listed = [{"file": f"{i}.json", "member": f"exports/{i}.json"} for i in range(MAX_EXPORT_FILES + 1)]
        with pytest.raises(ScenarioError) as error:
            read_workshop("w.zip", self._manifest_zip(worked, self._manifest(exports=listed), {}))
        assert error.value.describe().startswith(f"w.zip: {MANIFEST}, field 'exports': List should have at most "
                                                 f"{MAX_EXPORT_FILES} items")

    @pytest.mark.parametrize("member", ["big.json", MANIFEST])
    def test_an_oversize_scenario_or_list_of_exports_is_refused_before_it_is_read(self, worked, member, monkeypatch):
        # 6 MiB of spaces pack into a few kB: the zip directory's size refuses the member before anything is
        # inflated in memory (the module's promise), so reading it is never attempted.
        members = {"a.json": scenario_to_json(worked).encode(), MANIFEST: json.dumps(self._manifest()).encode(),
                   "exports/a.json": b"[]", member: b" " * (6 * 1024 * 1024)}
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, content in members.items():
                archive.writestr(name, content)
        assert len(buffer.getvalue()) < 50_000

        read = zipfile.ZipFile.read

        def small_only(archive, name, *args, **kwargs):
            info = name if isinstance(name, zipfile.ZipInfo) else archive.getinfo(name)
            assert info.file_size < 1024 * 1024, f"{info.filename} was read"
            return read(archive, name, *args, **kwargs)

        monkeypatch.setattr(zipfile.ZipFile, "read", small_only)
        what = "a scenario file" if member == "big.json" else "the list of a workshop's exports"
        with pytest.raises(ScenarioError, match=rf"^w\.zip: {member}: is 6,291,456 bytes, but {what} is a few "
                                                r"kilobytes \(limit 5,242,880\)"):
            read_workshop("w.zip", buffer.getvalue())

    def test_a_bomb_is_refused_from_its_directory(self, worked):
        data = self._manifest_zip(worked, self._manifest(), {"exports/a.json": bytes(4 * 1024 * 1024)})
        assert len(data) < 50_000
        with pytest.raises(ScenarioError, match=r"^w\.zip: exports/a\.json: would expand 1,0\d\d-fold"):
            read_workshop("w.zip", data)

    @pytest.mark.parametrize(("manifest", "message"), [
        (b"{not json", f"w.zip: {MANIFEST}: is not valid JSON; save the workshop again"),
        (json.dumps({"version": 2, "exports": []}).encode(),
         f"w.zip: {MANIFEST}: version 2 was written by a newer version of this tool (this one reads up to 1); "
         "upgrade the tool to open it"),
        (json.dumps({"version": 1, "exports": [], "timezone": "Mars/Olympus"}).encode(),
         f"w.zip: {MANIFEST}, field 'timezone': 'Mars/Olympus' is not a time zone name; save the workshop again"),
        (json.dumps({"version": 1, "exports": [{"file": "../a\u0000.json", "member": "exports/a.json"}]}).encode(),
         f"w.zip: {MANIFEST}, field 'exports.0.file': '../a?.json' is not a file name (it holds a path or control "
         "characters); save the workshop again"),
        # A Windows path (backslashes) is a path too: a crafted file could name an export ..\..\pulls.json.
        (json.dumps({"version": 1, "exports": [{"file": "..\\..\\pulls.json", "member": "exports/a.json"}]}).encode(),
         f"w.zip: {MANIFEST}, field 'exports.0.file': '..\\..\\pulls.json' is not a file name (it holds a path or "
         "control characters); save the workshop again"),
        (json.dumps({"version": 1, "exports": [{"file": "b.json", "member": "exports/b.json"}]}).encode(),
         f"w.zip: exports/b.json: is listed in {MANIFEST} as the export 'b.json' but is not in the workshop's "
         "exports folder; save the workshop again"),
        (json.dumps({"version": 1, "exports": [{"file": "a.json", "member": "a.json"}]}).encode(),
         f"w.zip: a.json: is listed in {MANIFEST} as the export 'a.json' but is not in the workshop's exports "
         "folder; save the workshop again"),
    ])
    def test_a_bad_list_of_exports_is_named(self, worked, manifest, message):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("a.json", scenario_to_json(worked))
            archive.writestr(MANIFEST, manifest)
            archive.writestr("exports/a.json", b"[]")
        with pytest.raises(ScenarioError) as error:
            read_workshop("w.zip", buffer.getvalue())
        assert error.value.describe() == message

    @pytest.mark.parametrize("folder", ["", "acme-workshop/"])
    def test_exports_without_their_list_are_named_as_such(self, worked, folder):
        """With _exports.json taken out, an export was read as a scenario: "exports/seats.json: is not a scenario
        file"."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr(f"{folder}a.json", scenario_to_json(worked))
            archive.writestr(f"{folder}exports/seats.json", b"[]")
        with pytest.raises(ScenarioError) as error:
            read_workshop("w.zip", buffer.getvalue())
        assert error.value.describe() == (
            f"w.zip: holds exports ({folder}exports/seats.json) but not the {MANIFEST} that lists them and how they "
            "were read: it was taken out of the zip; save the workshop again, or load the exports on the Data page")

    def test_small_members_that_expand_together_like_a_bomb_are_refused(self, worked):
        # 20 members of 100 KiB of zeros: each under the 1 MiB the per-member check starts at, 2 MB together
        # from a few kB (the audit's 5 kB zip unpacked 1,000 such members into 1 GB).
        listed = [{"file": f"{i}.json", "member": f"exports/{i}.json"} for i in range(20)]
        data = self._manifest_zip(worked, self._manifest(exports=listed),
                                  {f"exports/{i}.json": bytes(100 * 1024) for i in range(20)})
        with pytest.raises(ScenarioError, match=r"^w\.zip: holds exports that would expand [\d,]+-fold together"):
            read_workshop("w.zip", data)

    def test_a_member_listed_twice_is_refused(self, worked):
        listed = [{"file": "a.json", "member": "exports/a.json"}, {"file": "b.json", "member": "exports/a.json"}]
        data = self._manifest_zip(worked, self._manifest(exports=listed), {"exports/a.json": b"[]"})
        with pytest.raises(ScenarioError) as error:
            read_workshop("w.zip", data)
        assert error.value.describe() == f"w.zip: exports/a.json: is listed twice in {MANIFEST}; save the workshop again"

    def test_a_name_with_a_right_to_left_mark_round_trips(self, worked):
        # Hebrew or Arabic file names can hold one; messages show it as "?", but the name itself is the file's.
        exports = Exports((("\u05d3\u05d5\u05d7\u200f.json", b"[]"),))
        assert read_workshop("w.zip", workshop_zip([worked], 0, exports)).exports == exports

    def test_mappings_of_files_not_in_the_workshop_are_left_out(self, worked):
        # A mapping for another file would replace the user's own mapping of a file with that name.
        mappings = {"a.json": {"table": "deployments"}, "theirs.csv": {"table": "pull_requests"}}
        data = self._manifest_zip(worked, self._manifest(column_mappings=mappings), {"exports/a.json": b"[]"})
        assert read_workshop("w.zip", data).exports.column_mappings == {"a.json": {"table": "deployments"}}

    def test_a_damaged_export_is_named(self, worked):
        data = bytearray(workshop_zip([worked], 0, self.EXPORTS))
        member = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("exports/swarmia.csv")
        start = member.header_offset + 30 + len(member.filename) + len(member.extra)
        data[start + 2] ^= 0xFF  # a byte of its deflated content
        with pytest.raises(ScenarioError) as error:
            read_workshop("w.zip", bytes(data))
        assert error.value.describe() == ("w.zip: exports/swarmia.csv: cannot be unpacked (damaged, encrypted or an "
                                          "unusual compression); save the workshop again")
        assert read_scenarios("w.zip", bytes(data)) == [worked]  # comparing still works

    @given(st.data())
    def test_a_damaged_workshop_file_is_an_error_never_a_crash(self, worked, data):
        saved = bytearray(workshop_zip([worked], 0, self.EXPORTS))
        for _ in range(data.draw(st.integers(1, 4))):  # bytes flipped anywhere: headers, manifest, members
            saved[data.draw(st.integers(0, len(saved) - 1))] ^= data.draw(st.integers(1, 255))
        cut = data.draw(st.integers(len(saved) // 2, len(saved)))
        try:
            read_workshop("w.zip", bytes(saved[:cut]))
        except ScenarioError as error:
            assert error.describe().startswith("w.zip")


def test_npv_chart_says_each_scenarios_npv_and_range(pairs):
    # Its aria-label: a screen reader hears each scenario's NPV and range (no description before).
    description = charts.npv_comparison(comparison.values(pairs), "USD").to_dict()["description"]
    assert f"{pairs[0][0].name}: " in description and "(P10 to P90: −$751k to +$884k)" in description
    assert "40 reviewers: " in description and "not simulated (no uncertainty ranges)" in description


def test_every_figure_of_the_csv_is_documented():
    """docs/scenario-file.md lists the comparison CSV's rows: pv_benefits, pv_costs and tools were missing."""
    from tests.conftest import ROOT

    table = (ROOT / "docs" / "scenario-file.md").read_text().split("The **comparison CSV**")[1]
    documented = {name for line in table.splitlines() if line.startswith("| `")
                  for name in line.split("|")[1].replace("`", "").replace(" ", "").split(",")}
    assert documented == {figure.key for figure in comparison.FIGURES}


def test_the_csv_s_units_are_documented_as_written():
    """The table left the unit blank for currency, verdict, developers, horizon_years, reviewers and tools; the
    CSV writes ISO code, text, people, years, people and text. One unit for a row's figures, or one each."""
    from tests.conftest import ROOT

    table = (ROOT / "docs" / "scenario-file.md").read_text().split("The **comparison CSV**")[1]
    documented = {}
    for line in table.splitlines():
        if line.startswith("| `"):
            keys = line.split("|")[1].replace("`", "").replace(" ", "").split(",")
            units = [unit.strip() for unit in line.split("|")[2].split(",")]
            documented.update(zip(keys, units if len(units) == len(keys) else units * len(keys), strict=True))
    assert documented == {figure.key: figure.unit for figure in comparison.FIGURES}


def test_the_workshop_file_s_limits_are_documented_as_they_are():
    from tests.conftest import ROOT

    section = " ".join((ROOT / "docs" / "scenario-file.md").read_text().split("The **workshop file**")[1]
                       .split("The **comparison CSV**")[0].split())
    assert f"at most {MAX_SCENARIOS} scenario files" in section
    assert f"at most {MAX_EXPORT_FILES:,} exports, each listed once, within the {MAX_UPLOAD_BYTES // 1024**2} MB " \
           f"upload limit, {workshop.MAX_EXPORT_BYTES // 1024**3} GB together and none expanding more than " \
           f"{MAX_COMPRESSION_RATIO}-fold, nor all of them together" in section
    assert f"`{MANIFEST}`" in section


def test_scenarios_that_differ_only_in_reviewers_are_told_apart_by_the_verdict(worked_example):
    """Reviewers do not enter the NPV (METHODS §3): 17 and 50 reviewers gave the same money and the same
    "Uncertain", though 17 leave the queue overrun at 210% and 50 run it at 71%."""
    overrun, staffed = worked_example, with_value(worked_example, "review.reviewers", 50)
    shown = comparison.values([(s, compute(s)) for s in (overrun, staffed)])
    npv, verdicts = shown.loc["npv"].iloc[1:], shown.loc["verdict"].iloc[1:]
    assert npv.iloc[0] == npv.iloc[1]
    assert list(verdicts) == ["Uncertain; review is the bottleneck", "Uncertain"]
    # 41 reviewers keep up, at 87%: stretched, not overrun.
    busy = with_value(worked_example, "review.reviewers", 41)
    assert compute(busy).review.post.stable
    assert comparison.values([(busy, compute(busy))]).loc["verdict"].iloc[1] == "Uncertain; reviewers stretched"
