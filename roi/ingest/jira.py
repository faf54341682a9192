"""Jira Cloud CSV exports ("all fields" and "current fields"), in any UI language.

FORMATS.md §4.  Quirks handled: UTF-8 BOM and CRLF; ``;`` delimiters; title rows above the
header (Excel re-saves); Windows-1252; repeated columns (``Sprint``, ``Labels`` …); localised
headers, issue types and month names (``12/Mar/24 3:04 PM``, ``19/ago/25 18:06``,
``19.08.2025 18:06``); numeric dates of Excel re-saves, with a time or without, day first unless a
value of the column reads only month first (``19/08/2025``, ``11/25/2025 22:00``); decimal commas; no
Resolution column (won't-do issues are then told by their Status).  Dates carry no offset: they are in the exporting user's profile time zone, read
in the time zone given (UTC unless told) and said so.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from roi.errors import InputFormatError
from roi.ingest._common import (EARLIEST_DATE, LATEST_DATE, SourceReport, absent_throughout, decode_text, find_column,
                                header_row, implausible_date, localize, numbers, read_csv_text,
                                sniff_lines_delimiter, timestamps, work_item_tables)
from roi.safety import quote

KEY = ("Issue key", "Clave de incidencia", "Clave", "Vorgangsschlüssel", "Schlüssel", "Clé", "Clé de ticket",
       "Chave", "Chiave", "Sleutel", "Klucz")
TYPE = ("Issue Type", "Tipo de Incidencia", "Vorgangstyp", "Type de ticket", "Tipo de item", "Tipo di ticket",
        "Tipo de ticket")
STATUS = ("Status", "Estado", "Statut", "État", "Stato", "Situação")
STATUS_CATEGORY = ("Status Category", "Categoría de estado", "Statuskategorie", "Catégorie d'état",
                   "Categoria di stato")
RESOLUTION = ("Resolution", "Resolución", "Lösung", "Résolution", "Risoluzione", "Resolução")
CREATED = ("Created", "Creada", "Creado", "Erstellt", "Création", "Créé", "Creato", "Criado")
RESOLVED = ("Resolved", "Resuelta", "Resuelto", "Erledigt", "Gelöst", "Résolu", "Résolue", "Risolto", "Resolvido")
ASSIGNEE = ("Assignee", "Persona asignada", "Responsable", "Bearbeiter", "Zugewiesene Person", "Assegnatario",
            "Responsável")
STORY_POINTS = ("Custom field (Story Points)", "Custom field (Story point estimate)",
                "Campo personalizado (Story Points)", "Campo personalizado (Story point estimate)",
                "Benutzerdefiniertes Feld (Story Points)", "Champ personnalisé (Story Points)", "Story Points",
                "Story point estimate")

KINDS = {
    "bug": {"bug", "error", "fehler", "bogue", "defect", "defecto", "errore", "defeito"},
    "incident": {"incident", "incidente", "vorfall", "incidence"},
    "epic": {"epic", "épica", "epos", "épopée", "epica"},
    "subtask": {"sub-task", "subtask", "subtarea", "sub-tarea", "unteraufgabe", "sous-tâche", "sotto-task",
                "subtarefa"},
    "story": {"story", "historia", "user story", "geschichte", "histoire", "storia", "história"},
    "task": {"task", "tarea", "aufgabe", "tâche", "attività", "tarefa"},
}
DONE_CATEGORIES = {"done", "listo", "hecho", "fertig", "erledigt", "terminé", "completato", "concluído", "finalizado"}
NOT_DONE_RESOLUTIONS = {
    # Jira's resolutions and the statuses teams close such work with, as `_folded` writes them
    # (apostrophes and accents dropped: "Won’t Do", "wont do" and "Won't Do" are one value).
    "wont do", "wont fix", "duplicate", "cannot reproduce", "cant reproduce", "declined", "rejected",
    "incomplete", "cancelled", "canceled",
    "no se hara", "no se resolvera", "no se corregira", "duplicado", "duplicada", "no se puede reproducir",
    "rechazado", "rechazada", "cancelado", "cancelada", "incompleto",
    "wird nicht erledigt", "wird nicht behoben", "duplikat", "nicht reproduzierbar",
    "kann nicht reproduziert werden", "abgelehnt", "abgebrochen", "storniert", "unvollstandig",
    "ne sera pas fait", "ne sera pas realise", "ne sera pas corrige", "doublon", "impossible a reproduire",
    "ne peut etre reproduit", "refuse", "rejete", "annule", "incomplet",
    "non verra eseguito", "non verra risolto", "non verra corretto", "non risolvero", "duplicato", "duplicata",
    "impossibile riprodurre", "non riproducibile", "rifiutato", "rifiutata", "respinto", "annullato", "annullata",
    "incompleta",
    "nao sera feito", "nao sera corrigido", "nao sera resolvido", "nao e possivel reproduzir",
    "nao foi possivel reproduzir", "recusado", "recusada", "rejeitado", "rejeitada",
    "wordt niet gedaan", "wordt niet opgelost", "duplicaat", "kan niet reproduceren", "afgewezen", "geannuleerd",
    "onvolledig",
    "nie zostanie wykonane", "nie zostanie naprawione", "nie mozna odtworzyc", "odrzucone",
    "anulowane", "niekompletne",
    # Common custom resolutions of English-language Jira sites.
    "not a bug", "not an issue", "not a defect", "works as designed", "working as designed", "works as intended",
    "working as intended", "as designed", "by design", "obsolete", "invalid", "wont implement", "not reproducible",
    "unable to reproduce", "out of scope", "abandoned", "withdrawn", "superseded", "no longer relevant",
    "no longer needed", "not needed", "no action needed", "no action required", "no change required",
}
"""Resolutions (or, without one, statuses) of issues closed without doing the work [folded text]: Jira's own in
every language whose headers the reader knows (English, Spanish, German, French, Italian, Portuguese, Dutch,
Polish) and English custom ones common on Jira sites."""

DONE_RESOLUTIONS = {
    "done", "fixed", "resolved", "complete", "completed", "implemented", "delivered", "released", "deployed",
    "hecho", "listo", "resuelto", "resuelta", "corregido", "completado", "finalizado",
    "fertig", "erledigt", "behoben", "gelost", "abgeschlossen", "umgesetzt",
    "termine", "terminee", "fait", "resolu", "resolue", "corrige",
    "completato", "completata", "fatto", "risolto", "risolta", "corretto",
    "concluido", "concluida", "feito", "resolvido", "resolvida", "corrigido",
    "gereed", "klaar", "opgelost", "voltooid", "gotowe", "zrobione", "naprawione", "rozwiazane", "ukonczone",
}
"""Resolutions that mean the work was done [folded text]; any other resolution of a done issue is counted as
done and named in a caution (a custom "Parked" may mean it was not)."""

_MONTHS = {
    1: ("jan", "ene", "janv", "janvier", "januar", "jän", "gen", "enero"),
    2: ("feb", "febr", "févr", "fév", "fev", "februar", "febrero"),
    3: ("mar", "mär", "mrz", "märz", "mars", "marzo", "março"),
    4: ("apr", "abr", "avr", "avril", "april", "abril", "aprile"),
    5: ("may", "mai", "mag", "mayo", "maio"),
    6: ("jun", "juin", "giu", "juni", "junio", "junho"),
    7: ("jul", "juil", "lug", "juli", "julio", "julho"),
    8: ("aug", "ago", "août", "aou", "august", "agosto"),
    9: ("sep", "sept", "set", "september", "septiembre", "setembro"),
    10: ("oct", "okt", "ott", "out", "oktober", "octubre", "outubro"),
    11: ("nov", "november", "noviembre", "novembro"),
    12: ("dec", "dez", "dic", "déc", "dezember", "diciembre", "dezembro"),
}
_MONTH_NUMBER = {name: number for number, names in _MONTHS.items() for name in names}
_MONTH_WORD = re.compile(r"(?<=[\s/.\-])([^\W\d_]+)\.?(?=[\s/.\-])")
# Numeric dates read day first (Jira's own order, and a European Excel re-save's: 19/08/2025) unless a value
# of the column reads only month first; the order is decided over the whole column, with a time or without.
_DATE_FORMATS = ("%d/%m/%y %I:%M %p", "%d/%m/%Y %I:%M %p", "%d/%m/%y %H:%M", "%d/%m/%Y %H:%M",
                 "%d.%m.%Y %H:%M", "%d.%m.%y %H:%M", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S",
                 "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M",
                 "%d/%m/%y", "%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d",
                 # Month first: what Excel in a US locale writes when it re-saves the export (11/25/2025 22:00).
                 "%m/%d/%Y %H:%M", "%m/%d/%y %H:%M", "%m/%d/%Y %I:%M %p", "%m/%d/%y %I:%M %p", "%m/%d/%Y")


_ISO_WITH_OFFSET = r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})"
"""An ISO 8601 date-time with its offset: not what Jira writes, but what scripts and add-ons that export
Jira issues to CSV do (its REST API's ``2025-08-19T18:06:00.000+0200``)."""


def is_jira_header(cells: list[str]) -> bool:
    return find_column(cells, *KEY) is not None and find_column(cells, *CREATED) is not None


def _normalise_dates(text: pd.Series) -> pd.Series:
    """Month names to numbers and localised AM/PM to ``AM``/``PM``: ``19/ago/25 6:06 p. m.`` → ``19/8/25 6:06 PM``."""
    text = text.str.strip().str.replace(r"\s+", " ", regex=True)
    text = text.str.replace(r"(?i)\ba\.?\s?m\.?$", "AM", regex=True).str.replace(r"(?i)\bp\.?\s?m\.?$", "PM", regex=True)

    def month(match: re.Match[str]) -> str:
        number = _MONTH_NUMBER.get(match.group(1).casefold())
        return str(number) if number else match.group(0)

    return text.map(lambda v: _MONTH_WORD.sub(month, f" {v} ")[1:-1] if v else v)


def _folded(values: pd.Series) -> pd.Series:
    """Text compared without case, accents, apostrophes or extra spaces: ``Won’t  Do`` → ``wont do``."""
    text = values.astype(str).str.normalize("NFKD").str.replace(r"[\u0300-\u036f'’‘`´]", "", regex=True)
    return text.str.casefold().str.split().str.join(" ")


def declined(resolution: pd.Series | None, status: pd.Series | None) -> pd.Series:
    """Issues closed without doing the work (won't do, duplicate, cannot reproduce, declined …).

    The Resolution decides when the issue has one; otherwise the Status does: exports without a
    Resolution column (FORMATS.md §4: localised and Excel re-saved ones) and team-managed
    projects that move issues to a "Won't Do" status without setting a resolution.  At least one of
    the two columns is given.
    """
    if resolution is not None:
        resolved_as = _folded(resolution)
    else:
        assert status is not None  # the reader calls this only when the export has one of the columns
        resolved_as = pd.Series("", index=status.index)
    out = resolved_as.isin(NOT_DONE_RESOLUTIONS)
    if status is not None:
        out |= resolved_as.eq("") & _folded(status).isin(NOT_DONE_RESOLUTIONS)
    return out


def _caution_unknown_resolutions(resolution: pd.Series, done: np.ndarray, column_name: str,
                                 report: SourceReport) -> None:
    """Caution naming the resolutions of issues counted as done that are neither a known done word nor a known
    not-done one (a custom "Parked", a language the lists lack), with how many issues have each."""
    values = resolution[done].astype(str).str.strip()
    folded = _folded(values)
    unknown = values[folded.ne("").to_numpy() & ~folded.isin(DONE_RESOLUTIONS | NOT_DONE_RESOLUTIONS).to_numpy()]
    if unknown.empty:
        return
    counts = unknown.value_counts(sort=False)
    listed = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    named = ", ".join(f"{quote(value, 40)} ({count})" for value, count in listed[:10])
    more = f" and {len(listed) - 10} more" if len(listed) > 10 else ""
    report.caution(
        f"'{column_name}' values counted as done that are not known done words: {named}{more}; if one means the "
        "work was not done (won't do, duplicate, obsolete …), those issues count as completed tasks: give them "
        "a resolution such as Won't Do, or leave them out of the export")


_MONTH_FIRST = tuple(f for f in _DATE_FORMATS if f.startswith("%m/"))
_DAY_FIRST = tuple(f for f in _DATE_FORMATS if f.startswith("%d/%m"))


def month_first_only(values: pd.Series) -> bool:
    """True when the column reads only month first (11/25/2025 22:00): a US Excel re-save of the export."""
    text = values.astype(str).str.strip()
    clean = _normalise_dates(text[text.ne("")])
    if clean.empty:
        return False
    chosen = next((f for f in _DATE_FORMATS if pd.to_datetime(clean, format=f, errors="coerce").notna().all()), None)
    return chosen in _MONTH_FIRST


def parse_dates(values: pd.Series, name: str, column_name: str, timezone: str, row_offset: int,
                report: SourceReport | None = None, month_first: bool = False) -> pd.Series:
    """Jira's localised date-times as UTC; the first format that reads every value wins (day first before
    month first: 03/04/2025 is 3 April, and ``report`` says so when every value also reads month first).
    ``month_first``: another date column of the file reads only month first, so this one is read so too."""
    text = values.astype(str).str.strip()
    present = text.ne("")
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns, UTC]")
    if not present.any():
        return out
    clean = _normalise_dates(text[present])
    if clean.str.fullmatch(_ISO_WITH_OFFSET).all():
        # Written by a script or an add-on with its offset (2025-08-19T18:06:00+0200): the instant itself, read
        # as every other export's ISO times are.
        return timestamps(values, name, column_name, row_offset=row_offset)
    formats = (*_MONTH_FIRST, *(f for f in _DATE_FORMATS if f not in _MONTH_FIRST)) if month_first else _DATE_FORMATS
    for fmt in formats:
        parsed = pd.to_datetime(clean, format=fmt, errors="coerce")
        if parsed.notna().all():
            odd = ((parsed < EARLIEST_DATE.tz_localize(None)) | (parsed >= LATEST_DATE.tz_localize(None))).to_numpy()
            if odd.any():  # "30.03.0025": out of nanosecond range, it would not even convert
                first = int(np.flatnonzero(odd)[0])
                position = int(np.flatnonzero(present.to_numpy())[first])
                raise implausible_date(text[present].iloc[first], name, position + row_offset, column_name)
            if report is not None and fmt.startswith("%d/%m"):
                _note_day_first(parsed, clean, fmt, text[present], column_name, report)
            out[present] = localize(parsed, timezone)
            return out
    _refuse_mixed_orders(clean, text[present], present, name, column_name, row_offset)
    best = max(_DATE_FORMATS, key=lambda f: pd.to_datetime(clean, format=f, errors="coerce").notna().sum())
    parsed = pd.to_datetime(clean, format=best, errors="coerce")
    first = int(np.flatnonzero(parsed.isna().to_numpy())[0])
    position = int(np.flatnonzero(present.to_numpy())[first])
    raise InputFormatError(
        f"'{text[present].iloc[first]}' is not a date Jira writes; expected e.g. 12/Mar/24 3:04 PM, "
        "12/03/24 15:04, 12.03.2024 15:04 or 3/12/2024 15:04 like the rest of the column",
        file=name, row=position + row_offset, column=column_name)


def _refuse_mixed_orders(clean: pd.Series, text: pd.Series, present: pd.Series, name: str, column_name: str,
                         row_offset: int) -> None:
    """A column where one date reads only day first (13/02/2025) and another only month first (02/13/2025)
    cannot be read in one order: refused, naming both, rather than said not to be a date."""
    def reads(formats: tuple[str, ...]) -> np.ndarray:
        found = np.zeros(len(clean), bool)
        for fmt in formats:
            found |= pd.to_datetime(clean, format=fmt, errors="coerce").notna().to_numpy()
        return found

    day, month = reads(_DAY_FIRST), reads(_MONTH_FIRST)
    only_day, only_month = day & ~month, month & ~day
    if not (only_day.any() and only_month.any() and (day | month).all()):
        return
    rows = np.flatnonzero(present.to_numpy()) + row_offset
    first_day, first_month = int(np.flatnonzero(only_day)[0]), int(np.flatnonzero(only_month)[0])
    later = max(first_day, first_month)
    raise InputFormatError(
        f"'{text.iloc[first_day]}' (row {rows[first_day]}) reads only day first, '{text.iloc[first_month]}' "
        f"(row {rows[first_month]}) only month first: the column mixes two date orders (rows typed or re-saved "
        "in other locales); export it from Jira again, or write every date in one order",
        file=name, row=int(rows[later]), column=column_name)


def _note_day_first(parsed: pd.Series, clean: pd.Series, fmt: str, text: pd.Series, column_name: str,
                    report: SourceReport) -> None:
    """Numeric dates that read month first too (1/2/2025): say they were read day first."""
    if text.str.contains(r"\d[/.\-][^\W\d_]", regex=True).any():  # month names (1/Feb/25): no doubt
        return
    swapped = pd.to_datetime(clean, format=fmt.replace("%d/%m", "%m/%d"), errors="coerce")
    differ = (swapped.notna() & swapped.ne(parsed)).to_numpy()
    if swapped.notna().all() and differ.any():
        first = int(np.flatnonzero(differ)[0])
        day = parsed.iloc[first]
        report.caution(f"'{column_name}' has dates that read day first or month first ({text.iloc[first]}): "
                       f"read day first ({day.day} {day:%B}); if the file has month-first dates (a US Excel "
                       "re-save), export it from Jira again")


def issue_kind(types: pd.Series) -> pd.Series:
    """Localised issue type names as bug, incident, epic, subtask, story, task or other."""
    lower = types.astype(str).str.strip().str.casefold()
    out = pd.Series("other", index=types.index, dtype="object")
    for kind, names in KINDS.items():
        out[lower.isin(names)] = kind
    return out


def _story_points(frame: pd.DataFrame, points: str | None, name: str, row_offset: int,
                  report: SourceReport) -> pd.Series | float:
    """The story points column [points], or NaN: it feeds no metric, so a value that is not a plain number
    ("1,500", "TBD") leaves it empty with a note instead of refusing the file."""
    if points is None:
        return np.nan
    try:
        return numbers(frame[points], name, points, row_offset=row_offset)
    except InputFormatError as error:
        report.note(f"'{points}' not read (row {error.row}: {error.message}); story points feed no metric")
        return np.nan


def read_jira(name: str, data: bytes, report: SourceReport, timezone: str) -> dict[str, pd.DataFrame]:
    """A Jira CSV export as work items (and incidents for issues of type Incident)."""
    text = decode_text(data, name, report)
    lines = text.splitlines()[:30]
    delimiter = sniff_lines_delimiter(lines)
    skip = header_row(lines, delimiter, is_jira_header)
    if skip:
        report.note(f"{skip} title row(s) above the header skipped")
    frame = read_csv_text(text, name, delimiter, skip_rows=skip)
    report.rows = len(frame)
    row_offset = skip + 2  # spreadsheet row of the first data row
    key = find_column(frame.columns, *KEY)
    created = find_column(frame.columns, *CREATED)
    if key is None or created is None:
        missing = "Issue key" if key is None else "Created"
        raise InputFormatError(f"looks like a Jira export but has no '{missing}' column; export with that field",
                               file=name, column=missing)
    type_column = find_column(frame.columns, *TYPE)
    resolved = find_column(frame.columns, *RESOLVED)
    category = find_column(frame.columns, *STATUS_CATEGORY)
    resolution = find_column(frame.columns, *RESOLUTION)
    status = find_column(frame.columns, *STATUS)
    points = find_column(frame.columns, *STORY_POINTS)
    assignee = find_column(frame.columns, *ASSIGNEE)
    report.note(f"Jira writes times in the exporting user's time zone without an offset: read as {timezone}")
    report.name_columns("work_items", {"key": key, "created_at": created, "resolved_at": resolved})

    no_key = frame[key].str.strip().eq("")
    report.skip("row without an issue key", int(no_key.sum()))
    # "Generated at … by Jira" under the data, or a note typed below it in Excel: one filled cell, no date
    # (cells counted only in rows without a creation date: an all-fields export has hundreds of columns).
    suspect = np.flatnonzero(~no_key.to_numpy() & frame[created].str.strip().eq("").to_numpy())
    footer = np.zeros(len(frame), bool)
    footer[suspect] = frame.iloc[suspect].apply(lambda cells: cells.str.strip().ne("")).sum(axis=1).to_numpy() <= 1
    report.skip("note or footer row (one cell filled, not an issue)", int(footer.sum()))
    no_key |= footer
    keep = ~no_key
    # One file, one date order: a Resolved column of 02/10/2025 only (read 2 October) beside Created
    # values such as 03/20/2025 that only read month first placed the work eight months late.
    month_first = next((c for c in (created, resolved) if c and month_first_only(frame[c])), None)
    if month_first:
        report.note(f"'{month_first}' has dates that read only month first (a US Excel re-save): every date "
                    "column of the file is read month first")
    created_at = parse_dates(frame[created], name, created, timezone, row_offset, report, bool(month_first))
    no_created = created_at.isna() & ~no_key
    if no_created.any() and no_created.sum() == (~no_key).sum():  # the whole column: not row 1's mistake
        raise absent_throughout(name, created, int(no_created.sum()), in_header=True)
    if no_created.any():
        raise InputFormatError("is empty; every issue needs its creation date", file=name,
                               row=int(np.flatnonzero(no_created.to_numpy())[0]) + row_offset, column=created)
    resolved_at = (parse_dates(frame[resolved], name, resolved, timezone, row_offset, report, bool(month_first))
                   if resolved
                   else pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns, UTC]"))
    if category:
        done = frame[category].str.strip().str.casefold().isin(DONE_CATEGORIES)
    else:
        done = resolved_at.notna()
    if resolution is None and status is not None:
        report.note("no Resolution column: won't-do and duplicate issues are told by their Status")
    if resolution is not None or status is not None:
        # Closed without doing the work: not a completed task, and a duplicate is no new bug either.
        left_out = declined(frame[resolution] if resolution else None,
                            frame[status] if status else None) & ~no_key
        report.skip("resolved as won't do, duplicate, cannot reproduce or declined (not completed work)",
                    int(left_out.sum()))
        keep &= ~left_out
    if resolution is not None:
        _caution_unknown_resolutions(frame[resolution], (done & keep).to_numpy(), resolution, report)
    undated = (done & resolved_at.isna() & keep).to_numpy()
    if undated.any() and not (resolved_at.notna() & keep).any():
        if resolved is None:
            raise InputFormatError(f"has no 'Resolved' column but {int(undated.sum())} issues are done: completed work "
                                   "cannot be placed in a period; export with the Resolved field", file=name,
                                   column="Resolved")
        raise InputFormatError(f"{int(undated.sum())} issues are done but none has a Resolved date: completed work "
                               "cannot be placed in a period; export again with the Resolved field filled (Jira sets "
                               "it when the workflow sets a resolution)", file=name,
                               row=int(np.flatnonzero(undated)[0]) + row_offset, column=resolved)
    if undated.any():
        report.note(f"{int(undated.sum())} done issue(s) have no Resolved date: they cannot be placed in a period and "
                    "are not counted as completed work")
    if type_column is None:
        report.note("no issue type column: bugs cannot be told apart (bugs_per_dev_week stays empty)")
    kind = issue_kind(frame[type_column]) if type_column else pd.Series("other", index=frame.index)
    # Resolved before created: a moved or imported issue keeps its old resolution date. Tasks count by the
    # resolution and bugs by the creation, neither by the span, so it is kept and said (an incident's span
    # is its recovery time: refused with the other exports' incidents).
    backwards = ((resolved_at < created_at) & keep & kind.ne("incident")).to_numpy()
    if backwards.any():
        first = int(np.flatnonzero(backwards)[0])
        report.note(f"{int(backwards.sum())} issue(s) resolved before they were created (first: "
                    f"{quote(frame[key].iloc[first], 40)}, row {first + row_offset}; moved or imported issues keep "
                    "their old dates): counted, completed work by its resolution date, bugs by their creation")
    items = pd.DataFrame({
        "source": name, "key": frame[key].str.strip(), "kind": kind, "done": done.to_numpy(),
        "created_at": created_at, "resolved_at": resolved_at,
        "story_points": _story_points(frame, points, name, row_offset, report),
        "assignee": frame[assignee].str.strip().replace("", None) if assignee else None,
    })[keep.to_numpy()]
    return work_item_tables(name, items, report)
