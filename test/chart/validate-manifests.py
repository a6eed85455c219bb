"""Validates Kubernetes objects offline with kubernetes-validate's strict schemas (unknown fields rejected).

stdin:  {"versions": ["1.30.0", ...], "objects": [{"source": "...", "object": {...}}, ...]}
stdout: [{"source", "kind", "name", "version", "status": "passed" | "failed" | "no-schema", "message"}, ...]
Run with the venv's python (test/chart/install-chart-tools.sh). Only kinds it knows get "passed" or "failed".
"""
import functools
import json
import sys

import jsonschema
import kubernetes_validate.utils as utils

# Each call would re-read the (large) schema files; they never change within a run.
utils.schema_contents = functools.lru_cache(maxsize=None)(utils.schema_contents)


def check(source, obj, version):
    result = {
        "source": source,
        "kind": obj.get("kind"),
        "name": (obj.get("metadata") or {}).get("name"),
        "version": version,
    }
    try:
        utils.validate(obj, version, strict=True)
        result["status"] = "passed"
    except utils.SchemaNotFoundError as error:
        result["status"] = "no-schema"
        result["message"] = error.message
    except jsonschema.ValidationError as error:
        result["status"] = "failed"
        path = ".".join(str(item) for item in error.path)
        result["message"] = "%s: %s" % (path, error.message)
    return result


def main():
    request = json.load(sys.stdin)
    results = [
        check(item["source"], item["object"], version)
        for item in request["objects"]
        for version in request["versions"]
    ]
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
