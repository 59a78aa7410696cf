"""The web application (Django): units fill in and submit, the finance bureau reviews and publishes.

Only this package imports Django; the core (:mod:`jixiao.core`) knows nothing of it. See
docs/web.md for roles, workflow, pages, settings and the security baseline.
"""
