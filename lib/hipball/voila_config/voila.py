# Voila configuration for the hipball student app (read by Voila, not imported by hipball).
# Loaded with `--Voila.config_file_paths=<this folder>` by `hipball app` and the tests.
#
# Guard against the nbclient lost-wake-up hang (PITFALLS.md; jupyter/nbclient issue 312):
# Voila executes each page's notebook in its server process through nbclient. The apps write
# into no Output widget, so the hang should not happen; polling in 0.5 s slices recovers a lost
# wake-up if it ever does (tests/test_voila_hang.py loads every app page repeatedly).
from hipball._jupyter import apply as _apply_polling_patch

_apply_polling_patch()

c = get_config()  # noqa: F821 - provided by traitlets when Voila loads this file
# Students never need the tracebacks of the app's internals; the apps show their own errors.
c.VoilaConfiguration.show_tracebacks = False
