-- The upload quota sums a citizen's files, the recently removed ones too; the collector of stored
-- files asks, digest by digest, whether a live upload or an issued document still references one.
CREATE INDEX application_files_quota ON application_files (application_id, removed_at);
CREATE INDEX application_files_sha256 ON application_files (sha256) WHERE removed_at IS NULL;
CREATE INDEX documents_sha256 ON documents (sha256);
