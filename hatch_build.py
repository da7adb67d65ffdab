"""Put the top-level `fonts/` folder into standard wheels as the package data `briefing/fontfiles/`.

An editable install reads the checkout's `fonts/` in place (`briefing.fonts.fonts_dir`), so it gets
no copy: one would go stale at the next `make fonts` and cost 20 MB of site-packages.
"""

from __future__ import annotations

from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class FontFilesHook(BuildHookInterface):  # type: ignore[type-arg]
    """Put the repository's fonts/ into wheels as the package data briefing/fontfiles."""

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name == "wheel" and version == "standard":
            build_data["force_include"]["fonts"] = "briefing/fontfiles"
