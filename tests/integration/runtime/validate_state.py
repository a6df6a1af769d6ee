#!/usr/bin/env python3
"""validate_state.py SCHEMA_DIR < STATE_JSON: checks a container state against state-schema.json.

Uses the jsonschema module when it is installed (resolving defs.json next to the schema);
otherwise a small hand-written check of the same rules: required keys, types, the status
enum, pid >= 0, annotations a map of strings. Prints "valid" or the problems; exit 0 or 1.
"""
import json
import os
import sys


def hand_check(state, schema):
    problems = []
    if not isinstance(state, dict):
        return ["the state is not an object"]
    for key in schema["required"]:
        if key not in state:
            problems.append(f"missing required key {key!r}")
    for key in ("ociVersion", "id", "status", "bundle"):
        if key in state and not isinstance(state[key], str):
            problems.append(f"{key} is not a string")
    enum = schema["properties"]["status"]["enum"]
    if isinstance(state.get("status"), str) and state["status"] not in enum:
        problems.append(f"status {state['status']!r} is not one of {enum}")
    if "pid" in state:
        pid = state["pid"]
        if not isinstance(pid, int) or isinstance(pid, bool) or pid < 0:
            problems.append(f"pid {pid!r} is not an integer >= 0")
    if "annotations" in state:
        ann = state["annotations"]
        if not isinstance(ann, dict) or not all(isinstance(v, str) for v in ann.values()):
            problems.append("annotations is not a map of strings")
    return problems


def schema_check(state, schema_dir, schema):
    import jsonschema  # ImportError when missing: the hand check alone decides

    with open(os.path.join(schema_dir, "defs.json")) as f:
        defs = json.load(f)
    try:
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT4

        registry = Registry().with_resource("defs.json", Resource.from_contents(defs, default_specification=DRAFT4))
        validator = jsonschema.Draft4Validator(schema, registry=registry)
    except ImportError:  # jsonschema < 4.18 (Debian 12's python3-jsonschema)
        resolver = jsonschema.RefResolver(base_uri="", referrer=schema, store={"defs.json": defs})
        validator = jsonschema.Draft4Validator(schema, resolver=resolver)
    return [e.message for e in validator.iter_errors(state)]


def main():
    schema_dir = os.path.abspath(sys.argv[1])
    with open(os.path.join(schema_dir, "state-schema.json")) as f:
        schema = json.load(f)
    try:
        state = json.load(sys.stdin)
    except ValueError as e:
        print(f"not JSON: {e}")
        return 1
    problems = hand_check(state, schema)
    try:
        problems += schema_check(state, schema_dir, schema)
    except ImportError:
        pass
    if problems:
        print("\n".join(problems))
        return 1
    print("valid")
    return 0


if __name__ == "__main__":
    sys.exit(main())
