"""Read the exports people really have into canonical tables.

``read_exports(files)`` takes paths or ``(name, bytes)`` pairs (the app passes uploaded
bytes), unpacks zip archives of exports into their files (:mod:`roi.archive`), recognises each
file's format from its content, and returns a :class:`Dataset`: pandas
tables of pull requests, reviews, deployments, incidents, work items, AI use and the people
directory, plus one :class:`SourceReport` per file saying what was read, used and skipped and why.

>>> from roi.ingest import read_exports  # doctest: +SKIP
>>> data = read_exports(["pulls.json", "reviews.json", "jira.csv"])  # doctest: +SKIP
"""

from __future__ import annotations

import json
import math
import zoneinfo
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.acero  # noqa: F401  Table.join's engine, loaded here rather than at the first join (0.2 s)

from roi import archive, safety
from roi.archive import ExportFile, FileInput, files_in
from roi.errors import InputFormatError, NoRecordsError
from roi.ingest import copilot, devlake, generic, github, gitlab, template
from roi.ingest._common import (
    LAST_CSV_READ,
    SourceReport,
    decode_text,
    first_json_value,
    first_record,
    is_api_error,
    load_json,
    row_in_sheet,
)
from roi.ingest.detect import EXPECTED, FORMATS, csv_header, detect, json_near_miss, near_miss
from roi.ingest.github import NO_REPO_CAUTION, NO_SIZES_NOTE
from roi.ingest.identity import bot_mask
from roi.ingest.tables import (EMPTY_FORMAT, SCHEMAS, Dataset, ReviewRows, build_dataset, shipping_deployments,
                               with_tables)
from roi.models import looks_like_scenario

DEMO_DIR = Path(__file__).resolve().parents[2] / "sample_data" / "demo"
"""The bundled demo organisation (written by sample_data/generate_demo.py)."""

DEMO_ADOPTION_DATE = date(2025, 3, 3)
"""The day the demo organisation rolled out its AI assistant."""


READ_THREADS = 2
"""Files read at a time: while Arrow parses one file on both cores, the other's tables are built in
Python.  More would only hold more files in memory."""


def _name(item: FileInput) -> str:
    """A file's name: the one given with its bytes, or its path."""
    return str(item[0]) if isinstance(item, tuple) else str(item)


def _check_timezone(timezone: str) -> None:
    try:
        zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise InputFormatError(f"'{timezone}' is not a time zone name; use an IANA name such as Europe/Berlin",
                               field="timezone") from None


def _mapping_for(name: str, mappings: Mapping[str, Mapping[str, str]] | None) -> dict[str, str] | None:
    if not mappings:
        return None
    # The app names a file as uploaded; the command line by its path, the scenario by its shown name.
    found = mappings.get(name) or mappings.get(archive.shown_name(name)) or mappings.get(Path(name).name)
    return dict(found) if found else None


def _checked(name: str, data: bytes) -> bytes:
    """The file's bytes, unpacked, once ``roi.safety`` has passed them: the size limit, a bounded gunzip, and
    for a workbook its zip directory (bombs, macros, DOCTYPE/ENTITY declarations) before any parser sees it.
    A zip archive of exports is no one file: :func:`read_exports` reads the files in it."""
    safety.check_size(name, len(data))
    gzipped = data[:2] == safety.GZIP_MAGIC
    data = safety.gunzip(name, data) if gzipped else data
    if archive.is_export_archive(name, data):
        raise InputFormatError(
            "is a zip archive compressed again with gzip; decompress it (gunzip) and load the .zip" if gzipped else
            "is a zip archive of several files: read_exports reads each of them, read_file one file", file=name)
    if data[:4] in (b"PK\x03\x04", b"\xd0\xcf\x11\xe0"):
        safety.inspect_zip_container(name, data)
    return data


def read_file(name: str, data: bytes, *, timezone: str = "UTC",
              mapping: Mapping[str, str] | None = None) -> tuple[dict[str, pd.DataFrame], SourceReport]:
    """One export: its partial canonical tables and its report.

    ``roi.safety`` checks come first (:func:`_checked`).  A message naming a JSON or NDJSON file's record says
    ``record N`` (its position in the file, from 1), a CSV's or workbook's row ``row N``.
    """
    data = _checked(name, data)
    LAST_CSV_READ.read = None
    try:
        return _read_checked(name, data, timezone, mapping)
    except InputFormatError as error:
        if error.row is not None and _is_json(data):  # here, once, rather than in each reader's messages
            error.row_label = "record"
        elif error.row is not None and error.file in (None, name):
            error.row = row_in_sheet(name, data, error.row)
        raise


def _is_json(data: bytes) -> bool:
    """Whether an export is JSON or NDJSON, as :func:`detect` tells: its records are counted, it has no rows."""
    try:
        return data[:4] != b"PK\x03\x04" and decode_text(data[:65_536], "export").lstrip().startswith(("[", "{"))
    except InputFormatError:  # binary: no JSON
        return False


def _read_checked(name: str, data: bytes, timezone: str, mapping: Mapping[str, str] | None
                  ) -> tuple[dict[str, pd.DataFrame], SourceReport]:
    """:func:`read_file` of bytes :func:`_checked` has passed."""
    if mapping:
        report = SourceReport(name, "mapped CSV/XLSX")
        return generic.read_mapped(name, data, report, timezone, dict(mapping)), report
    format_id = detect(name, data)
    if format_id is None:
        _refuse_workbook(name, data)
        _refuse_api_error(name, data)
        _refuse_graphql_error(name, data)
        _refuse_scenario_file(name, data)
        _refuse_wrapper(name, data)
        _refuse_broken_json(name, data)
        almost_json = json_near_miss(data)
        if almost_json:
            raise InputFormatError(almost_json, file=name)
        almost = near_miss(data)
        if almost:
            raise InputFormatError(f"{almost}; export it again with every column (or put the column's name back)",
                                   file=name)
        raise InputFormatError(
            f"is not an export format this tool recognises{_first_fields(data)}; expected {EXPECTED}. Any other "
            "CSV or Excel table can be read through a column mapping: the app's Data page asks for one when the "
            "file is uploaded, and saves it in the scenario file (measurement.column_mappings, see "
            "docs/scenario-file.md), which 'python -m roi scenario --base' reads", file=name)
    report = SourceReport(name, format_id)
    return FORMATS[format_id].reader(name, data, report, timezone), report


def table_to_map(name: str, data: bytes) -> pd.DataFrame | None:
    """A CSV or Excel table in no format this tool recognises, as text cells, for the user to map its columns
    to ours (:data:`roi.ingest.generic.MAPPABLE`); ``None`` for a file a mapping would not help: one in a
    known format (a CSV format saved as a workbook included: reading it says to save it as CSV), JSON, an
    empty file or a table without rows.  A table that almost is a format (an HR list whose email column
    has another name) is offered too: :func:`roi.ingest.detect.near_miss` says what it lacks.

    Raises:
        InputFormatError: the file breaks a safety limit (size, a zip bomb, macros).
    """
    data = _checked(name, data)
    try:
        if detect(name, data) is not None:
            return None
        if data[:4] != b"PK\x03\x04" and decode_text(data[:65_536], name).lstrip().startswith(("[", "{")):
            return None
        frame = template.read_table(name, data)
        if data[:4] == b"PK\x03\x04" and detect(name, frame.to_csv(index=False).encode()) is not None:
            return None  # a known CSV format saved as a workbook: reading it says to save it as CSV
    except InputFormatError:  # reading the file names the problem
        return None
    frame = frame.loc[:, [c for c in frame.columns if str(c).strip() and not str(c).startswith("Unnamed:")]]
    return frame if len(frame) and len(frame.columns) else None


def _refuse_workbook(name: str, data: bytes) -> None:
    """A workbook other than the estimates template: name it with its header and say to save it as CSV."""
    if data[:4] != b"PK\x03\x04":
        return
    frame = template.read_table(name, data)
    try:  # a CSV export opened and saved in Excel: say which, as "no format this tool recognises" misled
        saved = detect(name, frame.to_csv(index=False).encode())
    except InputFormatError:
        saved = None
    if saved is not None:
        raise InputFormatError(f"is an Excel workbook of a {FORMATS[saved].title} (a CSV opened and saved in Excel), "
                               "which this tool reads as CSV only: export it again as CSV, or save the sheet as CSV "
                               "UTF-8 (Excel: File → Save As → CSV UTF-8) and load the CSV", file=name)
    names = [c for c in frame.columns if not c.startswith("Unnamed:")]
    fields = ", ".join(safety.quote(c, 30) for c in names[:8]) + (", …" if len(names) > 8 else "")
    raise InputFormatError(
        f"is an Excel workbook in no format this tool recognises{f' (its header is {fields})' if fields else ''}; "
        "save the sheet as CSV UTF-8 and load the CSV (Jira, Four Keys and DevLake tables are read as CSV), or "
        "map its columns on the app's Data page (saved in the scenario file as measurement.column_mappings)",
        file=name)


def _json_head(data: bytes) -> object:
    text = decode_text(data[:65_536], "export").lstrip()
    return first_record(text) if text.startswith(("[", "{")) else None


def _refuse_api_error(name: str, data: bytes) -> None:
    """A saved API error (``{"message": "Bad credentials", ...}``) is named as such, with its message."""
    head = _json_head(data)
    if is_api_error(head):
        raise InputFormatError(
            f"is an error response from the API ('{safety.quote(head['message'])}'), not exported data; check the "
            "token's access and the URL, then export again", file=name)


def _refuse_graphql_error(name: str, data: bytes) -> None:
    """A GraphQL answer with ``errors`` and no data (``"data": null``, a query GitLab or GitHub refused) is named
    as such, with what the server answered."""
    head = _json_head(data)
    messages = gitlab.graphql_errors([head])[:3] if isinstance(head, dict) and not head.get("data") else []
    if messages:
        raise InputFormatError(
            f"is an error response from a GraphQL API ({'; '.join(safety.quote(m, 200) for m in messages)}), not "
            "exported data: the project, group or repository was not found at the path the query names, the token "
            "cannot read it, or the query has a mistake; correct it and run the query again", file=name)


def _refuse_scenario_file(name: str, data: bytes) -> None:
    """A scenario file given as an export (dropped on the wrong uploader) is named as such."""
    head = _json_head(data)
    if looks_like_scenario(head) and "schema_version" in head:
        raise InputFormatError(
            "is a scenario file, not an export: resume it on the Export page or compare it on Compare "
            "scenarios (command line: 'python -m roi compute')", file=name)


def _refuse_wrapper(name: str, data: bytes) -> None:
    """Records of a known format saved inside an object (``{"items": [...]}``) are named with the key to unwrap."""
    text = decode_text(data, name).lstrip()
    document = first_json_value(text) if text.startswith("{") else None
    if not isinstance(document, dict):
        return
    for key, inner in document.items():
        if isinstance(inner, list) and inner and isinstance(inner[0], dict):
            found = detect(name, json.dumps(inner[:1]).encode())
            if found is not None:
                raise InputFormatError(
                    f"holds {FORMATS[found].title} inside a wrapper object, under '{safety.quote(key, 30)}'; save that "
                    f"array itself (e.g. jq '.{safety.quote(key, 30)}' {Path(name).name} > records.json) and load it",
                    file=name)


def _refuse_broken_json(name: str, data: bytes) -> None:
    """A JSON file cut short (or broken) is said to be so: its first record may be too incomplete to recognise."""
    if decode_text(data[:65_536], name).lstrip().startswith(("[", "{")):
        load_json(data, name)  # raises, naming the line, when the JSON is broken


def _first_fields(data: bytes) -> str:
    """What the file holds instead, e.g. `` (its records have the fields id, name, …)``."""
    head = _json_head(data)
    if isinstance(head, dict) and head:
        what, names = "its records have the fields", list(head)
    elif not decode_text(data[:65_536], "export").lstrip().startswith(("[", "{")):
        what, names = "its header is", [c for c in csv_header(decode_text(data[:65_536], "export")) if c]
    else:
        return ""
    if not names:
        return ""
    fields = ", ".join(safety.quote(name, 30) for name in names[:8])
    return f" ({what} {fields}{', …' if len(names) > 8 else ''})"


def read_exports(files: Iterable[FileInput], column_mappings: Mapping[str, Mapping[str, str]] | None = None,
                 *, timezone: str = "UTC") -> Dataset:
    """Read every export into one :class:`Dataset`.

    Parameters:
        files: paths, or ``(file name, bytes)`` pairs; gzip-compressed content is unpacked, and a zip archive of
            exports is read file by file, each named ``archive.zip: path/in/it.json`` (:mod:`roi.archive`).
        column_mappings: per file name (or base name), ``{"table": ..., our column: their column}``
            for files in no known format (see :data:`roi.ingest.generic.MAPPABLE`).
        timezone: IANA zone for timestamps written without an offset (Jira, some CSVs); the
            assumption is noted in each affected file's report.

    An empty file, or an empty page of a paginated download, beside files with records is skipped with
    a caution in its report; every other file that cannot be read is named, all of them in one error.

    Raises:
        InputFormatError: a file is in an unknown format, misses a column or holds an unparsable value
            (the message names file, row and column; with several such files, each of them), or every
            file is empty.
    """
    _check_timezone(timezone)
    files = list(files)
    if not files:
        raise InputFormatError("no export files given; pass at least one file")
    read_files = _read_or_refuse(_read_each(files, column_mappings, timezone))
    parts: dict[str, list[pd.DataFrame]] = defaultdict(list)
    reports: list[SourceReport] = []
    pull_rows = 0  # rows of pull_requests before this file's: where its DevLake ids' PRs will be
    for tables, report in read_files:
        if devlake.PR_ID_MAP in tables:
            ids = tables[devlake.PR_ID_MAP]
            tables = {**tables, devlake.PR_ID_MAP: ids.assign(pull_row=np.arange(pull_rows, pull_rows + len(ids)))}
        for table, frame in tables.items():
            parts[table].append(frame)
        pull_rows += len(tables.get("pull_requests", ()))
        if report.rows == 0 and report.format != EMPTY_FORMAT:
            # A header and nothing under it: a search that found nothing, or an export cut short. Beside
            # other files it added nothing without a word (an incidents file with none is a true zero).
            report.note("holds its header and no rows: it adds nothing; if it should hold data, export it again")
        reports.append(report)
    graphql_counts = parts.pop(github.GRAPHQL_COUNTS, [])
    _caution_missing_seats(parts.pop(copilot.SEAT_COUNTS, []), reports)
    _attach_gitlab_notes(parts, reports)
    matched = _name_unnamed_prs(parts, reports)
    _name_devlake_reviewers(parts, reports)
    review_rows = _attach_devlake_reviews(parts, reports)
    deployed_repos = parts.pop(devlake.DEPLOYED_REPOS, [])
    dataset = build_dataset(parts, reports, timezone)
    _refuse_impossible(dataset)
    deduplicated = ship_merged_prs(_deduplicate(dataset, reports, matched), deployed_repos)
    _count_unshipped_changes(deduplicated, reports)
    _caution_missing_pages(graphql_counts, dataset.pull_requests, reports)
    _ask_about_page_sized_exports(dataset.pull_requests, reports)
    _caution_huge_prs(deduplicated.pull_requests, reports)
    if review_rows is not None and deduplicated.pull_requests is dataset.pull_requests:
        # No PR dropped: the rows the join found are still the PRs' rows, and each (repo, number) is on one
        # row, so the metrics can use them instead of matching every review to its PR again.
        rows = np.concatenate([r for r, f in zip(review_rows, parts["reviews"]) if len(f)] or [np.zeros(0, np.int64)])
        deduplicated = replace(deduplicated, review_pr_rows=ReviewRows(deduplicated.pull_requests,
                                                                       deduplicated.reviews, rows))
    return deduplicated


def _caution_missing_seats(counts: list[pd.DataFrame], reports: list[SourceReport]) -> None:
    """Caution on each Copilot seats file when the seats files together hold fewer seats than GitHub's
    ``total_seats``: only the first page was saved, and the seats missing name adopters (the AI-user cohort,
    the adoption date, the seats held against the licences priced)."""
    if not counts:
        return
    table = pd.concat(counts, ignore_index=True)
    total, held = table["total"].max(), int(table["held"].sum())
    if pd.isna(total) or held >= total:
        return
    by_name = _by_name(reports)
    for source in table["source"]:
        by_name[str(source)].caution(
            f"the seats files hold {held:,} of the {int(total):,} seats GitHub counts (total_seats): the download "
            "stopped after the first page(s), so adopters are missing from the AI users, the adoption date and "
            "the seats held; save every page (gh api --paginate /orgs/ORG/copilot/billing/seats)")


def _caution_missing_pages(counts: list[pd.DataFrame], pulls: pd.DataFrame, reports: list[SourceReport]) -> None:
    """Caution on a GitHub GraphQL file whose repository has fewer PRs in the exports than GitHub counted
    (``totalCount``), or, without a count, whose last page says more follow (``pageInfo.hasNextPage``).

    Counted over every file: page 1 and page 2 saved apart and loaded together are whole.  ``pulls``: the PRs
    before duplicates are dropped, with the repository unnamed PRs were given (:func:`_name_unnamed_prs`).
    """
    if not counts:
        return
    by_name = _by_name(reports)
    sources, repos, numbers = (pulls[c].to_numpy() for c in ("source", "repo", "number"))
    for row in pd.concat(counts, ignore_index=True).to_dict("records"):
        source, repo, held = str(row["source"]), str(row["repo"]), int(row["held"])
        total = None if pd.isna(row["total"]) else int(row["total"])
        if not repo:  # the pages name no repository: the one its PRs were given, if one
            given = pd.unique(repos[sources == source])
            repo = str(given[0]) if len(given) == 1 else ""
        mine = (repos == repo) & ((sources == source) | bool(repo))  # unnamed: this file's PRs only
        found = len(pd.unique(numbers[mine]))
        if (found >= total) if total is not None else not row["more"]:
            continue
        whose = f" of {repo}" if repo else ""
        said = ((f"holds {held} of the {total} PRs{whose} GitHub counted (totalCount)"
                 + (f", and the exports {found}" if found != held else "")) if total is not None
                else f"its last page{whose} says more PRs follow (pageInfo.hasNextPage: true)")
        by_name[source].caution(f"{said}: the download stopped before the last page, so the periods miss PRs; "
                                f"{github.PAGINATE}")


_PAGE_SIZES = {
    "github_gh_cli": {30: "gh pr list's default --limit"},
    "github_pulls": {30: "the REST API's default page size (per_page)",
                     100: "one full page at the REST API's largest page size (per_page=100)"},
}
"""PR counts a cut export holds: gh stops at 30 PRs unless told --limit; a REST page holds 30, or 100."""


def _ask_about_page_sized_exports(pulls: pd.DataFrame, reports: list[SourceReport]) -> None:
    """Ask, in a caution, whether a gh or REST file of exactly a default limit or page size of PRs is all of them.

    Only a file of that many records is suspect (a cut export is cut per command); its repository's PRs are then
    counted over every file of the format, so that pages saved apart (100, 100 and 37) are whole."""
    by_name = _by_name(reports)
    for format_id, sizes in _PAGE_SIZES.items():
        suspect = [r.file for r in reports if r.format == format_id and r.rows in sizes]
        if not suspect:
            continue
        sources = pulls["source"].to_numpy()
        files = pulls["source"].isin([r.file for r in reports if r.format == format_id]).to_numpy()
        for repo in pd.unique(pulls.loc[pulls["source"].isin(suspect).to_numpy(), "repo"]):
            mine = files & pulls["repo"].eq(repo).to_numpy()
            count = len(pd.unique(pulls["number"].to_numpy()[mine]))
            what = sizes.get(count)
            if what is None:
                continue
            fix = (f"export again with --limit 10000 ({github.GH_EXPORT} --limit 10000)" if format_id == "github_gh_cli"
                   else "save every page (gh api --paginate 'repos/OWNER/REPO/pulls?state=all&per_page=100')")
            whose = f" of {repo}" if repo else ""
            for source in pd.unique(sources[mine]):
                by_name[str(source)].caution(f"holds exactly {count} PRs{whose}, {what}: was the export cut there? "
                                             f"If the repository has more, {fix}")


HUGE_PR_LINES = 50_000
"""A PR of more lines changed (added + deleted) than this is no reviewed change: vendored or generated code, a
lockfile, data, a mass rename, or a broken count.  A team's PRs are a few hundred lines, so one such PR moves
the mean PR size (pr_size_loc) by itself (the audit's 10,000,000-line PR among 20 made it 500,458 lines, from
462, and the reviewers a scenario needs 239, from 4); the median hardly moves."""


def _caution_huge_prs(pulls: pd.DataFrame, reports: list[SourceReport]) -> None:
    """Caution naming each PR that may count (merged, by a person, not a draft) above :data:`HUGE_PR_LINES`."""
    lines = pulls["additions"].fillna(0).to_numpy() + pulls["deletions"].fillna(0).to_numpy()
    huge = lines > HUGE_PR_LINES
    if not huge.any():
        return
    counted = (pulls["merged_at"].notna() & ~pulls["author_is_bot"].fillna(False).astype(bool)
               & ~pulls["ai_agent"].fillna(False).astype(bool) & ~pulls["is_draft"].fillna(False).astype(bool))
    huge &= counted.to_numpy()
    by_name = _by_name(reports)
    for source in pd.unique(pulls["source"].to_numpy()[huge]):
        mine = huge & (pulls["source"].to_numpy() == source)
        found = sorted(zip(lines[mine], pulls["repo"].to_numpy()[mine], pulls["number"].to_numpy()[mine]),
                       key=lambda item: (-item[0], str(item[1]), int(item[2])))
        named = ", ".join(f"{f'{repo}#' if repo else '#'}{number} ({size:,.0f} lines)"
                          for size, repo, number in found[:5]) + (f" and {len(found) - 5} more" if len(found) > 5 else "")
        one = len(found) == 1
        by_name[str(source)].caution(
            f"{len(found)} merged PR{' changes' if one else 's change'} more than {HUGE_PR_LINES:,} lines: {named}; "
            f"the mean PR size (pr_size_loc) counts {'it' if one else 'them'} in the period {'it was' if one else 'they were'} "
            "merged in, and so do the reviewers a scenario built from it needs (the median, pr_size_loc_median, "
            "hardly moves); if such a PR is vendored or generated code, a lockfile or data, leave it out of the export")


UNSHIPPED_SHARE = 0.05
"""A changes table of which fewer than this share of commits is shipped by a deployment in the exports gets a
caution.  Four Keys' changes are the commits pushed; its deployments list the commits each one shipped, so a
commit only on a branch never merged is the usual unshipped one, never nearly all of them: then the
deployments' ``changes`` do not name this table's commits (a serialisation the reader does not split, an
export of other repositories)."""


def _count_unshipped_changes(dataset: Dataset, reports: list[SourceReport]) -> None:
    """Count the changes no deployment in the exports ships as left out (lead time cannot use them), and caution
    on a changes file almost none of whose commits is shipped, beside a deployments export."""
    changes = dataset.changes
    if not len(changes) or not len(dataset.deployments):
        return
    unshipped = ~changes["sha"].isin(dataset.deployment_changes["sha"]).to_numpy()
    _count_skipped(changes, unshipped, "commit no deployment in the exports ships (not in any deployment's "
                   "changes): lead time cannot use it", reports)
    by_name = _by_name(reports)
    for source, rows in changes.groupby("source", sort=False)["sha"]:
        shipped = int(rows.isin(dataset.deployment_changes["sha"]).sum())
        if shipped < UNSHIPPED_SHARE * len(rows):
            by_name[str(source)].caution(
                f"{shipped} of {len(rows)} changes are shipped by a deployment in the exports, so lead time "
                f"{'cannot be measured' if not shipped else 'rests on those few'}: check the deployments' 'changes' "
                "column; it should list the commit ids this file's change_id holds (a JSON array, or ids "
                "separated by commas, spaces or semicolons)")


def _read_each(files: list[FileInput], column_mappings: Mapping[str, Mapping[str, str]] | None, timezone: str,
               leave_out: Collection[str] = ()) -> list[tuple[dict[str, pd.DataFrame], SourceReport] | InputFormatError]:
    """Each file read on its own (:func:`read_file`), in file order, an archive's files in its order: its tables
    and report, or its error (an archive refused as a whole: one error).  Files named in ``leave_out`` are not
    read."""
    def read(file: ExportFile | InputFormatError) -> tuple[dict[str, pd.DataFrame], SourceReport] | InputFormatError:
        if isinstance(file, InputFormatError):
            return file
        try:
            data = file.read()  # one file's bytes at a time per thread (an archive's unzipped), released once read
            tables, report = read_file(file.name, data, timezone=timezone,
                                       mapping=_mapping_for(file.name, column_mappings))
        except InputFormatError as error:
            error.file = error.file or file.name
            # without its traceback: its frames hold the file's bytes, and every file's error is kept until all are
            # read (a zip of 40 small .gz files that each unpacked to 64 MB peaked at 2.9 GB)
            error.__context__ = None  # an error raised "from None" still holds the one it replaced, and its frames
            return error.with_traceback(None)
        for note in file.notes:
            report.note(note)
        return tables, report

    listed = [file for item in files for file in _files_or_error(item)]
    listed = [file for file in listed if isinstance(file, InputFormatError) or file.name not in leave_out]
    if not listed:
        return []
    with ThreadPoolExecutor(max_workers=min(READ_THREADS, len(listed))) as pool:
        return list(pool.map(read, listed))  # in file order


def _files_or_error(item: FileInput) -> list[ExportFile | InputFormatError]:
    """:func:`roi.archive.files_in`, or the error refusing the input (an archive's directory, a path)."""
    try:
        return list(files_in(item))
    except InputFormatError as error:
        error.file = error.file or _name(item)
        return [error]


def check_files(files: Iterable[FileInput], *, timezone: str = "UTC", leave_out: Collection[str] = ()) -> None:
    """Read each file on its own and drop what was read: the error :func:`read_exports` would give for the
    files' own problems (a bad date, a missing column; with several files, each of them), found before the
    files can be read together (the app's column-mapping step, while another file waits for its mapping).
    An empty file is no error here; what only files read together can show (a PR in two files that
    disagree) is left to :func:`read_exports`.  Files named in ``leave_out`` (waiting for their column mapping;
    a file of an archive named ``archive.zip: path``) are not read.

    Raises:
        InputFormatError: as :func:`read_exports`.
    """
    _check_timezone(timezone)
    files = list(files)
    if not files:
        return
    outcomes = _read_each(files, None, timezone, leave_out)
    if any(isinstance(o, InputFormatError) and not isinstance(o, NoRecordsError) for o in outcomes):
        _read_or_refuse(outcomes)


def _read_or_refuse(outcomes: list[tuple[dict[str, pd.DataFrame], SourceReport] | InputFormatError]
                    ) -> list[tuple[dict[str, pd.DataFrame], SourceReport]]:
    """The files read, with an empty one beside them as a report of no rows and a caution; or one error
    naming every file that could not be read (an upload of five files said only what was wrong with the
    first, then the next)."""
    failed = [o for o in outcomes if isinstance(o, InputFormatError) and not isinstance(o, NoRecordsError)]
    if len(failed) == 1:
        raise failed[0]
    if failed:
        said: dict[str, int] = {}  # the list of formats this tool reads, once: where it was said first
        described = []
        for number, error in enumerate(failed, start=1):
            head, sep, tail = error.describe().partition("; expected ")
            described.append(head + (f"; expected a format listed in ({said[tail]})" if sep and tail in said
                                     else sep + tail))
            said.setdefault(tail, number)
        raise InputFormatError(f"{len(failed)} files cannot be read, so none was loaded: "
                               + "; ".join(f"({number}) {text}" for number, text in enumerate(described, start=1)))
    if all(isinstance(o, NoRecordsError) for o in outcomes):
        raise next(o for o in outcomes if isinstance(o, NoRecordsError))
    read_files: list[tuple[dict[str, pd.DataFrame], SourceReport]] = []
    for outcome in outcomes:
        if isinstance(outcome, InputFormatError):  # only empty files are left
            report = SourceReport(outcome.file or "export", EMPTY_FORMAT)
            report.caution(f"{outcome.message.split(';')[0]}: skipped; if it should hold data, export it again")
            read_files.append(({}, report))
        else:
            read_files.append(outcome)
    return read_files


_EVENT_TIMES = {
    "pull_requests": ("created_at", "merged_at", "closed_at"), "reviews": ("submitted_at",),
    "deployments": ("deployed_at",), "incidents": ("created_at", "resolved_at"), "changes": ("committed_at",),
    "work_items": ("created_at", "resolved_at"), "ai_daily": ("date",), "ai_user_days": ("date",),
    "seats": ("assigned_at", "last_activity_at"),
}
"""Columns holding things that already happened (a seat's pending cancellation may lie ahead)."""

_IN_ORDER = {"pull_requests": [("created_at", "merged_at")], "incidents": [("created_at", "resolved_at")]}
"""(start, end) columns whose difference is a measured duration: an end before its start is a broken export."""

_COUNTS = {"pull_requests": ("additions", "deletions"),
           "ai_daily": ("active_users", "suggestions", "acceptances"),
           "ai_user_days": ("suggestions", "acceptances", "cost")}
"""Counts a negative value of would pass into the metrics: PR sizes, mean active users, acceptance rate
(lines and engaged users feed no metric: the Copilot reader leaves a damaged one empty)."""

_FUTURE_SLACK = pd.Timedelta(days=1)
"""Naive local times read as UTC can be up to 14 hours ahead of the clock."""


def _record(frame: pd.DataFrame, index: int) -> str:
    """How a message names the row at ``index`` (a dataset table's RangeIndex label): ``PR repo#12`` …"""
    row = frame.loc[index]
    if "number" in frame and "repo" in frame:
        return f"PR {row['repo']}#{row['number']}"
    for column, label in (("key", "issue"), ("deploy_id", "deployment"), ("incident_id", "incident"),
                          ("sha", "commit"), ("user", "user")):
        if column in frame:
            return f"{label} {safety.quote(row[column])}"
    if "date" in frame:
        return f"day {row['date']:%Y-%m-%d}"
    return "a record"


def _refuse_impossible(dataset: Dataset, now: pd.Timestamp | None = None) -> None:
    """Refuse events dated in the future, ends before starts and negative PR sizes: all mean a broken export.

    Each would flow silently into the metrics (a post period running to 2099, a negative cycle
    time, a negative mean PR size), so the file and the record are named instead.
    """
    limit = (now or pd.Timestamp.now(tz="UTC")) + _FUTURE_SLACK
    for table, columns in _EVENT_TIMES.items():
        frame = getattr(dataset, table)
        for column in columns:
            late = frame[column] > limit
            if late.any():
                index = late.idxmax()
                source = frame.at[index, "source"]
                theirs = _column_name(dataset, source, table, column)
                raise InputFormatError(
                    f"{_record(frame, index)} has {theirs} {frame.at[index, column]:%Y-%m-%d %H:%M} UTC, in "
                    f"the future (now {limit - _FUTURE_SLACK:%Y-%m-%d %H:%M} UTC); an export cannot hold "
                    "events that have not happened: check the date format, the time zone and the computer's "
                    "clock",
                    file=source, column=theirs)
    for table, pairs in _IN_ORDER.items():
        frame = getattr(dataset, table)
        for start, end in pairs:
            early = frame[end] < frame[start]
            if early.any():
                index = early.idxmax()
                source = frame.at[index, "source"]
                theirs, since = (_column_name(dataset, source, table, c) for c in (end, start))
                raise InputFormatError(
                    f"{_record(frame, index)} has {theirs} {frame.at[index, end]:%Y-%m-%d %H:%M} UTC, before "
                    f"its {since} {frame.at[index, start]:%Y-%m-%d %H:%M} UTC; export it again (or correct "
                    "the edited row): its duration would be negative", file=source, column=theirs)
    for table, columns in _COUNTS.items():
        frame = getattr(dataset, table)
        for column in columns:
            negative = frame[column] < 0
            if negative.any():
                index = negative.idxmax()
                source = frame.at[index, "source"]
                theirs = _column_name(dataset, source, table, column)
                raise InputFormatError(
                    f"{_record(frame, index)} has {frame.at[index, column]:g} {theirs}; counts are never "
                    "negative: export the file again (or remove the edited rows)", file=source, column=theirs)


def _column_name(dataset: Dataset, source: str, table: str, column: str) -> str:
    """The name ``source`` gives canonical ``column`` of ``table`` (messages name what the user sees)."""
    report = next((r for r in dataset.sources if r.file == source), None)
    return report.column_name(table, column) if report is not None else column


def _by_name(reports: list[SourceReport]) -> dict[str, SourceReport]:
    return {r.file: r for r in reports}


def _count_skipped(frame: pd.DataFrame, mask: np.ndarray, reason: str, reports: list[SourceReport]) -> None:
    if not mask.any():
        return
    by_name = _by_name(reports)
    for source, count in frame.loc[mask, "source"].value_counts().items():
        by_name[source].skip(reason, int(count))


def _chunks(column: pd.Series) -> list[pa.Array]:
    """A text column's Arrow chunks as ``string`` (Arrow-backed columns are not copied)."""
    found = pa.array(column, pa.string(), from_pandas=True)
    return found.chunks if isinstance(found, pa.ChunkedArray) else [found]


def _first_rows(keys: pa.ChunkedArray, lookup: pa.Array) -> np.ndarray:
    """Per key, the first row of ``lookup`` holding it, else -1 (a null key matches nothing).

    A hash join on all cores (Arrow's Acero): twice as fast as ``index_in`` on 3M keys.  A key
    found in several rows (a PR exported twice) keeps its first row, as ``index_in`` would.
    """
    left = pa.table({"key": keys, "at": pa.array(np.arange(len(keys), dtype=np.int64))})
    right = pa.table({"key": lookup, "row": pa.array(np.arange(len(lookup), dtype=np.int64))})
    joined = left.join(right, "key", join_type="inner", use_threads=True)
    at, row = joined.column("at").to_numpy(), joined.column("row").to_numpy()
    first = np.full(len(keys), len(lookup), np.int64)
    np.minimum.at(first, at, row)  # the join's rows come in no set order
    first[first == len(lookup)] = -1
    return first


def _attach_gitlab_notes(parts: dict[str, list[pd.DataFrame]], reports: list[SourceReport]) -> None:
    """GitLab notes name their MR's project by ``project_id``; the MR reader named it by its path (from
    ``web_url``): give the notes the path of their project's MRs, so that they join on (repo, number).
    Deployments named by their pipeline's ``project_id`` get the path the same way.

    Notes of a project no MR file names keep the project id as ``repo``: the metrics count them as
    reviews of a PR not in the exports, as they do GitHub reviews without their pull requests.
    """
    paths = parts.pop(gitlab.PROJECT_PATHS, [])
    named = {r.file for r in reports if r.format in ("gitlab_mr_notes", "gitlab_deployments")}
    if not named or not paths:
        return
    path = pd.concat(paths, ignore_index=True).drop_duplicates("project").set_index("project")["repo"]
    for table in ("reviews", "deployments"):  # deployments: their project, for change lead time
        parts[table] = [frame.assign(repo=frame["repo"].map(path).fillna(frame["repo"]))
                        if len(frame) and frame["source"].iloc[0] in named else frame for frame in parts.get(table, [])]


_UNNAMED_FORMATS = ("github_gh_cli", "github_graphql")
"""Formats whose PRs may name no repository: gh output without 'url', GraphQL pages without it or nameWithOwner."""

_GITHUB_FORMATS = ("github_pulls", "github_reviews", *_UNNAMED_FORMATS)
"""The files whose repositories unnamed GitHub PRs can be matched to (a GitLab project is no GitHub repository)."""

_ADD_THE_REPOSITORY = ("gh pr list --state all --json url,number,author,createdAt,mergedAt,closedAt,isDraft,"
                       "additions,deletions,labels,reviews; a GraphQL query: url in the pullRequests nodes, or "
                       "nameWithOwner under repository")
"""How to export GitHub PRs with their repository."""


def _name_unnamed_prs(parts: dict[str, list[pd.DataFrame]], reports: list[SourceReport]) -> set[str]:
    """Give PRs that name no repository the one repository the other GitHub files name.

    PRs are matched on (repo, number): without this, a GraphQL page or gh output without ``url`` keyed its PRs
    ("", number) and the same PRs in a REST export, (repo, number), were counted twice, and REST reviews matched
    none of its PRs.  The repository is the only one the other files' PRs name, else the only one their reviews
    name; the file's caution says so.  Beside PRs of several repositories the file is refused: which of them
    its PRs belong to cannot be told.  Beside reviews of several repositories (and no named PRs) the PRs stay
    unnamed and the caution says why no review matches them.

    Returns the files whose PRs were given a repository (:func:`_refuse_different_prs` checks that the PRs
    they share with the other files are the same PRs).
    """
    def source(frame: pd.DataFrame) -> str:
        return str(frame["source"].iloc[0]) if len(frame) else ""

    formats = {r.file: r.format for r in reports}
    pulls = [f for f in parts.get("pull_requests", []) if formats.get(source(f)) in _GITHUB_FORMATS]
    unnamed = [source(f) for f in pulls if formats[source(f)] in _UNNAMED_FORMATS and f["repo"].eq("").any()]
    if not unnamed:
        return set()
    by_name = _by_name(reports)
    named = sorted({str(r) for f in pulls for r in f["repo"].unique() if r})
    reviewed = sorted({str(r) for f in parts.get("reviews", []) if formats.get(source(f)) == "github_reviews"
                       for r in f["repo"].unique() if r})
    listed = ", ".join(safety.quote(r, 60) for r in (named or reviewed)[:5]) + (", …" if len(named or reviewed) > 5
                                                                                 else "")
    if len(named) > 1:
        raise InputFormatError(
            f"its PRs name no repository (no 'url'), while the other files hold PRs of {len(named)} repositories "
            f"({listed}): which one they belong to cannot be told, and a PR in both would be counted twice; export "
            f"it again with the repository ({_ADD_THE_REPOSITORY})", file=unnamed[0], column="url")
    if not named and len(reviewed) != 1:
        for file in unnamed if reviewed else []:
            _replace_caution(by_name[file], NO_REPO_CAUTION, (
                f"its PRs name no repository (no 'url'), and the reviews name {len(reviewed)} repositories "
                f"({listed}): no review can be matched to its PRs, so they have no review times and no reviewers; "
                f"export it again with the repository ({_ADD_THE_REPOSITORY})"))
        return set()
    target, whose, outcome = ((named[0], "PRs", "a PR in both is counted once") if named else
                              (reviewed[0], "reviews", "their reviews are matched to its PRs"))
    for table in ("pull_requests", "reviews"):  # a gh or GraphQL file's reviews carry its PRs' repo
        parts[table] = [frame.assign(repo=frame["repo"].where(frame["repo"].ne(""), target))
                        if source(frame) in unnamed else frame for frame in parts.get(table, [])]
    for file in unnamed:
        _replace_caution(by_name[file], NO_REPO_CAUTION, (
            f"its PRs name no repository (no 'url'): they are taken as {safety.quote(target, 60)}'s, the only "
            f"repository the other files' {whose} name, so {outcome}; if they are another repository's, export it "
            f"again with the repository ({_ADD_THE_REPOSITORY})"))
    return set(unnamed)


def _replace_caution(report: SourceReport, old: str, new: str) -> None:
    """``report``'s caution ``old`` (and its note) said as ``new``, where ``old`` stood."""
    for said in (report.notes, report.cautions):
        if old in said:
            said[said.index(old)] = new
    report.caution(new)


def _name_devlake_reviewers(parts: dict[str, list[pd.DataFrame]], reports: list[SourceReport]) -> None:
    """DevLake comments name their author by account id (``github:GithubAccount:1:7496278``), its PRs by login
    (``author_name``): give each reviewer the login the ``accounts`` table, else a PR's ``author_id``, pairs
    with the id, so that a PR author's own reply is not taken for a review and a bot's login is seen as one.

    Reviewers still known only by an id are counted on the comments file's caution: bots among them
    (Copilot's reviewer) cannot be told from people.
    """
    names = parts.pop(devlake.ACCOUNT_NAMES, [])
    distinct = {str(f["source"].iloc[0]): f["reviewer"] for f in parts.pop(devlake.REVIEWER_IDS, []) if len(f)}
    comment_files = {r.file for r in reports if r.format == "devlake_pull_request_comments"}
    if not comment_files:
        return
    pairs = pd.concat(names, ignore_index=True) if names else pd.DataFrame(columns=["account_id", "login", "rank"])
    # The accounts table's login first, then a PR author's.
    login = pairs.sort_values("rank", kind="stable").drop_duplicates("account_id").set_index("account_id")["login"] \
        .astype(object)
    by_name = _by_name(reports)
    export_accounts = ("the accounts table loaded lacks them: export it whole (SELECT * FROM accounts)"
                       if any(r.format == "devlake_accounts" for r in reports)
                       else "add the accounts table (SELECT * FROM accounts)")
    named = []
    for frame in parts.get("reviews", []):
        if not len(frame) or str(frame["source"].iloc[0]) not in comment_files:
            named.append(frame)
            continue
        source = str(frame["source"].iloc[0])
        ids = pd.Series(distinct.get(source, pd.Series(dtype=object)), dtype=object)  # found in its reading thread
        logins = ids.map(login)
        renamed = logins.astype(object).fillna(ids)
        if logins.notna().any():  # 300,000 comments of a few thousand accounts: each renamed once
            codes = frame[devlake.REVIEWER_CODE].to_numpy()
            reviewer = pc.take(pa.array([*renamed, "ghost"], pa.string()),
                               pa.array(np.where(codes < 0, len(renamed), codes)))
            frame = frame.assign(reviewer=pd.Series(reviewer.to_pandas(), index=frame.index),
                                 reviewer_is_bot=np.append(bot_mask(renamed).to_numpy(), False)[codes])
        unpaired = renamed[renamed.str.contains(devlake.ACCOUNT_ID, na=False).to_numpy()]
        if len(unpaired):
            by_name[source].caution(
                f"{len(unpaired):,} reviewer(s) are named only by their DevLake account id (account_id, e.g. "
                f"{safety.quote(str(unpaired.iloc[0]), 40)}), which no accounts table or PR author_id pairs with a "
                "login: bots among them (Copilot's reviewer, say) count as reviewers, and a PR author's reply by an "
                f"unpaired id as a review; {export_accounts}")
        named.append(frame)
    parts["reviews"] = named


def ship_merged_prs(dataset: Dataset, deployed_repos: list[pd.DataFrame]) -> Dataset:
    """Each merged PR as shipped by its repository's first kept deployment at or after its merge, linked
    through its merge commit (``deployment_changes``; :func:`~roi.ingest.tables.shipping_deployments`).

    A DevLake deployment-commit row names the commit a deployment deployed in a repository (``repo_id``, as the
    PRs' ``base_repo_id``), not every commit it shipped: everything merged since the previous deployment went
    with it.  Linked only by that commit, lead time counted the few PRs whose merge commit was the one deployed.
    A deployment of several repositories ships each one's PRs.
    """
    if not deployed_repos or not len(dataset.deployments) or not len(dataset.pull_requests):
        return dataset
    deployed = pd.concat(deployed_repos, ignore_index=True).drop_duplicates().merge(
        dataset.deployments[["deploy_id", "deployed_at"]].drop_duplicates("deploy_id"), on="deploy_id")
    pulls = dataset.pull_requests.dropna(subset=["merge_commit_sha"])
    shipping, shipped = shipping_deployments(deployed, pulls)
    links = pd.DataFrame({"deploy_id": deployed["deploy_id"].to_numpy()[shipping],
                          "sha": pulls["merge_commit_sha"].to_numpy()[shipped]})
    return replace(dataset, deployment_changes=pd.concat([dataset.deployment_changes, links], ignore_index=True)
                   .drop_duplicates(ignore_index=True))


def _attach_devlake_reviews(parts: dict[str, list[pd.DataFrame]],
                            reports: list[SourceReport]) -> list[np.ndarray] | None:
    """DevLake comments name their PR by its DevLake ``id``: map it to (repo, number).

    Returns, for each frame of ``parts["reviews"]`` afterwards, each review's row in the
    concatenated ``pull_requests`` parts (-1: not matched here); None when no review needed it.
    """
    ids = parts.pop(devlake.PR_ID_MAP, [])
    if not any((f["number"] == -1).any() for f in parts.get("reviews", [])):
        return None
    lookup = pd.concat(ids, ignore_index=True) if ids else pd.DataFrame(columns=["pr_id", "repo", "number",
                                                                                 "pull_row"])
    resolved, pending_frames, rows = [], [], []
    for frame in parts["reviews"]:
        pending = frame["number"].eq(-1)
        if not pending.all():
            resolved.append(frame[~pending])
            rows.append(np.full(int((~pending).sum()), -1, np.int64))
        if pending.any():
            pending_frames.append(frame[pending] if not pending.all() else frame)
    # One join for every file (hashing a million ids is the costly part); the frames stay apart,
    # so their categorical sources are not concatenated into strings.
    # 32-bit offsets: Acero joins large_string keys five times slower.
    # A DevLake comment file's ids are categorical: only its distinct ids are joined.
    keyed = [(pd.Series(f["repo"].array.categories), f["repo"].array.codes)
             if isinstance(f["repo"].dtype, pd.CategoricalDtype) else (f["repo"], None) for f in pending_frames]
    keys = pa.chunked_array([chunk for ids_, _ in keyed for chunk in _chunks(ids_)], pa.string())
    found = _first_rows(keys, pa.array(lookup["pr_id"], pa.string()))
    # The repository as a categorical of the few repositories: 3M copies of its name would be
    # the costliest part of the attach (and each would be hashed again to match reviews to PRs).
    repo_codes, repo_names = pd.factorize(lookup["repo"])
    numbers, pull_rows = lookup["number"].to_numpy(), lookup["pull_row"].to_numpy(np.int64)
    offset = 0
    for frame, (ids_, codes) in zip(pending_frames, keyed):
        position = found[offset:offset + len(ids_)]
        offset += len(ids_)
        if codes is not None:
            position = np.where(codes < 0, -1, position[codes])
        missing = position < 0
        _count_skipped(frame, missing, "review of a PR not in the exports", reports)
        if missing.any():
            frame, position = frame[~missing], position[~missing]
        resolved.append(frame.assign(repo=pd.Categorical.from_codes(repo_codes[position], categories=repo_names),
                                     number=numbers[position].astype("int64")))
        rows.append(pull_rows[position])
    parts["reviews"] = resolved
    return rows


def _duplicated(frame: pd.DataFrame, columns: list[str], order: np.ndarray | None = None) -> np.ndarray:
    """True for every copy of a key but the last (equal nulls are equal); with ``order`` (a permutation of
    the rows), the last in that order.

    The columns' integer codes are packed into one integer per row, so a million keys are hashed
    once, as numbers; too many distinct values to pack fall back to comparing the codes row-wise.
    """
    codes = [pd.factorize(frame[c], use_na_sentinel=False) for c in columns]
    if math.prod(max(len(uniques), 1) for _, uniques in codes) < 2**62:
        key = np.zeros(len(frame), np.int64)
        for column_codes, uniques in codes:
            key = key * len(uniques) + column_codes
        keys: pd.Series | pd.DataFrame = pd.Series(key)
    else:
        keys = pd.DataFrame({c: column_codes for c, (column_codes, _) in zip(columns, codes)})
    if order is None:
        return keys.duplicated(keep="last").to_numpy()
    duplicated = np.empty(len(frame), bool)
    duplicated[order] = keys.iloc[order].duplicated(keep="last").to_numpy()
    return duplicated


def _duplicated_preferring(frame: pd.DataFrame, columns: list[str], priority: np.ndarray) -> np.ndarray:
    """:func:`_duplicated`, keeping of each key the copy of highest ``priority`` (of equals, the last)."""
    priority = np.asarray(priority)
    if not len(priority) or priority.min() == priority.max():  # the usual case: no order to apply
        return _duplicated(frame, columns)
    # Only the keys are put in order: reordering the whole frame copied every column (0.4 s for 1M PRs).
    return _duplicated(frame, columns, priority.argsort(kind="stable"))


_DAY_COUNTS = ["active_users", "suggestions", "acceptances"]


def _refuse_conflicting_days(dataset: Dataset) -> None:
    """The same Copilot day in two files must carry the same numbers: two teams' exports are not two copies.

    Keeping one copy of each day would silently drop the other team's users.
    """
    daily = dataset.ai_daily
    if daily["source"].nunique() < 2:
        return
    shared = daily[daily.duplicated("date", keep=False)]
    conflict = shared.groupby("date")[_DAY_COUNTS].nunique(dropna=False).gt(1)
    if not conflict.any(axis=None):
        return
    day = conflict.index[conflict.any(axis=1).to_numpy()][0]
    column = conflict.columns[conflict.loc[day].to_numpy()][0]
    rows = shared[shared["date"].eq(day)]
    first = rows.iloc[0]
    other = rows[rows[column].ne(first[column])].iloc[0]
    here, there = (_column_name(dataset, r["source"], "ai_daily", column) for r in (other, first))
    raise InputFormatError(
        f"holds other Copilot numbers for {day:%Y-%m-%d} than {first['source']} ({here} {other[column]:g} "
        f"here, {'' if there == here else there + ' '}{first[column]:g} there): are they two teams' exports? "
        "Load one organisation-wide export for the period (the same day in two files must carry the same "
        "numbers)", file=other["source"], column=here)


def _refuse_different_prs(dataset: Dataset, pulls: pd.DataFrame, duplicated: np.ndarray, matched: set[str]) -> None:
    """PRs that name no repository (gh output without 'url') and share a number must be one PR: another
    creation time means PRs of two repositories, and keeping one copy would drop the other silently.

    ``matched``: files whose unnamed PRs :func:`_name_unnamed_prs` took as the other files' repository's; a PR
    they share with those files must be the same PR too, or they are another repository's."""
    guessed = pulls["repo"].eq("").to_numpy(copy=True)
    if matched:
        guessed |= pulls["source"].astype("object").isin(matched).to_numpy()
    if not guessed.any():
        return
    dropped = pulls[duplicated & pulls["number"].isin(pulls.loc[guessed, "number"]).to_numpy()]
    kept = pulls[~duplicated & pulls["number"].isin(dropped["number"]).to_numpy()]
    dropped, kept = (frame.assign(guessed=guessed[frame.index]) for frame in (dropped, kept))
    pairs = dropped.merge(kept, on=["repo", "number"], suffixes=("", "_kept"))
    differ = pairs[(pairs["guessed"] | pairs["guessed_kept"]) & pairs["created_at"].ne(pairs["created_at_kept"])]
    if differ.empty:
        return
    row = differ.iloc[0]
    if row["repo"]:  # a file's unnamed PRs taken as the only repository the other files name
        file = row["source"] if row["source"] in matched else row["source_kept"]
        raise InputFormatError(
            f"holds PR #{row['number']} created {row['created_at']:%Y-%m-%d %H:%M} UTC, but {row['source_kept']} "
            f"holds PR #{row['number']} created {row['created_at_kept']:%Y-%m-%d %H:%M} UTC: {file}'s PRs name no "
            f"repository and were taken as {safety.quote(row['repo'], 60)}'s, the only one the other files name, "
            f"but they are another repository's; export it again with the repository ({_ADD_THE_REPOSITORY})",
            file=row["source"], column=_column_name(dataset, row["source"], "pull_requests", "number"))
    raise InputFormatError(
        f"holds PR #{row['number']} created {row['created_at']:%Y-%m-%d %H:%M} UTC, but {row['source_kept']} holds "
        f"PR #{row['number']} created {row['created_at_kept']:%Y-%m-%d %H:%M} UTC: PRs of two repositories? The "
        "files do not name the repository: export them with it (gh: add url to the --json fields; a mapped CSV: map "
        "its repo column)", file=row["source"],
        column=_column_name(dataset, row["source"], "pull_requests", "number"))


_FILLED_FROM_COPIES = (("assignee",), ("additions", "deletions"), ("merge_commit_sha",), ("labels",),
                       ("ai_evidence",))
"""PR fields a kept copy takes from a dropped one when it lacks them (sizes as a pair, from one copy)."""


def _fill_from_copies(pulls: pd.DataFrame, duplicated: np.ndarray) -> pd.DataFrame:
    """The kept copy of each PR, with what only its dropped copies hold: a list page's assignees and labels
    beside a detail or gh export's sizes (the AI-user cohort and labels come from them).  Of several copies
    holding a field, the one later in the rows gives it; an AI-agent mark from any copy stays."""
    kept = pulls[~duplicated].reset_index(drop=True)
    copies = pulls[duplicated].merge(kept[["repo", "number"]].reset_index(names="kept_row"), on=["repo", "number"])
    def missing(frame: pd.DataFrame, column: str) -> np.ndarray:
        return (frame[column].isna() | frame[column].eq("")).to_numpy(bool)

    for fields in _FILLED_FROM_COPIES:
        donors = copies[~missing(copies, fields[0])]
        donors = donors[missing(kept.iloc[donors["kept_row"].to_numpy()], fields[0])]
        donors = donors.drop_duplicates("kept_row", keep="last")
        if len(donors):
            kept.loc[donors["kept_row"].to_numpy(), list(fields)] = donors[list(fields)].to_numpy()
    agents = copies.loc[copies["ai_agent"].to_numpy(bool), "kept_row"].to_numpy()
    kept.loc[agents, "ai_agent"] = True
    return kept


def _sizes_from_other_files(sources: pd.DataFrame, kept: pd.DataFrame, reports: list[SourceReport]) -> None:
    """A list page's "no PR sizes" note, said of PRs whose sizes another file gave: how many of its PRs have them.

    ``sources``: every copy's (source, repo, number) before de-duplication; ``kept``: the PRs kept, with
    what their copies filled in.  "Add the detail objects" beside a detail file already loaded sent the
    user looking for a file they had given."""
    sized = kept.loc[kept["additions"].notna(), ["repo", "number"]].drop_duplicates()
    for report in reports:
        if NO_SIZES_NOTE not in report.notes:
            continue
        theirs = sources.loc[sources["source"].astype("object").eq(report.file).to_numpy(), ["repo", "number"]]
        theirs = theirs.drop_duplicates()
        covered = len(theirs.merge(sized, on=["repo", "number"]))
        if not covered:
            continue
        every = "its one PR has" if len(theirs) == 1 else f"every one of its {len(theirs):,} PRs has"  # not "1 PRs"
        said = (f"{every} them from another file (the detail objects, gh or GraphQL "
                "output of the same PRs)" if covered == len(theirs) else
                f"{covered} of its {len(theirs)} PRs have them from another file; add the detail objects, gh or "
                "GraphQL output of the others for their pr_size_loc")
        report.notes[report.notes.index(NO_SIZES_NOTE)] = f"list pages carry no PR sizes (additions/deletions): {said}"


def _count_duplicates(keyed: pd.DataFrame, duplicated: np.ndarray, reports: list[SourceReport]) -> None:
    """Count the copies left out, each as repeated in its own file or as a duplicate of another file's row
    (``keyed``: the key columns and ``source``; each key's kept copy is the row not ``duplicated``)."""
    dropped = keyed[duplicated]
    kept = keyed[~duplicated].drop_duplicates()
    same_file = dropped.merge(kept, how="left", indicator=True)["_merge"].eq("both").to_numpy()
    _count_skipped(dropped, same_file, "repeated in the same file (one copy is kept)", reports)
    _count_skipped(dropped, ~same_file, "duplicate of a row in another file", reports)


def _deduplicate(dataset: Dataset, reports: list[SourceReport], matched: set[str] | None = None) -> Dataset:
    """The same record in several pages or files is kept once (FORMATS.md: dedupe on repo+number).

    ``matched``: files whose PRs were given the other files' repository (:func:`_name_unnamed_prs`)."""
    pulls = dataset.pull_requests
    if len(pulls):
        # Prefer the copy further along (merged, then closed: an export taken later, whichever file came
        # last), then the one with sizes (detail over list), then the later file.
        progress = np.where(pulls["merged_at"].notna(), 2, np.where(pulls["closed_at"].notna(), 1, 0))
        duplicated = _duplicated_preferring(pulls, ["repo", "number"], progress * 2 + pulls["additions"].notna())
        if duplicated.any():
            _refuse_different_prs(dataset, pulls, duplicated, matched or set())
            _count_skipped(pulls, duplicated, "duplicate of a PR in another page or file", reports)
            listed = any(NO_SIZES_NOTE in report.notes for report in reports)
            sources = pulls[["source", "repo", "number"]] if listed else None
            pulls = _fill_from_copies(pulls, duplicated)
            if sources is not None:
                _sizes_from_other_files(sources, pulls, reports)
    out = {"pull_requests": pulls}
    # Reviews are not deduplicated: a repeated review changes neither a first-review time nor a
    # count of distinct reviewers, and 3M rows would cost seconds.
    keys = {"work_items": ["key"],
            "deployments": ["deploy_id"], "incidents": ["incident_id"], "changes": ["sha"], "ai_daily": ["date"],
            "ai_user_days": ["date", "user"], "seats": ["user"]}
    _refuse_conflicting_days(dataset)
    formats = {report.file: report.format for report in reports}
    for table, columns in keys.items():
        frame = getattr(dataset, table)
        if len(frame):
            keyed = frame[columns]
            if table == "ai_user_days":  # a person's Cursor day and Claude Code day are two tools' use, not copies
                keyed = keyed.assign(tool=frame["source"].astype("object").map(formats))
                duplicated = _duplicated(keyed, list(keyed.columns))
            elif "resolved_at" in frame:  # a resolved copy is the later one (work items, incidents)
                duplicated = _duplicated_preferring(frame, columns, frame["resolved_at"].notna().to_numpy())
            else:
                duplicated = _duplicated(frame, columns)
            if duplicated.any():
                _count_duplicates(keyed.assign(source=frame["source"].astype("object")), duplicated, reports)
                frame = frame[~duplicated].reset_index(drop=True)
        out[table] = frame
    for table in ("deployment_changes", "incident_changes"):
        out[table] = getattr(dataset, table).drop_duplicates().reset_index(drop=True)
    return with_tables(dataset, **out)


def suggest_adoption_date(dataset: Dataset) -> date | None:
    """The day the AI tool arrived: the first seat assignment, else the first day with active users."""
    if len(dataset.seats) and dataset.seats["assigned_at"].notna().any():
        return dataset.seats["assigned_at"].min().date()
    daily = dataset.ai_daily
    if len(daily):
        active = daily.loc[daily["active_users"].fillna(0) > 0, "date"]
        if len(active):
            return active.min().date()
    users = dataset.ai_user_days
    if len(users) and users["active"].any():
        return users.loc[users["active"], "date"].min().date()
    return None


def demo_files() -> list[Path]:
    """The demo organisation's export files."""
    return sorted(p for p in DEMO_DIR.iterdir() if p.is_file() and not p.name.startswith((".", "README")))


def load_demo() -> Dataset:
    """The bundled demo organisation (about 120 developers, six months either side of 2025-03-03)."""
    return read_exports(demo_files())


__all__ = ["DEMO_ADOPTION_DATE", "DEMO_DIR", "Dataset", "FORMATS", "SCHEMAS", "SourceReport", "check_files",
           "demo_files", "detect", "load_demo", "read_exports", "read_file", "suggest_adoption_date"]
