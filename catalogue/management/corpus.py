"""Synthetic catalogues with the text and facet distributions of real ones.

Vocabularies come from the real catalogue files kept as test fixtures (data.json files of the
CDC, DHS, FCC and OPM, and CKAN package_search responses; sources in tests/fixtures). Records
recombine them with a fixed seed: a real title with each non-stop word swapped, with probability
0.4, for a real title word drawn by frequency; real sentences up to a real description length;
3 to 8 real keywords by frequency; Zipf-weighted publishers (1/rank) and themes (exponent 0.7);
formats and licences by their real frequency; access rights in real shares.
"""

import json
import random
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures"
STOP = {"a", "an", "and", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with"}
THEMES = [
    "government", "health", "society", "environment", "business-and-economy", "education",
    "transport", "government-spending", "crime-and-justice", "mapping", "towns-and-cities",
    "defence", "government-reference-data", "digital-service-performance",
]  # fmt: skip
ACCESS = [("OPEN", 84.6), ("INTERNAL", 7.7), ("RESTRICTED", 2.7), ("COMMERCIAL", 5.0)]
VISIBILITY = [("PUBLIC", 90), ("GOVERNMENT", 7), ("ORGANISATION", 3)]
SENTENCE = re.compile(r"(?<=[.!?])\s+")


@dataclass
class Vocabulary:
    titles: list[str] = field(default_factory=list)
    title_words: Counter = field(default_factory=Counter)
    sentences: list[str] = field(default_factory=list)
    description_lengths: list[int] = field(default_factory=list)
    keywords: Counter = field(default_factory=Counter)
    publishers: list[str] = field(default_factory=list)
    formats: Counter = field(default_factory=Counter)
    licences: Counter = field(default_factory=Counter)

    def add(self, *, title, description, keywords, publisher, formats, licence):
        if not title:
            return
        self.titles.append(title)
        self.title_words.update(
            w for w in re.findall(r"[A-Za-z]{3,}", title) if w.lower() not in STOP
        )
        description = (description or "").strip()
        if description:
            self.description_lengths.append(min(len(description), 4096))
            self.sentences.extend(s for s in SENTENCE.split(description) if 20 <= len(s) <= 400)
        self.keywords.update(k.strip().lower() for k in keywords if k and k.strip())
        if publisher and publisher not in self.publishers:
            self.publishers.append(publisher)
        self.formats.update(f.strip().upper() for f in formats if f and f.strip())
        if licence:
            self.licences[licence] += 1


def _datajson(path: Path, vocab: Vocabulary) -> None:
    for item in json.loads(path.read_text()).get("dataset", []):
        formats = []
        for dist in item.get("distribution") or []:
            fmt = dist.get("format") or (dist.get("mediaType") or "").split("/")[-1]
            formats.append(fmt)
        publisher = (item.get("publisher") or {}).get("name", "")
        vocab.add(
            title=item.get("title", ""),
            description=item.get("description", ""),
            keywords=item.get("keyword") or [],
            publisher=publisher,
            formats=formats,
            licence=item.get("license", ""),
        )


def _ckan(path: Path, vocab: Vocabulary) -> None:
    body = json.loads(path.read_text())
    result = body.get("result", body)
    packages = result.get("results", []) if isinstance(result, dict) else []
    for package in packages:
        vocab.add(
            title=package.get("title", ""),
            description=package.get("notes", ""),
            keywords=[t.get("display_name") or t.get("name", "") for t in package.get("tags", [])],
            publisher=(package.get("organization") or {}).get("title", ""),
            formats=[r.get("format", "") for r in package.get("resources", [])],
            licence=package.get("license_url") or package.get("license_id", ""),
        )


def load_vocabulary() -> Vocabulary:
    vocab = Vocabulary()
    for path in sorted((FIXTURES / "datajson").glob("*.json")):
        _datajson(path, vocab)
    for path in sorted((FIXTURES / "ckan").glob("*package_search*.json")):
        _ckan(path, vocab)
    return vocab


class Generator:
    def __init__(self, vocab: Vocabulary, seed: int = 20261127):
        self.v = vocab
        self.rng = random.Random(seed)  # noqa: S311 — reproducible synthetic data, not secrets
        words = vocab.title_words.most_common(4000)
        self.words, self.word_weights = [w for w, _ in words], [n for _, n in words]
        keywords = vocab.keywords.most_common(3000)
        self.kw, self.kw_weights = [k for k, _ in keywords], [n for _, n in keywords]
        self.formats = vocab.formats.most_common(20)
        self.licences = vocab.licences.most_common(10)
        self.publishers = vocab.publishers[:500]
        self.publisher_weights = [1 / (i + 1) for i in range(len(self.publishers))]
        self.theme_weights = [1 / (i + 1) ** 0.7 for i in range(len(THEMES))]

    def _pick(self, pairs):
        values, weights = zip(*pairs, strict=True)
        return self.rng.choices(values, weights)[0]

    def title(self) -> str:
        out = []
        for word in self.rng.choice(self.v.titles).split():
            if word.lower() not in STOP and self.rng.random() < 0.4:
                word = self.rng.choices(self.words, self.word_weights)[0]
            out.append(word)
        return " ".join(out)[:200]

    def description(self) -> str:
        target = self.rng.choice(self.v.description_lengths or [380])
        text = ""
        while len(text) < target:
            text += self.rng.choice(self.v.sentences) + " "
        return text[:4096].strip()

    def record(self) -> dict:
        description = self.description()
        return {
            "title": self.title(),
            "summary": SENTENCE.split(description)[0][:250],
            "description": description,
            "keyword": list(
                dict.fromkeys(self.rng.choices(self.kw, self.kw_weights, k=self.rng.randint(3, 8)))
            ),
            "publisher": self.rng.choices(self.publishers, self.publisher_weights)[0],
            "theme": self.rng.choices(THEMES, self.theme_weights)[0],
            "format": self._pick(self.formats),
            "licence": self._pick(self.licences),
            "access_rights": self._pick(ACCESS),
            "metadata_visibility": self._pick(VISIBILITY),
            "modified_days_ago": self.rng.randint(0, 3650),
        }
