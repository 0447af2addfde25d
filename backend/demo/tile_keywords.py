"""The demo tiles' keywords (the topic's words) and synonyms (other names people call the service),
Thai and English, that citizens search by."""

from __future__ import annotations

# By the tile's English title: (keywords, synonyms).
DEMO_KEYWORDS: dict[str, tuple[list[str], list[str]]] = {
    "Elderly allowance": (["เบี้ยผู้สูงอายุ", "pension"], ["เบี้ยคนแก่", "เงินคนชรา", "old age allowance"]),
    "Child support grant": (["เงินเด็กแรกเกิด", "child grant"], ["เงินอุดหนุนบุตร", "เงินลูก", "baby money"]),
    "State welfare card": (["บัตรสวัสดิการ", "welfare card"], ["บัตรคนจน", "บัตรประชารัฐ", "low income card"]),
    "Social security rights": (["มาตรา 33", "มาตรา 39", "social insurance"], ["ประกันสังคม", "sso"]),
    "Health coverage": (["หลักประกันสุขภาพถ้วนหน้า", "uc"], ["บัตรทอง", "30 บาทรักษาทุกโรค", "gold card"]),
    "Book a hospital visit": (["จองคิวโรงพยาบาล", "doctor appointment"], ["หาหมอ", "นัดหมอ"]),
    "Pay your water bill": (["บิลค่าน้ำ", "utility bill"], ["ค่าน้ำ", "การประปา", "water"]),
    "Pay your electricity bill": (["บิลค่าไฟ", "power bill"], ["ค่าไฟ", "การไฟฟ้า", "electric"]),
    "Foreign qualification equivalence": (["วุฒิต่างประเทศ", "degree recognition"], ["เทียบวุฒิ"]),
    "Replacement certificate": (["ขอใบแทน", "diploma copy"], ["ใบประกาศหาย", "lost certificate"]),
    "Your credit report": (["เครดิตบูโร", "credit bureau", "credit score"], ["เช็คเครดิตบูโร", "แบล็คลิสต์"]),
}
