"""What the benchmarks share."""

import pytest
from django.template.base import Template
from django.test.utils import _TestState


@pytest.fixture(autouse=True)
def rendered_as_served(monkeypatch):
    """Templates render as they do under gunicorn, in every benchmark. The test environment
    wraps every template render in a signal, and the test client answers it by copying the
    whole context, for each `{% include %}` too: on a cold school results page at region scale
    (24 table rows, each an include) that was some 25 of 118 ms, which no user waits for."""
    monkeypatch.setattr(Template, "_render", _TestState.saved_data.template_render)
