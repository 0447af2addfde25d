"""The demo identity provider's people: citizens in a variety of situations, and one staff member per
role. Their national IDs are valid (check digit) but fictitious. Demo mode only."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DemoPerson:
    key: str
    national_id: str
    name_th: str
    name_en: str
    birthdate: str
    gender: str
    situation: str
    role: str | None = None
    """A staff role granted at seeding; agency roles are for ``agency``."""
    agency: str = "demo-welfare"


DEMO_PEOPLE: tuple[DemoPerson, ...] = (
    DemoPerson("somchai", "3101200581231", "สมชาย ใจดี", "Somchai Jaidee", "1958-03-14", "male",
               "Retired, 68: elderly allowance"),
    DemoPerson("malee", "1100700945129", "มาลี สุขใจ", "Malee Sukjai", "1994-07-02", "female",
               "New mother: child support grant for a baby born this year"),
    DemoPerson("thana", "1103702012343", "ธนา รักเรียน", "Thana Rakrian", "2008-11-20", "male",
               "Student, 18: student loan and first-time voter"),
    DemoPerson("wipa", "1509900765439", "วิภา ทำงาน", "Wipa Thamngan", "1988-05-09", "female",
               "Employee with social security"),
    DemoPerson("prayoon", "3401100456784", "ประยูร มั่นคง", "Prayoon Mankhong", "1975-01-30", "male",
               "Disability card holder"),
    DemoPerson("boonmee", "3700500123452", "บุญมี พอเพียง", "Boonmee Phophiang", "1969-09-12", "female",
               "Low income: state welfare card"),
    DemoPerson("suda", "3101200581249", "สุดา ใจดี", "Suda Jaidee", "1984-06-21", "female",
               "Daughter and carer of an elderly father: acts for him in the app"),
    DemoPerson("kanda", "1101500334411", "กานดา ผู้ดูแล", "Kanda Phudulae", "1985-02-11", "female",
               "Staff: agency administrator, Demo Department of Social Welfare", role="agency_admin"),
    DemoPerson("niran", "1101500334429", "นิรันดร์ เขียนดี", "Niran Khiandee", "1990-06-25", "male",
               "Staff: agency editor, Demo Department of Social Welfare", role="agency_editor"),
    DemoPerson("pim", "1101500334437", "พิมพ์ ส่งข่าว", "Pim Songkhao", "1992-12-01", "female",
               "Staff: agency sender, Demo Department of Social Welfare", role="agency_sender"),
    DemoPerson("dara", "1101500334461", "ดารา ตรวจสอบ", "Dara Truatsop", "1991-10-05", "female",
               "Staff: case officer, Demo Basic Education Office", role="agency_officer",
               agency="demo-education"),
    DemoPerson("siri", "1101500334445", "ศิริ ช่วยเหลือ", "Siri Chuailuea", "1987-08-18", "female",
               "Staff: support", role="support"),
    DemoPerson("anan", "1101500334453", "อนันต์ ดูแลระบบ", "Anan Dulaerabop", "1980-04-04", "male",
               "Staff: platform administrator", role="platform_admin"),
    DemoPerson("somsri", "1101500334470", "สมศรี ใจงาม", "Somsri Jai-ngam", "1983-01-15", "female",
               "Staff: counter staff at a district office, helps people for an hour", role="counter_staff"),
)  # fmt: skip

DEMO_PEOPLE_BY_KEY = {person.key: person for person in DEMO_PEOPLE}


@dataclass(frozen=True, slots=True)
class DemoFamily:
    """A relationship the demo civil registry (``parent``) or guardianship registry (``guardian``)
    confirms. The children have never logged in: adding one makes their row."""

    relationship: str
    adult: str
    """The adult's key among ``DEMO_PEOPLE``."""
    child_national_id: str
    child_name_th: str
    child_name_en: str
    child_birthdate: str


DEMO_FAMILIES: tuple[DemoFamily, ...] = (
    DemoFamily("parent", "malee", "1100701234561", "เด็กชายภูมิ สุขใจ", "Phum Sukjai", "2019-04-13"),
    DemoFamily("guardian", "boonmee", "1700501234561", "เด็กหญิงน้ำฝน พอเพียง", "Namfon Phophiang", "2016-08-09"),
)  # fmt: skip
