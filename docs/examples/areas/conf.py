project = "areas"
extensions = ["sphinxcontrib_dep"]
# Proposals under review carry numbers here; this project allows it.
dep_early_numbering = True
# Three areas of 0000-dep-area-taxonomy.md: each is owned by a team, whose members may be
# PIC (person in charge) of the area's proposals, and owns code paths (CODEOWNERS patterns).
dep_areas = {
    "router": {
        "name": "Router",
        "label": "area/router",
        "team": "@ai-dynamo/router",
        "owners": ["@rpei", "@grahamking"],
        "paths": ["components/src/dynamo/router/", "lib/llm/src/kv_router/"],
    },
    "kv-memory": {
        "name": "KV/Memory",
        "label": "area/kv-memory",
        "team": "@ai-dynamo/kv-memory",
        "owners": ["@rpei", "@ziqifan"],
        "paths": ["lib/memory/", "lib/runtime/src/transports/"],
    },
    "planner": {
        "name": "Planner",
        "team": "@ai-dynamo/planner",
        "owners": ["@hzhou", "@hannahz"],
        "paths": ["components/src/dynamo/planner/"],
    },
}
# Set during the weekly triage, highest first (this is the default).
dep_priorities = ["P0", "P1", "P2", "P3"]
