"""Load-and-chaos harness: the whole stack under a reminder wave, with faults injected (issue 14, point 7).

`python -m tools.chaos --profile ci|long` (or `make chaos-ci` / `make chaos`); see README, "Load and fault test".
"""
