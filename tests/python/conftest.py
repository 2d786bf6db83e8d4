"""pytest fixtures for the jetd tests: everything lives in jetd_harness.py (a uniquely named
module, so that test files and sub-suites can import its helpers unambiguously)."""

from jetd_harness import *  # noqa: F401,F403  (fixtures and helpers)
