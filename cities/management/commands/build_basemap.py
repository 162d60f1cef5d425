"""Writes static/map/europe.svg from the GeoJSON tools/basemap/extract.cjs made."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from cities.basemap import basemap_svg
from cities.map import LAT0, LON0

NOTE = (
    "Natural Earth 1:50m Admin 0 countries (public domain), from the npm package "
    "world-atlas {atlas} (ISC licence), decoded with topojson-client; Lambert azimuthal "
    f"equal-area centred on {LAT0:g}N {LON0:g}E; built by manage.py build_basemap. "
    "See static/map/LICENSE.md."
)


class Command(BaseCommand):
    help = "Project, clip and simplify Natural Earth GeoJSON into the portal's basemap SVG."

    def add_arguments(self, parser):
        parser.add_argument("geojson", help="the output of tools/basemap/extract.cjs")
        parser.add_argument(
            "--output", default=str(Path(settings.BASE_DIR) / "static" / "map" / "europe.svg")
        )
        parser.add_argument("--atlas-version", default="2.0.2")

    def handle(self, *args, **options):
        geojson = json.loads(Path(options["geojson"]).read_text())
        svg = basemap_svg(geojson, NOTE.format(atlas=options["atlas_version"]))
        Path(options["output"]).write_text(svg)
        self.stdout.write(f"Wrote {options['output']}: {len(svg.encode()) // 1024} KB")
