"""The demo tiles' keywords and synonyms: the everyday words citizens search by, Thai and English."""

from __future__ import annotations

# By the tile's English title.
DEMO_KEYWORDS: dict[str, list[str]] = {
    "Elderly allowance": ["เบี้ยคนแก่", "เบี้ยผู้สูงอายุ", "เงินคนชรา", "old age allowance", "pension"],
    "Child support grant": ["เงินเด็กแรกเกิด", "เงินอุดหนุนบุตร", "เงินลูก", "baby money", "child grant"],
    "State welfare card": ["บัตรคนจน", "บัตรประชารัฐ", "บัตรสวัสดิการ", "welfare card", "low income card"],
    "Social security rights": ["ประกันสังคม", "มาตรา 33", "มาตรา 39", "social insurance", "sso"],
    "Health coverage": ["บัตรทอง", "30 บาทรักษาทุกโรค", "หลักประกันสุขภาพถ้วนหน้า", "gold card", "uc"],
    "Book a hospital visit": ["หาหมอ", "จองคิวโรงพยาบาล", "นัดหมอ", "doctor appointment"],
    "Pay your water bill": ["ค่าน้ำ", "การประปา", "บิลค่าน้ำ", "water", "utility bill"],
    "Pay your electricity bill": ["ค่าไฟ", "การไฟฟ้า", "บิลค่าไฟ", "electric", "power bill"],
    "Foreign qualification equivalence": ["เทียบวุฒิ", "วุฒิต่างประเทศ", "degree recognition"],
    "Replacement certificate": ["ใบประกาศหาย", "ขอใบแทน", "lost certificate", "diploma copy"],
    "Your credit report": ["เช็คเครดิตบูโร", "แบล็คลิสต์", "เครดิตบูโร", "credit bureau", "credit score"],
}
