"""Settings for the test suite: the normal settings with VEERKRACHT_ENV=test."""

import os

os.environ["VEERKRACHT_ENV"] = "test"
os.environ.setdefault("VEERKRACHT_DEMO", "false")

from .settings import *  # noqa: E402, F403

# Tasks run at once in tests (a test that needs the database queue overrides TASKS).
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}  # noqa: F405

# seed_demo in tests: the small demo only, without the monitoring's synthetic history (its own tests
# generate what they need).
VEERKRACHT_DEMO_HISTORY_CHILDREN = 0
