"""Seed the theme and licence vocabularies (data.gov.uk topics; common open licences)."""

from django.db import migrations

THEMES = [
    ("business-and-economy", "Business and economy"),
    ("crime-and-justice", "Crime and justice"),
    ("defence", "Defence"),
    ("education", "Education"),
    ("environment", "Environment"),
    ("government", "Government"),
    ("government-reference-data", "Government reference data"),
    ("government-spending", "Government spending"),
    ("health", "Health"),
    ("mapping", "Mapping"),
    ("society", "Society"),
    ("towns-and-cities", "Towns and cities"),
    ("transport", "Transport"),
    ("digital-service-performance", "Digital service performance"),
]

LICENCES = [
    ("ogl-v3", "Open Government Licence v3.0",
     "http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/", True),
    ("ogl-v2", "Open Government Licence v2.0",
     "http://www.nationalarchives.gov.uk/doc/open-government-licence/version/2/", True),
    ("cc-by-4.0", "Creative Commons Attribution 4.0", "https://creativecommons.org/licenses/by/4.0/", True),
    ("cc-by-sa-4.0", "Creative Commons Attribution Share-Alike 4.0",
     "https://creativecommons.org/licenses/by-sa/4.0/", True),
    ("cc0-1.0", "Creative Commons CC0 1.0", "https://creativecommons.org/publicdomain/zero/1.0/", True),
    ("odbl-1.0", "Open Data Commons Open Database License 1.0",
     "https://opendatacommons.org/licenses/odbl/1-0/", True),
    ("odc-by-1.0", "Open Data Commons Attribution License 1.0",
     "https://opendatacommons.org/licenses/by/1-0/", True),
    ("pddl-1.0", "Open Data Commons Public Domain Dedication and License 1.0",
     "https://opendatacommons.org/licenses/pddl/1-0/", True),
    ("us-pd", "US Public Domain", "https://www.usa.gov/government-works", True),
    ("data-share-agreement", "By data sharing agreement", "DATA_SHARE_AGREEMENT", False),
]


def seed(apps, schema_editor):
    Theme = apps.get_model("catalogue", "Theme")
    Licence = apps.get_model("catalogue", "Licence")
    for slug, title in THEMES:
        Theme.objects.update_or_create(slug=slug, defaults={"title": title})
    for slug, title, uri, is_open in LICENCES:
        Licence.objects.update_or_create(slug=slug, defaults={"title": title, "uri": uri, "is_open": is_open})


def unseed(apps, schema_editor):
    apps.get_model("catalogue", "Theme").objects.filter(slug__in=[s for s, _ in THEMES]).delete()
    apps.get_model("catalogue", "Licence").objects.filter(slug__in=[s for s, *_ in LICENCES]).delete()


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
