"""Where the project's top-level folders are: the package's parent holds templates/, static/
and instance/."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = PROJECT_ROOT / "templates"
STATIC = PROJECT_ROOT / "static"
INSTANCE = PROJECT_ROOT / "instance"
