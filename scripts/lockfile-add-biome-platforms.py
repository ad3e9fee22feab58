#!/usr/bin/env python3
"""Adds Biome's other-platform binaries to package-lock.json as optional entries.

The package registry reachable from our build machines does not serve Biome's android, darwin,
win32 and musl binaries, so `npm install` leaves them out of the lock file, and `npm ci` then
refuses the lock ("Missing: @biomejs/cli-darwin-arm64@ from lock file"). npm skips optional
packages for other platforms without fetching them, so recording them (version, os, cpu) is
enough for `npm ci` everywhere. Run after any `npm install` that rewrites the lock:
    python3 scripts/lockfile-add-biome-platforms.py package-lock.json
"""
import json, sys
p = sys.argv[1]
lock = json.load(open(p))
pk = lock["packages"]
biome = pk.get("node_modules/@biomejs/biome")
plat = {
 "cli-android-arm64": (["android"], ["arm64"]), "cli-android-x64": (["android"], ["x64"]),
 "cli-darwin-arm64": (["darwin"], ["arm64"]), "cli-darwin-x64": (["darwin"], ["x64"]),
 "cli-linux-arm64-musl": (["linux"], ["arm64"]), "cli-linux-x64-musl": (["linux"], ["x64"]),
 "cli-win32-arm64": (["win32"], ["arm64"]), "cli-win32-x64": (["win32"], ["x64"]),
}
added = 0
for name, (os_, cpu) in plat.items():
    key = f"node_modules/@biomejs/{name}"
    if key in pk: continue
    entry = {"version": biome["version"], "cpu": cpu, "dev": True, "license": "MIT OR Apache-2.0", "optional": True, "os": os_, "engines": {"node": ">=14.21.3"}}
    if name.endswith("musl"): entry["libc"] = ["musl"]
    pk[key] = entry; added += 1
lock["packages"] = dict(sorted(pk.items(), key=lambda kv: (kv[0] != "", kv[0])))
json.dump(lock, open(p, "w"), indent=2); open(p, "a").write("\n")
print("added", added)
