-- An agency's console shows each connector's calls and failures of the last 24 hours: read by
-- connector and time, not by scanning the agency's whole data-access log.
CREATE INDEX data_access_log_connector_at ON data_access_log (connector_id, at DESC) WHERE connector_id IS NOT NULL;
