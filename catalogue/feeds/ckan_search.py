"""CKAN's package_search over our datasets: the Solr-style `q` and `fq`, `sort` and facets.

Only the part of Solr's syntax that CKAN clients and harvesters send is understood, and anything
else is refused with a clear message rather than silently ignored (a dropped clause would return
more than asked, a wrong sort a page that repeats). A query is a list of clauses:

    [+|-]field:value        value: word, "quoted words", [A TO B] or {A TO B}, (a OR b)
    clause OR clause        the clauses either side form one group (ckanext-harvest sends
                            `organization:a OR organization:b` for an include list)
    clause AND clause       the same as a space: every group must hold

Groups AND together; `-` or `NOT` before a clause leaves its matches out. In `q`, words without
a field are the free text, searched with the catalogue's own text search.
"""

import datetime as dt
import json
import re
import uuid
from collections import Counter
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from catalogue.models import Dataset, Distribution, Organisation

from .ckan import Licences, organisation_uuid, tag_names

FACET_FIELDS = ["organization", "groups", "tags", "res_format", "license_id"]
SORT_FIELDS = {
    "metadata_modified": "metadata_modified",
    "metadata_created": "metadata_created",
    "title_string": "title",
    "title": "title",
    "name": "slug",
    "id": "id",
}
DEFAULT_SORT = "score desc, metadata_modified desc"
# Explicit "every row" and "no row": an empty Q() vanishes when OR-ed with another condition.
ALL, NONE = Q(pk__isnull=False), Q(pk__in=[])

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<op>AND|OR|NOT|&&|\|\|)(?=\s|$)
      | (?P<sign>[+-])?(?P<field>[A-Za-z_][\w.]*):
        (?P<value>"[^"]*"|\[[^\]]*\]|\{[^}]*\}|\([^)]*\)|[^\s()]+)
      | (?P<word>[+-]?"[^"]*"|[^\s]+)
    )""",
    re.VERBOSE,
)
_RANGE = re.compile(r"^[\[{]\s*(\S+)\s+TO\s+(\S+)\s*[\]}]$")
_NOW = re.compile(r"^NOW(?:/DAY)?(?:([+-])(\d+)(DAY|DAYS|HOUR|HOURS|MINUTE|MINUTES))?$")


class SearchQueryError(ValueError):
    """A q, fq or sort that cannot be understood; answered as CKAN's "Search Query Error"."""


@dataclass
class Clause:
    negated: bool
    condition: Q


def _unquote(value: str) -> str:
    return value[1:-1] if len(value) >= 2 and value[0] == value[-1] == '"' else value


def _moment(text: str, *, field: str) -> dt.datetime | None:
    """One end of a date range: *, NOW, NOW-7DAYS, a date or an ISO 8601 date and time."""
    if text == "*":
        return None
    if match := _NOW.match(text):
        sign, amount, unit = match.groups()
        moment = timezone.now()
        if amount:
            delta = dt.timedelta(**{unit.lower().rstrip("s") + "s": int(amount)})
            moment = moment + delta if sign == "+" else moment - delta
        return moment
    try:
        moment = parse_datetime(text.replace("Z", "+00:00"))
        if moment is None and (day := parse_date(text)):
            moment = dt.datetime.combine(day, dt.time.min)
    except ValueError:  # well formed but impossible, such as month 13
        moment = None
    if moment is None:
        raise SearchQueryError(f"{field}: {text!r} is not a date (use ISO 8601, * or NOW).")
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, dt.UTC)


def _range(field: str, column: str, value: str) -> Q:
    match = _RANGE.match(value)
    if not match:
        raise SearchQueryError(f"{field} takes a range such as [2024-01-01T00:00:00Z TO *].")
    low, high = (_moment(part, field=field) for part in match.groups())
    inclusive = value.startswith("[")
    condition = ALL
    if low is not None:
        condition &= Q(**{f"{column}__{'gte' if inclusive else 'gt'}": low})
    if high is not None:
        condition &= Q(**{f"{column}__{'lte' if inclusive else 'lt'}": high})
    return condition


def _keyword(value: str) -> Q:
    # The JSON text of the keyword list holds the quoted keyword; see has_keyword.
    ascii_only = connection.vendor != "postgresql"
    return Q(keyword__icontains=json.dumps(value, ensure_ascii=ascii_only))


def _one(field: str, value: str, licences: Licences) -> Q:
    """The condition of field:value for one plain value."""
    if value == "*":
        return ALL
    if field in ("organization", "owner_org"):
        return Q(publisher__slug=value) | Q(publisher__slug__in=_organisation_slugs(value))
    if field == "groups":
        themes = Dataset.theme.through.objects.filter(theme__slug=value)
        return Q(pk__in=themes.values("dataset_id"))
    if field == "tags":
        return _keyword(value)
    if field == "res_format":
        return Q(pk__in=Distribution.objects.filter(format__iexact=value).values("dataset_id"))
    if field == "license_id":
        return Q(licence__in=licences.uris_for(value))
    if field == "name":
        return Q(slug=value)
    if field == "id":
        try:
            return Q(pk=uuid.UUID(value))
        except ValueError:
            return NONE
    if field in ("title", "title_string"):
        return Q(title__icontains=value)
    if field == "notes":
        return Q(description__icontains=value)
    if field in ("dataset_type", "type"):
        return ALL if value == "dataset" else NONE
    # What CKAN's own pages add to every query: we list only active, public records.
    if field == "capacity":
        return ALL if value == "public" else NONE
    if field == "state":
        return ALL if value == "active" else NONE
    if field == "private":
        return ALL if value == "false" else NONE
    raise SearchQueryError(
        f"Unknown field {field!r}; use one of: organization, groups, tags, res_format, "
        "license_id, name, id, title, notes, metadata_modified, metadata_created."
    )


def _organisation_slugs(value: str) -> list[str]:
    """An organisation named by its CKAN id (a uuid5 of its slug) rather than its name."""
    if len(value) != 36:
        return []
    slugs = Organisation.objects.values_list("slug", flat=True)
    return [slug for slug in slugs if organisation_uuid(slug) == value]


def _condition(field: str, value: str, licences: Licences) -> Q:
    if field in ("metadata_modified", "metadata_created"):
        return _range(field, field, value)
    if value.startswith("(") and value.endswith(")"):
        parts = [p for p in re.split(r"\s+OR\s+|\s+", value[1:-1].strip()) if p]
        if not parts:
            raise SearchQueryError(f"{field}: an empty list of values.")
        condition = NONE
        for part in parts:
            condition |= _one(field, _unquote(part), licences)
        return condition
    return _one(field, _unquote(value), licences)


def parse_query(text: str, *, licences: Licences, free_text: bool) -> tuple[Q, str]:
    """The condition of `text` and its free words (only when `free_text`: in `q`, not `fq`)."""
    groups: list[list[Clause]] = []
    words: list[str] = []
    joined = negate_next = False
    last_was_word = False
    position = 0
    text = text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise SearchQueryError(f"Cannot read the query at {text[position:]!r}.")
        position = match.end()
        if op := match.group("op"):
            if op in ("OR", "||"):
                if last_was_word:
                    words.append("or")
                else:
                    joined = bool(groups)
            elif op == "NOT":
                negate_next = True
            continue
        if word := match.group("word"):
            if word in ("*:*", "*"):
                continue
            if not free_text:
                raise SearchQueryError(f"fq takes field:value clauses; {word!r} has no field.")
            words.append(("-" if negate_next else "") + word.lstrip("+"))
            negate_next, joined, last_was_word = False, False, True
            continue
        negated = negate_next or match.group("sign") == "-"
        if match.group("field") == "text" and free_text:  # Solr's catch-all field: free text
            words.append(("-" if negated else "") + match.group("value"))
            negate_next, joined, last_was_word = False, False, True
            continue
        clause = Clause(
            negated=negated,
            condition=_condition(match.group("field"), match.group("value"), licences),
        )
        negate_next, last_was_word = False, False
        if joined:
            groups[-1].append(clause)
        else:
            groups.append([clause])
        joined = False
    condition = Q()
    for group in groups:
        either = NONE
        for clause in group:
            either |= ~clause.condition if clause.negated else clause.condition
        condition &= either
    return condition, " ".join(words)


def order_by(sort: str, *, searching: bool) -> list:
    """ORDER BY terms of a CKAN sort such as "metadata_modified desc, name asc"."""
    terms: list = []
    for part in sort.split(","):
        bits = part.split()
        if not bits:
            continue
        if len(bits) > 2 or (len(bits) == 2 and bits[1].lower() not in ("asc", "desc")):
            raise SearchQueryError(f'Invalid "sort" parameter: {part.strip()!r}.')
        name, descending = bits[0], len(bits) == 2 and bits[1].lower() == "desc"
        if name == "score":
            if searching:  # the catalogue's own relevance: exact title first, then rank
                terms += [F("exact_match").desc(), F("title_match").desc(nulls_last=True)]
                terms.append(F("search_rank").desc(nulls_last=True))
            continue
        if name not in SORT_FIELDS:
            raise SearchQueryError(
                f'Invalid "sort" parameter: cannot sort on {name!r}; use one of: score, '
                + ", ".join(SORT_FIELDS)
                + "."
            )
        column = F(SORT_FIELDS[name])
        terms.append(column.desc() if descending else column.asc())
    return [*terms, F("id").asc()]


def facets(
    matches: QuerySet, *, fields: list[str], limit: int, licences: Licences
) -> tuple[dict, dict]:
    """CKAN's `facets` ({field: {name: count}}) and `search_facets` ({field: {"title",
    "items": [{"name", "display_name", "count"}]}}), largest first, over the matches."""
    ids = matches.order_by().values("pk")
    rows = Dataset.objects.filter(pk__in=ids)
    plain: dict[str, dict[str, int]] = {}
    rich: dict[str, dict] = {}
    for field in fields:
        if field == "organization":
            counted = [
                (r["publisher__slug"], r["publisher__title"], r["n"])
                for r in rows.values("publisher__slug", "publisher__title").annotate(n=Count("pk"))
            ]
        elif field == "groups":
            links = Dataset.theme.through.objects.filter(dataset_id__in=ids)
            counted = [
                (r["theme__slug"], r["theme__title"], r["n"])
                for r in links.values("theme__slug", "theme__title").annotate(n=Count("dataset_id"))
            ]
        elif field == "tags":
            tally: Counter = Counter()
            for keywords in rows.values_list("keyword", flat=True).iterator(chunk_size=2000):
                tally.update(tag_names(keywords))
            counted = [(name, name, n) for name, n in tally.items()]
        elif field == "res_format":
            formats = (
                Distribution.objects.filter(dataset_id__in=ids)
                .exclude(format="")
                .annotate(name=Upper("format"))
                .values("name")
                .annotate(n=Count("dataset_id", distinct=True))
            )
            counted = [(r["name"], r["name"], r["n"]) for r in formats]
        else:  # license_id
            counted = []
            for r in rows.exclude(licence="").values("licence").annotate(n=Count("pk")):
                shown = licences.fields(r["licence"])
                counted.append((shown["license_id"], shown["license_title"], r["n"]))
        counted.sort(key=lambda item: (-item[2], item[0]))
        if limit >= 0:
            counted = counted[:limit]
        plain[field] = {name: n for name, _, n in counted}
        rich[field] = {
            "title": field,
            "items": [
                {"name": name, "display_name": label, "count": n} for name, label, n in counted
            ],
        }
    return plain, rich
