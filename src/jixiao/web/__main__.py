"""``python -m jixiao.web <command>``: Django's manage.py for jixiao.

``python -m jixiao.web demo`` migrates, loads the demo district, prints the demo accounts and
serves at http://127.0.0.1:8000 (it sets JIXIAO_DEMO=1 unless the environment says otherwise).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv if argv is None else argv)
    if len(args) > 1 and args[1] == "demo":
        os.environ.setdefault("JIXIAO_DEMO", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.web.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    args[0] = "python -m jixiao.web"
    try:
        execute_from_command_line(args)
    except ImproperlyConfigured as error:
        # A settings mistake is the operator's to fix: say it plainly, no traceback.
        print(f"配置错误：{error}", file=sys.stderr)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
