#!/bin/sh
# Rewrites the generated part of docs/credential-locations.md (below its
# marker line) from the table in src/inventory/catalog.c.  The unit test
# inventory_doc_matches_table holds the renderer and fails whenever the
# two differ; this runs it in update mode.  Review the diff, then commit.
set -eu
cd "$(dirname "$0")/.."
make -s build/unit-tests
BH_CRED_DOC_UPDATE=1 build/unit-tests 'inventory_doc_*'
