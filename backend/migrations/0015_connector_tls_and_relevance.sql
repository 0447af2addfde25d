-- Connectors may authenticate with a client TLS certificate (its private key is the encrypted
-- secret), may name the CA that signed the agency's server certificate (a government CA the
-- system trust store lacks), and may say which citizens they are relevant to by age, so that an
-- agency is never asked about someone it could have nothing for (the elderly allowance about a
-- 25-year-old): fewer calls, and less of a citizen's data leaving the platform.
ALTER TABLE connectors DROP CONSTRAINT connectors_auth_kind_check;
ALTER TABLE connectors ADD CONSTRAINT connectors_auth_kind_check
    CHECK (auth_kind IN ('none', 'api_key', 'oauth_client_credentials', 'client_tls'));
ALTER TABLE connectors
    ADD COLUMN client_certificate_pem text CHECK (length(client_certificate_pem) <= 20000),
    ADD COLUMN server_ca_pem text CHECK (length(server_ca_pem) <= 50000),
    ADD COLUMN min_age integer CHECK (min_age BETWEEN 0 AND 150),
    ADD COLUMN max_age integer CHECK (max_age BETWEEN 0 AND 150),
    ADD CONSTRAINT connectors_client_tls_has_certificate
        CHECK (auth_kind <> 'client_tls' OR client_certificate_pem IS NOT NULL),
    ADD CONSTRAINT connectors_age_range CHECK (min_age IS NULL OR max_age IS NULL OR min_age <= max_age);
