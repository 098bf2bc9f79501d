"""Browser-test hygiene: every test leaves the shared browser without open pages."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _close_left_contexts(browser):
    # A test that fails before its own context.close() would leave its page open: its
    # WebSocket would keep the live server pinging (and moving the global `random` state
    # under hypothesis in later tests), and its timers would load the next tests.
    yield
    for context in list(browser.contexts):
        context.close()
