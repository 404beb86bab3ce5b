#!/bin/bash
# Checks both mutant catalogues against the sources in the runfiles (the files
# adapter mutants name must be in this target's data).
exec python3 tools/mutation/mutate.py --check --root "${PWD}"
