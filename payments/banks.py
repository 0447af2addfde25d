"""Banks by the code each is agreed under (the ``{bank}`` of its callbacks' path, ``BANK_SECRETS``), named
as a receipt shows them. Codes are the banks' usual short names; a bank not listed here is shown by its
code, which support staff can still look up."""

from __future__ import annotations

BANK_NAMES: dict[str, tuple[str, str]] = {
    "bbl": ("ธนาคารกรุงเทพ", "Bangkok Bank"),
    "kbank": ("ธนาคารกสิกรไทย", "Kasikornbank"),
    "ktb": ("ธนาคารกรุงไทย", "Krungthai Bank"),
    "scb": ("ธนาคารไทยพาณิชย์", "Siam Commercial Bank"),
    "bay": ("ธนาคารกรุงศรีอยุธยา", "Bank of Ayudhya (Krungsri)"),
    "ttb": ("ธนาคารทหารไทยธนชาต", "TMBThanachart Bank"),
    "gsb": ("ธนาคารออมสิน", "Government Savings Bank"),
    "baac": ("ธนาคารเพื่อการเกษตรและสหกรณ์การเกษตร", "Bank for Agriculture and Agricultural Cooperatives"),
    "ghb": ("ธนาคารอาคารสงเคราะห์", "Government Housing Bank"),
    "uob": ("ธนาคารยูโอบี", "UOB Thailand"),
    "cimbt": ("ธนาคารซีไอเอ็มบี ไทย", "CIMB Thai Bank"),
    "kkp": ("ธนาคารเกียรตินาคินภัทร", "Kiatnakin Phatra Bank"),
    "lhbank": ("ธนาคารแลนด์ แอนด์ เฮ้าส์", "Land and Houses Bank"),
    "tisco": ("ธนาคารทิสโก้", "TISCO Bank"),
    "icbct": ("ธนาคารไอซีบีซี (ไทย)", "ICBC (Thai)"),
    "ibank": ("ธนาคารอิสลามแห่งประเทศไทย", "Islamic Bank of Thailand"),
    "demo-bank": ("ธนาคารสาธิต", "Demo bank"),
}


def bank_name(code: str) -> tuple[str, str]:
    """The bank's Thai and English names; its code twice when it is not one we know."""
    return BANK_NAMES.get(code, (code, code))


def bank_names(code: str) -> dict[str, str]:
    """As an API view's ``bank_name_th`` and ``bank_name_en`` fields."""
    name_th, name_en = bank_name(code)
    return {"bank_name_th": name_th, "bank_name_en": name_en}
