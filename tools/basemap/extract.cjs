// Step 1 of the basemap build (see `make basemap` and README, "Map"): decode Natural
// Earth's 1:50m countries from world-atlas's TopoJSON into GeoJSON with topojson-client.
// Writes {"land": MultiPolygon, "borders": MultiLineString} to stdout, in degrees.
// Land is one merged outline; borders are the arcs two countries share, each drawn
// once (a per-country outline would draw every border twice and every coast too).
// Step 2, `manage.py build_basemap`, projects, clips and simplifies it in Python.
"use strict";
const path = require("path");
const fs = require("fs");

const modules = process.argv[2];
if (!modules) {
  console.error("usage: node extract.cjs <node_modules directory>");
  process.exit(2);
}
const topojson = require(path.join(path.resolve(modules), "topojson-client"));
const world = JSON.parse(
  fs.readFileSync(path.join(modules, "world-atlas", "countries-50m.json"), "utf8")
);
const land = topojson.merge(world, world.objects.countries.geometries);
const borders = topojson.mesh(world, world.objects.countries, (a, b) => a !== b);
process.stdout.write(JSON.stringify({ land, borders }));
