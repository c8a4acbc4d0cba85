"""Quality metrics per session: parse reports, run checks, keep history, gates, score, chart.

:mod:`.values` holds the recorded shape, :mod:`.latest` what a session's latest numbers are
(pure, cheap to import), :mod:`.parsers` the report formats, :mod:`.runner` the checks.
"""
