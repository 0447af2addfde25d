"""Tiles of the service catalogue."""

from __future__ import annotations

from typing import Any


def tile(**overrides: Any) -> dict[str, Any]:
    content: dict[str, Any] = {
        "title_th": "เบี้ยยังชีพผู้สูงอายุ",
        "title_en": "Elderly allowance",
        "description_th": "ลงทะเบียนรับเบี้ยยังชีพรายเดือน",
        "description_en": "Register for the monthly allowance",
        "icon": "elderly",
        "category": "welfare",
        "life_events": ["retirement"],
        "kind": "link",
        "link_url": "https://welfare.example.go.th/elderly",
    }
    return {**content, **overrides}
