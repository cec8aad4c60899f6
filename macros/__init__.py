"""Handbook and forms kit for 基层党组织组织生活会和民主评议党员: data models, renderers and build tools."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
