"""Demo data, loaded only in demo mode and safe to load again (it never overwrites edits)."""

from __future__ import annotations

from backend.core.db import Connection

DEMO_AGENCIES = (
    # code, Thai name, English name, contact e-mail
    ("demo-water", "การประปาสาธิต", "Demo Waterworks Authority", "support@water.demo.invalid"),
    ("demo-power", "การไฟฟ้าสาธิต", "Demo Electricity Authority", "support@power.demo.invalid"),
    ("demo-welfare", "กรมสวัสดิการสาธิต", "Demo Department of Social Welfare", "help@welfare.demo.invalid"),
    ("demo-education", "สำนักงานการศึกษาสาธิต", "Demo Basic Education Office", "help@education.demo.invalid"),
)


async def seed_demo_data(connection: Connection) -> None:
    async with connection.transaction():
        await connection.executemany(
            """
            INSERT INTO agencies (code, name_th, name_en, contact_email, status, is_demo)
            VALUES ($1, $2, $3, $4, 'approved', true)
            ON CONFLICT (code) DO NOTHING
            """,
            DEMO_AGENCIES,
        )
