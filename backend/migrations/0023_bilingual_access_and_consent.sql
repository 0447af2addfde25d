-- Everything a citizen reads about access to their data comes in Thai and English: a connector
-- registers its purpose and the data it returns in both, a consent keeps both as they read when it
-- was given, and every data-access record carries both (the platform's own purposes were English
-- only). A connector also declares how long a consent to it lasts, shown before the citizen agrees.
-- Each record says what kind of access it was, so that the citizen can filter by it.

ALTER TABLE connectors RENAME COLUMN purpose TO purpose_en;
ALTER TABLE connectors RENAME COLUMN fields TO fields_en;
ALTER TABLE connectors RENAME CONSTRAINT connectors_purpose_check TO connectors_purpose_en_check;
-- Connectors registered before this said it in English only; their agencies give the Thai when they
-- next change them.
ALTER TABLE connectors
    ADD COLUMN purpose_th text,
    ADD COLUMN fields_th text[],
    ADD COLUMN consent_days integer NOT NULL DEFAULT 365 CHECK (consent_days BETWEEN 1 AND 730);
UPDATE connectors SET purpose_th = purpose_en, fields_th = fields_en;
ALTER TABLE connectors
    ALTER COLUMN purpose_th SET NOT NULL,
    ALTER COLUMN fields_th SET NOT NULL,
    ALTER COLUMN fields_th SET DEFAULT '{}',
    ADD CONSTRAINT connectors_purpose_th_check CHECK (length(purpose_th) BETWEEN 1 AND 300),
    ADD CONSTRAINT connectors_fields_pairs CHECK (cardinality(fields_th) = cardinality(fields_en));

ALTER TABLE consents RENAME COLUMN purpose TO purpose_en;
ALTER TABLE consents ADD COLUMN purpose_th text;
UPDATE consents SET purpose_th = purpose_en;
ALTER TABLE consents ALTER COLUMN purpose_th SET NOT NULL;

ALTER TABLE data_access_log RENAME COLUMN purpose TO purpose_en;
ALTER TABLE data_access_log RENAME COLUMN fields TO fields_en;
ALTER TABLE data_access_log RENAME COLUMN detail TO detail_en;
ALTER TABLE data_access_log
    ADD COLUMN purpose_th text,
    ADD COLUMN fields_th text[],
    ADD COLUMN detail_th text,
    ADD COLUMN kind text;

-- Records written before: the platform's own wording translated, a connector's from the connector.
UPDATE data_access_log l SET
    kind = CASE
        WHEN l.connector_id IS NOT NULL THEN 'agency_call'
        WHEN l.actor_kind = 'share_recipient' OR l.purpose_en LIKE 'You shared a document: %' THEN 'document_share'
        ELSE 'staff_lookup'
    END,
    purpose_th = coalesce(
        (SELECT c.purpose_th FROM connectors c WHERE c.id = l.connector_id AND c.purpose_en = l.purpose_en),
        CASE
            WHEN l.purpose_en LIKE 'You shared a document: %'
                THEN 'คุณแชร์เอกสาร: ' || substr(l.purpose_en, 24)
            WHEN l.purpose_en LIKE 'Someone you gave a link opened your document: %'
                THEN 'ผู้ได้รับลิงก์จากคุณเปิดเอกสาร: ' || substr(l.purpose_en, 47)
            WHEN l.purpose_en = 'Support looked at your applications' THEN 'เจ้าหน้าที่ดูคำขอของคุณ'
            WHEN l.purpose_en LIKE 'Support opened a file of your application %'
                THEN 'เจ้าหน้าที่เปิดไฟล์ในคำขอ ' || substr(l.purpose_en, 43)
            WHEN l.purpose_en LIKE 'Opened: application %'
                THEN 'หน่วยงานเปิดดูคำขอ ' || substr(l.purpose_en, 21)
            WHEN l.purpose_en LIKE 'Downloaded a file: application %'
                THEN 'หน่วยงานดาวน์โหลดไฟล์ในคำขอ ' || substr(l.purpose_en, 32)
            WHEN l.purpose_en LIKE 'Sending your application % to the agency'
                THEN 'ส่งคำขอ ' || substr(l.purpose_en, 26, length(l.purpose_en) - 39) || ' ไปยังหน่วยงาน'
            WHEN l.purpose_en = 'Support staff searched messages sent to you'
                THEN 'เจ้าหน้าที่ค้นหาข้อความที่ส่งถึงคุณ'
            WHEN l.purpose_en = 'Support staff looked you up by your national ID'
                THEN 'เจ้าหน้าที่ค้นหาคุณด้วยเลขประจำตัวประชาชน'
            WHEN l.purpose_en = 'Support staff looked at your messages and devices'
                THEN 'เจ้าหน้าที่ดูข้อความและอุปกรณ์ของคุณ'
            WHEN l.purpose_en = 'Support staff pushed a message to your devices again'
                THEN 'เจ้าหน้าที่ส่งข้อความไปยังอุปกรณ์ของคุณอีกครั้ง'
            WHEN l.purpose_en = 'Support staff looked at your bills and payments'
                THEN 'เจ้าหน้าที่ดูบิลและการชำระเงินของคุณ'
        END,
        l.purpose_en
    ),
    fields_th = coalesce(
        (SELECT array_agg(coalesce(w.th, u.item) ORDER BY u.n)
         FROM unnest(l.fields_en) WITH ORDINALITY AS u(item, n)
         LEFT JOIN (VALUES
             ('name', 'ชื่อ'), ('national ID', 'เลขประจำตัวประชาชน'), ('birth date', 'วันเกิด'),
             ('answers', 'คำตอบในคำขอ'), ('files', 'ไฟล์ที่แนบ'), ('document', 'เอกสาร'),
             ('applications', 'คำขอ'), ('file names', 'ชื่อไฟล์'), ('timelines', 'ความคืบหน้าของคำขอ'),
             ('notifications', 'ข้อความแจ้งเตือน'), ('devices', 'อุปกรณ์'),
             ('national_id (masked)', 'เลขประจำตัวประชาชน (ปิดบางส่วน)'), ('bills', 'บิล'),
             ('payments', 'การชำระเงิน'), ('receipts', 'ใบเสร็จ')
         ) AS w(en, th) ON w.en = u.item),
        '{}'
    ),
    detail_th = CASE
        WHEN l.detail_en IS NULL THEN NULL
        WHEN l.detail_en = 'the link was already used' THEN 'ลิงก์นี้ถูกใช้ไปแล้ว'
        WHEN l.detail_en = 'the link was withdrawn' THEN 'ลิงก์นี้ถูกยกเลิกแล้ว'
        WHEN l.detail_en = 'the link had expired' THEN 'ลิงก์นี้หมดอายุแล้ว'
        ELSE l.detail_en
    END;

ALTER TABLE data_access_log
    ALTER COLUMN purpose_th SET NOT NULL,
    ALTER COLUMN fields_th SET NOT NULL,
    ALTER COLUMN fields_th SET DEFAULT '{}',
    ALTER COLUMN kind SET NOT NULL,
    ADD CONSTRAINT data_access_log_kind_check CHECK (kind IN ('agency_call', 'staff_lookup', 'document_share')),
    ADD CONSTRAINT data_access_log_fields_pairs CHECK (cardinality(fields_th) = cardinality(fields_en)),
    ADD CONSTRAINT data_access_log_detail_pairs CHECK ((detail_th IS NULL) = (detail_en IS NULL));
-- The citizen's page filtered by agency or by kind, newest first.
CREATE INDEX data_access_log_citizen_kind ON data_access_log (citizen_id, kind, id DESC);
CREATE INDEX data_access_log_citizen_agency ON data_access_log (citizen_id, agency_id, id DESC);
