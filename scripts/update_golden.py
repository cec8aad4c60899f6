"""Refresh the golden HTML files under tests/golden/ after an intended change to a form or its template."""

import sys

from handbook.render.golden import GOLDEN_DIR, write_golden


def main() -> int:
    """Rewrite the golden files and list what changed, so the change can be reviewed in git diff."""
    changed = write_golden()
    for name in changed:
        print(f"updated {GOLDEN_DIR.name}/{name}")
    print(f"{len(changed)} golden file(s) changed; review them with `git diff tests/golden`.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
